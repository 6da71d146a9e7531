"""A statement of account of one debtor on a day (issue #14): every open item with its date,
due date, days overdue, amount, open amount, the interest its delay has cost to that day (the
interest engine, with the rate periods used), the statutory fixed compensation and the fees
charged on it, the payments received, and totals per currency.

Credit notes are listed (their open amount reduces what is owed) and bear no interest; only
invoices, debit notes and instalments past their due date accrue. Amounts are exact `Money`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from arrears.domain.interest import ContractRate, RateUsed, Regime, accrue, debt_on_open, rates_used
from arrears.domain.interest.engine import Period
from arrears.domain.interest.rates import RateTable
from arrears.domain.money import Money

INTEREST_BEARING = ("invoice", "debit_note", "instalment")


@dataclass(frozen=True)
class ItemIn:
    """One open item as the ledger holds it, with what was paid on it by the day."""

    number: str
    kind: str
    issued_on: date
    due_on: date
    amount: Money  # as issued
    open: Money
    payments: tuple[tuple[date, Money], ...] = ()
    fees: Money | None = None  # ladder-step fees charged on it so far (waived ones left out)
    compensation_charged: bool = False  # the statutory compensation was charged (or waived)
    # the statutory compensation charged as a fee and still owed: shown as the compensation,
    # not among the fees (`fees` leaves it out)
    compensation_fee: Money | None = None


@dataclass(frozen=True)
class PaymentIn:
    received_on: date
    reference: str
    amount: Money
    unapplied: Money
    applied_to: tuple[str, ...] = ()  # the item numbers it was set against


@dataclass(frozen=True)
class StatementItem:
    number: str
    kind: str
    issued_on: date
    due_on: date
    days_overdue: int  # negative before the due date
    amount: Money
    open: Money
    paid: Money  # received on it by the day
    interest: Money  # accrued to the day and not yet paid
    compensation: Money  # the statutory fixed compensation (per invoice)
    fees: Money  # ladder-step fees
    periods: tuple[Period, ...] = ()  # how the interest was computed (rate periods)

    @property
    def due(self) -> Money:
        return self.open + self.interest + self.compensation + self.fees


@dataclass(frozen=True)
class Totals:
    currency: str
    amount: Money
    open: Money
    paid: Money
    interest: Money
    compensation: Money
    fees: Money
    unapplied: Money  # payments received not yet set against an item
    not_yet_due: Money | None = None  # of `open`, the items not overdue on the day

    @property
    def due(self) -> Money:
        return self.open + self.interest + self.compensation + self.fees - self.unapplied

    @property
    def overdue(self) -> Money:
        """The open amount of the items overdue on the day (credit notes set against it)."""
        return self.open - self.not_yet_due if self.not_yet_due is not None else self.open

    @property
    def claimable(self) -> Money:
        """What can be claimed on the day: `due` less what is not yet due (a claim pack's)."""
        return self.due - (self.open - self.overdue)


@dataclass(frozen=True)
class Statement:
    as_of: date
    items: tuple[StatementItem, ...]  # by currency, then due date
    payments: tuple[PaymentIn, ...]  # oldest first
    totals: tuple[Totals, ...]  # one per currency, in alphabetical order
    regime_name: str | None
    regime_source: str | None
    interest_known: bool  # False: no regime, or its rates unknown for the day (said, never 0)
    rates: tuple[RateUsed, ...] = ()  # the rates the interest was charged at, each once


def statement(
    *,
    items: Sequence[ItemIn],
    payments: Sequence[PaymentIn],
    as_of: date,
    regime: Regime | None,
    tables: Mapping[str, RateTable] | None = None,
    consumer: bool = False,
    reductions_known_on: date | None = None,
    contract: ContractRate | None = None,
) -> Statement:
    """The statement on `as_of`. Interest runs under `regime` (None: not shown, and said so),
    the one the debtor's debts are charged under (`applied_regime`), at `contract` (the
    debtor's contractual rate, or the company's) under a contract regime."""
    shown: list[StatementItem] = []
    for it in sorted(items, key=lambda x: (x.open.currency, x.due_on, x.number)):
        zero = Money.from_minor(0, it.open.currency)
        periods: tuple[Period, ...] = ()
        interest, compensation = zero, zero
        if regime is not None and it.kind in INTEREST_BEARING and as_of > it.due_on:
            accrual = accrue(
                debt_on_open(
                    it.amount,
                    it.open,
                    it.due_on,
                    it.payments,
                    min(reductions_known_on or as_of, as_of),
                    consumer=consumer,
                    contract_rate=None if contract is None else contract.yearly,
                ),
                regime,
                as_of,
                dict(tables or {}),
            )
            interest, periods = accrual.interest_owed, accrual.periods
            if (
                accrual.compensation is not None
                and accrual.compensation.currency == zero.currency
                and not it.compensation_charged  # charged as a fee: never claimed twice
            ):
                compensation = accrual.compensation
        if it.compensation_fee is not None:
            compensation = it.compensation_fee
        paid = sum((m for _, m in it.payments), zero)
        shown.append(
            StatementItem(
                number=it.number,
                kind=it.kind,
                issued_on=it.issued_on,
                due_on=it.due_on,
                days_overdue=(as_of - it.due_on).days,
                amount=it.amount,
                open=it.open,
                paid=paid,
                interest=interest,
                compensation=compensation,
                fees=it.fees or zero,
                periods=periods,
            )
        )
    received = tuple(sorted(payments, key=lambda p: (p.received_on, p.reference)))
    currencies = sorted({i.open.currency for i in shown} | {p.amount.currency for p in received})
    totals = []
    for cur in currencies:
        mine = [i for i in shown if i.open.currency == cur]
        zero = Money.from_minor(0, cur)

        def total(part: str, lines: Sequence[object] = mine, z: Money = zero) -> Money:
            return sum((getattr(x, part) for x in lines), z)

        unapplied = sum((p.unapplied for p in received if p.amount.currency == cur), zero)
        totals.append(
            Totals(
                currency=cur,
                amount=total("amount"),
                open=total("open"),
                paid=total("paid"),
                interest=total("interest"),
                compensation=total("compensation"),
                fees=total("fees"),
                unapplied=unapplied,
                not_yet_due=total("open", [i for i in mine if _not_yet_due(i)]),
            )
        )
    return Statement(
        as_of=as_of,
        items=tuple(shown),
        payments=received,
        totals=tuple(totals),
        regime_name=None if regime is None else regime.name,
        regime_source=None if regime is None else regime.source,
        interest_known=regime is not None,
        rates=()
        if regime is None
        else rates_used(
            regime,
            [p for i in shown for p in i.periods],
            consumer=consumer,
            contract=contract,
        ),
    )


def _not_yet_due(item: StatementItem) -> bool:
    """An item a claim does not demand yet: one to be paid, not overdue on the day."""
    return item.kind in INTEREST_BEARING and item.days_overdue <= 0
