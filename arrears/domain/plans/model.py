"""§6-7 Payment plans, the values: a plan, its instalments, its interest terms.

A plan is checked when it is made, whoever made it: its instalments' principal must add up to
the plan's principal exactly, the dates must increase, amounts be positive and in the plan's
currency. See `arrears.domain.plans` for the rule as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from arrears.domain.matching import Obligation
from arrears.domain.money import Money
from arrears.domain.negotiation.terms import Terms

NO_INSTALMENTS = "a plan needs at least one instalment"
DONT_ADD_UP = "the instalments' principal adds up to {got}, not the plan's principal {want}"
INSTALMENT_NOT_POSITIVE = "instalment {seq} ({amount}) must be positive"
INSTALMENT_CURRENCY = "instalment {seq} is in {got}, the plan in {want}"
NEGATIVE_INTEREST = "instalment {seq} has negative interest {interest}"
INTEREST_WITHOUT_RATE = "instalment {seq} carries interest, but the plan has no interest terms"
DATES_NOT_INCREASING = "instalment {seq} falls on {on}, not after the one before it"
BEFORE_AGREED = "the first instalment ({on}) is before the plan was agreed ({agreed})"
DOWN_TOO_LARGE = "the down payment ({down}) leaves nothing to pay in instalments of {principal}"
TOO_FINE = "{principal} is too small to split into {n} equal instalments: use fewer"
IN_PAST = "the first instalment ({on}) is before today ({as_of})"
ABOVE_BALANCE = "the plan's principal ({principal}) is more than the balance it covers ({balance})"
UNKNOWN_ITEM = "the plan covers item {key!r}, which is not open on this case"
NEGATIVE_RATE = "the interest rate must not be negative, not {rate}"


class PlanError(ValueError):
    """A plan that cannot be agreed as given."""


class DayCount(StrEnum):
    ACT_365_FIXED = "act/365"
    ACT_360 = "act/360"


class PlanState(StrEnum):
    GOOD_STANDING = "good_standing"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"


@dataclass(frozen=True, slots=True)
class InterestTerms:
    """Simple interest at `annual_rate` (0.08 = 8 % a year) from the day the plan is agreed."""

    annual_rate: Decimal
    day_count: DayCount = DayCount.ACT_365_FIXED

    def __post_init__(self) -> None:
        if self.annual_rate < 0:
            raise PlanError(NEGATIVE_RATE.format(rate=self.annual_rate))

    @property
    def year_days(self) -> int:
        return 360 if self.day_count is DayCount.ACT_360 else 365


@dataclass(frozen=True, slots=True)
class Instalment:
    """One dated payment of a plan; seq 0 is the down payment, if there is one."""

    seq: int
    due_on: date
    principal: Money
    interest: Money

    @property
    def amount(self) -> Money:
        return self.principal + self.interest


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A schedule agreed in a negotiation; `item_keys` empty means the whole case."""

    key: str
    agreed_on: date
    principal: Money
    instalments: tuple[Instalment, ...]
    interest: InterestTerms | None = None
    item_keys: frozenset[str] = frozenset()
    acceleration_clause: bool = True
    grace_business_days: int = 3
    # Receipts dated by the agreement day already in the balance it was built on (not towards it).
    already_counted: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.instalments:
            raise PlanError(NO_INSTALMENTS)
        cur = self.principal.currency
        got = Money.from_minor(0, cur)
        prev: date | None = None
        for i in self.instalments:
            _check_instalment(i, cur, self.interest is not None, prev)
            got = got + i.principal
            prev = i.due_on
        if got != self.principal:
            raise PlanError(DONT_ADD_UP.format(got=got, want=self.principal))
        if self.instalments[0].due_on < self.agreed_on:
            raise PlanError(
                BEFORE_AGREED.format(on=self.instalments[0].due_on, agreed=self.agreed_on)
            )

    @property
    def currency(self) -> str:
        return self.principal.currency

    @property
    def total(self) -> Money:
        return sum_money((i.amount for i in self.instalments), self.currency)

    @property
    def total_interest(self) -> Money:
        return sum_money((i.interest for i in self.instalments), self.currency)

    def obligations(self) -> tuple[Obligation, ...]:
        return tuple(
            Obligation(f"{self.key}#{i.seq}", i.due_on, i.amount) for i in self.instalments
        )

    def terms(self) -> Terms:
        """The plan as negotiated terms, to test against the walk-away point."""
        first, last = self.instalments[0], self.instalments[-1]
        if len(self.instalments) == 1:
            return Terms.single(first.due_on, first.amount)
        n = len(self.instalments) - 1
        return Terms(first.due_on, first.amount, last.due_on, self.total, n)


def _check_instalment(i: Instalment, currency: str, has_rate: bool, prev: date | None) -> None:
    for m in (i.principal, i.interest):
        if m.currency != currency:
            raise PlanError(INSTALMENT_CURRENCY.format(seq=i.seq, got=m.currency, want=currency))
    if i.amount.to_minor() <= 0:
        raise PlanError(INSTALMENT_NOT_POSITIVE.format(seq=i.seq, amount=i.amount))
    if i.interest.to_minor() < 0:
        raise PlanError(NEGATIVE_INTEREST.format(seq=i.seq, interest=i.interest))
    if i.interest.to_minor() and not has_rate:
        raise PlanError(INTEREST_WITHOUT_RATE.format(seq=i.seq))
    if prev is not None and i.due_on <= prev:
        raise PlanError(DATES_NOT_INCREASING.format(seq=i.seq, on=i.due_on))


def sum_money(amounts: Iterable[Money], currency: str) -> Money:
    total = Money.from_minor(0, currency)
    for a in amounts:
        total = total + a
    return total
