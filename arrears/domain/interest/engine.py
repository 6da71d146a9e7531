"""Late interest on one overdue debt, period by period (rules 9 and 12).

Simple interest on the amount overdue, from the day after the due date up to and including
`as_of`, at reference rate x multiplier + margin (the regime's), split into periods wherever the
rate, the amount bearing interest or (compounding regimes) the principal changes:
- a payment stops interest on the part paid from the day after the payment day (or from the
  payment day itself where the regime says the payment day bears no interest); a payment on or
  before the due date reduces the debt before any interest runs;
- what a payment pays first is the regime's: the principal, or (Dutch law) the interest
  accrued, then the principal;
- compounding regimes add each full year's unpaid interest to the principal on the
  anniversary of the start of default (not the calendar year);
- interest per period = amount x rate / 100 x days / day count (365 unless the regime says
  360), computed exactly and rounded half-up to the currency's minor unit once per period, so
  the periods a letter shows add up to its total.
The fixed compensation is due once per invoice, whatever the number of periods or runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from arrears.domain.dates import add_years
from arrears.domain.interest.rates import RateTable, shipped_tables
from arrears.domain.interest.regimes import (
    Compounding,
    Fixing,
    PaymentsApplyTo,
    Regime,
)
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal


@dataclass(frozen=True)
class Debt:
    """One invoice's overdue amount: its due date, the payments made on it, who owes it."""

    amount: Money
    due_on: date
    payments: tuple[tuple[date, Money], ...] = ()
    consumer: bool = False
    contract_rate: Decimal | None = None  # percent a year (`ContractRate.yearly`), contract regime


def debt_on_open(
    amount: Money,
    open_: Money,
    due_on: date,
    payments: tuple[tuple[date, Money], ...],
    known_on: date,
    *,
    consumer: bool = False,
    contract_rate: Decimal | None = None,
) -> Debt:
    """The debt whose interest a message, a statement, a claim or the fee export claims: the
    amount as issued less the payments, and less what the ERP reduced it by otherwise (a
    credit note set against it, an adjustment: the amount less the payments less what is
    open), settled on `known_on`, the day arrears learned of it (the day its items file was
    imported, as the KPIs count it; `kpi.cleared_without_payment`): interest stops on that
    part from then, so it never runs on more than the open amount afterwards."""
    paid = sum((m.amount for _, m in payments), Decimal(0))
    reduced = amount.amount - paid - open_.amount
    if reduced > 0:
        payments = (*payments, (known_on, Money(reduced, amount.currency)))
    return Debt(
        amount, due_on, tuple(sorted(payments)), consumer=consumer, contract_rate=contract_rate
    )


@dataclass(frozen=True)
class Period:
    first: date  # the first day bearing interest
    last: date  # the last day bearing interest (inclusive)
    principal: Money  # the amount bearing interest
    rate: Decimal  # percent a year
    interest: Money  # rounded half-up to the minor unit
    reference: Decimal | None = None  # the reference rate it was made of (None: the contract's)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Accrual:
    regime: str
    source: str
    as_of: date
    periods: tuple[Period, ...]
    interest: Money  # all interest accrued to `as_of` (the sum of the periods)
    interest_paid: Money  # of which paid by payments (regimes paying interest first)
    principal_owed: Money  # of the original amount (capitalised interest not included)
    compensation: Money | None  # fixed compensation per invoice, in the regime's currency

    @property
    def interest_owed(self) -> Money:
        return self.interest - self.interest_paid


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _fixed_at_due_day(due_on: date) -> date:
    """UK: the reference day before the half-year in which the debt fell due."""
    return date(due_on.year - 1, 12, 31) if due_on.month <= 6 else date(due_on.year, 6, 30)


def _rate_days(regime: Regime, first: date, last: date) -> list[date]:
    if regime.fixing is Fixing.HALF_YEAR:
        days = [date(y, m, 1) for y in range(first.year, last.year + 1) for m in (1, 7)]
        return [d for d in days if first < d <= last]
    return []


