"""§7 A promise is a commitment, and a broken promise escalates.

A promise to pay (`PromiseToPay`) has one or more dated parts, the channel it came by, the
debtor's contact who gave it and the collector who took it. Payments are matched against it
(`arrears.domain.matching`: oldest receipt to earliest part), and it is then

* ``open`` while every part due so far was paid by its *deadline* (the part's date plus a grace
  of `PromisePolicy.grace_business_days`, for money in transit);
* ``kept`` once every part is paid, each by its deadline;
* ``partly_kept`` / ``broken`` from the day after the first deadline a part was not fully paid
  by, according to whether anything at all was paid towards it by then;
* ``cancelled`` when the collector withdrew it before it fell due (a renegotiation).

A promise counts every payment dated on or before the day it closed (kept, failed or cancelled),
whenever the ledger learned of it, except those the balance it was checked against already
reflected when it was given (`already_counted`): a payment in transit when the debtor promised,
imported days later, is money paid towards the promise, and one dated by the promised date but
imported after the promise was judged broken makes it kept after all (`rejudged`). A payment
made after a failure belongs to the follow-up, not to the broken promise. So no payment counts
for two promises on the same items, which `validate_promise` keeps from standing side by side.

While a promise stands the ladder holds back the promised amount (`hold_back`); a failed
promise is followed up the next business day after its deadline and counts as broken for the
ladder (`follow_up`): on its own case, for the items already past due when it broke (the sweep
counts it per item). Each debtor's `PromiseRecord`
(given, kept, broken, days late) makes the next negotiation stricter (see negotiation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from arrears.domain.dates import add_business_days, next_business_day
from arrears.domain.matching import Matching, Obligation, Receipt, counts_towards, match_receipts
from arrears.domain.money import Money
from arrears.domain.text import counted

NO_PARTS = "a promise needs at least one (date, amount) part"
PART_NOT_POSITIVE = "promised amount {amount} on {on} must be positive"
PARTS_SAME_DAY = "two parts of the promise fall on {on}: make them one part"
PART_CURRENCY = "promised amount {amount} is not in the case currency {currency}"
NO_PERSON = "a promise needs the contact who gave it and the collector who took it"
GIVEN_IN_FUTURE = "the promise is dated as given on {given}, after today ({as_of})"
PROMISE_IN_PAST = "the promised date {on} is before today ({as_of}): a promise is about the future"
ABOVE_BALANCE = "the promise ({promised}) is more than the open balance it covers ({balance})"
UNKNOWN_ITEM = "the promise covers item {key!r}, which is not open on this case"
OVERLAPS = "promise {other!r} still stands for the same items until {until}; close it first"
CANCEL_AFTER_CLOSE = "promise {key!r} is already {state}; only a standing promise is cancelled"


class PromiseError(ValueError):
    """A promise that cannot be recorded as given."""


class PromiseState(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"
    # Set by the desk, never by `evaluate_promise`: a promise beyond the walk-away point waits
    # for a credit manager (§5) and holds nothing off the ladder until approved.
    PENDING_APPROVAL = "pending_approval"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # taken back while it waited: never given, never counted


class PromiseChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    PORTAL = "portal"  # the debtor's self-service page
    MEETING = "meeting"


@dataclass(frozen=True, slots=True)
class PromisePart:
    """One dated amount of a promise."""

    on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class PromiseToPay:
    """A dated commitment from the debtor; `item_keys` empty means the whole case."""

    key: str
    given_on: date
    parts: tuple[PromisePart, ...]
    channel: PromiseChannel
    given_by: str  # the debtor's contact
    taken_by: str  # the collector
    item_keys: frozenset[str] = frozenset()
    cancelled_on: date | None = None
    # Receipts dated on or before the day it was given that had already reduced the balance it
    # was checked against: they are not money paid towards it. Any other receipt dated by the
    # day it closed counts, whenever it was imported.
    already_counted: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.parts:
            raise PromiseError(NO_PARTS)
        if not self.given_by.strip() or not self.taken_by.strip():
            raise PromiseError(NO_PERSON)
        currency = self.parts[0].amount.currency
        for p in self.parts:
            if p.amount.currency != currency:
                raise PromiseError(PART_CURRENCY.format(amount=p.amount, currency=currency))
            if p.amount.to_minor() <= 0:
                raise PromiseError(PART_NOT_POSITIVE.format(amount=p.amount, on=p.on))
        days = [p.on for p in self.parts]
        if len(set(days)) != len(days):
            raise PromiseError(PARTS_SAME_DAY.format(on=next(d for d in days if days.count(d) > 1)))
        object.__setattr__(self, "parts", tuple(sorted(self.parts, key=lambda p: p.on)))

    @property
    def currency(self) -> str:
        return self.parts[0].amount.currency

    @property
    def total(self) -> Money:
        total = Money.from_minor(0, self.currency)
        for p in self.parts:
            total = total + p.amount
        return total

    def obligations(self) -> tuple[Obligation, ...]:
        return tuple(
            Obligation(f"{self.key}#{i + 1}", p.on, p.amount) for i, p in enumerate(self.parts)
        )


@dataclass(frozen=True, slots=True)
class PromisePolicy:
    """How promises are judged; the defaults are documented in docs/negotiation.md."""

    grace_business_days: int = 2  # a transfer made on the promised day may take two days
    partly_kept_counts_as_broken: bool = True  # part of the money is not what was promised
    record_window_days: int | None = 365  # the record forgets promises older than this


@dataclass(frozen=True, slots=True)
class PartStatus:
    part: PromisePart
    deadline: date
    paid: Money
    settled_on: date | None

    @property
    def days_late(self) -> int:
        """Days past the promised date the part was fully paid (0 if on time or unpaid)."""
        if self.settled_on is None:
            return 0
        return max(0, (self.settled_on - self.part.on).days)


@dataclass(frozen=True, slots=True)
class PromiseStatus:
    """Where a promise stands on `as_of`."""

    promise: PromiseToPay
    as_of: date
    state: PromiseState
    parts: tuple[PartStatus, ...]
    closed_on: date | None  # the day it was kept, cancelled, or the deadline it failed on

    @property
    def paid(self) -> Money:
        total = Money.from_minor(0, self.promise.currency)
        for p in self.parts:
            total = total + p.paid
        return total

    @property
    def outstanding(self) -> Money:
        return self.promise.total - self.paid

    @property
    def days_late(self) -> int:
        return sum(p.days_late for p in self.parts)


def deadline(on: date, policy: PromisePolicy, holidays: frozenset[date] = frozenset()) -> date:
    """The last day a payment still keeps a part promised for `on`."""
    return add_business_days(on, policy.grace_business_days, holidays)


def _match(promise: PromiseToPay, receipts: Iterable[Receipt], until: date) -> Matching:
    counted = [
        r
        for r in receipts
        if r.received_on <= until
        and counts_towards(r, given_on=promise.given_on, already_counted=promise.already_counted)
    ]
    return match_receipts(promise.obligations(), counted, currency=promise.currency)


def _failure(m: Matching, deadlines: Sequence[date], as_of: date) -> date | None:
    """The first deadline that passed (before `as_of`) without its part fully paid by it."""
    for s, dl in zip(m.obligations, deadlines, strict=True):
        if dl < as_of and (s.settled_on is None or s.settled_on > dl):
            return dl
    return None


def evaluate_promise(
    promise: PromiseToPay,
    receipts: Iterable[Receipt],
    *,
    as_of: date,
    policy: PromisePolicy = PromisePolicy(),
    holidays: frozenset[date] = frozenset(),
) -> PromiseStatus:
    """The promise's state on `as_of`, from the receipts applied to the items it covers."""
    receipts = tuple(receipts)
    deadlines = [deadline(p.on, policy, holidays) for p in promise.parts]
    until = as_of
    if promise.cancelled_on is not None:
        until = min(until, promise.cancelled_on)
    m = _match(promise, receipts, until)
    failed = _failure(m, deadlines, min(as_of, until + timedelta(days=1)))
    if failed is not None:
        m = _match(promise, receipts, failed)
    parts = tuple(
        PartStatus(p, dl, s.matched, s.settled_on)
        for p, dl, s in zip(promise.parts, deadlines, m.obligations, strict=True)
    )
    state, closed = _state(promise, parts, failed, as_of)
    return PromiseStatus(promise, as_of, state, parts, closed)


