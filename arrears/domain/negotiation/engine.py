"""§5 Refuse the first proposal; §6 persist, concede only on conditions and less each time.

`respond` answers a debtor's proposal with a recommendation the collector can follow or
override:

1. The first proposal of a negotiation is countered even when it is acceptable: the counter asks
   for an earlier first date, a larger first payment and a shorter plan (`CounterPolicy`), kept
   within the walk-away point, with a reason from the configured list. Only a proposal with
   nothing left to improve (the whole balance today) is accepted at once. A plan is countered
   with a plan of the same total (the amount covered is the debtor's to name): its first
   payment grows within that total, never beyond it, unless the walk-away point's smallest first
   payment is more than the plan covers (then that payment alone is asked for).
2. A later proposal at least as good as the creditor's standing position (or as terms a credit
   manager approved) is accepted, on the conditions of every concession it took to reach the
   first position it is as good as (`NegotiationHistory.conditions_for`: they accumulate),
   where each applies to the terms.
3. A concession is made only in exchange for movement: a proposal no better for the creditor
   than the debtor's previous one on any negotiated point (the same, or worse) is answered by
   holding the position (and terms already waiting for a credit manager are not asked again).
4. Otherwise the position moves towards the proposal by a concession that may give up at most
   ``first_share * ratio**(k-1)`` of the room between the opening counter and the walk-away
   point (k = 1, 2, ...), never more than the concession before it on the same point, and only
   in exchange for a condition not yet asked for that applies to the terms offered (no
   acceleration clause on a single payment). A concession to a plan stays a plan of the
   proposal's total. Conditions accumulate: a proposal within reach of that concession is
   accepted on its condition and those of the concessions before it; otherwise the concession
   is offered on all of them. "A payment today" names its amount (`config.payment_today`).
5. A proposal beyond the walk-away point needs a credit manager's approval; the collector may
   still offer the concession within their own authority. The same terms are never put to the
   credit manager twice: while they wait (or once refused) the collector holds.
6. When no concession is left (all made, nothing left to ask, or no room), the collector holds.

A poor promise-keeping record tightens everything: an earlier walk-away point and smaller
concessions (`config.tightening`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from arrears.domain.dates import business_day_by, is_business_day, next_business_day
from arrears.domain.money import Money, exponent
from arrears.domain.negotiation.config import (
    Condition,
    CounterPolicy,
    CounterReason,
    NegotiationConfig,
    choose_condition,
    choose_reason,
    conditions_ask,
    tightening,
    walk_away_for,
)
from arrears.domain.negotiation.history import (
    Action,
    ApprovalRequest,
    EventKind,
    NegotiationError,
    NegotiationHistory,
)
from arrears.domain.negotiation.terms import Limit, Terms, WalkAway
from arrears.domain.promises import PromiseRecord

PROPOSAL_CURRENCY = "the proposal is in {got}, the balance in {want}"
PROPOSAL_IN_PAST = "the proposed first date {on} is before today ({as_of})"
PROPOSAL_ABOVE_BALANCE = "the proposal ({total}) is more than the open balance ({balance})"
NOTHING_OWED = "there is no open balance to negotiate ({balance})"
ALREADY_AGREED = "this negotiation ended in an agreement: start a new one"

DEFAULT_CONFIG = NegotiationConfig()


@dataclass(frozen=True, slots=True)
class NegotiationContext:
    """The case as it stands when the debtor proposes."""

    as_of: date
    balance: Money  # the open, undisputed balance being negotiated
    risk_tier: str
    record: PromiseRecord
    collector: str
    # the company's holidays (besides weekends): our counter dates fall on business days
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What the engine advises, and the words for it."""

    action: Action
    proposal: Terms
    terms: Terms  # to offer (counter, concession, hold) or to agree (accept)
    script: str  # what the collector says to the debtor
    note: str  # why, for the collector
    walk_away: WalkAway
    anchor: date
    balance: Money
    reason: CounterReason | None = None
    condition: Condition | None = None  # asked for by this step
    conditions: tuple[Condition, ...] = ()  # all the debtor gives for these terms
    approval: ApprovalRequest | None = None
    # the company's holidays it was decided with: its terms are said on those business days
    holidays: frozenset[date] = frozenset()