def accrue(
    debt: Debt, regime: Regime, as_of: date, tables: dict[str, RateTable] | None = None
) -> Accrual:
    """Interest and compensation on `debt` under `regime` up to and including `as_of`."""
    currency = debt.amount.currency
    zero = Money.from_minor(0, currency)
    table = _table(regime, tables or {})
    margin = regime.margin(consumer=debt.consumer)
    start = debt.due_on + timedelta(days=1)

    def rate_on(day: date) -> tuple[Decimal | None, Decimal]:
        """(the reference rate, percent; None under a contract), the rate a year."""
        if regime.fixing is Fixing.CONTRACT:
            if debt.contract_rate is None:
                raise Refusal("interest.no_contract_rate", regime=regime.code)
            return None, max(Decimal(0), debt.contract_rate * regime.multiplier + margin)
        else:
            assert table is not None
            if regime.fixing is Fixing.HALF_YEAR:
                reference = table.rate_on(_half_year_start(day))
            elif regime.fixing is Fixing.FIXED_AT_DUE:
                reference = table.rate_on(_fixed_at_due_day(debt.due_on))
            else:
                reference = table.rate_on(day)
        return reference, max(Decimal(0), reference * regime.multiplier + margin)

    for _day, paid in debt.payments:
        if paid.currency != currency:
            raise Refusal("interest.payment_currency", paid=paid, debt=debt.amount)

    shift = timedelta(days=1 if regime.payment_day_bears_interest else 0)
    # (the first day the payment no longer bears interest, the payment day, amount)
    effective = sorted(
        (max(start, day + shift), day, paid.amount)
        for day, paid in debt.payments
        if paid.amount > 0  # a zero payment changes nothing, not even the periods
    )
    anniversaries: list[date] = []
    if regime.compounding is Compounding.YEARLY_FROM_DEFAULT:
        k = 1
        while add_years(start, k) <= as_of:
            anniversaries.append(add_years(start, k))
            k += 1
    change_days = {d for d, _, _ in effective if start < d <= as_of} | set(anniversaries)
    if regime.fixing is Fixing.IN_FORCE and table is not None and start <= as_of:
        change_days |= set(table.changes_between(start, as_of))
        # a day past the table starts a period of its own, whose rate is then refused
        change_days |= {d for d in [table.covers_until + timedelta(days=1)] if start < d <= as_of}
    change_days |= set(_rate_days(regime, start, as_of))

    principal, capitalised, accrued = debt.amount.amount, Decimal(0), Decimal(0)
    interest_paid = Decimal(0)
    periods: list[Period] = []
    bounds = sorted(d for d in change_days if d > start)
    firsts = [start, *bounds]
    pending = list(effective)
    for i, first in enumerate(firsts):
        if first > as_of:
            break
        last = min(as_of, firsts[i + 1] - timedelta(days=1)) if i + 1 < len(firsts) else as_of
        if first in anniversaries:
            capitalised, accrued = capitalised + accrued, Decimal(0)
        while pending and pending[0][0] <= first:
            amount = pending.pop(0)[2]
            principal, capitalised, accrued, paid_interest = _apply(
                regime.payments_apply_to, amount, principal, capitalised, accrued
            )
            interest_paid += paid_interest
        base = principal + capitalised
        if base <= 0:
            continue
        reference, rate = rate_on(first)
        days = (last - first).days + 1
        with localcontext() as ctx:
            ctx.prec = 50
            exact = base * rate * days / (Decimal(100) * regime.day_count)
        interest = Money(exact, currency).quantize()
        accrued += interest.amount
        periods.append(Period(first, last, Money(base, currency), rate, interest, reference))
    # payments made by as_of that still bore interest on the last day (paid on as_of itself)
    for _, day, amount in pending:
        if day <= as_of:
            principal, capitalised, accrued, paid_interest = _apply(
                regime.payments_apply_to, amount, principal, capitalised, accrued
            )
            interest_paid += paid_interest

    total = sum((p.interest for p in periods), zero)
    overdue = as_of > debt.due_on
    return Accrual(
        regime=regime.code,
        source=regime.source,
        as_of=as_of,
        periods=tuple(periods),
        interest=total,
        interest_paid=Money(interest_paid, currency),
        principal_owed=Money(max(Decimal(0), principal), currency),
        compensation=regime.compensation_for(debt.amount, consumer=debt.consumer)
        if overdue
        else None,
    )


def _apply(
    order: PaymentsApplyTo,
    amount: Decimal,
    principal: Decimal,
    capitalised: Decimal,
    accrued: Decimal,
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """A payment against (principal, capitalised interest, accrued interest) in the regime's
    order: (principal, capitalised, accrued, interest it paid)."""
    if order is PaymentsApplyTo.INTEREST_FIRST:
        to_accrued = min(amount, accrued)
        to_capitalised = min(amount - to_accrued, capitalised)
        to_principal = amount - to_accrued - to_capitalised
    else:
        to_principal = min(amount, principal)
        to_capitalised = min(amount - to_principal, capitalised)
        to_accrued = min(amount - to_principal - to_capitalised, accrued)
    return (
        principal - to_principal,
        capitalised - to_capitalised,
        accrued - to_accrued,
        to_accrued + to_capitalised,
    )


def _table(regime: Regime, tables: dict[str, RateTable]) -> RateTable | None:
    if regime.series is None:
        return None
    if regime.series not in tables:
        tables = {**shipped_tables(), **tables}
    table = tables.get(regime.series)
    if table is None:
        raise Refusal("interest.no_table", regime=regime.code, series=regime.series)
    return table