def _state(
    promise: PromiseToPay, parts: tuple[PartStatus, ...], failed: date | None, as_of: date
) -> tuple[PromiseState, date | None]:
    if failed is not None:
        paid_any = any(p.paid.to_minor() > 0 for p in parts)
        return (PromiseState.PARTLY_KEPT if paid_any else PromiseState.BROKEN), failed
    if all(p.settled_on is not None for p in parts):
        return PromiseState.KEPT, max(p.settled_on for p in parts if p.settled_on is not None)
    if promise.cancelled_on is not None and promise.cancelled_on <= as_of:
        return PromiseState.CANCELLED, promise.cancelled_on
    return PromiseState.OPEN, None


@dataclass(frozen=True, slots=True)
class Holdback:
    """What the ladder must not remind of: `amount` on `item_keys` (empty: the whole case)."""

    amount: Money
    until: date  # the last deadline: after it the promise is kept or failed, never held again
    item_keys: frozenset[str]


def hold_back(status: PromiseStatus) -> Holdback | None:
    """While a promise stands, the unpaid promised amount waits until the last deadline.

    `matching.spread_over_items(hold.amount, open_items, hold.item_keys)` gives it per item.
    """
    if status.state is not PromiseState.OPEN:
        return None
    return Holdback(status.outstanding, status.parts[-1].deadline, status.promise.item_keys)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What a failed promise sets off: a call the next business day and a climb up the ladder."""

    promise_key: str
    state: PromiseState
    failed_on: date  # the deadline that passed
    follow_up_on: date
    shortfall: Money
    escalate: bool  # counts as a broken promise, which is a ladder trigger


def follow_up(
    status: PromiseStatus,
    *,
    policy: PromisePolicy = PromisePolicy(),
    holidays: frozenset[date] = frozenset(),
) -> FollowUp | None:
    """The follow-up a broken or partly kept promise needs (None for any other state)."""
    if status.state not in (PromiseState.BROKEN, PromiseState.PARTLY_KEPT):
        return None
    assert status.closed_on is not None  # a failed promise always has its deadline
    escalate = status.state is PromiseState.BROKEN or policy.partly_kept_counts_as_broken
    return FollowUp(
        status.promise.key,
        status.state,
        status.closed_on,
        next_business_day(status.closed_on, holidays),
        status.outstanding,
        escalate,
    )


def validate_promise(
    promise: PromiseToPay,
    *,
    as_of: date,
    open_items: Mapping[str, Money],
    standing: Iterable[PromiseStatus] = (),
    credit: Money | None = None,
) -> None:
    """Refuse a new promise that is dated in the past, exceeds what it covers, or overlaps.

    `open_items` is the case's open (undisputed) balance per item; `standing` the statuses of
    the debtor's other promises on `as_of` (only open ones can overlap); `credit` the debtor's
    money we already hold (open credit notes, money on account), which a promise on the whole
    case cannot be asked to pay again (a promise on named items is checked against them).
    """
    if promise.given_on > as_of:
        raise PromiseError(GIVEN_IN_FUTURE.format(given=promise.given_on, as_of=as_of))
    for p in promise.parts:
        if p.on < as_of:
            raise PromiseError(PROMISE_IN_PAST.format(on=p.on, as_of=as_of))
    covered = net_of_credit(_covered_balance(promise, open_items), promise.item_keys, credit)
    if covered < promise.total:
        raise PromiseError(ABOVE_BALANCE.format(promised=promise.total, balance=covered))
    for other in standing:
        if (
            other.state is PromiseState.OPEN
            and other.promise.key != promise.key
            and _overlap(promise.item_keys, other.promise.item_keys)
        ):
            until = other.parts[-1].deadline
            raise PromiseError(OVERLAPS.format(other=other.promise.key, until=until))


def _covered_balance(promise: PromiseToPay, open_items: Mapping[str, Money]) -> Money:
    for key in promise.item_keys:
        if key not in open_items:
            raise PromiseError(UNKNOWN_ITEM.format(key=key))
    total = Money.from_minor(0, promise.currency)
    for key, amount in open_items.items():
        if not promise.item_keys or key in promise.item_keys:
            if amount.currency != promise.currency:
                raise PromiseError(PART_CURRENCY.format(amount=amount, currency=promise.currency))
            total = total + amount
    return total


def net_of_credit(balance: Money, item_keys: frozenset[str], credit: Money | None) -> Money:
    """What a whole-case commitment may cover: the balance less the credit we hold, never
    below zero. A commitment on named items keeps their balance: the credit is not theirs."""
    if item_keys or credit is None or credit.to_minor() <= 0:
        return balance
    if credit.currency != balance.currency:
        raise ValueError(f"the credit {credit} is not in {balance.currency}")
    return Money.from_minor(max(0, balance.to_minor() - credit.to_minor()), balance.currency)


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or bool(a & b)


def cancel_promise(status: PromiseStatus, *, on: date) -> PromiseToPay:
    """Withdraw a standing promise (before it failed), e.g. because a new one replaces it."""
    if status.state is not PromiseState.OPEN:
        raise PromiseError(CANCEL_AFTER_CLOSE.format(key=status.promise.key, state=status.state))
    p = status.promise
    return PromiseToPay(
        p.key, p.given_on, p.parts, p.channel, p.given_by, p.taken_by, p.item_keys, on
    )


# States of a promise that never stood: not part of the debtor's promise-keeping record.
NEVER_STOOD = frozenset(
    {PromiseState.PENDING_APPROVAL, PromiseState.REFUSED, PromiseState.WITHDRAWN}
)


@dataclass(frozen=True, slots=True)
class PromiseRecord:
    """A debtor's promise-keeping record, shown wherever the case is shown."""

    given: int = 0
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0
    open: int = 0
    cancelled: int = 0
    days_late: int = 0  # total days the kept parts were paid after their promised date
    partly_kept_counts_as_broken: bool = True

    @property
    def broken_for_ladder(self) -> int:
        """The debtor's failed promises as the ladder counts them (partly kept ones by policy);
        the ladder itself reads the count per item, on the item's own case."""
        return self.broken + (self.partly_kept if self.partly_kept_counts_as_broken else 0)

    @property
    def failed(self) -> int:
        return self.broken + self.partly_kept

    def summary(self) -> str:
        return (
            f"{counted(self.given, 'promise')}: {self.kept} kept, {self.partly_kept} partly "
            f"kept, {self.broken} broken, {self.open} open, {self.cancelled} cancelled; "
            f"{counted(self.days_late, 'day')} late"
        )


def promise_record(
    statuses: Iterable[PromiseStatus], *, as_of: date, policy: PromisePolicy = PromisePolicy()
) -> PromiseRecord:
    """Count a debtor's promises given within the record window (all states, days late)."""
    counts = dict.fromkeys(PromiseState, 0)
    given = late = 0
    for s in statuses:
        window = policy.record_window_days
        if window is not None and (as_of - s.promise.given_on).days > window:
            continue
        given += 1
        counts[s.state] += 1
        late += s.days_late
    return PromiseRecord(
        given=given,
        kept=counts[PromiseState.KEPT],
        partly_kept=counts[PromiseState.PARTLY_KEPT],
        broken=counts[PromiseState.BROKEN],
        open=counts[PromiseState.OPEN],
        cancelled=counts[PromiseState.CANCELLED],
        days_late=late,
        partly_kept_counts_as_broken=policy.partly_kept_counts_as_broken,
    )