def respond(
    proposal: Terms,
    *,
    context: NegotiationContext,
    history: NegotiationHistory,
    config: NegotiationConfig = DEFAULT_CONFIG,
) -> Recommendation:
    """The recommended answer to the debtor's proposal (see the module docstring)."""
    _validate(proposal, context, history)
    anchor = history.started_on or context.as_of
    wa = walk_away_for(
        config, risk_tier=context.risk_tier, balance=context.balance, record=context.record
    )
    base = _Base(proposal, context, history, config, wa, anchor)
    return _later(base) if history.positions else _first(base)


def _later(b: _Base) -> Recommendation:
    """Steps 2-6 of the module docstring: accept, hold, concede or ask for approval."""
    proposal, history = b.proposal, b.history
    approved = any(proposal.at_least_as_good_as(t) for t in history.approved)
    if approved or proposal.at_least_as_good_as(history.positions[-1]):
        note = "approved by the credit manager" if approved else "as good as our position"
        asked = fitting_conditions(history.conditions_for(proposal), proposal)
        return b.rec(Action.ACCEPT, proposal, b.agree(proposal, asked), note, conditions=asked)
    exceeded = b.wa.exceeded(proposal, anchor=b.anchor, balance=b.context.balance)
    moved = moved_towards_us(previous_proposal(history), proposal)
    waiting = waiting_request(history)
    if exceeded and waiting == proposal:
        return _hold(b, ALREADY_WAITING, waiting=waiting)
    if exceeded and proposal in refused_requests(history):
        return _hold(b, ALREADY_REFUSED, refused=proposal)
    if not moved and waiting is not None:
        return _hold(b, NOT_MOVED, waiting=waiting)
    step = _concession(b) if moved else None  # a concession only in exchange for movement
    if exceeded:
        return _needs_approval(b, step, exceeded)
    if step is None:
        return _hold(b, "no concession left to make" if moved else NOT_MOVED)
    new, cond = step
    # conditions accumulate: this concession's, and those every earlier concession bought
    need = fitting_conditions((*history.conditions_for(new), cond), proposal)
    if proposal.at_least_as_good_as(new):
        script = b.agree(proposal, need)
        return b.rec(
            Action.ACCEPT,
            proposal,
            script,
            "within this concession",
            condition=cond,
            conditions=need,
        )
    script = f"I can move to {new.describe()}, if you {b.asks(need, new)}."
    return b.rec(
        Action.CONCEDE,
        new,
        script,
        f"concession {history.concessions + 1}",
        condition=cond,
        conditions=fitting_conditions(need, new),
    )


NOT_MOVED = "the debtor did not move: no concession without movement"
ALREADY_WAITING = "already with the credit manager: the same terms are not asked twice"
ALREADY_REFUSED = "the credit manager refused these terms: they are not asked again"


def previous_proposal(history: NegotiationHistory) -> Terms | None:
    """The debtor's last proposal in this negotiation (None: none recorded)."""
    return next(
        (e.terms for e in reversed(history.events) if e.kind is EventKind.PROPOSAL and e.terms),
        None,
    )


def moved_towards_us(before: Terms | None, now: Terms) -> bool:
    """Whether `now` is better for the creditor than `before` on at least one negotiated point:
    an earlier first date, a larger first payment or an earlier last date. The same proposal,
    or a worse one, is no movement (no earlier proposal: any proposal is)."""
    if before is None:
        return True
    return (
        now.first_on < before.first_on
        or before.first_amount < now.first_amount
        or now.last_on < before.last_on
    )


_ENDS_A_REQUEST = (EventKind.APPROVAL_GRANTED, EventKind.APPROVAL_REFUSED, EventKind.ACCEPTANCE)


def waiting_request(history: NegotiationHistory) -> Terms | None:
    """The terms of the approval request still waiting for a credit manager (one at a time: a
    decision ends it, and so does its withdrawal; a new request replaces it)."""
    waiting: Terms | None = None
    for e in history.events:
        if e.kind is EventKind.APPROVAL_REQUESTED:
            waiting = e.terms
        elif e.kind in _ENDS_A_REQUEST or (
            e.kind is EventKind.APPROVAL_WITHDRAWN and e.terms == waiting
        ):
            waiting = None
    return waiting


