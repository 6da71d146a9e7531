"""On the case page, what the terminal does already: ask for a fee to be waived (`arrears fee
waive`: it waits on the approvals page for a credit manager who did not ask) and record a
debtor's acknowledgement (`arrears acknowledge`: it restarts the item's limitation). The same
services; htmx and plain posts; CSRF; refusals beside their field; the anonymous, another
company's person, sales and another collector refused, and nothing written."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import access_policy_set
from arrears.apps.common.decisions import waiting
from arrears.apps.communications.models import Acknowledgement, Fee, FeeWaiver
from arrears.apps.ledger.models import OpenItem
from tests.factories import admin
from tests.web.conftest import AS_OF, signed_in

pytestmark = pytest.mark.django_db


def _fee(debtor, company) -> Fee:
    item = OpenItem.objects.filter(debtor=debtor).order_by("id").first()
    return Fee.objects.create(
        company=company, item=item, step=1, step_code="reminder", kind="fixed",
        amount_minor=5_00, currency=item.currency, charged_on=AS_OF,
    )  # fmt: skip


@pytest.fixture
def fees(w):
    """A reminder fee on cora's case, and one on carl's (another case of the company)."""
    return _fee(w.debtor, w.acme), _fee(w.carls.debtor, w.acme)


def _item(case) -> str:
    return OpenItem.objects.filter(debtor=case.debtor).order_by("id").first().number


def _waive_url(w, case=None, company="acme"):
    return f"/desk/{company}/cases/{(case or w.case).pk}/fees/waive/"


def _ack_url(w, case=None, company="acme"):
    return f"/desk/{company}/cases/{(case or w.case).pk}/acknowledge/"


def _waive(fee, reason="first delay in ten years"):
    return {"waive-fee": str(fee.pk), "waive-reason": reason}


def _ack(w, **over):
    data = {"ack-item": _item(w.case), "ack-on": AS_OF.isoformat(), "ack-kind": "written",
            "ack-note": "signed balance confirmation"}  # fmt: skip
    data.update({f"ack-{k}": v for k, v in over.items()})
    return data


def written() -> tuple[int, int, int]:
    return FeeWaiver.objects.count(), Acknowledgement.objects.count(), AuditEvent.objects.count()


def _beside(response, field: str) -> str:
    """The error said beside a field (the panel's `<span class="error" id="id_<field>-error">`)."""
    found = re.search(rf'id="id_{field}-error">([^<]*)<', response.content.decode())
    assert found is not None, response.content.decode()
    return found.group(1)


def test_the_case_page_offers_both_forms_to_whoever_may_act_on_the_case(w, fees):
    text = signed_in(w.cora).get(f"/desk/acme/cases/{w.case.pk}/").content.decode()
    assert 'id="fee-waive"' in text and 'id="acknowledge"' in text
    assert f'<option value="{fees[0].pk}"' in text and f'value="{fees[1].pk}"' not in text
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    seen = signed_in(w.carl).get(f"/desk/acme/cases/{w.case.pk}/").content.decode()
    assert 'id="costs"' in seen and 'id="fee-waive"' not in seen  # reads, may not act


def test_a_collector_asks_to_waive_a_fee_and_it_waits_for_the_credit_manager(w, fees):
    response = signed_in(w.cora).post(_waive_url(w), _waive(fees[0]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="case-costs"') and "<html" not in text
    assert f"fee {fees[0].pk}:" in text and "owed, waiver asked" in text
    row = FeeWaiver.objects.get(fee=fees[0])
    assert (row.status, row.requested_by, row.reason) == (
        "requested",
        w.cora,
        "first delay in ten years",
    )
    assert AuditEvent.objects.filter(action="fee.waiver_requested", actor=w.cora).count() == 1
    [asked] = [x for x in waiting(actor=w.maria, company=w.acme) if x.kind == "fee"]
    assert (asked.id, asked.requested_by) == (fees[0].pk, "cora")
    # asked once: the fee is no longer offered
    again = signed_in(w.cora).get(f"/desk/acme/cases/{w.case.pk}/").content.decode()
    assert 'id="fee-waive"' not in again


def test_a_plain_post_goes_back_to_the_case_page(w, fees):
    response = signed_in(w.cora).post(_waive_url(w), _waive(fees[0]))
    assert response.status_code == 302 and response["Location"] == f"/desk/acme/cases/{w.case.pk}/"
    assert FeeWaiver.objects.filter(fee=fees[0]).exists()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"waive-reason": ""}, "waive-reason", "This field is required"),
        ({"waive-reason": "x" * 2001}, "waive-reason", "at most 2000 characters"),
        ({"waive-fee": "abc"}, "waive-fee", "Select a valid choice"),
        ({"waive-fee": "CARLS"}, "waive-fee", "Select a valid choice"),  # another case's fee
    ],
)
def test_bad_waiver_input_is_said_beside_its_field_and_writes_nothing(w, fees, data, field, words):
    data = {k: (str(fees[1].pk) if v == "CARLS" else v) for k, v in data.items()}
    before = written()
    response = signed_in(w.cora).post(
        _waive_url(w), {**_waive(fees[0]), **data}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and written() == before
    assert words in _beside(response, field)


def test_a_fee_already_asked_about_is_refused_beside_it(w, fees):
    signed_in(w.maria).post(_waive_url(w), _waive(fees[0]))
    before = written()
    response = signed_in(w.cora).post(_waive_url(w), _waive(fees[0]))
    assert response.status_code == 422 and written() == before
    assert "Select a valid choice" in _beside(response, "waive-fee")


def test_a_collector_records_an_acknowledgement_of_an_item_of_the_case(w):
    response = signed_in(w.cora).post(_ack_url(w), _ack(w), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="case-costs"')
    row = Acknowledgement.objects.get()
    assert (row.item.number, row.on, row.kind, row.note, row.recorded_by) == (
        _item(w.case),
        AS_OF,
        "written",
        "signed balance confirmation",
        w.cora,
    )
    entry = AuditEvent.objects.get(action="limitation.acknowledged")
    assert entry.actor == w.cora and entry.detail["item"] == _item(w.case)


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"on": "2199-01-01"}, "ack-on", "is after today"),
        ({"on": "2020-01-01"}, "ack-on", "was issued"),
        ({"on": "not a day"}, "ack-on", "Enter a valid date"),
        ({"kind": "verbal"}, "ack-kind", "Select a valid choice"),
        ({"item": "CARLS"}, "ack-item", "Select a valid choice"),  # another case's item
        ({"item": "NOPE-1"}, "ack-item", "Select a valid choice"),
        ({"note": "x" * 2001}, "ack-note", "at most 2000 characters"),
    ],
)
def test_a_bad_acknowledgement_is_said_beside_its_field_and_writes_nothing(w, over, field, words):
    over = {k: (_item(w.carls) if v == "CARLS" else v) for k, v in over.items()}
    before = written()
    response = signed_in(w.cora).post(_ack_url(w), _ack(w, **over), HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and written() == before
    assert words in _beside(response, field)
    # a plain post shows the whole page again, the error beside the field
    page = signed_in(w.cora).post(_ack_url(w), _ack(w, **over))
    assert page.status_code == 422 and "<html" in page.content.decode()
    assert words in _beside(page, field) and written() == before


@pytest.mark.parametrize("which", ["waive", "ack"])
def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(w, fees, which):
    url, data = (_waive_url(w), _waive(fees[0])) if which == "waive" else (_ack_url(w), _ack(w))
    before = written()
    assert signed_in(w.cora, csrf=True).post(url, data).status_code == 403
    assert written() == before


@pytest.mark.parametrize("which", ["waive", "ack"])
def test_the_anonymous_are_sent_to_sign_in_and_nothing_is_written(w, fees, which):
    url, data = (_waive_url(w), _waive(fees[0])) if which == "waive" else (_ack_url(w), _ack(w))
    before = written()
    response = Client().post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert written() == before


@pytest.mark.parametrize("which", ["waive", "ack"])
def test_another_collector_sales_and_another_company_are_refused_and_nothing_is_written(
    w, fees, which
):
    url, data = (_waive_url(w), _waive(fees[0])) if which == "waive" else (_ack_url(w), _ack(w))
    before = written()
    assert signed_in(w.carl).post(url, data).status_code == 403  # another collector's case
    assert signed_in(w.sam).post(url, data).status_code == 403  # sales reads, never acts
    assert signed_in(w.olga).post(url, data).status_code == 404  # another company's person
    globex = url.replace("/desk/acme/", "/desk/globex/")
    assert signed_in(w.olga).post(globex, data).status_code == 404  # not globex's case
    assert written() == before
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    before = written()  # (the policy's own audit entry)
    response = signed_in(w.carl).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and b"does not own this account" in response.content
    assert written() == before


def test_a_get_is_not_how_either_is_done(w):
    assert signed_in(w.cora).get(_waive_url(w)).status_code == 405
    assert signed_in(w.cora).get(_ack_url(w)).status_code == 405


def test_the_credit_manager_acts_on_any_case_of_the_company(w, fees):
    assert signed_in(w.maria).post(_waive_url(w, w.carls), _waive(fees[1])).status_code == 302
    data = {**_ack(w), "ack-item": _item(w.carls), "ack-on": date(2026, 11, 24).isoformat()}
    assert signed_in(w.maria).post(_ack_url(w, w.carls), data).status_code == 302
    assert FeeWaiver.objects.get().requested_by == w.maria
    assert Acknowledgement.objects.get().recorded_by == w.maria
