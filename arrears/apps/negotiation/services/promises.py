"""§7 Recording and withdrawing promises to pay (the sweep judges them: services/sweep.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    Negotiation,
    NegotiationStatus,
    PromisePart,
    PromiseToPay,
)
from arrears.apps.negotiation.policy import promise_policy
from arrears.apps.negotiation.services.balances import (
    beyond_walk_away,
    live_plans,
    negotiation_balance,
    overdue,
    plan_scope,
    promise_scope,
)
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    conditions_follow_up,
    record_change,
    refuse_named_twice,
    require_amounts,
    require_case_access,
    require_currency,
    require_desk_day,
    require_open,
    require_within_horizon,
    store_events,
)
from arrears.apps.negotiation.services.withdrawals import approvals_withdraw, promise_withdrawn
from arrears.domain.matching import Receipt
from arrears.domain.money import Money
from arrears.domain.negotiation import Condition, NegotiationHistory, Terms
from arrears.domain.negotiation.recording import direct_entry, record_direct_entry
from arrears.domain.plans.model import sum_money
from arrears.domain.promises import (
    PromiseChannel,
    PromisePolicy,
    PromiseState,
    PromiseStatus,
    cancel_promise,
    evaluate_promise,
    net_of_credit,
    validate_promise,
)
from arrears.domain.promises import PromisePart as DomainPart
from arrears.domain.promises import PromiseToPay as DomainPromise


def promise_evaluate(
    p: PromiseToPay,
    receipts: Sequence[Receipt],
    *,
    as_of: date,
    policy: PromisePolicy,
    holidays: frozenset[date],
) -> PromiseStatus:
    """The promise's state on `as_of` from the receipts on the items it covers: those it
    names, or for a promise on the whole case the items due when it was given and money on
    account (never a payment of an invoice that fell due later)."""
    domain = load.promise_domain(p)
    scope = promise_scope(p)
    if scope:
        receipts = [r for r in receipts if r.item_key in scope]
    return evaluate_promise(domain, receipts, as_of=as_of, policy=policy, holidays=holidays)


def _standing(case: Case, as_of: date) -> list[tuple[PromiseToPay, PromiseStatus]]:
    policy = promise_policy(case.company)
    got = load.receipts(case)
    rows = PromiseToPay.objects.filter(case=case, state=PromiseState.OPEN).prefetch_related(
        "parts", "items"
    )
    days = holidays_for(company=case.company)
    return [(p, promise_evaluate(p, got, as_of=as_of, policy=policy, holidays=days)) for p in rows]


def promise_create(
    *,
    case: Case,
    actor: Any,
    parts: Sequence[tuple[date, Money]],
    given_by: str,
    channel: PromiseChannel,
    as_of: date,
    given_on: date | None = None,
    item_numbers: Sequence[str] = (),
    negotiation: Negotiation | None = None,
    conditions: Sequence[str] = (),
    override_reason: str = "",
) -> PromiseToPay:
    """Record a promise after checking it (not in the past, within the balance less the credit
    we hold, no overlap). Entering the same promise again returns the one already recorded.
    A promise entered directly (not the outcome of a negotiation, which the engine already
    judged) is held against the walk-away point: beyond it, it waits in the credit manager's
    approval queue (`pending_approval`) and holds nothing off the ladder until approved.
    `conditions` (§6, what the debtor gave for the terms) are stored and the dates kept as
    given; a condition to check (payment today, a written acknowledgement, mandate, payment
    order or guarantor) becomes a task to verify it the next business day.
    Entered directly while our offer stands in an open negotiation, a promise below that offer
    or without a concession's condition overrides it (`direct_entry`): it needs
    `override_reason`, and closes the negotiation with an override and an acceptance."""
    conditions = [str(Condition(c)) for c in conditions]
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    for _, amount in parts:
        require_currency("promised_amount", amount.currency, case)
    require_amounts("promised_amount", (amount for _, amount in parts))
    require_within_horizon(case.company, as_of, (("promised_payment", on) for on, _ in parts))
    refuse_named_twice(item_numbers, "promise")
    parts_ = tuple(DomainPart(on, amount) for on, amount in parts)
    who, items_ = actor.get_username(), frozenset(item_numbers)
    channel = PromiseChannel(channel)
    promise = DomainPromise("new", given_on or as_of, parts_, channel, given_by, who, items_)
    with transaction.atomic():
        case_lock(case, actor=actor)
        items = load.open_items(case, as_of)
        standing = _standing(case, as_of)
        for row, status in standing:
            if _same(status.promise, promise):
                return row
        for row in _pending(case):
            if _same(load.promise_domain(row), promise):
                return row
        free = load.negotiable(case, items)
        credit = load.m(load.credit_minor(case, as_of), case.currency)
        if not promise.item_keys:  # the whole case: what is due (invoices named may be later)
            free = {i.number: free[i.number] for i in overdue(items, as_of)}
            _refuse_above_due(
                promise, net_of_credit(sum_money(free.values(), case.currency), frozenset(), credit)
            )
        validate_promise(
            promise,
            as_of=as_of,
            open_items=free,
            standing=[s for _, s in standing],
            credit=credit,
        )
        # a whole-case promise covers what is due: that is what it must not share with a plan
        _refuse_beside(case, promise.item_keys or frozenset(free))
        named = [i for i in items if i.number in promise.item_keys]
        ask = None if negotiation else _beyond_walk_away(case, promise, free, as_of, named)
        terms = Terms.from_parts(promise.parts)
        overridden = None
        if negotiation is None:
            overridden = override_recorded(
                case,
                terms,
                conditions,
                actor=actor,
                reason=override_reason,
                on=as_of,
                kind="promise",
            )
        agreed_in = negotiation or (overridden.negotiation if overridden else None)
        row = _store(case, actor, promise, items, agreed_in, conditions, pending=bool(ask))
        if not promise.item_keys:  # what it was measured against: the items due today
            row.covered_items = sorted(free)
            row.save(update_fields=["covered_items"])
        conditions_follow_up(case, conditions, on=as_of)
        detail = {
            "rule": "promise_needs_approval" if ask else "promise_given",
            "promise": row.pk,
            "parts": [[p.on.isoformat(), p.amount.to_minor()] for p in promise.parts],
            "currency": case.currency,
            "given_by": given_by,
            "taken_by": promise.taken_by,
            "channel": str(channel),
            "items": sorted(promise.item_keys),
            "conditions": conditions,
            **(ask or {}),
        }
        if overridden is not None:
            neg, why = overridden.negotiation, overridden.why
            detail.update(override=override_reason, override_kind=why, negotiation=neg.pk)
        if ask:
            Approval.objects.create(
                case=case,
                kind=ApprovalKind.PROMISE,
                requested_by=actor,
                requested_on=as_of,
                detail=detail,
                promise=row,
            )
        record_change(
            case,
            actor=actor,
            on=as_of,
            kind="promise",
            obj=row,
            detail=detail,
        )
    return row


@dataclass(frozen=True)
class DirectOverride:
    """Terms typed in that override the offer standing in the case's open negotiation."""

    negotiation: Negotiation
    why: str  # recording.BELOW_OUR_OFFER or CONDITION_MISSING
    stored: int  # events stored so far
    history: NegotiationHistory


