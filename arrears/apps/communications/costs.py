"""What the delay costs, and how long the claim lives (rules 9 and 12), per item of a case:
interest to date under the company's regime, the fees charged and still owed, and the day the
claim becomes time-barred under the company's jurisdiction, with what restarted it.

The limitation's interruptions are the acknowledgements recorded on the desk
(`arrears acknowledge`), the part payments the ledger holds (a payment on an item that left
part of it open), and our written demands: the letters and emails the outbox sent, each a
demand of the items it listed and of no other (`MessageItem`; where the jurisdiction counts a
written demand: the Netherlands, China). Which of them restart the
period is the jurisdiction's rule (`arrears.domain.limitation`).

`case_costs` is the one-case read (`explain`, the case page); `limitation_events` is the run's
frame of interruptions (`limitation.limitation_tasks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from arrears.apps.cases.models import Case
from arrears.apps.common.bulk import read_frame
from arrears.apps.communications.fees import FeeLine, fees_of_items
from arrears.apps.communications.models import Acknowledgement, MessageItem
from arrears.apps.communications.selectors import (
    _open_items,
    _payments,
    lead_days_of,
    rate_tables,
    reductions_known_on,
    regime_for_debtor,
)
from arrears.apps.ledger.models import Company, OpenItem
from arrears.domain.interest import accrue, debt_on_open
from arrears.domain.limitation import Interruption, expiry, rule_of
from arrears.domain.money import Money
from arrears.domain.outbox import OutboxState
from arrears.domain.refusal import Refusal

# how an acknowledgement recorded on the desk counts for the limitation rules
ACK_INTERRUPTS = {
    "written": Interruption.ACKNOWLEDGEMENT,
    "part_payment": Interruption.PART_PAYMENT,
    "demand": Interruption.WRITTEN_DEMAND,
}


@dataclass(frozen=True)
class ItemLimitation:
    item: str
    rule: str
    expires_on: date
    restarted_on: date | None
    restarted_by: str | None
    barred: bool


@dataclass(frozen=True)
class ItemCost:
    item: str
    open: Money
    interest: Money | None  # None: not known (no regime, or a day outside the rate table)
    fees_owed: Money
    limitation: ItemLimitation | None  # None: no limitation rule for the jurisdiction


@dataclass(frozen=True)
class CaseCosts:
    regime: str | None
    interest_problem: Refusal | None
    lines: tuple[ItemCost, ...]
    fees: tuple[FeeLine, ...]
    lead_days: int | None = None  # days before an expiry legal is asked (None: no rule)

    @property
    def currency(self) -> str:
        return self.lines[0].open.currency if self.lines else ""

    def total(self, part: str) -> Money | None:
        values: list[Money | None] = [getattr(line, part) for line in self.lines]
        known = [v for v in values if v is not None]
        if not values or len(known) != len(values):
            return None
        return sum(known[1:], known[0])


def events_of_items(
    items: list[OpenItem], as_of: date
) -> dict[int, list[tuple[date, Interruption]]]:
    """The interruptions recorded or done on these items by `as_of` (one-item reads)."""
    ids = [i.pk for i in items]
    out: dict[int, list[tuple[date, Interruption]]] = {i: [] for i in ids}
    for item_id, on, kind in Acknowledgement.objects.filter(
        item_id__in=ids, on__lte=as_of
    ).values_list("item_id", "on", "kind"):
        out[item_id].append((on, ACK_INTERRUPTS[kind]))
    debtors = sorted({i.debtor_id for i in items})
    for item_id, paid in _payments(as_of, debtors).items():
        if item_id in out:
            out[item_id] += [(day, Interruption.PART_PAYMENT) for day, _ in paid]
    # a letter or email sent demands the items it listed, and those alone
    sent = MessageItem.objects.filter(
        item_id__in=ids, message__state=OutboxState.SENT.value, message__run_on__lte=as_of
    ).values_list("item_id", "message__run_on")
    for item_id, on in sent:
        out[item_id].append((on, Interruption.WRITTEN_DEMAND))
    return out


def case_costs(*, case: Case, company: Company, as_of: date) -> CaseCosts:
    """The cost of the delay and the limitation of each open item of the case, as of a day
    (for `explain` and the case page, which asked access already)."""
    key = (case.debtor_id, case.currency)
    items = list(_open_items([case.debtor_id], case.currency).get(key, []))  # the call script's
    charged = regime_for_debtor(company, case.debtor)
    regime = charged.regime
    consumer = case.debtor.consumer  # §9, §12: a consumer's rate and period differ
    paid = _payments(as_of, [case.debtor_id])
    fee_lines = fees_of_items([i.pk for i in items])
    rule = rule_of(company.jurisdiction)
    events = events_of_items(items, as_of) if rule else {}
    problem: Refusal | None = None
    tables = rate_tables() if regime else {}
    known_on = reductions_known_on(company, as_of)
    lines = []
    for i in items:
        interest: Money | None = None
        if regime is not None and problem is None:
            if as_of <= i.due_date:
                interest = Money.from_minor(0, i.currency)
            else:
                try:
                    debt = debt_on_open(
                        i.original_amount, i.open_amount, i.due_date,
                        tuple(paid.get(i.pk, [])), known_on, consumer=consumer,
                        contract_rate=charged.contract.yearly if charged.contract else None,
                    )  # fmt: skip
                    interest = accrue(debt, regime, as_of, tables).interest_owed
                except Refusal as e:
                    problem = e
        owed = sum(f.amount.to_minor() for f in fee_lines.get(i.pk, []) if f.owed)
        limitation = None
        if rule is not None:
            lim = expiry(i.due_date, rule, events.get(i.pk, []), consumer=consumer)
            limitation = ItemLimitation(
                i.number,
                rule.code,
                lim.expires_on,
                lim.restarted_on,
                None if lim.restarted_by is None else str(lim.restarted_by),
                lim.barred(as_of),
            )
        lines.append(
            ItemCost(
                i.number,
                i.open_amount,
                interest if problem is None else None,
                Money.from_minor(owed, i.currency),
                limitation,
            )
        )
    return CaseCosts(
        regime=None if regime is None else regime.name,
        interest_problem=problem,
        lines=tuple(lines),
        fees=tuple(f for i in items for f in fee_lines.get(i.pk, [])),
        lead_days=None if rule is None else lead_days_of(company).days,
    )


def consumer_debtors(company: Company) -> pl.Series:
    """The ids of the company's consumer debtors (`Debtor.kind`): their rate and limitation
    period differ (§9, §12). Few, so the run's limitation stage marks its items by them."""
    return read_frame(
        "SELECT id AS debtor_id FROM ledger_debtor WHERE company_id = %s AND kind = 'consumer'",
        [company.pk],
        {"debtor_id": pl.Int64()},
    )["debtor_id"]


