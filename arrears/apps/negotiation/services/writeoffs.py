"""§1-2 Write-offs (requested by anyone on the case, approved only by a credit manager) and
hand-overs to legal or an agency (a credit manager's decision that changes the owner)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.cases.models import (
    NEXT_ACTION_FIELDS,
    PENDING_STATUSES,
    Action,
    ActionStatus,
    Case,
    CaseStatus,
)
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    DecisionStatus,
    Dispute,
    DisputeStatus,
    Handover,
    HandoverTarget,
    WriteOff,
    WriteOffPart,
)
from arrears.apps.negotiation.services.balances import overdue, refuse_under_commitment
from arrears.apps.negotiation.services.common import (
    AGENCY,
    Refused,
    case_lock,
    follow_up,
    has_role,
    record_change,
    refuse_named_twice,
    require_amounts,
    require_case_access,
    require_credit_manager,
    require_currency,
    require_desk_day,
    require_open,
)
from arrears.apps.negotiation.services.handovers import handover_role
from arrears.domain.access import Verb
from arrears.domain.actions import next_kind
from arrears.domain.dates import next_business_day
from arrears.domain.ladder import PERSON_CHANNELS, Channel, Role
from arrears.domain.money import Money


def writeoff_request(
    *,
    case: Case,
    actor: Any,
    reason: str,
    as_of: date,
    parts: Sequence[tuple[str, Money]] = (),
    dispute: Dispute | None = None,
) -> WriteOff:
    """Ask a credit manager to write off (item number, amount) parts; none: the whole case."""
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    if not reason.strip():
        raise Refused("writeoff.no_reason")
    require_amounts("amount_written_off", (amount for _, amount in parts))
    refuse_named_twice((key for key, _ in parts), "write_off")
    with transaction.atomic():
        case_lock(case, actor=actor)
        items = {i.number: i for i in load.open_items(case, as_of)}
        if parts:
            chosen = _parts(case, items, parts, write_off_held(case, dispute=dispute))
        else:
            due = {i.number: i for i in overdue(list(items.values()), as_of)}
            held = write_off_held(case, dispute=dispute)
            chosen = _whole_case(due, held, load.credit_minor(case, as_of))
        if dispute is None:  # a dispute's own money is outside every commitment already
            refuse_under_commitment(case, items, chosen, as_of, what="write_off")
        row = WriteOff.objects.create(
            case=case, reason=reason, requested_by=actor, requested_on=as_of, dispute=dispute
        )
        WriteOffPart.objects.bulk_create(
            WriteOffPart(write_off=row, item=items[k], amount_minor=a) for k, a in chosen
        )
        detail = {
            "rule": "write_off_requested",
            "write_off": row.pk,
            "reason": reason,
            "parts": [[k, a] for k, a in chosen],
            "currency": case.currency,
            "dispute": dispute.pk if dispute else None,
        }
        Approval.objects.create(
            case=case,
            kind=ApprovalKind.WRITE_OFF,
            requested_by=actor,
            requested_on=as_of,
            detail=detail,
            write_off=row,
        )
        record_change(case, actor=actor, on=as_of, kind="write_off", obj=row, detail=detail)
    return row


def taken_off(case: Case, *, besides: WriteOff | None = None) -> dict[int, int]:
    """Per item id, what write-offs and dispute credits already take off it: write-offs
    awaiting approval (`besides`: but the request being decided), and approved write-offs and
    dispute credits the ledger does not show booked yet. Neither a write-off nor a dispute may
    take the same money again."""
    asked = WriteOffPart.objects.filter(
        write_off__case=case, write_off__status=DecisionStatus.REQUESTED
    )
    if besides is not None:
        asked = asked.exclude(write_off=besides)
    out: dict[int, int] = {}
    for item_id, minor in asked.values_list("item_id", "amount_minor"):
        out[item_id] = out.get(item_id, 0) + minor
    return load.add_up(out, *load.unbooked_by_kind(case))


def write_off_held(
    case: Case, *, besides: WriteOff | None = None, dispute: Dispute | None = None
) -> dict[int, int]:
    """Per item id, what a write-off cannot take: what is taken off already (`taken_off`) and
    open disputes but the one it settles (`dispute`), so no money leaves an item twice."""
    return load.add_up(taken_off(case, besides=besides), load.disputed_minor(case, besides=dispute))


def write_off_check(
    case: Case, items: dict[str, Any], chosen: Sequence[tuple[str, int]], reserved: dict[int, int]
) -> None:
    """Refuse any part above the item's open amount less what is reserved by other write-offs;
    parts on the same item (a request stored before items were refused when named twice)
    count together."""
    summed: dict[str, int] = {}
    for key, minor in chosen:
        summed[key] = summed.get(key, 0) + minor
    for key, minor in summed.items():
        item = items.get(key)
        if item is None:
            raise Refused("writeoff.unknown_item", item=key)
        if minor > item.open_minor:
            raise Refused(
                "writeoff.part_above_open",
                item=key,
                amount_minor=minor,
                open_minor=item.open_minor,
                currency=case.currency,
            )
        held = reserved.get(item.pk, 0)
        if minor > item.open_minor - held:
            raise Refused(
                "writeoff.beyond_left",
                item=key,
                amount_minor=minor,
                left_minor=max(0, item.open_minor - held),
                open_minor=item.open_minor,
                reserved_minor=held,
                currency=case.currency,
            )


def _whole_case(
    items: dict[str, Any], reserved: dict[int, int], credit: int
) -> list[tuple[str, int]]:
    """A write-off of the whole case: what is due (items past their due date; an invoice not
    yet due is named to be written off), less what other write-offs hold, less the debtor's
    money we hold (open credit notes, money on account), taken from the newest items, so the
    oldest debt is what is written off."""
    chosen = [
        [k, i.open_minor - reserved.get(i.pk, 0)]
        for k, i in items.items()
        if i.open_minor > reserved.get(i.pk, 0)
    ]
    left = credit
    for part in reversed(chosen):  # items come oldest due first
        take = min(left, int(part[1]))
        part[1] = int(part[1]) - take
        left -= take
    out = [(str(k), int(a)) for k, a in chosen if int(a) > 0]
    if not items:
        raise Refused("writeoff.nothing_due")
    if not chosen:
        raise Refused("writeoff.nothing_left")
    if not out:
        raise Refused("writeoff.credit_covers", credit_minor=credit)
    return out


def _parts(
    case: Case,
    items: dict[str, Any],
    parts: Sequence[tuple[str, Money]],
    reserved: dict[int, int],
) -> list[tuple[str, int]]:
    out = []
    for key, amount in parts:
        require_currency("amount_written_off", amount.currency, case)
        if key not in items:
            raise Refused("writeoff.unknown_item", item=key)
        minor = amount.to_minor()
        if minor <= 0:
            raise Refused(
                "writeoff.part_not_positive", item=key, amount_minor=minor, currency=case.currency
            )
        out.append((key, minor))
    write_off_check(case, items, out, reserved)
    return out


def case_handover(
    *,
    case: Case,
    actor: Any,
    to: HandoverTarget,
    new_owner: Any,
    reason: str,
    as_of: date,
    agency: str = "",
) -> Handover:
    """Hand the debtor's account to legal or an agency: a new owner for the debtor, recorded
    with the reason on every open case of the debtor (each locked while it is written).

    Our ladder stops there (the sweep excludes a handed-over case's items), so the collector's
    open actions on each case (a call never made, a reminder never sent, a follow-up) are
    cancelled and listed in the hand-over event, and the case's next action becomes the new
    owner's first task (`handover_<to>`), as the daily run will keep it.
    Returns the hand-over of `case`."""
    target = _check_handover(case, actor, HandoverTarget(to), new_owner, reason)
    require_desk_day(case.company, as_of)
    debtor = case.debtor
    role = handover_role(target)  # the new owner's: later desk tasks follow (role_for_case)
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update()
            .filter(debtor=debtor, status=CaseStatus.OPEN)
            .order_by("id")
        )
        old = debtor.owner
        rows = {}
        for c in cases:
            rows[c.pk] = row = Handover.objects.create(
                case=c,
                to=target,
                agency=agency,
                on=as_of,
                from_owner=old,
                to_owner=new_owner,
                reason=reason,
                by=actor,
            )
            detail = {
                "rule": "handover",
                "to": str(target),
                "agency": agency,
                "reason": reason,
                "from_owner": old.get_username() if old else "",
                "to_owner": new_owner.get_username(),
                "cases": [x.pk for x in cases],
                "cancelled_actions": _collector_actions_cancel(c, on=as_of),
            }
            record_change(c, actor=actor, on=as_of, kind="handover", obj=row, detail=detail)
            follow_up(
                c,
                step_code=f"handover_{target}",
                due_on=next_business_day(as_of, holidays_for(company=c.company)),
                channel=Channel.TASK,
                role=role,
            )
            _next_action_after_handover(c)
        debtor.owner = new_owner
        debtor.save(update_fields=["owner"])
    return rows[case.pk]


def _collector_actions_cancel(case: Case, *, on: date) -> list[list[str]]:
    """Cancel the collector's pending actions (open, or queued messages) on a case handed over:
    [[step code, channel, due date], ...] as the hand-over event records them."""
    mine = Action.objects.filter(case=case, status__in=PENDING_STATUSES, role=Role.COLLECTOR)
    gone = [[a.step_code, a.channel, a.due_on.isoformat()] for a in mine.order_by("due_on", "id")]
    mine.update(status=ActionStatus.CANCELLED, cancelled_reason="handover", cancelled_on=on)
    return gone


def _next_action_after_handover(case: Case) -> None:
    """The case's next action as the daily run chooses it for a case nobody dunns any more: the
    earliest call or task still open (the new owner's hand-over task at the latest)."""
    first = (
        Action.objects.filter(
            case=case, status=ActionStatus.OPEN, channel__in=[str(c) for c in PERSON_CHANNELS]
        )
        .order_by("due_on", "step_code")
        .first()
    )
    if first is not None:
        case.next_action_on = first.due_on
        case.next_action_kind = next_kind(first.channel, first.step_code)
        case.next_action_step_code = first.step_code
        case.next_action_channel, case.next_action_role = first.channel, first.role
        case.save(update_fields=["next_action_on", *NEXT_ACTION_FIELDS])


def _check_handover(
    case: Case, actor: Any, target: HandoverTarget, new_owner: Any, reason: str
) -> HandoverTarget:
    require_credit_manager(
        actor, "hand an account over to legal or an agency", case.company_id, Verb.SET_POLICY
    )
    require_open(case)
    if not reason.strip():
        raise Refused("handover.no_reason")
    person = new_owner.get_username()
    if target is HandoverTarget.LEGAL and not has_role(new_owner, Role.LEGAL, case.company_id):
        raise Refused("handover.not_legal", person=person)
    if target is HandoverTarget.AGENCY and not has_role(new_owner, AGENCY, case.company_id):
        raise Refused("handover.not_agency", person=person)
    if case.debtor.owner_id == new_owner.pk:
        raise Refused("handover.same_owner", person=person)
    return target


def open_dispute_of(row: WriteOff) -> Dispute | None:
    d = row.dispute
    return d if d is not None and d.status == DisputeStatus.OPEN else None