def direct_override(case: Case, terms: Terms, conditions: Sequence[str]) -> DirectOverride | None:
    """§5-6 Whether a promise or plan typed in overrides the offer standing in the case's open
    negotiation (`recording.direct_entry`: below that offer, or without a concession's
    condition). None: no negotiation is open, or the terms keep to its offer."""
    neg = Negotiation.objects.filter(case=case, status=NegotiationStatus.OPEN).order_by("-id")
    open_ = neg.first()
    if open_ is None:
        return None
    stored = list(open_.events.order_by("seq"))
    history = load.history_domain(stored, case.currency)
    why = direct_entry(history, terms, tuple(Condition(c) for c in conditions))
    return None if why is None else DirectOverride(open_, why, len(stored), history)


def override_recorded(
    case: Case,
    terms: Terms,
    conditions: Sequence[str],
    *,
    actor: Any,
    reason: str,
    on: date,
    kind: str,
) -> DirectOverride | None:
    """§5-6 A promise or plan (`kind`) typed in around the open negotiation's offer: refused
    without a reason; with one, recorded in the negotiation as an override and its acceptance.
    None where the terms keep to the offer (or none is open)."""
    overridden = direct_override(case, terms, conditions)
    if overridden is None:
        return None
    if not reason.strip():
        n, why = overridden.negotiation.pk, overridden.why
        if kind == "plan":
            raise Refused("plan.override_no_reason", negotiation=n, why=why)
        raise Refused("promise.override_no_reason", negotiation=n, why=why)
    direct_override_record(
        overridden, actor=actor, terms=terms, conditions=conditions, reason=reason, on=on
    )
    return overridden


def direct_override_record(
    o: DirectOverride, *, actor: Any, terms: Terms, conditions: Sequence[str], reason: str, on: date
) -> None:
    """Write the override and the acceptance into the negotiation, which closes as agreed."""
    given = tuple(Condition(c) for c in conditions)
    who = actor.get_username()
    new = record_direct_entry(o.history, terms, given, why=o.why, reason=reason, by=who, on=on)
    store_events(o.negotiation, new.events[o.stored :], start=o.stored, script="")
    o.negotiation.status = NegotiationStatus.AGREED
    o.negotiation.save(update_fields=["status"])
    requests = Approval.objects.filter(negotiation=o.negotiation)
    approvals_withdraw(requests, actor=actor, on=on, reason=AGREED_DIRECTLY)