def limitation_events(company: Company, as_of: date, *, due_by: date | None = None) -> pl.DataFrame:
    """Every interruption on the company's items by `as_of`: item_id, day, kind (the
    acknowledgements recorded, the part payments, the written demands the outbox sent).
    `due_by`: only on the items due on or before that day (the run's: those whose claim may
    expire soon, `limitation.may_expire_by`)."""
    schema = {"item_id": pl.Int64(), "day": pl.Date(), "kind": pl.String()}
    due = "" if due_by is None else " AND i.due_date <= %s"
    more = [] if due_by is None else [due_by]
    acks = read_frame(
        'SELECT a.item_id, a."on" AS day, a.kind FROM communications_acknowledgement a '
        'JOIN ledger_openitem i ON i.id = a.item_id WHERE i.company_id = %s AND a."on" <= %s' + due,
        [company.pk, as_of, *more],
        schema,
    ).with_columns(pl.col("kind").replace_strict(ACK_INTERRUPTS, return_dtype=pl.String))
    payments = read_frame(
        "SELECT l.item_id, p.received_on AS day, 'part_payment' AS kind FROM ledger_allocation l "
        "JOIN ledger_payment p ON p.id = l.payment_id JOIN ledger_openitem i ON i.id = l.item_id "
        "WHERE i.company_id = %s AND p.received_on <= %s" + due,
        [company.pk, as_of, *more],
        schema,
    )
    demands = read_frame(  # a letter or email sent demands the items it listed, those alone
        "SELECT i.id AS item_id, o.run_on AS day, 'written_demand' AS kind "
        "FROM communications_outboxmessage o JOIN communications_messageitem l "
        "ON l.message_id = o.id JOIN ledger_openitem i ON i.id = l.item_id "
        "WHERE o.company_id = %s AND o.state = %s AND o.run_on <= %s AND i.open_minor > 0" + due,
        [company.pk, OutboxState.SENT.value, as_of, *more],
        schema,
    )
    return pl.concat([acks, payments, demands])
