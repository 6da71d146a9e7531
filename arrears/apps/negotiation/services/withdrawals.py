"""§5-8 Taking back what the desk started: a plan, a negotiation, an approval request, a
write-off request. Each needs a reason, is recorded once (repeating it changes nothing) and
withdraws the approval requests that depended on it.

Withdrawals are allowed on a closed case too: they only take back, nothing new is promised, and
a request left behind on a closed case would otherwise wait in the queue for ever.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    DecisionStatus,
    Negotiation,
    NegotiationEvent,
    NegotiationStatus,
    PaymentPlan,
    PlanStatus,
    PromiseToPay,
    WriteOff,
)
from arrears.apps.negotiation.services.balances import plan_receipts
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    record_change,
    require_case_access,
    require_desk_day,
)
from arrears.domain.negotiation import EventKind
from arrears.domain.plans import PlanState, plan_default, plan_status
from arrears.domain.promises import PromiseState


def approvals_withdraw(
    requests: Any, *, actor: Any, on: date, reason: str, rule: str = "approval_withdrawn"
) -> list[int]:
    """Withdraw the open requests in `requests` (a queryset); each is recorded on its case."""
    done = []
    for a in requests.filter(status=DecisionStatus.REQUESTED).select_related("case"):
        a.status, a.decided_on, a.decision_reason = DecisionStatus.WITHDRAWN, on, reason
        a.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        a.save(update_fields=["status", "decided_on", "decision_reason", "decided_by"])
        detail = {"rule": rule, "approval": a.pk, "kind": a.kind, "reason": reason}
        record_change(a.case, actor=actor, on=on, kind="approval", obj=a, detail=detail)
        if a.kind == ApprovalKind.TERMS and a.negotiation_id and rule != REPLACED_RULE:
            _history_withdrawn(a, actor=actor, on=on, reason=reason)
        done.append(a.pk)
    return done


REPLACED_RULE = "approval_replaced"  # the negotiation's own exchange records the replacement


def _history_withdrawn(a: Approval, *, actor: Any, on: date, reason: str) -> None:
    """The withdrawal in the negotiation's history too, so an exported history shows every
    request's end (agreed otherwise, closed, expired, taken back)."""
    assert a.negotiation_id is not None
    events = NegotiationEvent.objects.filter(negotiation_id=a.negotiation_id)
    seq = (events.aggregate(s=Max("seq"))["s"] or 0) + 1
    by = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
    terms = load.terms_from_json(a.detail["terms"], a.case.currency)
    NegotiationEvent.objects.create(
        negotiation_id=a.negotiation_id,
        seq=seq,
        kind=str(EventKind.APPROVAL_WITHDRAWN),
        on=on,
        by=by,
        reason=f"A{a.pk} {reason}",
        **load.terms_fields(terms),
    )


def plan_withdraw(*, plan: PaymentPlan, actor: Any, as_of: date, reason: str) -> PaymentPlan:
    """Withdraw a plan waiting for approval or in good standing (e.g. replaced by a promise);
    a defaulted, completed or refused plan stays as it is. A standing plan is judged on `as_of`
    first: one that has defaulted since the last sweep is refused too."""
    require_case_access(actor, plan.case)
    require_desk_day(plan.case.company, as_of)
    if not reason.strip():
        raise Refused("plan.withdraw_no_reason", plan=plan.pk)
    with transaction.atomic():
        case_lock(plan.case, actor=actor, open_=False)
        plan.refresh_from_db()
        if plan.status == PlanStatus.WITHDRAWN:
            return plan
        if plan.status not in (PlanStatus.PENDING_APPROVAL, PlanStatus.GOOD_STANDING):
            raise Refused("plan.not_live", plan=plan.pk, status=str(plan.status))
        if plan.status == PlanStatus.GOOD_STANDING:
            _refuse_failed(plan, as_of)
        plan.status, plan.withdrawn_on = PlanStatus.WITHDRAWN, as_of
        plan.save(update_fields=["status", "withdrawn_on"])
        approvals_withdraw(Approval.objects.filter(plan=plan), actor=actor, on=as_of, reason=reason)
        detail = {"rule": "plan_withdrawn", "plan": plan.pk, "reason": reason}
        record_change(plan.case, actor=actor, on=as_of, kind="plan", obj=plan, detail=detail)
    return plan


