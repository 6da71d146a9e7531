"""The Django admin opens for administrators only (staff who hold an active administrator
role, or the installation's superuser), and shows them the arrears records to read; a
collector, a credit manager or sales marked staff by mistake is still refused, and nobody
writes there."""

from __future__ import annotations

import pytest
from django.test import Client

from arrears.apps.accounts.models import Membership
from arrears.apps.cases.models import Case
from tests.factories import admin
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


def _staff(person):
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    return person


def test_an_anonymous_visitor_is_sent_to_the_admin_s_sign_in(w):
    response = Client().get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("who", ["cora", "maria", "sam", "olga"])
def test_people_who_are_not_administrators_are_refused_even_marked_staff(w, who):
    person = _staff(getattr(w, who))
    client = signed_in(person)
    for url in ("/admin/", f"/admin/cases/case/{w.case.pk}/change/", "/admin/cases/case/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_an_administrator_not_marked_staff_is_refused(w):
    response = signed_in(admin()).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_staff_administrator_reads_the_records_and_changes_none(w):
    client = signed_in(_staff(admin()))
    index = client.get("/admin/")
    assert index.status_code == 200 and b"/admin/cases/case/" in index.content
    assert client.get(f"/admin/cases/case/{w.case.pk}/change/").status_code == 200
    response = client.post(f"/admin/cases/case/{w.case.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    assert Case.objects.get(pk=w.case.pk).status == "open"


def test_an_administrator_whose_role_ended_is_refused(w):
    person = _staff(admin())
    Membership.objects.filter(person=person).update(active=False)
    response = signed_in(person).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_s_own_sign_in_applies_the_same_rule(w):
    """A collector marked staff who types their password into the admin's sign-in gets no
    further than the sign-in form."""
    cora = _staff(w.cora)
    cora.set_password("a-long-password-1")
    cora.save()
    client = Client()
    client.post("/admin/login/", {"username": "cora", "password": "a-long-password-1"})
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