def refused_requests(history: NegotiationHistory) -> tuple[Terms, ...]:
    """Terms a credit manager refused in this negotiation."""
    return tuple(
        e.terms for e in history.events if e.kind is EventKind.APPROVAL_REFUSED and e.terms
    )


def fitting_conditions(conditions: tuple[Condition, ...], terms: Terms) -> tuple[Condition, ...]:
    """The conditions that apply to `terms`: an acceleration clause binds only a plan."""
    return tuple(c for c in conditions if condition_applies(c, terms))


def condition_applies(condition: Condition, terms: Terms) -> bool:
    """An acceleration clause makes the rest of a plan due at once; a single payment has no rest,
    so the clause means nothing there. Every other condition applies to any terms."""
    return terms.is_plan or condition is not Condition.ACCELERATION_CLAUSE


@dataclass(frozen=True, slots=True)
class _Base:
    proposal: Terms
    context: NegotiationContext
    history: NegotiationHistory
    config: NegotiationConfig
    wa: WalkAway
    anchor: date

    def rec(
        self,
        action: Action,
        terms: Terms,
        script: str,
        note: str,
        *,
        reason: CounterReason | None = None,
        condition: Condition | None = None,
        conditions: tuple[Condition, ...] = (),
        approval: ApprovalRequest | None = None,
    ) -> Recommendation:
        return Recommendation(
            action,
            self.proposal,
            terms,
            script,
            note,
            self.wa,
            self.anchor,
            self.context.balance,
            reason,
            condition,
            conditions,
            approval,
            self.context.holidays,
        )

    def asks(self, conditions: tuple[Condition, ...], terms: Terms) -> str:
        """The conditions as the collector asks for them, a payment today with its amount."""
        return conditions_ask(conditions, terms, self.context.balance, self.config.conditions)

    def agree(self, terms: Terms, conditions: tuple[Condition, ...]) -> str:
        if not conditions:
            return f"Agreed: {terms.describe()}."
        return f"Agreed: {terms.describe()}, provided you {self.asks(conditions, terms)}."

    def reason(self) -> CounterReason:
        return choose_reason(
            self.config.reasons, risk_tier=self.context.risk_tier, used=self.history.reasons_used
        )


def _validate(proposal: Terms, context: NegotiationContext, history: NegotiationHistory) -> None:
    balance = context.balance
    if balance.to_minor() <= 0:
        raise NegotiationError(NOTHING_OWED.format(balance=balance))
    if proposal.currency != balance.currency:
        raise NegotiationError(
            PROPOSAL_CURRENCY.format(got=proposal.currency, want=balance.currency)
        )
    if proposal.first_on < context.as_of:
        raise NegotiationError(PROPOSAL_IN_PAST.format(on=proposal.first_on, as_of=context.as_of))
    if balance < proposal.total:
        raise NegotiationError(PROPOSAL_ABOVE_BALANCE.format(total=proposal.total, balance=balance))
    if history.accepted is not None:
        raise NegotiationError(ALREADY_AGREED)


def _first(b: _Base) -> Recommendation:
    opening = counter_terms(
        b.proposal,
        anchor=b.anchor,
        as_of=b.context.as_of,
        balance=b.context.balance,
        walk_away=b.wa,
        policy=b.config.counter,
        holidays=b.context.holidays,
    )
    if b.proposal.at_least_as_good_as(opening):
        return b.rec(
            Action.ACCEPT, b.proposal, b.agree(b.proposal, ()), "nothing better to ask for"
        )
    reason = b.reason()
    script = f"{reason.text} I need {opening.describe()}."
    return b.rec(
        Action.COUNTER,
        opening,
        script,
        "first proposal: countered even if acceptable",
        reason=reason,
    )