def _refuse_failed(plan: PaymentPlan, as_of: date) -> None:
    """The stored status is only as fresh as the last sweep: judge the plan on `as_of` (as
    `promise_cancel` does) so a default the sweep has not recorded yet cannot be withdrawn."""
    domain = load.plan_domain(plan)
    got = load.receipts(plan.case)
    got = plan_receipts(plan, got)  # never a payment of an invoice outside it
    days = holidays_for(company=plan.case.company)
    s = plan_status(domain, got, as_of=as_of, holidays=days)
    d = plan_default(s, holidays=days)
    if d is not None:
        raise Refused("plan.defaulted", plan=plan.pk, on=d.defaulted_on, seq=d.missed_seq)
    if s.state is not PlanState.GOOD_STANDING:
        raise Refused("plan.not_live", plan=plan.pk, status=str(s.state))


def negotiation_close(
    *, negotiation: Negotiation, actor: Any, as_of: date, reason: str
) -> Negotiation:
    """End an open negotiation without an agreement; its open approval requests are withdrawn.
    The next proposal starts a new negotiation (a first proposal, countered)."""
    require_case_access(actor, negotiation.case)
    require_desk_day(negotiation.case.company, as_of)
    if not reason.strip():
        raise Refused("negotiation.close_no_reason", negotiation=negotiation.pk)
    with transaction.atomic():
        case_lock(negotiation.case, actor=actor, open_=False)
        negotiation.refresh_from_db()
        if negotiation.status == NegotiationStatus.CLOSED:
            return negotiation
        if negotiation.status != NegotiationStatus.OPEN:
            raise Refused(
                "negotiation.not_open", negotiation=negotiation.pk, status=str(negotiation.status)
            )
        negotiation_end(negotiation, actor=actor, on=as_of, reason=reason)
    return negotiation


def negotiation_end(
    negotiation: Negotiation, *, actor: Any, on: date, reason: str, rule: str = "closed"
) -> None:
    """Close an open negotiation (inside the caller's transaction) and record it."""
    negotiation.status = NegotiationStatus.CLOSED
    negotiation.closed_on, negotiation.closed_reason = on, reason
    negotiation.save(update_fields=["status", "closed_on", "closed_reason"])
    approvals_withdraw(
        Approval.objects.filter(negotiation=negotiation), actor=actor, on=on, reason=reason
    )
    detail = {"rule": f"negotiation_{rule}", "negotiation": negotiation.pk, "reason": reason}
    record_change(
        negotiation.case, actor=actor, on=on, kind="negotiation", obj=negotiation, detail=detail
    )


def approval_withdraw(*, approval: Approval, actor: Any, as_of: date, reason: str) -> Approval:
    """Take back an open request: a plan waiting on it is withdrawn, a write-off cancelled."""
    require_case_access(actor, approval.case)
    require_desk_day(approval.case.company, as_of)
    if not reason.strip():
        raise Refused("approval.withdraw_no_reason", approval=approval.pk)
    with transaction.atomic():
        case_lock(approval.case, actor=actor, open_=False)
        approval.refresh_from_db()
        if approval.status == DecisionStatus.WITHDRAWN:
            return approval
        if approval.status != DecisionStatus.REQUESTED:
            raise Refused("approval.not_open", approval=approval.pk, status=str(approval.status))
        request_withdraw(approval, actor=actor, on=as_of, reason=reason)
        approval.refresh_from_db()
    return approval


