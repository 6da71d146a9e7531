"""Recording a call's outcome on the case page (`action_complete`): htmx, CSRF, who may, and
bad input beside its field with nothing written."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from arrears.apps.accounts.services import access_policy_set
from arrears.apps.cases.models import Action
from tests.factories import admin
from tests.web.conftest import THU, signed_in, written

pytestmark = pytest.mark.django_db


def _url(w, action=None, case=None, company="acme"):
    a = action or w.call
    return f"/desk/{company}/cases/{(case or a.case).pk}/actions/{a.pk}/done/"


GOOD = {"outcome": "reached", "note": "pays Friday", "on": THU.isoformat()}


def _csrf_client(person) -> tuple[Client, str]:
    client = signed_in(person, csrf=True)
    page = client.get(f"/desk/acme/cases/{Action.objects.get(pk=person_call(person)).case_id}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client, token.group(1)


def person_call(person) -> int:
    return Action.objects.get(case__debtor__owner=person, status="open").pk


def test_a_collector_records_a_call_s_outcome_and_sees_it_on_the_timeline(w):
    client, token = _csrf_client(w.cora)
    response = client.post(_url(w), {**GOOD, "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    a = Action.objects.get(pk=w.call.pk)
    assert (a.status, a.outcome, a.note, a.done_on, a.done_by) == (
        "done",
        "reached",
        "pays Friday",
        THU,
        w.cora,
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="case-live"') and "<html" not in text
    assert f"call (A{w.call.pk}, phone) done: reached; note: pays Friday" in text


def test_a_plain_form_post_is_sent_back_to_the_case_page(w):
    client, token = _csrf_client(w.cora)
    response = client.post(_url(w), {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == f"/desk/acme/cases/{w.case.pk}/"
    assert Action.objects.get(pk=w.call.pk).status == "done"


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(w):
    before = written()
    response = signed_in(w.cora, csrf=True).post(_url(w), GOOD)
    assert response.status_code == 403 and written() == before


def test_an_anonymous_post_is_sent_to_sign_in_and_writes_nothing(w):
    before = written()
    response = Client().post(_url(w), GOOD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert written() == before


def test_a_get_is_not_how_an_outcome_is_recorded(w):
    assert signed_in(w.cora).get(_url(w)).status_code == 405


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"outcome": "paid_in_gold"}, "outcome", "is not how a call ends"),
        ({"on": "2099-13-45"}, "on", "Enter a valid date"),
        ({"on": ""}, "on", "This field is required"),
        ({"on": "2199-01-01"}, "on", "is after today"),
        ({"on": "2025-01-01"}, "on", "days before action"),
        ({"note": "x" * 2001}, "note", "at most 2000 characters"),
    ],
)
def test_bad_input_is_said_beside_its_field_and_writes_nothing(w, data, field, words):
    before = written()
    response = signed_in(w.cora).post(_url(w), {**GOOD, **data}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and written() == before
    text = response.content.decode()
    beside = re.search(
        rf'id="{field}-{w.call.pk}".*?(<span class="error"[^>]*>[^<]*</span>)', text, re.S
    )
    assert beside is not None and words in beside.group(1), text


def test_another_collector_is_refused_and_nothing_is_written(w):
    before = written()
    response = signed_in(w.carl).post(_url(w), GOOD)
    assert response.status_code == 403 and written() == before


def test_another_collector_who_may_read_the_case_still_may_not_record_on_it(w):
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    before = written()
    response = signed_in(w.carl).post(_url(w), GOOD, HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and written() == before
    assert b"does not own this account" in response.content


def test_sales_may_not_record_an_outcome_and_nothing_is_written(w):
    before = written()
    response = signed_in(w.sam).post(_url(w), GOOD)
    assert response.status_code == 403 and written() == before


def test_the_credit_manager_records_an_outcome_on_any_case_of_the_company(w):
    response = signed_in(w.maria).post(_url(w), GOOD)
    assert response.status_code == 302 and Action.objects.get(pk=w.call.pk).done_by == w.maria


def test_another_company_s_action_or_case_is_not_found_and_nothing_is_written(w):
    before = written()
    rival = Action.objects.get(case=w.rival, status="open")
    assert signed_in(w.cora).post(_url(w, rival, case=w.case), GOOD).status_code == 404
    assert signed_in(w.olga).post(_url(w), GOOD).status_code == 404
    assert signed_in(w.olga).post(_url(w, company="globex"), GOOD).status_code == 404
    assert written() == before


def test_an_action_of_another_case_of_the_company_is_not_found(w):
    before = written()
    carls = Action.objects.get(case=w.carls, status="open")
    assert signed_in(w.maria).post(_url(w, carls, case=w.case), GOOD).status_code == 404
    assert written() == before
