"""§5-7 What a promise, plan or negotiation is measured against: what is due on the day it is
entered (items issued by then, past their due date), less the debtor's money we hold; invoices
not yet due only when named, and then without interest before they fall due."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from arrears.apps.ledger.models import Payment
from arrears.apps.negotiation.models import Approval
from arrears.apps.negotiation.selectors import negotiation_rows
from arrears.apps.negotiation.services import (
    approval_withdraw,
    negotiation_balance,
    negotiation_close,
    negotiation_propose,
    plan_create,
    promise_create,
)
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.negotiation import Terms
from arrears.domain.promises import PromiseChannel
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, eur, refused
from tests.apps.negotiation.support import credited as approved_credit
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
DEC, JAN, FEB = date(2026, 12, 4), date(2027, 1, 4), date(2027, 2, 4)


def _credit_note(w, amount_minor):
    return factories.item(
        w.debtor, due=AS_OF - timedelta(days=3), amount=amount_minor, kind="credit_note"
    )


def _on_account(w, amount_minor, on=AS_OF - timedelta(days=2)):
    return Payment.objects.create(
        company=w.company,
        debtor=w.debtor,
        reference="PAY-ON-ACCOUNT",
        received_on=on,
        currency="EUR",
        amount_minor=amount_minor,
        unapplied_minor=amount_minor,
    )


def test_the_negotiated_balance_nets_open_credit_notes_and_money_on_account(w):
    _credit_note(w, 150_00)
    _on_account(w, 50_00)
    assert negotiation_balance(w.case, AS_OF) == eur("800")


def test_money_received_after_the_day_negotiated_is_not_netted(w):
    _on_account(w, 50_00, on=AS_OF + timedelta(days=1))
    assert negotiation_balance(w.case, AS_OF) == eur("1000")


def test_a_whole_case_promise_cannot_ask_again_for_money_we_hold(w):
    _credit_note(w, 200_00)
    got = refused(
        "promise.above_due",
        promise_create,
        case=w.case,
        actor=w.cora,
        parts=[(DEC, eur("1000"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    assert got.figures == {"promised_minor": 1000_00, "due_minor": 800_00, "currency": "EUR"}


def test_a_plan_without_items_finances_what_is_due_less_the_credit_we_hold(w):
    _on_account(w, 100_00)
    plan = plan_create(case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[DEC]))
    assert plan.principal_minor == 900_00


def test_a_back_dated_plan_covers_only_invoices_issued_by_its_day(w):
    agreed = AS_OF + timedelta(days=3)  # entered a week later, dated the day it was agreed
    factories.item(  # issued after the plan was agreed, already overdue when it is entered
        w.debtor,
        due=AS_OF + timedelta(days=5),
        amount=500_00,
        number="INV-LATER",
        issue_date=AS_OF + timedelta(days=4),
    )
    plan = plan_create(
        case=w.case, actor=w.cora, as_of=agreed, schedule=PlanIn(due_dates=[DEC, JAN])
    )
    assert plan.covered_items == ["INV-NEW", "INV-OLD"] and plan.principal_minor == 1000_00
    got = refused(
        "plan.unknown_item",
        plan_create,
        case=w.case,
        actor=w.cora,
        as_of=agreed,
        schedule=PlanIn(due_dates=[DEC], item_numbers=["INV-LATER"]),
    )
    assert got.figures == {"item": "INV-LATER"}


def test_a_plan_with_nothing_due_asks_for_the_items_to_finance(w):
    other = factories.debtor(w.company, owner=w.cora)
    factories.item(other, due=AS_OF + timedelta(days=20), amount=300_00, issue_date=AS_OF)
    from arrears.apps.negotiation.services import case_ensure

    case = case_ensure(debtor=other, currency="EUR", on=AS_OF)
    got = refused(
        "plan.nothing_due",
        plan_create,
        case=case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[DEC]),
    )
    assert got.figures == {"on": AS_OF}


def test_an_invoice_not_yet_due_financed_by_a_plan_bears_interest_only_once_due(w):
    factories.item(
        w.debtor, due=JAN, amount=1000_00, number="INV-JAN", issue_date=AS_OF
    )  # due 4 Jan
    rate = Decimal("0.10")
    both = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(
            due_dates=[FEB], annual_rate=rate, item_numbers=["INV-OLD", "INV-NEW", "INV-JAN"]
        ),
    )
    assert both.covered_items == ["INV-JAN", "INV-NEW", "INV-OLD"]
    (only,) = both.instalments.all()
    # EUR 1000 due now for 71 days, EUR 1000 more from 5 Jan to 4 Feb (31 days), ACT/365
    expected = (Decimal(1000_00) * 71 + Decimal(1000_00) * 31) * rate / 365
    assert only.interest_minor == int(expected.quantize(Decimal(1)))
    assert only.principal_minor == 2000_00


def test_a_withdrawn_request_is_in_the_exported_negotiation_history(w):
    def propose(days):
        return negotiation_propose(
            case=w.case,
            actor=w.cora,
            proposal=Terms.single(AS_OF + timedelta(days=days), eur("1000")),
            proposed_by="Mr Weber",
            as_of=AS_OF,
        )

    propose(12)  # the first proposal is countered
    asked = propose(60).approval
    assert asked is not None
    approval_withdraw(approval=asked, actor=w.cora, as_of=AS_OF, reason="debtor called back")
    rows = negotiation_rows(actor=w.cora, case=w.case)
    assert rows[-1]["kind"] == "approval_withdrawn"
    assert rows[-1]["reason"] == f"A{asked.pk} debtor called back"
    assert rows[-1]["first_on"] == AS_OF + timedelta(days=60)
    again = propose(50).approval
    assert again is not None
    negotiation_close(negotiation=again.negotiation, actor=w.cora, as_of=AS_OF, reason="silent")
    rows = negotiation_rows(actor=w.cora, case=w.case)
    assert rows[-1]["kind"] == "approval_withdrawn" and rows[-1]["reason"] == f"A{again.pk} silent"
    assert Approval.objects.filter(status="withdrawn").count() == 2


def test_a_whole_case_promise_covers_what_is_due_not_invoices_not_yet_due(w):
    factories.item(w.debtor, due=JAN, amount=5000_00, number="INV-JAN", issue_date=AS_OF)

    def promise(amount, **kw):
        return promise_create(
            case=w.case,
            actor=w.cora,
            parts=[(DEC, eur(amount))],
            given_by="Mr Weber",
            channel=PromiseChannel.PHONE,
            as_of=AS_OF,
            **kw,
        )

    got = refused("promise.above_due", promise, amount="1500")
    # EUR 1,000 is due; the January invoice is not
    assert got.figures == {"promised_minor": 1500_00, "due_minor": 1000_00, "currency": "EUR"}
    p = promise("1500", item_numbers=["INV-JAN"])  # named: the invoice not yet due
    assert p.state == "open"  # EUR 1,500 is 30 % of the EUR 5,000 named


def test_the_case_history_shows_the_exchange_before_the_promise_it_became(w):
    from arrears.apps.cases.models import CaseEvent
    from arrears.apps.negotiation.services import OverrideIn
    from arrears.domain.negotiation.history import Action

    terms = Terms.single(DEC, eur("1000"))
    negotiation_propose(
        case=w.case,
        actor=w.cora,
        proposal=terms,
        proposed_by="Mr Weber",
        as_of=AS_OF,
        override=OverrideIn(Action.ACCEPT, terms, "pays in full"),
    )
    kinds = list(
        CaseEvent.objects.filter(case=w.case, kind__in=["negotiation", "promise"])
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["negotiation", "promise"]


def test_propose_refuses_instalments_without_a_rest(w):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--instalments is for a plan"):
        terminal.run(
            "propose",
            w.debtor.code,
            "--first",
            "2026-12-04:500",
            "--instalments",
            "3",
            "--contact",
            "X",
            "--user",
            "cora",
            "--as-of",
            AS_OF.isoformat(),
        )


def test_promising_an_invoice_not_yet_due_on_time_needs_no_approval(w):
    factories.item(w.debtor, due=FEB, amount=900_00, number="INV-FEB", issue_date=AS_OF)
    on_time = promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(FEB, eur("900"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        item_numbers=["INV-FEB"],
    )
    assert on_time.state == "open" and not Approval.objects.exists()


def test_a_plan_of_invoices_not_yet_due_counts_its_limits_from_their_due_date(w):
    factories.item(w.debtor, due=FEB, amount=900_00, number="INV-FEB", issue_date=AS_OF)
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[FEB, FEB + timedelta(days=28)], item_numbers=["INV-FEB"]),
    )
    assert plan.status == "good_standing"


def _write_off(w, **kw):
    from arrears.apps.negotiation.services import writeoff_request

    return writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF, **kw)


def test_a_whole_case_write_off_takes_what_is_due_less_the_credit_we_hold(w):
    factories.item(w.debtor, due=FEB, amount=900_00, number="INV-FEB", issue_date=AS_OF)
    _credit_note(w, 150_00)
    wo = _write_off(w)
    parts = dict(wo.parts.values_list("item__number", "amount_minor"))
    # INV-FEB is not due; the credit comes off the newest overdue item (INV-NEW, 400)
    assert parts == {"INV-OLD": 600_00, "INV-NEW": 250_00}


def test_a_whole_case_write_off_is_refused_when_our_credit_covers_what_is_due(w):
    _credit_note(w, 1000_00)
    got = refused("writeoff.credit_covers", _write_off, w=w)
    assert got.figures == {"credit_minor": 1000_00}


def test_a_write_off_leaves_open_disputes_and_dispute_credits_to_their_dispute(w):
    from arrears.apps.negotiation.services import dispute_open
    from arrears.domain.disputes import DisputeOutcome, DisputeReason

    credited = dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("100"))],
        reason=DisputeReason.WRONG_PRICE,
        as_of=AS_OF,
    )
    approved_credit(credited, DisputeOutcome.CREDIT_NOTE, by=w.cora, approver=w.maria)
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-NEW", eur("50"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    wo = _write_off(w)
    parts = dict(wo.parts.values_list("item__number", "amount_minor"))
    assert parts == {"INV-OLD": 500_00, "INV-NEW": 350_00}
    # the rest is disputed or asked for
    got = refused("writeoff.beyond_left", _write_off, w=w, parts=[("INV-NEW", eur("1"))])
    assert (got.figures["item"], got.figures["left_minor"]) == ("INV-NEW", 0)


def test_a_dispute_cannot_cover_money_a_write_off_already_takes(w):
    from arrears.apps.negotiation.services import dispute_open
    from arrears.domain.disputes import DisputeReason

    _write_off(w, parts=[("INV-OLD", eur("550"))])
    with pytest.raises(ValueError):
        dispute_open(
            case=w.case,
            actor=w.cora,
            parts=[("INV-OLD", eur("60"))],
            reason=DisputeReason.QUALITY,
            as_of=AS_OF,
        )


def test_a_whole_case_promise_may_stand_beside_a_plan_on_invoices_not_yet_due(w):
    factories.item(w.debtor, due=FEB, amount=900_00, number="INV-FEB", issue_date=AS_OF)
    plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[FEB], item_numbers=["INV-FEB"]),
    )
    p = promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(DEC, eur("1000"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    assert p.state == "open"


def test_a_booked_dispute_credit_does_not_also_book_a_write_off_on_the_same_item(w):
    from arrears.apps.negotiation.services import approval_decide, dispute_open
    from arrears.domain.disputes import DisputeOutcome, DisputeReason

    d = dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("200"))],
        reason=DisputeReason.WRONG_PRICE,
        as_of=AS_OF,
    )
    approved_credit(
        d, DisputeOutcome.PARTIAL_CREDIT, by=w.cora, approver=w.maria, credited=eur("100")
    )
    wo = _write_off(w, parts=[("INV-OLD", eur("500")), ("INV-NEW", eur("400"))])
    approval_decide(
        approval=wo.approval_set.get(), actor=w.maria, approve=True, reason="gone", as_of=AS_OF
    )
    w.old.open_minor = 500_00  # finance books the EUR 100 credit note only
    w.old.save(update_fields=["open_minor"])
    run_as_admin(company=w.company, as_of=DEC)
    w.refresh()
    assert w.old.excluded_minor == 500_00  # the write-off still waits to be booked
    assert (w.case.status, w.case.closed_reason) == ("closed", "written_off")


def _dispute(w, item, amount):
    from arrears.apps.negotiation.services import dispute_open
    from arrears.domain.disputes import DisputeReason

    return dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[(item, eur(amount))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )


def test_a_dispute_cannot_take_money_a_standing_promise_counts_on(w):
    p = promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(DEC, eur("1000"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    got = refused("desk.under_promise", _dispute, w=w, item="INV-OLD", amount="100")
    assert got.figures == {
        "promise": p.pk,
        "taking": "dispute",
        "need_minor": 1000_00,
        "left_minor": 900_00,
        "currency": "EUR",
    }


def test_a_dispute_beside_a_smaller_promise_is_fine(w):
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(DEC, eur("250"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    assert _dispute(w, "INV-OLD", "100").status == "open"


def test_a_dispute_cannot_take_money_a_plan_in_good_standing_still_finances(w):
    plan = plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[DEC, JAN])
    )
    got = refused("desk.under_plan", _dispute, w=w, item="INV-NEW", amount="50")
    assert got.figures == {
        "plan": plan.pk,
        "taking": "dispute",
        "need_minor": 1000_00,
        "left_minor": 950_00,
        "currency": "EUR",
    }


def test_a_plan_without_items_does_not_count_payments_of_invoices_outside_it(w):
    from tests.apps.negotiation.support import pay

    plan = plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[DEC, JAN])
    )
    later = factories.item(w.debtor, due=DEC, amount=500_00, number="INV-DEC", issue_date=AS_OF)
    pay(later, 500_00, DEC)  # the December invoice paid on time: not a plan instalment
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    plan.refresh_from_db()
    assert plan.status == "defaulted"


def test_a_write_off_cannot_take_money_a_live_plan_still_finances(w):
    plan = plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[DEC, JAN])
    )
    got = refused("desk.under_plan", _write_off, w=w)
    assert (got.figures["plan"], got.figures["taking"]) == (plan.pk, "write_off")


def test_a_whole_case_promise_is_not_kept_by_paying_an_invoice_outside_it(w):
    from tests.apps.negotiation.support import pay

    later = factories.item(w.debtor, due=JAN, amount=500_00, number="INV-JAN", issue_date=AS_OF)
    p = promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(DEC, eur("1000"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    assert p.covered_items == ["INV-NEW", "INV-OLD"]
    pay(later, 500_00, date(2026, 12, 2))  # the January invoice paid early
    pay(w.old, 500_00, date(2026, 12, 2))
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    p.refresh_from_db()
    assert (p.state, p.paid_minor) == ("partly_kept", 500_00)