def request_withdraw(
    approval: Approval, *, actor: Any, on: date, reason: str, rule: str = "approval_withdrawn"
) -> None:
    """Withdraw an open request with what waits on it: a plan or a promise waiting for approval
    is withdrawn too, a write-off request cancelled (inside the caller's transaction)."""
    requests = Approval.objects.filter(pk=approval.pk)
    approvals_withdraw(requests, actor=actor, on=on, reason=reason, rule=rule)
    if approval.kind == ApprovalKind.PLAN and approval.plan is not None:
        plan = approval.plan
        if plan.status == PlanStatus.PENDING_APPROVAL:
            plan.status, plan.withdrawn_on = PlanStatus.WITHDRAWN, on
            plan.save(update_fields=["status", "withdrawn_on"])
    if approval.kind == ApprovalKind.PROMISE and approval.promise is not None:
        promise_withdrawn(approval.promise, on=on)
    if approval.kind == ApprovalKind.WRITE_OFF and approval.write_off is not None:
        _write_off_withdrawn(approval.write_off)


def first_payment_on(approval: Approval) -> date | None:
    """The first payment date a request for terms, a plan or a promise asks for (None: a
    write-off, which has none)."""
    if approval.kind == ApprovalKind.PLAN and approval.plan is not None:
        return min((i.due_on for i in approval.plan.instalments.all()), default=None)
    if approval.kind == ApprovalKind.PROMISE and approval.promise is not None:
        return min((p.on for p in approval.promise.parts.all()), default=None)
    if approval.kind == ApprovalKind.TERMS:
        return date.fromisoformat(str(approval.detail["terms"]["first_on"]))
    return None


EXPIRED = "its first payment date ({on}) passed before a decision: the terms can no longer be kept"


def requests_expire(company: Any, *, on: date) -> list[int]:
    """§5 Requests nobody can grant any more (their first payment date has passed) leave the
    queue: withdrawn with the reason, with the plan or promise waiting on them. The daily run
    calls this, so a credit manager's queue holds only what can still be decided."""
    waiting = Approval.objects.filter(
        case__company=company,
        status=DecisionStatus.REQUESTED,
        kind__in=[ApprovalKind.TERMS, ApprovalKind.PLAN, ApprovalKind.PROMISE],
    ).select_related("case", "plan", "promise")
    done = []
    for a in waiting.prefetch_related("plan__instalments", "promise__parts"):
        first = first_payment_on(a)
        if first is not None and first < on:
            reason = EXPIRED.format(on=first)
            request_withdraw(a, actor=None, on=on, reason=reason, rule="approval_expired")
            done.append(a.pk)
    return done


def promise_withdrawn(promise: PromiseToPay, *, on: date) -> None:
    """A promise still waiting for approval is withdrawn with its request (it never stood)."""
    if promise.state == PromiseState.PENDING_APPROVAL:
        promise.state = PromiseState.WITHDRAWN
        promise.cancelled_on = promise.closed_on = on
        promise.save(update_fields=["state", "cancelled_on", "closed_on"])


def _write_off_withdrawn(row: WriteOff) -> None:
    if row.status == DecisionStatus.REQUESTED:
        row.status = DecisionStatus.WITHDRAWN
        row.save(update_fields=["status"])


def writeoff_cancel(*, write_off: WriteOff, actor: Any, as_of: date, reason: str) -> WriteOff:
    """Cancel a write-off request before it is decided; its approval request is withdrawn."""
    require_case_access(actor, write_off.case)
    require_desk_day(write_off.case.company, as_of)
    if not reason.strip():
        raise Refused("writeoff.cancel_no_reason", write_off=write_off.pk)
    with transaction.atomic():
        case_lock(write_off.case, actor=actor, open_=False)
        write_off.refresh_from_db()
        if write_off.status == DecisionStatus.WITHDRAWN:
            return write_off
        if write_off.status != DecisionStatus.REQUESTED:
            raise Refused(
                "writeoff.not_requested", write_off=write_off.pk, status=str(write_off.status)
            )
        _write_off_withdrawn(write_off)
        approvals_withdraw(
            Approval.objects.filter(write_off=write_off), actor=actor, on=as_of, reason=reason
        )
        detail = {"rule": "write_off_cancelled", "write_off": write_off.pk, "reason": reason}
        record_change(
            write_off.case, actor=actor, on=as_of, kind="write_off", obj=write_off, detail=detail
        )
    return write_off
