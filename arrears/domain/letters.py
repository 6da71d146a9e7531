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
from arrears.domain.interest import ContractRate, RateUsed, Regime, accrue, debt_on_open, rates_used
from arrears.domain.interest.engine import Period
from arrears.domain.interest.rates import RateTable
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

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
    held_back: Money | None = None  # the part not dunned (disputed, under a plan), as the run
    overdue_from: date | None = None  # a defaulted plan made it due earlier (acceleration)

    @property
    def dunned(self) -> Money:
        """The open amount the ladder duns: less the part held back."""
        return self.open - self.held_back if self.held_back is not None else self.open


def concerned(lines: Sequence[OpenLine], as_of: date, lead_days: int = 0) -> list[OpenLine]:
    """The items a message on `as_of` concerns, the one definition letters, emails, call
    scripts and the claim pack share: those overdue on the day (due before it, or made due
    earlier by a defaulted plan), with something left to dun once the part held back is set
    aside. A step before the due date (the courtesy reminder, `lead_days` ahead) concerns what
    falls due within its lead as well. Each is demanded for its `dunned` part."""
    out = []
    for line in lines:
        due = min(line.due_on, line.overdue_from or line.due_on)
        soon = lead_days > 0 and (due - as_of).days <= lead_days
        if (due < as_of or soon) and line.dunned.amount > 0:
            out.append(line)
    return out


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
    interest_missing: str | None = None  # the rate table that ends before the day (its series)
    rates: tuple[RateUsed, ...] = ()  # the rates the interest was charged at, each once

    @property
    def interest_to(self) -> date:
        """The day interest is calculated to, and including: the letter's day."""
        return self.as_of

    @property
    def shows_cost(self) -> bool:
        """The interest is claimed as a figure (the step shows the cost, the rates are known)."""
        return self.step_number >= COST_FROM_STEP and self.interest_known

    @property
    def claims_cost(self) -> bool:
        """The step claims the delay's cost: the fees and fixed compensation, which need no
        rate, even on a day beyond the rate tables (then the interest is claimed in words), and
        the fees charged where no interest regime is known for the company at all."""
        return self.step_number >= COST_FROM_STEP and (
            self.interest_known or self.interest_missing is not None or self._sum("fees").amount > 0
        )

    @property
    def interest_unknown(self) -> bool:
        """Interest is claimed without a figure: its rates are not known for the day."""
        return self.claims_cost and self.interest_missing is not None

    @property
    def fees_only(self) -> bool:
        """The fees charged are claimed, and no interest: no regime is known for the company."""
        return self.claims_cost and not self.interest_known and self.interest_missing is None

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
        return self._sum("fees") if self.claims_cost else Money.from_minor(0, self.currency)

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
    lead_days: int = 0,
    reductions_known_on: date | None = None,
    contract: ContractRate | None = None,
) -> Letter:
    """The figures of one message about one case on `as_of` (lines in due-date order): only
    the items it concerns (`concerned`), never those not yet due (nor a held-back part).
    `regime` is the one the debtor's debts are charged under (`applied_regime`); `contract`
    the debtor's contractual rate (or the company's), which a contract regime charges."""
    currency = lines[0].open.currency if lines else "EUR"
    zero = Money.from_minor(0, currency)
    shown = []
    missing: str | None = None
    periods: list[Period] = []
    for line in sorted(concerned(lines, as_of, lead_days), key=lambda x: (x.due_on, x.number)):
        interest, fees = zero, line.fees or zero
        if regime is not None and as_of > line.due_on:
            try:
                interest, used = _interest(
                    line, regime, as_of, consumer, tables, reductions_known_on, contract
                )
                periods.extend(used)
            except Refusal as e:
                if e.code != "interest.no_rate":
                    raise
                missing = str(e.figures.get("series", regime.series or ""))  # said, never a 0
            compensation = regime.compensation_for(line.amount, consumer=consumer)  # no rate
            if (
                compensation is not None
                and compensation.currency == currency
                and not line.compensation_charged
            ):
                fees = fees + compensation
        shown.append(
            ItemLine(
                number=line.number,
                issued_on=line.issued_on,
                due_on=line.due_on,
                days_overdue=(as_of - line.due_on).days,
                open=line.dunned,
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
        regime_source=None if regime is None else regime.source_for(consumer=consumer),
        interest_known=regime is not None and missing is None,
        interest_missing=missing,
        rates=()
        if regime is None
        else rates_used(regime, periods, consumer=consumer, contract=contract),
    )


def _interest(
    line: OpenLine,
    regime: Regime,
    as_of: date,
    consumer: bool,
    tables: Mapping[str, RateTable] | None,
    reductions_known_on: date | None,
    contract: ContractRate | None,
) -> tuple[Money, tuple[Period, ...]]:
    """The interest owed on the item's dunned part to `as_of` (refused past the rate table),
    and its rate periods: the held-back part bears no interest a letter demands."""
    zero = Money.from_minor(0, line.open.currency)
    debt = debt_on_open(
        line.amount - (line.held_back or zero),
        line.dunned,
        line.due_on,
        line.payments,
        min(reductions_known_on or as_of, as_of),
        consumer=consumer,
        contract_rate=None if contract is None else contract.yearly,
    )
    accrual = accrue(debt, regime, as_of, dict(tables or {}))
    return accrual.interest_owed, accrual.periods
