"""A payment plan entered by hand on the phone (issue #15): the collector types each
instalment's day and amount (any amounts, adding up to what the plan covers) instead of equal
monthly instalments, and sees beside it what the desk decided: the plan and its instalments,
or that it waits for a credit manager because it passes the walk-away point (the negotiation
engine's check). Bad rows stand beside their field; a wrong person, another company,
an anonymous visitor or a post without the CSRF token write nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from arrears.apps.negotiation.models import Approval, PaymentPlan
from tests.web.conftest import signed_in
from tests.web.test_on_the_phone import _url, beside, dated, everything
from tests.web.test_on_the_phone import post as post_dated

pytestmark = pytest.mark.django_db


def by_hand(*rows: tuple[int, str], **more: str) -> dict[str, str]:
    """A plan of instalments typed by hand: (days from today, amount) per row."""
    data = {"plan-kind": "parts", **{f"plan-{k}": v for k, v in more.items()}}
    for n, (days, amount) in enumerate(rows, 1):
        data[f"plan-on_{n}"] = f"+{days}"  # dated when posted (the clock moves after import)
        data[f"plan-amount_{n}"] = amount
    return data


def post(client: Client, w, what: str, data: dict[str, str], **kw: str):
    return post_dated(client, w, what, dated(data), **kw)


# acme's D100 owes EUR 1,234.50; a high-risk debtor's walk-away: the first payment within 7
# days and at least half the balance, the whole paid within 30 days.
WITHIN = by_hand((3, "700"), (17, "300"), (27, "234.50"))
BEYOND = by_hand((20, "100"), (50, "1134.50"))


def test_the_plan_panel_offers_days_and_amounts_by_hand(w):
    text = signed_in(w.cora).get(_url(w, "").rstrip("/") + "/").content.decode()
    assert 'name="plan-kind" value="parts"' in text
    assert 'id="id_plan-on_6"' in text and 'id="id_plan-amount_6"' in text


def test_instalments_typed_by_hand_make_the_plan_as_typed(w):
    response = post(signed_in(w.cora), w, "plan", WITHIN)
    assert response.status_code == 200
    made = PaymentPlan.objects.get(case=w.case)
    dues = [(i.due_on.isoformat(), i.principal_minor) for i in made.instalments.order_by("seq")]
    assert [m for _, m in dues] == [700_00, 300_00, 234_50]
    text = response.content.decode()
    assert f"plan PL{made.pk}" in text and "waits for a credit manager" not in text
    assert len(re.findall(r"<p>  #\d ", text)) == 3
    assert not Approval.objects.filter(plan=made).exists()


def test_a_plan_beyond_the_walk_away_point_waits_for_a_credit_manager(w):
    response = post(signed_in(w.cora), w, "plan", BEYOND)
    assert response.status_code == 200
    made = PaymentPlan.objects.get(case=w.case)
    asked = Approval.objects.get(plan=made, status="requested")
    text = response.content.decode()
    assert f"approval A{asked.pk} waits for a credit manager" in text
    assert made.status == "pending_approval"


def test_a_total_covered_less_than_all_due_is_planned_as_typed(w):
    data = by_hand((3, "400"), (10, "200"), principal="600")
    response = post(signed_in(w.cora), w, "plan", data)
    assert response.status_code == 200
    assert PaymentPlan.objects.get(case=w.case).principal_minor == 600_00


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (by_hand(), "id_plan-on_1", "at least one instalment"),
        ({**by_hand((3, "700")), "plan-amount_1": ""}, "id_plan-amount_1", "both the day"),
        ({**by_hand((3, "700")), "plan-on_2": "+9"}, "id_plan-amount_2", "both the day"),
        (by_hand((3, "0"), (9, "1234.50")), "id_plan-amount_1", "more than zero"),
        (by_hand((3, "abc")), "id_plan-amount_1", ""),
        (by_hand((9, "700"), (3, "534.50")), "id_plan-on_2", "after the one before"),
        (by_hand((3, "700"), (9, "100")), "id_plan-principal", "adds up to"),
        (by_hand((3, "700"), principal="600"), "id_plan-principal", "add up to 700"),
        (by_hand((3, "1234.50"), down="100"), "id_plan-down", "down payment"),
        (by_hand((-3, "1234.50")), "id_plan-on_1", ""),
        (by_hand((9999, "1234.50")), "id_plan-on_1", ""),
        ({"plan-kind": "monthly"}, "id_plan-first_due", "first day and how many"),
    ],
)
def test_a_bad_plan_by_hand_is_said_beside_its_field_and_writes_nothing(w, data, field, words):
    before = everything()
    response = post(signed_in(w.cora), w, "plan", data)
    text = response.content.decode()
    assert response.status_code == 422 and everything() == before
    assert beside(text, field) and words in beside(text, field), text


def test_another_collector_sales_another_company_and_anonymous_write_nothing(w):
    before = everything()
    assert post(signed_in(w.carl), w, "plan", WITHIN).status_code == 403
    assert post(signed_in(w.sam), w, "plan", WITHIN).status_code == 403
    assert post(signed_in(w.olga), w, "plan", WITHIN).status_code == 404
    assert post(signed_in(w.olga), w, "plan", WITHIN, company="globex").status_code == 404
    anonymous = Client().post(_url(w, "plan"), dated(WITHIN))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert everything() == before


def test_a_plan_by_hand_without_the_csrf_token_is_refused(w):
    before = everything()
    client = signed_in(w.cora, csrf=True)
    assert client.post(_url(w, "plan"), dated(WITHIN)).status_code == 403
    assert everything() == before