def counter_terms(
    proposal: Terms,
    *,
    anchor: date,
    as_of: date,
    balance: Money,
    walk_away: WalkAway,
    policy: CounterPolicy,
    holidays: frozenset[date] = frozenset(),
) -> Terms:
    """The opening counter: earlier, larger and shorter than the proposal, within walk-away,
    its dates on business days.

    A plan is countered with a plan of the same total: its first payment takes a larger share of
    what the plan covers, never more than the plan covers, unless the walk-away point's smallest
    first payment is more than that (then that payment alone). A single payment is all it
    covers, so a larger first payment is a larger single payment (up to the balance)."""
    days = (proposal.first_on - anchor).days
    first_days = min(_floor(days * (1 - policy.earlier_share)), walk_away.max_days_to_first)
    first_on = min(proposal.first_on, max(as_of, anchor + timedelta(days=first_days)))
    minor = Decimal(1).scaleb(-exponent(balance.currency))
    ceiling = proposal.total if proposal.is_plan else balance  # what a larger first can reach
    gap = ceiling.amount - proposal.first_amount.amount
    step = max(policy.round_up_to, minor)
    raised = proposal.first_amount.amount + gap * policy.raise_share
    wanted = _ceil_to(raised, step)
    if proposal.is_plan and wanted >= ceiling.amount and raised < ceiling.amount:
        # rounding must not turn the plan into one payment: round to the minor unit instead,
        # leaving at least one minor unit for the rest
        wanted = min(_ceil_to(raised, minor), ceiling.amount - minor)
    amount = min(Money(wanted, balance.currency), ceiling, key=lambda m: m.amount)
    amount = max(amount, walk_away.smallest_first(balance), key=lambda m: m.amount)
    amount = min(amount, balance, key=lambda m: m.amount)
    last_days = min(
        _floor((proposal.last_on - anchor).days * (1 - policy.shorten_share)),
        walk_away.max_days_to_last,
    )
    last_on = min(proposal.last_on, anchor + timedelta(days=last_days))
    return _shape(first_on, amount, last_on, proposal, as_of=as_of, holidays=holidays)


def _shape(
    first_on: date,
    first: Money,
    last_on: date,
    like: Terms,
    *,
    as_of: date,
    holidays: frozenset[date] = frozenset(),
) -> Terms:
    """Terms from the three negotiated points, covering what `like` covers (at least `first`).

    A first payment below what `like` covers leaves a rest, paid as a plan by `last_on` in
    `like`'s instalments (fewer if the days are too few; the rest is never due the same day as
    the first payment, so a plan stays a plan). Our dates fall on business days: each moves
    earlier to one (never before `as_of`, nor the last onto the first), else later."""
    first_on = _business(first_on, after=as_of - timedelta(days=1), holidays=holidays)
    if like.total <= first:
        return Terms.single(first_on, first)
    last_on = max(last_on, first_on + timedelta(days=1))
    last_on = _business(last_on, after=first_on, holidays=holidays)
    n = min(max(like.instalments, 1), (last_on - first_on).days)
    return Terms(first_on, first, last_on, like.total, n)


def _business(day: date, *, after: date, holidays: frozenset[date]) -> date:
    """`day` on a business day: the last one on or before it after `after`, else the next."""
    got = business_day_by(day, after=after, holidays=holidays)
    if got is not None:
        return got
    return day if is_business_day(day, holidays) else next_business_day(day, holidays)


def _concession(b: _Base) -> tuple[Terms, Condition] | None:
    """The next concession towards the proposal, and the condition it is tied to."""
    h, q, ctx = b.history, b.proposal, b.context
    k = h.concessions + 1
    if k > b.config.concessions.max_concessions:
        return None
    caps = concession_caps(b, k)
    cur = h.positions[-1]
    give_first = min(caps[0], max(0, (q.first_on - cur.first_on).days))
    give_amount = min(caps[1], max(0, cur.first_amount.to_minor() - q.first_amount.to_minor()))
    give_last = min(caps[2], max(0, (q.last_on - cur.last_on).days))
    if not (give_first or give_amount or give_last):
        return None
    # On each point the concession moves from our position towards the debtor's, but never
    # past it: where the debtor already offers better (earlier, larger, shorter), their point
    # stands. The proposal's form stays too: a single payment is not made a plan.
    first = max(cur.first_amount - Money.from_minor(give_amount, cur.currency), q.first_amount)
    if q.is_plan and q.total <= first:
        # the plan covers no more than the first payment this concession still needs: a
        # concession never asks for more than a plan covers, nor gives up more than it may
        return None
    first_on = min(cur.first_on + timedelta(days=give_first), q.first_on)
    last_on = min(cur.last_on + timedelta(days=give_last), q.last_on)
    # an offer never lies in the past, and falls on business days
    new = _shape(
        max(ctx.as_of, first_on), first, last_on, q, as_of=ctx.as_of, holidays=ctx.holidays
    )
    if new == cur:  # e.g. a later last date on a single payment: nothing given, nothing to buy
        return None
    cond = choose_condition(
        b.config.conditions,
        risk_tier=ctx.risk_tier,
        record=ctx.record,
        balance=ctx.balance,
        # the condition binds the terms offered and, within this concession, the proposal
        is_plan=new.is_plan and q.is_plan,
        asked=h.conditions_asked,
    )
    if cond is None:
        return None
    return new, cond


