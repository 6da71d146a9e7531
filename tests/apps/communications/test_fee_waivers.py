"""Fees shown and waived (rule 9): explain and the letters from the second step on show the
fees charged; a collector asks to waive one with a reason, a credit manager who did not ask
approves or refuses it (four eyes, audited); a waived fee is no longer owed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.communications.fees import fee_waive_decide, fee_waive_request
from arrears.apps.communications.models import Fee, FeeWaiver
from arrears.apps.communications.selectors import case_letter
from arrears.domain.money import Money
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, terminal
from tests.apps.communications import fee_support as fs
from tests.apps.communications.fee_support import DUE

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = fs.world()
    for days in (2, 10, 20):  # reminder EUR 5, call, firm demand 1% = EUR 10
        factories.run_as_admin(company=w["acme"], as_of=DUE + timedelta(days=days))
    w["reminder_fee"] = Fee.objects.get(step_code="reminder")
    return w


def letter_fees(w, days, step="firm_demand"):
    found = case_letter(
        actor=w["cora"],
        company=w["acme"],
        debtor_code="K1",
        currency="EUR",
        as_of=DUE + timedelta(days=days),
        step_code=step,
    )
    return found.letter.lines[0].fees, found.letter.total_fees


def test_the_letter_from_the_second_step_shows_the_fees_charged_and_the_compensation_once(w):
    # firm demand: EUR 5 + EUR 10 charged, plus the BGB's EUR 40 the regime claims
    assert letter_fees(w, 20) == (Money.of("55.00", "EUR"), Money.of("55.00", "EUR"))
    factories.run_as_admin(company=w["acme"], as_of=DUE + timedelta(days=35))  # EUR 40 charged
    # the compensation now charged is not added a second time by the regime
    assert letter_fees(w, 35, "final_notice")[0] == Money.of("55.00", "EUR")
    # the first step's letter shows no cost (rule 9: from the second reminder on)
    assert letter_fees(w, 35, "courtesy")[1] == Money.of("0.00", "EUR")


def test_a_collector_asks_a_credit_manager_approves_and_the_fee_is_no_longer_owed(w):
    fee = w["reminder_fee"]
    out = terminal.run(
        "fee", "waive", fee.pk, "--reason", "first late payment in 10 years", as_="cora"
    )
    assert "waiver asked" in out
    assert letter_fees(w, 21)[0] == Money.of("55.00", "EUR")  # still owed while asked
    assert "owed, waiver asked" in terminal.run("fee", "list", "--pending", as_="maria")
    out = terminal.run("fee", "approve", fee.pk, "--reason", "loyal customer", as_="maria")
    assert "waived" in out
    fee.refresh_from_db()
    assert fee.waived_on is not None
    assert letter_fees(w, 21)[0] == Money.of("50.00", "EUR")
    assert f"fee {fee.pk}: INV-1 reminder fixed fee EUR 5.00" in terminal.run(
        "explain", "K1", as_="cora"
    )
    actions = list(
        AuditEvent.objects.filter(action__startswith="fee.").values_list("action", flat=True)
    )
    assert actions == ["fee.waiver_requested", "fee.waiver_approved"]


def test_a_refused_waiver_leaves_the_fee_owed(w):
    fee = w["reminder_fee"]
    fee_waive_request(actor=w["cora"], company=w["acme"], fee_id=fee.pk, reason="asks nicely")
    fee_waive_decide(actor=w["maria"], company=w["acme"], fee_id=fee.pk, approve=False, reason="no")
    fee.refresh_from_db()
    assert fee.waived_on is None
    assert "waiver refused" in terminal.run("fee", "list", as_="cora")


def test_whoever_asks_cannot_approve_and_the_wrong_people_are_refused(w):
    fee = w["reminder_fee"]
    with pytest.raises(NotAllowed):  # another collector's debtor
        fee_waive_request(actor=w["carl"], company=w["acme"], fee_id=fee.pk, reason="x")
    with pytest.raises(Refusal) as e:  # another company's fee is not found there
        fee_waive_request(actor=w["olga"], company=w["globex"], fee_id=fee.pk, reason="x")
    assert e.value.code == "fee.unknown"
    with pytest.raises(CommandError, match="say why"):
        terminal.run("fee", "waive", fee.pk, as_="cora")
    fee_waive_request(actor=w["maria"], company=w["acme"], fee_id=fee.pk, reason="goodwill")
    with pytest.raises(NotAllowed):  # four eyes: the credit manager who asked
        fee_waive_decide(
            actor=w["maria"], company=w["acme"], fee_id=fee.pk, approve=True, reason="y"
        )
    with pytest.raises(NotAllowed):  # a collector approves nothing
        fee_waive_decide(
            actor=w["cora"], company=w["acme"], fee_id=fee.pk, approve=True, reason="y"
        )
    with pytest.raises(Refusal) as e:
        fee_waive_request(actor=w["cora"], company=w["acme"], fee_id=fee.pk, reason="again")
    assert e.value.code == "fee.waiver_pending"
    fee_waive_decide(actor=w["mark"], company=w["acme"], fee_id=fee.pk, approve=True, reason="ok")
    assert FeeWaiver.objects.get().decided_by == w["mark"]
    with pytest.raises(Refusal) as e:
        fee_waive_request(actor=w["cora"], company=w["acme"], fee_id=fee.pk, reason="again")
    assert e.value.code == "fee.waived"


def test_a_rerun_after_a_waiver_does_not_charge_the_fee_again(w):
    fee = w["reminder_fee"]
    fee_waive_request(actor=w["cora"], company=w["acme"], fee_id=fee.pk, reason="goodwill")
    fee_waive_decide(actor=w["maria"], company=w["acme"], fee_id=fee.pk, approve=True, reason="ok")
    factories.run_as_admin(company=w["acme"], as_of=DUE + timedelta(days=20))
    factories.run_as_admin(company=w["acme"], as_of=DUE + timedelta(days=21))
    assert Fee.objects.filter(step_code="reminder").count() == 1
