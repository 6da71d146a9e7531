"""The credit manager's approval queue: terms beyond the walk-away point, plans, promises,
write-offs and dispute credits.

Only a credit manager decides, never the one who asked (four eyes), always with a reason; the
decision is recorded on the request, in the case history and in the audit trail.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from arrears.apps.accounts import access
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    DecisionStatus,
    Negotiation,
    NegotiationEvent,
    NegotiationStatus,
    PlanStatus,
    PromiseToPay,
    WriteOff,
)
from arrears.apps.negotiation.services.balances import refuse_under_commitment
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    record_change,
    require_desk_day,
    require_open,
)
from arrears.apps.negotiation.services.disputes import dispute_credit_decided, dispute_settle
from arrears.apps.negotiation.services.withdrawals import first_payment_on
from arrears.apps.negotiation.services.writeoffs import (
    open_dispute_of,
    write_off_check,
    write_off_held,
)
from arrears.domain.access import Verb
from arrears.domain.disputes import DisputeOutcome, resolve_dispute
from arrears.domain.negotiation import (
    ApprovalDecision,
    ApprovalRequest,
    Limit,
    WalkAway,
    record_decision,
)
from arrears.domain.promises import PromiseState


def _require_approver(actor: Any, approval: Approval) -> None:
    """A credit manager of the case's company who did not ask for it (four eyes, §6)."""
    access.require(
        actor,
        Verb.APPROVE,
        company_id=approval.case.company_id,
        requester_id=approval.requested_by_id,
        what="approve or refuse",
    )


def approval_decide(
    *, approval: Approval, actor: Any, approve: bool, reason: str, as_of: date
) -> Approval:
    """Approve or refuse a request in the queue (credit managers only, not the requester)."""
    _require_approver(actor, approval)
    if not reason.strip():
        raise Refused("approval.decision_no_reason", approval=approval.pk)
    require_desk_day(approval.case.company, as_of)
    with transaction.atomic():
        case_lock(approval.case)
        approval.refresh_from_db()  # it may have been withdrawn or replaced meanwhile
        _require_approver(actor, approval)
        if approval.status != DecisionStatus.REQUESTED:
            raise Refused(
                "approval.decided",
                approval=approval.pk,
                status=str(approval.status),
                on=approval.decided_on,
            )
        require_open(approval.case)
        kind = ApprovalKind(approval.kind)
        if approve:
            _refuse_stale(approval, as_of)
        if kind is ApprovalKind.TERMS:
            _decide_terms(approval, actor, approve, reason, as_of)
        elif kind is ApprovalKind.PLAN and approval.plan is not None:
            approval.plan.status = PlanStatus.GOOD_STANDING if approve else PlanStatus.REFUSED
            approval.plan.save(update_fields=["status"])
        elif kind is ApprovalKind.PROMISE and approval.promise is not None:
            _decide_promise(approval.promise, approve, as_of)
        elif kind is ApprovalKind.DISPUTE_CREDIT:
            dispute_credit_decided(approval, actor=actor, approve=approve, on=as_of)
        elif approval.write_off is not None:
            _decide_write_off(approval.write_off, actor, approve, as_of)
        approval.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
        approval.decided_by = actor
        approval.decided_on = as_of
        approval.decision_reason = reason
        approval.save(update_fields=["status", "decided_by", "decided_on", "decision_reason"])
        detail = {
            "rule": f"{kind}_{approval.status}",
            "approval": approval.pk,
            "reason": reason,
            "requested_by": approval.requested_by.get_username(),
        }
        record_change(
            approval.case, actor=actor, on=as_of, kind="approval", obj=approval, detail=detail
        )
    return approval


def _refuse_stale(approval: Approval, as_of: date) -> None:
    """Terms, a plan or a promise whose first payment is already past cannot be granted as
    asked (the daily run withdraws such requests; this guards the day itself)."""
    first_on = first_payment_on(approval)
    if first_on is not None and first_on < as_of:
        raise Refused("approval.terms_past", approval=approval.pk, first_on=first_on, as_of=as_of)
    neg = approval.negotiation
    if neg is not None and neg.status != NegotiationStatus.OPEN:
        raise Refused(
            "approval.negotiation_not_open",
            approval=approval.pk,
            negotiation=neg.pk,
            status=str(neg.status),
        )


def _decide_promise(promise: PromiseToPay, approve: bool, on: date) -> None:
    """An approved promise stands from now on (the sweep judges it like any other); a refused
    one never held anything off the ladder and stays refused."""
    if promise.state != PromiseState.PENDING_APPROVAL:
        return  # cancelled meanwhile: the decision stays on the request
    promise.state = PromiseState.OPEN if approve else PromiseState.REFUSED
    if not approve:
        promise.closed_on = on
    promise.save(update_fields=["state", "closed_on"])


def _decide_terms(approval: Approval, actor: Any, approve: bool, reason: str, on: date) -> None:
    """Write the decision into the negotiation history; approved terms are then accepted."""
    assert approval.negotiation_id is not None
    neg = Negotiation.objects.get(pk=approval.negotiation_id)  # fresh: it may have moved on
    if neg.status != NegotiationStatus.OPEN:
        return  # a refusal of a request left on an ended negotiation stays on the request
    d, cur = approval.detail, approval.case.currency
    first, share, last = d["walk_away"]
    request = ApprovalRequest(
        terms=load.terms_from_json(d["terms"], cur),
        balance=load.m(int(d["balance_minor"]), cur),
        risk_tier=str(d["risk_tier"]),
        walk_away=WalkAway(int(first), Decimal(share), int(last)),
        anchor=date.fromisoformat(d["anchor"]),
        exceeded=tuple(Limit(x) for x in d["exceeded"]),
        requested_by=approval.requested_by.get_username(),
        requested_on=approval.requested_on,
    )
    decision = ApprovalDecision(request, approve, actor.get_username(), on, reason)
    stored = list(neg.events.order_by("seq"))
    history = record_decision(load.history_domain(stored, cur), decision)
    e = history.events[-1]
    NegotiationEvent.objects.create(
        negotiation=neg,
        seq=len(stored) + 1,
        kind=str(e.kind),
        on=e.on,
        by=e.by,
        reason=e.reason,
        **load.terms_fields(e.terms),
    )


def _decide_write_off(row: WriteOff, actor: Any, approve: bool, on: date) -> None:
    """An approved write-off keeps its parts off the ladder until finance books it."""
    if approve:  # money approved meanwhile on another request cannot be written off again
        chosen = [(p.item.number, p.amount_minor) for p in row.parts.select_related("item")]
        items = {i.number: i for i in load.open_items(row.case)}
        held = write_off_held(row.case, besides=row, dispute=row.dispute)
        write_off_check(row.case, items, chosen, held)
        if row.dispute is None:  # a promise or plan agreed meanwhile still counts on it
            refuse_under_commitment(row.case, items, chosen, on, what="write_off")
    row.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
    row.decided_on = on
    row.save(update_fields=["status", "decided_on"])
    if not approve:
        return
    for part in row.parts.select_related("item"):
        part.open_at_minor = part.item.open_minor
        part.save(update_fields=["open_at_minor"])
    dispute = open_dispute_of(row)
    if dispute is not None:
        resolved = resolve_dispute(
            load.dispute_domain(dispute),
            outcome=DisputeOutcome.WRITTEN_OFF,
            on=on,
            by=row.requested_by.get_username(),
            approved_by=actor.get_username(),
        )
        dispute_settle(dispute, resolved, actor=actor, on=on)
