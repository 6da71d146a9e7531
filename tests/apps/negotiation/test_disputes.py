from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.accounts.models import Membership
from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.negotiation.models import Approval, Dispute
from arrears.apps.negotiation.services import (
    NotAllowed,
    approval_decide,
    dispute_open,
    dispute_resolve,
)
from arrears.domain.disputes import DisputeError, DisputeOutcome, DisputeReason
from arrears.domain.money import Money
from tests.apps.negotiation.support import AS_OF, credited, eur, refused
from tests.factories import sweep_as_admin

pytestmark = pytest.mark.django_db


def _open(w, parts=(("INV-OLD", "200"),), actor=None, **kw):
    return dispute_open(
        case=w.case,
        actor=actor or w.cora,
        parts=[(k, eur(a)) for k, a in parts],
        reason=DisputeReason.GOODS_DAMAGED,
        as_of=AS_OF,
        **kw,
    )


def test_a_dispute_gets_an_owner_and_a_deadline_ten_business_days_out(w):
    d = _open(w)
    assert (d.owner, d.deadline, d.status) == (w.cora, date(2026, 12, 9), "open")
    assert CaseEvent.objects.filter(case=w.case, kind="dispute").count() == 1


def test_only_the_disputed_part_is_excluded_from_dunning(w):
    _open(w, parts=(("INV-OLD", "200"), ("INV-NEW", "50")))
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (200_00, 50_00)


def test_a_dispute_above_the_undisputed_open_amount_is_refused(w):
    _open(w, parts=(("INV-OLD", "500"),))
    with pytest.raises(DisputeError, match="more than its undisputed open amount"):
        _open(w, parts=(("INV-OLD", "100.01"),))


