"""§5-6 What is negotiated: the terms of a payment, and the walk-away point that bounds them.

Every proposal, counter and concession is a `Terms`: a first payment (date and amount) and, for
a plan, the date by which the rest is paid in `instalments` further payments. Three things are
negotiated, each with a direction that is better for the creditor: an earlier first date, a
larger first payment, an earlier last date. The amount covered (`total`) is the debtor's to
name: what a proposal leaves out stays on the ladder.

The walk-away point is the worst a collector may accept alone: the latest first date, the
smallest first payment (a share of the balance) and the longest plan. Days are counted from the
day the negotiation started (its *anchor*), so a negotiation spread over several calls keeps
one frame of reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from arrears.domain.dates import business_day_by
from arrears.domain.money import Money, exponent
from arrears.domain.promises import PromisePart

TERMS_CURRENCY = "the first payment ({first}) and the total ({total}) are in different currencies"
FIRST_NOT_POSITIVE = "the first payment must be positive, not {first}"
FIRST_ABOVE_TOTAL = "the first payment ({first}) is more than the total ({total})"
LAST_BEFORE_FIRST = "the last date ({last}) is before the first ({first})"
SINGLE_WITH_TAIL = "a single payment of the whole total has no later date and no instalments"
PLAN_WITHOUT_TAIL = (
    "terms that leave {rest} after the first payment need a later date and >= 1 instalment"
)
TOO_CROWDED = "{n} instalments do not fit between {first} and {last}: at most one a day"


class Limit(StrEnum):
    """A walk-away limit a proposal can exceed."""

    FIRST_TOO_LATE = "first_payment_too_late"
    FIRST_TOO_SMALL = "first_payment_too_small"
    PLAN_TOO_LONG = "plan_too_long"


class TermsError(ValueError):
    """Terms that do not describe a payment schedule."""


@dataclass(frozen=True, slots=True)
class Terms:
    """A first payment and, for a plan, the rest paid by `last_on` in `instalments` payments."""

    first_on: date
    first_amount: Money
    last_on: date
    total: Money
    instalments: int = 0  # payments after the first

    def __post_init__(self) -> None:
        f, t = self.first_amount, self.total
        if f.currency != t.currency:
            raise TermsError(TERMS_CURRENCY.format(first=f, total=t))
        if f.to_minor() <= 0:
            raise TermsError(FIRST_NOT_POSITIVE.format(first=f))
        if t < f:
            raise TermsError(FIRST_ABOVE_TOTAL.format(first=f, total=t))
        if self.last_on < self.first_on:
            raise TermsError(LAST_BEFORE_FIRST.format(last=self.last_on, first=self.first_on))
        if f == t and (self.last_on != self.first_on or self.instalments):
            raise TermsError(SINGLE_WITH_TAIL)
        if f != t and (self.last_on == self.first_on or self.instalments < 1):
            raise TermsError(PLAN_WITHOUT_TAIL.format(rest=t - f))
        if (self.last_on - self.first_on).days < self.instalments:
            raise TermsError(
                TOO_CROWDED.format(n=self.instalments, first=self.first_on, last=self.last_on)
            )

    @classmethod
    def single(cls, on: date, amount: Money) -> Terms:
        """One payment: a date proposal (the whole balance) or an amount proposal (a part)."""
        return cls(on, amount, on, amount)

    @classmethod
    def from_parts(cls, parts: Sequence[PromisePart]) -> Terms:
        """A promise's dated parts as terms, to test against the walk-away point: the first
        part, then the rest by the last part's date in one instalment per later part."""
        ordered = sorted(parts, key=lambda p: p.on)
        first, last = ordered[0], ordered[-1]
        if len(ordered) == 1:
            return cls.single(first.on, first.amount)
        total = first.amount
        for p in ordered[1:]:
            total = total + p.amount
        return cls(first.on, first.amount, last.on, total, len(ordered) - 1)

    @classmethod
    def plan(
        cls, first_on: date, first_amount: Money, last_on: date, total: Money, instalments: int
    ) -> Terms:
        return cls(first_on, first_amount, last_on, total, instalments)

    @property
    def currency(self) -> str:
        return self.total.currency

    @property
    def is_plan(self) -> bool:
        return self.instalments > 0

    def at_least_as_good_as(self, other: Terms) -> bool:
        """Better or equal for the creditor on all three negotiated points."""
        return (
            self.first_on <= other.first_on
            and other.first_amount <= self.first_amount
            and self.last_on <= other.last_on
        )

    def parts(self, holidays: frozenset[date] = frozenset()) -> tuple[PromisePart, ...]:
        """The schedule: the first payment, then equal instalments spread evenly to `last_on`,
        each on a business day (moved earlier to the last one after the payment before it; a
        date with no business day in between stays as it is). The first and the last date are
        the terms' own (the engine puts its own on business days).

        The rest is divided in whole minor units; the last instalment takes the remainder, so
        the parts add up to `total` exactly.
        """
        first = PromisePart(self.first_on, self.first_amount)
        if not self.instalments:
            return (first,)
        n = self.instalments
        rest = (self.total - self.first_amount).to_minor()
        span = (self.last_on - self.first_on).days
        each = rest // n
        out = [first]
        for k in range(1, n + 1):
            amount = each if k < n else rest - each * (n - 1)
            on = self.first_on + timedelta(days=span * k // n)
            if k < n:
                on = business_day_by(on, after=out[-1].on, holidays=holidays) or on
            out.append(PromisePart(on, Money.from_minor(amount, self.currency)))
        return tuple(out)

    def describe(self, holidays: frozenset[date] = frozenset()) -> str:
        """The terms as a collector says them: every payment, its amount and date (§5: a plan
        is said instalment by instalment, never as "the remaining ... by ..."), on the
        business days `parts` puts them on."""
        head = f"{self.first_amount} by {say_date(self.first_on)}"
        if not self.is_plan:
            return head
        rest = [f"{p.amount} on {say_date(p.on)}" for p in self.parts(holidays)[1:]]
        then = rest[0] if len(rest) == 1 else f"{', '.join(rest[:-1])} and {rest[-1]}"
        return f"{head}, then {then} ({self.total} in all)"


def say_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True, slots=True)
class WalkAway:
    """The worst terms a collector may accept without a credit manager's approval."""

    max_days_to_first: int
    min_first_share: Decimal  # of the balance, 0..1
    max_days_to_last: int

    def latest_first(self, anchor: date) -> date:
        return anchor + timedelta(days=self.max_days_to_first)

    def latest_last(self, anchor: date) -> date:
        return anchor + timedelta(days=self.max_days_to_last)

    def smallest_first(self, balance: Money) -> Money:
        """The share of the balance, rounded up to the minor unit (never below the share)."""
        exp = exponent(balance.currency)
        minor = (balance.amount * self.min_first_share).scaleb(exp)
        return Money.from_minor(
            int(minor.to_integral_value(rounding=ROUND_CEILING)), balance.currency
        )

    def exceeded(self, terms: Terms, *, anchor: date, balance: Money) -> tuple[Limit, ...]:
        """The limits `terms` go beyond (empty: within the collector's own authority)."""
        out = []
        if terms.first_on > self.latest_first(anchor):
            out.append(Limit.FIRST_TOO_LATE)
        if terms.first_amount < self.smallest_first(balance):
            out.append(Limit.FIRST_TOO_SMALL)
        if terms.last_on > self.latest_last(anchor):
            out.append(Limit.PLAN_TOO_LONG)
        return tuple(out)
