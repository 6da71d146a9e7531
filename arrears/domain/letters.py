"""What a dunning message says (rules 9-10), as figures: one message per case (debtor and
currency) listing every item it concerns, with how long each is overdue, the amount, and, from
the second step of the ladder on, the interest and fees the delay has cost so far; what must
happen (pay the total due), by when (a business day a set number of business days ahead), and
what follows if not (the next step). The words are the templates' (communications app); the
tone check (`tone.py`) keeps them firm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from arrears.domain.dates import add_business_days
from arrears.domain.interest import Debt, Regime, accrue
from arrears.domain.interest.rates import RateTable
from arrears.domain.money import Money

PAY_WITHIN_BUSINESS_DAYS = 7
COST_FROM_STEP = 2  # the interest and fees show from the second step on (rule 9)


@dataclass(frozen=True)
class OpenLine:
    """One open item of the case, as the ledger and the collection state hold it."""

    number: str
    issued_on: date | None
    due_on: date
    amount: Money  # as issued
    open: Money
    payments: tuple[tuple[date, Money], ...] = ()
    fees: Money | None = None  # fees charged on it so far and still owed (ladder steps)
    compensation_charged: bool = False  # the statutory compensation is among them (or waived)


@dataclass(frozen=True)
class ItemLine:
    number: str
    issued_on: date | None
    due_on: date
    days_overdue: int  # negative before the due date
    open: Money
    interest: Money
    fees: Money  # step fees and the statutory compensation claimed

    @property
    def due(self) -> Money:
        return self.open + self.interest + self.fees


@dataclass(frozen=True)
class Letter:
    step_code: str
    step_number: int  # 1 for the ladder's first step
    as_of: date
    currency: str
    lines: tuple[ItemLine, ...]
    pay_by: date
    next_step: str | None  # the name of what follows if the debtor does not pay
    regime_name: str | None
    regime_source: str | None
    interest_known: bool = True  # False: no regime was given (its rates unknown for the days)

    @property
    def shows_cost(self) -> bool:
        return self.step_number >= COST_FROM_STEP and self.interest_known

    def _sum(self, part: str) -> Money:
        return sum((getattr(line, part) for line in self.lines), Money.from_minor(0, self.currency))

    @property
    def total_open(self) -> Money:
        return self._sum("open")

    @property
    def total_interest(self) -> Money:
        return self._sum("interest") if self.shows_cost else Money.from_minor(0, self.currency)

    @property
    def total_fees(self) -> Money:
        return self._sum("fees") if self.shows_cost else Money.from_minor(0, self.currency)

    @property
    def total_due(self) -> Money:
        return self.total_open + self.total_interest + self.total_fees

    @property
    def most_days_overdue(self) -> int:
        return max((line.days_overdue for line in self.lines), default=0)


def letter(
    *,
    step_code: str,
    step_number: int,
    lines: Sequence[OpenLine],
    as_of: date,
    regime: Regime | None,
    next_step: str | None,
    consumer: bool = False,
    tables: Mapping[str, RateTable] | None = None,
    holidays: frozenset[date] = frozenset(),
    pay_within: int = PAY_WITHIN_BUSINESS_DAYS,
) -> Letter:
    """The figures of one message about one case on `as_of` (lines in due-date order)."""
    currency = lines[0].open.currency if lines else "EUR"
    zero = Money.from_minor(0, currency)
    shown = []
    for line in sorted(lines, key=lambda x: (x.due_on, x.number)):
        interest, fees = zero, line.fees or zero
        if regime is not None and as_of > line.due_on:
            accrual = accrue(
                Debt(line.amount, line.due_on, line.payments, consumer=consumer),
                regime,
                as_of,
                dict(tables or {}),
            )
            interest = accrual.interest_owed
            if (
                accrual.compensation is not None
                and accrual.compensation.currency == currency
                and not line.compensation_charged
            ):
                fees = fees + accrual.compensation
        shown.append(
            ItemLine(
                number=line.number,
                issued_on=line.issued_on,
                due_on=line.due_on,
                days_overdue=(as_of - line.due_on).days,
                open=line.open,
                interest=interest,
                fees=fees,
            )
        )
    return Letter(
        step_code=step_code,
        step_number=step_number,
        as_of=as_of,
        currency=currency,
        lines=tuple(shown),
        pay_by=add_business_days(as_of, pay_within, holidays),
        next_step=next_step,
        regime_name=None if regime is None else regime.name,
        regime_source=None if regime is None else regime.source,
        interest_known=regime is not None,
    )
