"""People and roles, and the interest regime, on the settings pages (issue #15): an
administrator adds a person, changes a role, ends a membership, sets a reporting line and
chooses the jurisdiction whose late-interest regime the company applies, through the services
the terminal uses (`arrears people`, `arrears setup --jurisdiction`), each audited. A credit
manager sees the people and the regime but may not change them; a collector, sales, another
company's administrator and an anonymous visitor are refused; bad input stands beside its
field; none of them writes anything; CSRF is enforced."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from arrears.apps.accounts.models import AuditEvent, Membership
from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.models import Company
from arrears.domain.access import PersonRole
from tests.factories import admin
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

PEOPLE = "/desk/acme/settings/people/"
INTEREST = "/desk/acme/settings/interest/"

ADD = {
    "do": "add",
    "add-username": "nina",
    "add-role": "collector",
    "add-name": "Nina Novak",
    "add-email": "nina@acme.example",
    "add-manager": "maria",
}
ROLE = {"do": "role", "role-username": "carl", "role-role": "legal"}
END = {"do": "end", "end-username": "carl"}
MANAGER = {"do": "manager", "manager-username": "cora", "manager-manager": "maria"}
JURISDICTION = {"jurisdiction": "FR"}
POSTS = [
    (PEOPLE, ADD),
    (PEOPLE, ROLE),
    (PEOPLE, END),
    (PEOPLE, MANAGER),
    (INTEREST, JURISDICTION),
]


def written() -> tuple[object, ...]:
    """Everything these forms could change, and the audit trail."""
    return (
        list(
            Membership.objects.order_by("id").values_list(
                "person__username", "company__code", "role", "active", "reports_to__username"
            )
        ),
        get_user_model().objects.count(),
        list(Company.objects.order_by("code").values_list("code", "jurisdiction")),
        AuditEvent.objects.count(),
    )


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def error_beside(response: Any, field_id: str) -> str:
    found = re.search(rf'id="{field_id}-error">([^<]*)<', response.content.decode())
    assert found is not None, f"no error beside {field_id}"
    return html.unescape(found.group(1))


def membership(username: str, company: Company) -> Membership:
    return Membership.objects.select_related("reports_to").get(
        person__username=username, company=company
    )


# --- who may ---------------------------------------------------------------------------------


def test_an_administrator_opens_people_and_interest_and_sees_their_forms(w):
    people = signed_in(admin()).get(PEOPLE)
    assert people.status_code == 200
    assert 'id="member-add"' in people.content.decode()
    assert 'id="member-role"' in people.content.decode()
    interest = signed_in(admin()).get(INTEREST)
    assert interest.status_code == 200 and 'id="jurisdiction"' in interest.content.decode()
    # the header's settings link takes an administrator to the people
    page = signed_in(admin()).get("/desk/acme/worklist/").content.decode()
    assert 'href="/desk/acme/settings/people/">Settings</a>' in page


def test_a_credit_manager_sees_people_and_regime_without_the_administrator_s_forms(w):
    people = signed_in(w.maria).get(PEOPLE).content.decode()
    assert 'id="member-add"' not in people and 'id="assign-one"' in people
    assert "arrears people" in people
    interest = signed_in(w.maria).get(INTEREST).content.decode()
    assert 'id="jurisdiction"' not in interest


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_every_people_and_regime_form_refuses_the_wrong_person_and_writes_nothing(w, url, data):
    globex_admin = user_ensure(username="gus", role=PersonRole.ADMINISTRATOR, company=w.globex)
    before = written()
    for person in (w.cora, w.sam):
        response = signed_in(person).post(url, data)
        assert response.status_code == 403
        assert "only credit managers may change the settings" in text_of(response)
    response = signed_in(w.maria).post(url, data)  # a credit manager: not an administrator
    assert response.status_code == 403 and "only administrators" in text_of(response)
    assert signed_in(w.olga).post(url, data).status_code == 404
    assert signed_in(globex_admin).post(url, data).status_code == 404
    response = Client().post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert written() == before


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_every_people_and_regime_form_needs_the_csrf_token(w, url, data):
    before = written()
    client = signed_in(admin(), csrf=True)
    assert client.post(url, data).status_code == 403
    assert written() == before
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    assert client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)}).status_code in (
        200,
        302,
    )


# --- people and roles ------------------------------------------------------------------------


def test_an_administrator_adds_a_person_who_reports_to_the_credit_manager(w):
    audits = AuditEvent.objects.count()
    response = signed_in(admin()).post(PEOPLE, ADD)
    assert response.status_code == 200
    assert "nina is collector in acme (new person)" in text_of(response)
    m = membership("nina", w.acme)
    assert (m.role, m.active, m.reports_to) == (PersonRole.COLLECTOR, True, w.maria)
    assert m.person.email == "nina@acme.example" and m.person.get_full_name() == "Nina Novak"
    assert AuditEvent.objects.filter(action="accounts.member_add").count() == 1
    assert AuditEvent.objects.count() > audits
    assert "Nina Novak" in text_of(signed_in(admin()).get(PEOPLE))


def test_adding_the_same_person_twice_changes_nothing(w):
    signed_in(admin()).post(PEOPLE, ADD)
    before = Membership.objects.filter(person__username="nina").count()
    response = signed_in(admin()).post(PEOPLE, ADD)
    assert response.status_code == 200
    assert Membership.objects.filter(person__username="nina").count() == before == 1


def test_an_administrator_changes_a_role_and_ends_a_membership(w):
    response = signed_in(admin()).post(PEOPLE, ROLE)
    assert "carl is now legal in acme (was collector)" in text_of(response)
    assert membership("carl", w.acme).role == PersonRole.LEGAL
    response = signed_in(admin()).post(PEOPLE, END)
    assert "carl no longer acts in acme" in text_of(response)
    assert membership("carl", w.acme).active is False
    assert "carl" not in re.findall(
        r"<td>(\w+)</td>", signed_in(admin()).get(PEOPLE).content.decode()
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.member_role", "accounts.member_deactivate"} <= actions


def test_an_administrator_sets_and_clears_who_a_person_reports_to(w):
    signed_in(admin()).post(PEOPLE, MANAGER)
    assert membership("cora", w.acme).reports_to == w.maria
    signed_in(admin()).post(PEOPLE, {**MANAGER, "manager-manager": ""})
    assert membership("cora", w.acme).reports_to is None
    assert AuditEvent.objects.filter(action="accounts.reports_to").count() == 2


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**ADD, "add-username": "two words"}, "id_add-username", "two words"),
        ({**ADD, "add-username": "carl", "add-role": "legal"}, "id_add-username", "already"),
        ({**ADD, "add-email": "not-an-email"}, "id_add-email", "email"),
        ({**ADD, "add-role": "boss"}, "id_add-role", "boss"),
        ({**ADD, "add-manager": "olga"}, "id_add-manager", "olga"),
        ({**ADD, "add-username": ""}, "id_add-username", "required"),
        ({**ROLE, "role-username": "olga"}, "id_role-username", "olga"),
        ({**ROLE, "role-username": "admin", "role-role": "collector"}, "id_role-username", "admin"),
        ({**END, "end-username": "nobody"}, "id_end-username", "nobody"),
        ({**MANAGER, "manager-manager": "cora"}, "id_manager-manager", "cora"),
        ({**MANAGER, "manager-manager": "olga"}, "id_manager-manager", "olga"),
    ],
)
def test_bad_people_input_is_refused_beside_its_field_and_writes_nothing(w, data, field, words):
    Membership.objects.filter(company=w.acme, role=PersonRole.ADMINISTRATOR).exclude(
        person=admin()
    ).delete()  # admin is acme's last administrator
    before = written()
    response = signed_in(admin()).post(PEOPLE, data)
    assert response.status_code == 422
    assert words in error_beside(response, field)
    assert written() == before


def test_a_collector_who_made_a_loop_of_reporting_lines_is_refused(w):
    signed_in(admin()).post(PEOPLE, MANAGER)  # cora reports to maria
    before = written()
    loop = {"do": "manager", "manager-username": "maria", "manager-manager": "cora"}
    response = signed_in(admin()).post(PEOPLE, loop)
    assert response.status_code == 422 and "cora" in error_beside(response, "id_manager-manager")
    assert written() == before


# --- the interest regime ---------------------------------------------------------------------


def test_an_administrator_applies_another_jurisdiction_s_regime_and_it_is_audited(w):
    response = signed_in(admin()).post(INTEREST, JURISDICTION)
    assert response.status_code == 302
    assert Company.objects.get(pk=w.acme.pk).jurisdiction == "FR"
    assert AuditEvent.objects.filter(action="company.setup", object_id=str(w.acme.pk)).exists()
    page = text_of(signed_in(w.maria).get(INTEREST))
    assert "L441-10" in page or "commerce" in page.lower()
    assert Company.objects.get(pk=w.globex.pk).jurisdiction != "FR"  # the other keeps its own


def test_an_unknown_jurisdiction_is_refused_beside_the_field_and_writes_nothing(w):
    before = written()
    response = signed_in(admin()).post(INTEREST, {"jurisdiction": "XX"})
    assert response.status_code == 422
    assert "XX" in error_beside(response, "id_jurisdiction")
    assert written() == before
