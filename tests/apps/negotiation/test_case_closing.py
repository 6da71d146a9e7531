"""§2 A case whose balance reaches zero closes for what settled it: a payment (paid), a credit
note or a dispute's credit (credited), or both (settled, with each amount kept). The world is
acme's case of EUR 1,000 (INV-OLD 600, INV-NEW 400) beside globex's own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Case, CaseEvent
from arrears.apps.cases.presentation import describe_event
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger.models import OpenItem
from arrears.apps.negotiation.services import dispute_open
from arrears.domain.disputes import DisputeOutcome, DisputeReason
from tests import factories, tables, terminal
from tests.apps.negotiation.support import AS_OF, credited, eur, pay
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

NEXT = AS_OF + timedelta(days=1)


def _credit_note(w, amount_minor: int, applied_minor: int, on: date = AS_OF) -> OpenItem:
    """A credit note of the ERP's, applied for `applied_minor` to the debtor's invoices."""
    return factories.item(
        w.debtor,
        due=on,
        issue_date=on,
        amount=amount_minor,
        open_=amount_minor - applied_minor,
        kind="credit_note",
        number=f"CN-{amount_minor}",
    )


def _settle(item: OpenItem, minor: int) -> None:
    item.open_minor -= minor
    item.save(update_fields=["open_minor"])


def _closed(w) -> tuple[str, str, int, int]:
    case = Case.objects.get(pk=w.case.pk)
    return case.status, case.closed_reason, case.settled_paid_minor, case.settled_credited_minor


def _closing_line(w) -> str:
    return describe_event(CaseEvent.objects.get(case=w.case, kind="closed"), {})


def test_a_case_closed_by_payments_is_paid(w):
    pay(w.old, 600_00, AS_OF)
    pay(w.new, 400_00, AS_OF)
    run_as_admin(company=w.company, as_of=NEXT)
    assert _closed(w) == ("closed", "paid", 1000_00, 0)
    assert _closing_line(w).endswith("case closed: paid in full")
    reason = CaseEvent.objects.get(case=w.case, kind="closed").reason
    assert (reason["rule"], reason["closed_reason"], reason["paid_minor"]) == (
        "balance_settled",
        "paid",
        1000_00,
    )


def test_a_case_closed_by_a_credit_note_is_credited(w):
    _credit_note(w, 1000_00, applied_minor=1000_00)
    _settle(w.old, 600_00)
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    assert _closed(w) == ("closed", "credited", 0, 1000_00)
    assert _closing_line(w).endswith("case closed: settled by a credit of EUR 1,000.00")


def test_a_case_closed_by_a_payment_and_a_credit_note_is_settled_with_both_amounts(w):
    pay(w.old, 600_00, AS_OF)
    _credit_note(w, 500_00, applied_minor=400_00)  # EUR 100 of it still on account
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    assert _closed(w) == ("closed", "settled", 600_00, 400_00)
    assert _closing_line(w).endswith(
        "case closed: settled by payment and credit: paid EUR 600.00, credited EUR 400.00"
    )


def test_a_case_closed_by_a_dispute_s_credit_is_credited(w):
    d = dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("600")), ("INV-NEW", eur("400"))],
        reason=DisputeReason.GOODS_DAMAGED,
        as_of=AS_OF,
    )
    credited(d, DisputeOutcome.CREDIT_NOTE, by=w.cora, approver=w.maria)
    _settle(w.old, 600_00)  # finance books the credit in the ERP, which lowers the invoices
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    assert _closed(w) == ("closed", "credited", 0, 1000_00)


def test_a_second_run_on_a_credited_case_changes_nothing(w):
    _credit_note(w, 1000_00, applied_minor=1000_00)
    _settle(w.old, 600_00)
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    before = tables.snapshot()
    run_as_admin(company=w.company, as_of=NEXT)
    run_as_admin(company=w.company, as_of=NEXT + timedelta(days=1))
    assert _closed(w) == ("closed", "credited", 0, 1000_00)
    assert CaseEvent.objects.filter(case=w.case, kind="closed").count() == 1
    after = tables.snapshot()
    assert {
        k: v for k, v in after.items() if "run" not in k.lower() and "audit" not in k.lower()
    } == {k: v for k, v in before.items() if "run" not in k.lower() and "audit" not in k.lower()}


def test_a_reopened_case_judges_its_next_closing_by_what_came_after_the_last(w):
    """The credit note that closed the case once does not make its next payment a credit."""
    _credit_note(w, 1000_00, applied_minor=1000_00, on=AS_OF)
    _settle(w.old, 600_00)
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    later = factories.item(w.debtor, due=NEXT + timedelta(days=2), amount=300_00, issue_date=NEXT)
    run_as_admin(company=w.company, as_of=NEXT + timedelta(days=1))
    assert _closed(w) == ("open", "", 0, 0)
    pay(later, 300_00, NEXT + timedelta(days=2))
    run_as_admin(company=w.company, as_of=NEXT + timedelta(days=2))
    assert _closed(w) == ("closed", "paid", 300_00, 0)


def test_globex_s_case_is_left_alone_when_acme_s_closes(w):
    strategies_install_defaults(actor=admin(), company=factories.company("globex"))
    run_as_admin(company=w.other, as_of=AS_OF)
    theirs = Case.objects.get(debtor=w.other_debtor)
    _credit_note(w, 1000_00, applied_minor=1000_00)
    _settle(w.old, 600_00)
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    again = Case.objects.get(pk=theirs.pk)
    assert (again.status, again.closed_reason) == ("open", "")


def test_explain_says_what_settled_a_closed_case(w):
    pay(w.old, 600_00, AS_OF)
    _credit_note(w, 400_00, applied_minor=400_00)
    _settle(w.new, 400_00)
    run_as_admin(company=w.company, as_of=NEXT)
    out = terminal.run("explain", w.debtor.code, as_="cora")
    assert (
        "closed on 2026-11-26 (settled by payment and credit: paid EUR 600.00, credited "
        "EUR 400.00)" in out
    )


def test_a_closing_recorded_before_its_reason_was_kept_still_reads_paid(w):
    pay(w.old, 600_00, AS_OF)
    pay(w.new, 400_00, AS_OF)
    run_as_admin(company=w.company, as_of=NEXT)
    CaseEvent.objects.filter(case=w.case, kind="closed").update(
        reason={"rule": "paid_in_full", "open_minor": 0}
    )
    assert _closing_line(w).endswith("case closed: paid in full")
