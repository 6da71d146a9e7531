"""§8 Disputes: separate the contested part of items, with an owner and a deadline; resolve it.

Only the disputed part leaves dunning (the sweep writes it into `cases.ItemDeskInput`). A
rejection resolves it at once. An outcome that reduces what is owed waits in the credit
manager's approval queue first (§2, four eyes, `domain.disputes.needs_approval`): a credit note
or a partial credit as a `dispute_credit` request, a write-off as a write-off request
(services/writeoffs.py); the dispute stays open meanwhile. An approved credit stays off the
ladder until finance books it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import role_in
from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    DecisionStatus,
    Dispute,
    DisputePart,
    DisputeStatus,
)
from arrears.apps.negotiation.policy import dispute_policy
from arrears.apps.negotiation.services.balances import refuse_under_commitment
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    has_role,
    record_change,
    require_amounts,
    require_case_access,
    require_currency,
    require_desk_day,
    require_open,
    require_within_horizon,
)
from arrears.apps.negotiation.services.writeoffs import taken_off, writeoff_request
from arrears.domain.disputes import Dispute as DomainDispute
from arrears.domain.disputes import (
    DisputedPart,
    DisputeOutcome,
    DisputeReason,
    credit_for,
    default_deadline,
    resolve_dispute,
    settlement,
    validate_dispute,
)
from arrears.domain.ladder import Role
from arrears.domain.money import Money
from arrears.domain.refusal import NotAllowed


def dispute_open(
    *,
    case: Case,
    actor: Any,
    parts: Sequence[tuple[str, Money]],
    reason: DisputeReason,
    as_of: date,
    owner: Any = None,
    deadline: date | None = None,
    note: str = "",
) -> Dispute:
    """Open a dispute on (item number, amount) parts; the same dispute twice is stored once."""
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    for _, amount in parts:
        require_currency("disputed_amount", amount.currency, case)
    require_amounts("disputed_amount", (amount for _, amount in parts))
    owner = owner or actor
    deadline = deadline or default_deadline(
        as_of, dispute_policy(case.company), holidays_for(company=case.company)
    )
    require_within_horizon(case.company, as_of, [("dispute_deadline", deadline)])
    parts_ = tuple(DisputedPart(k, a) for k, a in parts)
    reason = DisputeReason(reason)
    dispute = DomainDispute("new", parts_, reason, owner.get_username(), as_of, deadline)
    with transaction.atomic():
        case_lock(case, actor=actor)
        items = {i.number: i for i in load.open_items(case)}
        others = list(Dispute.objects.filter(case=case, status=DisputeStatus.OPEN))
        for row in others:
            d = load.dispute_domain(row)
            if (d.parts, d.reason, d.opened_on) == (dispute.parts, dispute.reason, as_of):
                return row
        # what write-offs and dispute credits already take off an item is not disputable
        gone = taken_off(case)
        open_amounts = {
            k: load.m(max(0, i.open_minor - gone.get(i.pk, 0)), case.currency)
            for k, i in items.items()
        }
        validate_dispute(
            dispute,
            as_of=as_of,
            open_items=open_amounts,
            others=[load.dispute_domain(r) for r in others],
        )
        taken = [(p.item_key, p.amount.to_minor()) for p in dispute.parts]
        refuse_under_commitment(case, items, taken, as_of, what="dispute")
        row = _store(case, dispute, owner, items, note)
        detail = {
            "rule": "dispute_opened",
            "dispute": row.pk,
            "reason": str(reason),
            "owner": dispute.owner,
            "deadline": dispute.deadline.isoformat(),
            "parts": [[p.item_key, p.amount.to_minor()] for p in dispute.parts],
            "currency": case.currency,
        }
        record_change(case, actor=actor, on=as_of, kind="dispute", obj=row, detail=detail)
    return row


def _store(
    case: Case, dispute: DomainDispute, owner: Any, items: dict[str, Any], note: str
) -> Dispute:
    row = Dispute.objects.create(
        case=case,
        reason=str(dispute.reason),
        note=note,
        owner=owner,
        opened_on=dispute.opened_on,
        deadline=dispute.deadline,
        currency=case.currency,
    )
    DisputePart.objects.bulk_create(
        DisputePart(dispute=row, item=items[p.item_key], amount_minor=p.amount.to_minor())
        for p in dispute.parts
    )
    return row


def _may_resolve(user: Any, row: Dispute) -> bool:
    """Its owner or the manager it was escalated to, while a member of the company; or a
    credit manager of the company."""
    company_id = row.case.company_id
    if user.pk in (row.owner_id, row.escalated_to_id) and role_in(user, company_id) is not None:
        return True
    return has_role(user, Role.CREDIT_MANAGER, company_id)


def dispute_resolve(
    *,
    dispute: Dispute,
    actor: Any,
    outcome: DisputeOutcome,
    as_of: date,
    credited: Money | None = None,
    reason: str = "",
) -> Dispute:
    """Close a dispute as rejected; ask a credit manager to approve a credit note or a partial
    credit (`dispute_credit` request), or a write-off (write-off request): the dispute stays
    open until a credit manager other than the one asking decides (four eyes, §2)."""
    if not _may_resolve(actor, dispute):
        raise NotAllowed("dispute.not_resolver", person=actor.get_username(), dispute=dispute.pk)
    require_desk_day(dispute.case.company, as_of)
    require_amounts("amount_credited", [credited])
    if dispute.status != DisputeStatus.OPEN:
        raise Refused("dispute.not_open", dispute=dispute.pk, status=str(dispute.status))
    _refuse_waiting(dispute)
    outcome = DisputeOutcome(outcome)
    if outcome in (DisputeOutcome.CREDIT_NOTE, DisputeOutcome.PARTIAL_CREDIT):
        dispute_credit_request(
            dispute=dispute, actor=actor, outcome=outcome, as_of=as_of, credited=credited
        )
        return dispute
    if outcome is DisputeOutcome.WRITTEN_OFF:
        parts = [
            (p.item.number, load.m(p.amount_minor, dispute.currency))
            for p in dispute.parts.select_related("item")
        ]
        writeoff_request(
            case=dispute.case,
            actor=actor,
            as_of=as_of,
            parts=parts,
            dispute=dispute,
            reason=reason or f"dispute D{dispute.pk} written off",
        )
        return dispute
    with transaction.atomic():
        resolved = resolve_dispute(
            load.dispute_domain(dispute),
            outcome=DisputeOutcome(outcome),
            on=as_of,
            by=actor.get_username(),
            credited=credited,
        )
        dispute_settle(dispute, resolved, actor=actor, on=as_of)
    return dispute


def _refuse_waiting(dispute: Dispute) -> None:
    """A dispute whose credit waits for approval is decided there (or the request withdrawn)."""
    waiting = Approval.objects.filter(
        dispute=dispute, kind=ApprovalKind.DISPUTE_CREDIT, status=DecisionStatus.REQUESTED
    ).first()
    if waiting is not None:
        raise Refused("dispute.credit_waits", dispute=dispute.pk, approval=waiting.pk)


def dispute_credit_request(
    *, dispute: Dispute, actor: Any, outcome: DisputeOutcome, as_of: date, credited: Money | None
) -> Approval:
    """Ask a credit manager to resolve the dispute by a credit note or a partial credit: the
    amount is checked now, the dispute stays open (and out of dunning) until the decision."""
    with transaction.atomic():
        case_lock(dispute.case)
        dispute.refresh_from_db()
        if dispute.status != DisputeStatus.OPEN:
            raise Refused("dispute.not_open", dispute=dispute.pk, status=str(dispute.status))
        _refuse_waiting(dispute)
        amount = credit_for(load.dispute_domain(dispute), outcome, credited)
        detail = {
            "rule": "dispute_credit_requested",
            "dispute": dispute.pk,
            "outcome": str(outcome),
            "credited_minor": amount.to_minor(),
            "currency": dispute.currency,
        }
        row = Approval.objects.create(
            case=dispute.case,
            kind=ApprovalKind.DISPUTE_CREDIT,
            requested_by=actor,
            requested_on=as_of,
            detail=detail,
            dispute=dispute,
        )
        detail["approval"] = row.pk
        record_change(
            dispute.case, actor=actor, on=as_of, kind="dispute", obj=dispute, detail=detail
        )
    return row


def dispute_credit_decided(approval: Approval, *, actor: Any, approve: bool, on: date) -> None:
    """An approved credit resolves the dispute as asked (by the requester, approved by `actor`);
    a refused one leaves it open, to be rejected, written off or asked again."""
    dispute = approval.dispute
    if not approve or dispute is None or dispute.status != DisputeStatus.OPEN:
        return
    d = approval.detail
    outcome = DisputeOutcome(d["outcome"])
    credited = None
    if outcome is DisputeOutcome.PARTIAL_CREDIT:
        credited = load.m(int(d["credited_minor"]), dispute.currency)
    resolved = resolve_dispute(
        load.dispute_domain(dispute),
        outcome=outcome,
        on=on,
        by=approval.requested_by.get_username(),
        credited=credited,
        approved_by=actor.get_username(),
    )
    dispute_settle(dispute, resolved, actor=actor, on=on)


def dispute_settle(row: Dispute, resolved: DomainDispute, *, actor: Any, on: date) -> None:
    """Store a domain resolution: outcome, credited parts (kept off the ladder until booked)."""
    assert resolved.resolution is not None
    split = settlement(resolved)
    for part in row.parts.select_related("item"):
        credit = split.credited.get(part.item.number)
        part.credited_minor = credit.to_minor() if credit else 0
        part.open_at_minor = part.item.open_minor
        part.save(update_fields=["credited_minor", "open_at_minor"])
    r = resolved.resolution
    row.status = DisputeStatus.RESOLVED
    row.outcome = str(r.outcome)
    row.resolved_on = r.on
    row.resolved_by = actor
    row.credited_minor = r.credited.to_minor()
    row.save(update_fields=["status", "outcome", "resolved_on", "resolved_by", "credited_minor"])
    detail = {
        "rule": "dispute_resolved",
        "dispute": row.pk,
        "outcome": str(r.outcome),
        "credited_minor": r.credited.to_minor(),
        "currency": row.currency,
        "approved_by": r.approved_by,
    }
    record_change(row.case, actor=actor, on=on, kind="dispute", obj=row, detail=detail)