AGREED_DIRECTLY = "the negotiation was agreed by a promise entered directly"


def _refuse_above_due(promise: DomainPromise, due: Money) -> None:
    if due < promise.total:
        raise Refused(
            "promise.above_due",
            promised_minor=promise.total.to_minor(),
            due_minor=due.to_minor(),
            currency=due.currency,
        )


def _beyond_walk_away(
    case: Case, promise: DomainPromise, free: dict[str, Money], as_of: date, named: list[Any]
) -> dict[str, Any] | None:
    """The walk-away limits a promise goes beyond, measured as the negotiation engine measures
    a proposal: from today, against what is due (on the items named, or on the case less the
    credit we hold). None: within the collector's own authority."""
    if promise.item_keys:
        balance = sum_money([a for k, a in free.items() if k in promise.item_keys], case.currency)
    else:
        balance = negotiation_balance(case, as_of)
    terms = Terms.from_parts(promise.parts)
    ask = beyond_walk_away(case, terms, balance=balance, as_of=as_of, items=named)
    return (
        None
        if ask is None
        else {**ask, "describe": terms.describe(holidays_for(company=case.company))}
    )


def _same(a: DomainPromise, b: DomainPromise) -> bool:
    return (a.given_on, a.parts, a.item_keys, a.given_by) == (
        b.given_on,
        b.parts,
        b.item_keys,
        b.given_by,
    )


def _pending(case: Case) -> list[PromiseToPay]:
    rows = PromiseToPay.objects.filter(case=case, state=PromiseState.PENDING_APPROVAL)
    return list(rows.prefetch_related("parts", "items"))


def _refuse_beside(case: Case, keys: frozenset[str]) -> None:
    """No second commitment on the same items: a plan, or a promise waiting for approval."""
    for p in _pending(case):
        if overlaps(keys, {i.number for i in p.items.all()}):
            raise Refused("promise.waits_approval", promise=p.pk)
    for plan in live_plans(case):
        if overlaps(keys, plan_scope(plan)):
            raise Refused("promise.plan_covers", plan=plan.pk)


def overlaps(keys: frozenset[str] | set[str], theirs: frozenset[str] | set[str]) -> bool:
    """Two commitments overlap when either covers the whole case or they share an item."""
    return not keys or not theirs or bool(set(keys) & set(theirs))


def _store(
    case: Case,
    actor: Any,
    promise: DomainPromise,
    items: list[Any],
    negotiation: Negotiation | None,
    conditions: list[str],
    *,
    pending: bool,
) -> PromiseToPay:
    row = PromiseToPay.objects.create(
        state=PromiseState.PENDING_APPROVAL if pending else PromiseState.OPEN,
        conditions=conditions,
        already_counted=load.known_receipts(case, promise.given_on),
        case=case,
        given_on=promise.given_on,
        channel=str(promise.channel),
        given_by=promise.given_by,
        taken_by=actor,
        currency=case.currency,
        total_minor=promise.total.to_minor(),
        negotiation=negotiation,
    )
    PromisePart.objects.bulk_create(
        PromisePart(promise=row, on=p.on, amount_minor=p.amount.to_minor()) for p in promise.parts
    )
    if promise.item_keys:
        row.items.set([i for i in items if i.number in promise.item_keys])
    return row


def promise_cancel(*, promise: PromiseToPay, actor: Any, as_of: date, reason: str) -> PromiseToPay:
    """Withdraw a standing promise (e.g. replaced by a plan); a failed one stays failed."""
    case = promise.case
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    if not reason.strip():
        raise Refused("promise.cancel_no_reason", promise=promise.pk)
    with transaction.atomic():
        case_lock(case, actor=actor, open_=False)
        promise.refresh_from_db()
        if promise.state == PromiseState.PENDING_APPROVAL:  # its request goes with it
            promise_withdrawn(promise, on=as_of)
            requests = Approval.objects.filter(promise=promise)
            approvals_withdraw(requests, actor=actor, on=as_of, reason=reason)
        else:
            status = promise_evaluate(
                promise,
                load.receipts(case),
                as_of=as_of,
                policy=promise_policy(case.company),
                holidays=holidays_for(company=case.company),
            )
            cancel_promise(status, on=as_of)
            promise.state = PromiseState.CANCELLED
            promise.cancelled_on = promise.closed_on = as_of
            promise.save(update_fields=["state", "cancelled_on", "closed_on"])
        detail = {"rule": "promise_cancelled", "promise": promise.pk, "reason": reason}
        record_change(
            case,
            actor=actor,
            on=as_of,
            kind="promise",
            obj=promise,
            detail=detail,
        )
    return promise