def test_a_dispute_in_another_currency_is_refused(w):
    got = refused(
        "desk.wrong_currency",
        dispute_open,
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", Money.of("5", "USD"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    assert got.figures == {"what": "disputed_amount", "got": "USD", "want": "EUR"}


def test_the_same_dispute_twice_is_stored_once(w):
    assert _open(w) == _open(w)
    assert Dispute.objects.count() == 1


def test_a_dispute_past_its_deadline_is_escalated_to_the_owner_s_manager_once(w):
    d = _open(w)
    for _ in range(2):
        sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    d.refresh_from_db()
    assert (d.escalated_to, d.escalated_on) == (w.maria, date(2026, 12, 10))
    assert (
        Action.objects.filter(
            case=w.case, step_code="dispute_escalation", role="credit_manager"
        ).count()
        == 1
    )


def test_an_owner_without_a_manager_is_escalated_to_the_credit_managers_as_a_defect(w):
    Membership.objects.update(reports_to=None)
    _open(w)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    event = CaseEvent.objects.filter(kind="dispute").last()
    assert event.reason["defect"] and event.reason["escalated_to"] == ""


def test_a_rejected_dispute_returns_its_part_to_dunning(w):
    d = _open(w)
    sweep_as_admin(company=w.company, as_of=AS_OF)
    dispute_resolve(dispute=d, actor=w.cora, outcome=DisputeOutcome.REJECTED, as_of=AS_OF)
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert w.old.excluded_minor == 0 and d.outcome == "rejected"


def test_a_collector_s_credit_note_waits_for_a_credit_manager_and_the_dispute_stays_open(w):
    d = _open(w, parts=(("INV-OLD", "600"), ("INV-NEW", "400")))  # the whole balance
    dispute_resolve(dispute=d, actor=w.cora, outcome=DisputeOutcome.CREDIT_NOTE, as_of=AS_OF)
    d.refresh_from_db()
    assert (d.status, d.outcome, d.credited_minor) == ("open", "", 0)
    request = Approval.objects.get(kind="dispute_credit", dispute=d)
    assert request.detail["credited_minor"] == 1000_00 and request.requested_by == w.cora
    got = refused(
        "dispute.credit_waits",
        dispute_resolve,
        dispute=d,
        actor=w.cora,
        outcome=DisputeOutcome.REJECTED,
        as_of=AS_OF,
    )
    assert got.figures == {"dispute": d.pk, "approval": request.pk}
    refused(
        "access.wrong_role",
        approval_decide,
        approval=request,
        actor=w.cora,
        approve=True,
        reason="mine",
        as_of=AS_OF,
    )
    approval_decide(approval=request, actor=w.maria, approve=True, reason="ok", as_of=AS_OF)
    d.refresh_from_db()
    assert (d.status, d.outcome, d.credited_minor) == ("resolved", "credit_note", 1000_00)


def test_a_credit_manager_s_own_credit_note_needs_a_second_credit_manager(w):
    d = _open(w)
    dispute_resolve(dispute=d, actor=w.maria, outcome=DisputeOutcome.CREDIT_NOTE, as_of=AS_OF)
    request = Approval.objects.get(kind="dispute_credit", dispute=d)
    refused(
        "access.own_request",
        approval_decide,
        approval=request,
        actor=w.maria,
        approve=True,
        reason="mine",
        as_of=AS_OF,
    )
    approval_decide(approval=request, actor=w.mike, approve=False, reason="no", as_of=AS_OF)
    d.refresh_from_db()
    assert (d.status, d.outcome) == ("open", "")


def test_a_credit_stays_off_the_ladder_until_finance_books_it(w):
    d = _open(w)
    credited(
        d,
        DisputeOutcome.PARTIAL_CREDIT,
        by=w.cora,
        approver=w.maria,
        credited=eur("150"),
    )
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert w.old.excluded_minor == 150_00
    w.old.open_minor -= 150_00  # the credit note is booked in the ERP and imported
    w.old.save()
    sweep_as_admin(company=w.company, as_of=date(2026, 11, 26))
    w.refresh()
    assert w.old.excluded_minor == 0


def test_a_written_off_outcome_waits_for_a_credit_manager(w):
    d = _open(w)
    dispute_resolve(
        dispute=d,
        actor=w.cora,
        outcome=DisputeOutcome.WRITTEN_OFF,
        as_of=AS_OF,
        reason="goods destroyed in transit",
    )
    d.refresh_from_db()
    assert d.status == "open"
    approval_decide(
        approval=Approval.objects.get(kind="write_off"),
        actor=w.maria,
        approve=True,
        reason="carrier insolvent",
        as_of=AS_OF,
    )
    d.refresh_from_db()
    assert (d.status, d.outcome, d.credited_minor) == ("resolved", "written_off", 200_00)


def test_a_second_collector_may_neither_open_nor_resolve(w):
    with pytest.raises(NotAllowed):
        _open(w, actor=w.carl)
    d = _open(w)
    got = refused(
        "dispute.not_resolver",
        dispute_resolve,
        dispute=d,
        actor=w.carl,
        outcome=DisputeOutcome.REJECTED,
        as_of=AS_OF,
    )
    assert isinstance(got, NotAllowed)
    assert got.figures == {"person": "carl", "dispute": d.pk}


def test_a_disputed_part_written_off_is_excluded_once(w):
    d = _open(w)
    dispute_resolve(
        dispute=d, actor=w.cora, outcome=DisputeOutcome.WRITTEN_OFF, as_of=AS_OF, reason="lost"
    )
    approval_decide(
        approval=Approval.objects.get(kind="write_off"),
        actor=w.maria,
        approve=True,
        reason="carrier insolvent",
        as_of=AS_OF,
    )
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert w.old.excluded_minor == 200_00  # the write-off part; the dispute's credit is the same


def test_at_the_terminal_a_collector_s_credit_note_waits_and_a_credit_manager_grants_it(w):
    from tests import terminal

    d = _open(w)
    day = AS_OF.isoformat()
    args = ("dispute", w.debtor.code, "--resolve", f"D{d.pk}", "--outcome", "credit_note")
    out = terminal.run(*args, "--as-of", day, as_=w.cora)
    assert out.strip() == (
        f"dispute D{d.pk}: open (credit note asked): waits for a credit manager's approval"
    )
    a = Approval.objects.get(dispute=d)
    queue = terminal.run("approve", as_=w.maria)
    assert (
        f"A{a.pk} dispute credit" in queue
        and f"credit note of EUR 200.00 on dispute D{d.pk}" in queue
    )
    terminal.run(
        "approve", f"A{a.pk}", "--grant", "--reason", "price confirmed", "--as-of", day, as_=w.maria
    )
    d.refresh_from_db()
    assert (d.status, d.outcome, d.resolved_by) == ("resolved", "credit_note", w.maria)