def concession_caps(b: _Base, k: int) -> tuple[int, int, int]:
    """How far the k-th concession may go: (days on the first date, minor units on the first
    payment, days on the last date), each below the previous concession on that point."""
    opening, wa, balance = b.history.positions[0], b.wa, b.context.balance
    c = b.config.concessions
    share = (
        c.first_share * c.ratio ** (k - 1) * (1 - tightening(b.context.record, b.config.strictness))
    )
    rooms = (
        max(0, (wa.latest_first(b.anchor) - opening.first_on).days),
        max(0, opening.first_amount.to_minor() - wa.smallest_first(balance).to_minor()),
        max(0, (wa.latest_last(b.anchor) - opening.last_on).days),
    )
    previous = previous_concessions(b.history.positions)
    caps = []
    for room, prev in zip(rooms, previous, strict=True):
        cap = _floor(share * room)
        caps.append(cap if prev is None else min(cap, prev - 1))
    return caps[0], caps[1], caps[2]


def previous_concessions(positions: tuple[Terms, ...]) -> tuple[int | None, int | None, int | None]:
    """The last non-zero concession made on each point (None: none made yet)."""
    last: list[int | None] = [None, None, None]
    for before, after in zip(positions, positions[1:], strict=False):
        moves = (
            (after.first_on - before.first_on).days,
            before.first_amount.to_minor() - after.first_amount.to_minor(),
            (after.last_on - before.last_on).days,
        )
        for i, m in enumerate(moves):
            if m > 0:
                last[i] = m
    return last[0], last[1], last[2]


def _needs_approval(
    b: _Base, step: tuple[Terms, Condition] | None, exceeded: tuple[Limit, ...]
) -> Recommendation:
    request = ApprovalRequest(
        b.proposal,
        b.context.balance,
        b.context.risk_tier,
        b.wa,
        b.anchor,
        exceeded,
        b.context.collector,
        b.context.as_of,
    )
    head = "I cannot agree to that on my own authority; I will put it to our credit manager."
    note = "beyond the walk-away point: " + ", ".join(str(e) for e in exceeded)
    if step is None:
        current = b.history.positions[-1]
        script = f"{head} My offer stands: {current.describe()}."
        return b.rec(Action.NEEDS_APPROVAL, current, script, note, approval=request)
    new, cond = step
    need = fitting_conditions((*b.history.conditions_for(new), cond), new)
    script = f"{head} What I can offer is {new.describe()}, if you {b.asks(need, new)}."
    return b.rec(
        Action.NEEDS_APPROVAL,
        new,
        script,
        note,
        condition=cond,
        conditions=need,
        approval=request,
    )


def _hold(
    b: _Base, note: str, *, waiting: Terms | None = None, refused: Terms | None = None
) -> Recommendation:
    current = b.history.positions[-1]
    if waiting is not None:
        whose = "That proposal" if waiting == b.proposal else "Your proposal of"
        what = "" if waiting == b.proposal else f" {waiting.describe()}"
        script = (
            f"{whose}{what} is already with our credit manager. Until they decide, my offer "
            f"stands: {current.describe()}."
        )
        return b.rec(Action.HOLD, current, script, note)
    if refused is not None:
        script = (
            f"Our credit manager has declined {refused.describe()}. My offer stands: "
            f"{current.describe()}."
        )
        return b.rec(Action.HOLD, current, script, note)
    reason = b.reason()
    script = f"{reason.text} My offer stands: {current.describe()}."
    return b.rec(Action.HOLD, current, script, note, reason=reason)


def _floor(x: Decimal | int) -> int:
    return int(Decimal(x).to_integral_value(rounding=ROUND_FLOOR))


def _ceil_to(amount: Decimal, step: Decimal) -> Decimal:
    """`amount` rounded up to a multiple of `step` (a counter never asks for less)."""
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step
