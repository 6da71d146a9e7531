from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_sends_an_anonymous_visitor_to_the_login_page():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_admin_sends_an_anonymous_visitor_to_its_login_page():
    response = Client().get("/admin/cases/case/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/cases/case/"


def test_the_login_page_itself_is_open_and_carries_a_csrf_token():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content


def test_posts_without_a_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_a_collector_without_staff_rights_cannot_open_the_admin(django_user_model):
    user = django_user_model.objects.create_user("cora", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.get("/admin/cases/case/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _logged_in(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def test_a_logged_in_user_is_sent_to_the_worklist_of_their_company():
    from tests import factories

    acme = factories.company()
    cora = factories.collector("cora", acme)
    response = _logged_in(cora).get("/", follow=True)
    assert response.redirect_chain == [("/desk/acme/worklist/", 302)]
    assert response.status_code == 200 and b"Acme GmbH" in response.content
    assert b"csrfmiddlewaretoken" in response.content  # the log-out form posts with its token


def test_a_member_of_globex_does_not_see_acme():
    from tests import factories

    factories.company()  # acme, with its administrator
    globex = factories.company("globex")
    gus = factories.collector("gus", globex)
    response = _logged_in(gus).get("/", follow=True)
    assert response.status_code == 200
    assert b"Globex GmbH" in response.content and b"Acme" not in response.content


def test_a_logged_in_user_of_no_company_sees_an_empty_page_saying_so(django_user_model):
    from tests import factories

    factories.company()
    nobody = django_user_model.objects.create_user("nora", password="a-long-password-1")
    response = _logged_in(nobody).get("/")
    assert response.status_code == 200 and b"Acme" not in response.content
    assert b"You belong to no company yet" in response.content


def test_an_inactive_member_no_longer_sees_the_company():
    from arrears.apps.accounts.models import Membership
    from tests import factories

    acme = factories.company()
    cora = factories.collector("cora", acme)
    Membership.objects.filter(person=cora).update(active=False)
    assert b"Acme" not in _logged_in(cora).get("/").content


def test_the_overview_reads_the_person_s_companies_then_three_queries_each(
    django_assert_num_queries,
):
    from datetime import date

    from arrears.apps.cases.selectors import company_overview
    from tests import factories

    acme = factories.company()
    cora = factories.collector("cora", acme)
    factories.company("globex")  # not cora's: not even counted
    with django_assert_num_queries(5):  # memberships, companies, then 3 for acme
        rows = company_overview(actor=cora, as_of=date(2026, 11, 25))
    assert [r["company"] for r in rows] == [acme]
