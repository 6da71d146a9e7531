"""The columnar half of the sweep: what the ladder reads, computed over the whole ledger in SQL
and Polars and written as differences (so a repeated sweep writes nothing).

* `ItemDeskInput.excluded_minor` (cases): what the ladder does not dun (`arrears.domain.exclusions`). A
  dispute written off counts through its write-off parts only (never also as a credit). A
  credit or write-off counts until the ledger shows it booked (`arrears.domain.booking`).
* `ItemDeskInput.broken_promises` (cases): per open item, the breaks on its case that came after it fell due
  (`arrears.domain.broken_promises`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from arrears.apps.cases.services.desk_inputs import desk_inputs_store
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import Company
from arrears.domain.booking import BOOKING_SCHEMA, unbooked_batch
from arrears.domain.broken_promises import COMMITMENTS_SCHEMA, ITEMS_SCHEMA, broken_counts
from arrears.domain.cases import closes_written_off
from arrears.domain.exclusions import ITEM_MINOR as ITEM_MINOR
from arrears.domain.exclusions import ITEMS_SCHEMA as EXCLUDABLE
from arrears.domain.exclusions import excluded
from arrears.domain.plans.acceleration import due_after_acceleration
from arrears.domain.promises import PromisePolicy, PromiseState

# The promise states that may count as a break (`domain.broken_promises` applies the policy).
_MAY_BREAK = ", ".join(f"'{s.value}'" for s in (PromiseState.BROKEN, PromiseState.PARTLY_KEPT))

_OPEN_DISPUTES = (
    "SELECT dp.item_id, dp.amount_minor AS minor FROM negotiation_disputepart dp "
    "JOIN negotiation_dispute d ON d.id = dp.dispute_id "
    "JOIN cases_case c ON c.id = d.case_id "
    "WHERE c.company_id = %s AND d.status = 'open' AND d.opened_on <= %s"
)

# An approved credit or write-off part, its item now, and what was paid on the item since (a
# payment carrying the decision's own reference is the ERP booking it, not a payment).
_PENDING = (
    "SELECT x.item_id, x.kind, x.part_id, x.decided_on, x.amount AS minor, x.open_at, "
    "i.open_minor AS open_now, "
    " (SELECT COALESCE(SUM(a.amount_minor), 0) FROM ledger_allocation a "
    "  JOIN ledger_payment p ON p.id = a.payment_id "
    "  WHERE a.item_id = x.item_id AND p.received_on >= x.decided_on "
    "  AND p.reference <> x.own_ref) AS paid_since "
    "FROM ({parts}) x JOIN ledger_openitem i ON i.id = x.item_id WHERE i.company_id = %s{only}"
)
_CREDIT_PARTS = (
    "SELECT dp.item_id, 'credit' AS kind, dp.id AS part_id, dp.credited_minor AS amount, "
    "dp.open_at_minor AS open_at, '' AS own_ref, "
    "d.resolved_on AS decided_on FROM negotiation_disputepart dp "
    "JOIN negotiation_dispute d ON d.id = dp.dispute_id "
    "WHERE d.status = 'resolved' AND dp.credited_minor > 0 AND d.resolved_on <= %s "
    "AND d.outcome <> 'written_off'"  # its write-off parts stand for it: counted once
)
_WRITE_OFF_PARTS = (
    "SELECT wp.item_id, 'write_off' AS kind, wp.id AS part_id, wp.amount_minor AS amount, "
    "wp.open_at_minor AS open_at, '' AS own_ref, "
    "w.decided_on FROM negotiation_writeoffpart wp "
    "JOIN negotiation_writeoff w ON w.id = wp.write_off_id "
    "WHERE w.status = 'approved' AND w.decided_on <= %s"
)


def disputed(company: Company, as_of: date) -> pl.DataFrame:
    return read_frame(_OPEN_DISPUTES, [company.pk, as_of], ITEM_MINOR)


@dataclass(frozen=True)
class HeldBack:
    """Decisions of an app above this one that hold part of an item off the ladder until the
    ERP books them, as the desk's credits and write-offs do (rule 11: an approved set-off).

    `parts`: SQL selecting item_id, kind, part_id, amount, open_at (the item's open amount
    when decided), own_ref (the payment reference the ERP books it under, if it books it as a
    payment) and decided_on, with one parameter, the day (decided on or before it).
    `items`: SQL selecting the item_id of every item it may hold back, with one parameter, the
    company's id."""

    parts: str
    items: str


_HELD_BACK: dict[str, HeldBack] = {}


def held_back_register(name: str, held: HeldBack) -> None:
    """An app above this one (clearing) registers its decisions when Django starts; the sweep
    books them with the desk's, in one order, each once."""
    _HELD_BACK[name] = held


def pending(company: Company, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(write-offs, credits, the other apps' decisions): per part, what is still to be booked.
    The fall in an item's open amount since its first decision, less payments since then, books
    the decisions waiting on it in the order they were made, each once
    (`arrears.domain.booking`, batched)."""
    left = pending_parts(company.pk, as_of)
    item = "item_id"
    kinds = ("write_off", "credit")
    parts = [left.filter(pl.col("kind") == k).select(item, "minor") for k in kinds]
    others = left.filter(~pl.col("kind").is_in(kinds)).select(item, "minor")
    return parts[0], parts[1], others


def pending_parts(
    company_id: int, as_of: date, *, debtor_id: int | None = None, currency: str = ""
) -> pl.DataFrame:
    """Per decided part (`BOOKING_SCHEMA`; `kind` is "write_off", "credit" or a registered
    app's, e.g. "setoff"), what the ledger does not show booked yet on `as_of`: the one
    definition the sweep and the desk's one-case view (`debtor_id` and `currency`) both read.
    Rows of one item stay together (`unbooked_batch`), so one case's rows are the sweep's."""
    sql = " UNION ALL ".join(
        [_CREDIT_PARTS, _WRITE_OFF_PARTS, *(h.parts for h in _HELD_BACK.values())]
    )
    days: list[object] = [as_of] * (2 + len(_HELD_BACK))
    only, params = "", [*days, company_id]
    if debtor_id is not None:
        only, params = " AND i.debtor_id = %s AND i.currency = %s", [*params, debtor_id, currency]
    return unbooked_batch(read_frame(_PENDING.format(parts=sql, only=only), params, BOOKING_SCHEMA))


# The items whose exclusion may change: those already excluded, and those of a debtor the desk
# has touched, and those another app may hold back; with whether the item's case is handed over
# to legal or an agency. The items are found from those small tables (`i.id IN (... UNION
# ...)`), not by testing each of the ledger's items: the read scales with the negotiations,
# not with the ledger.
_EXCLUDABLE = (
    "SELECT i.id AS item_id, i.open_minor, "
    " CASE WHEN h.case_id IS NULL THEN 0 ELSE 1 END AS handed_over, "
    " COALESCE(x.excluded_minor, 0) AS old "
    "FROM ledger_openitem i LEFT JOIN cases_itemdeskinput x ON x.item_id = i.id "
    "LEFT JOIN cases_case c ON c.debtor_id = i.debtor_id "
    " AND c.currency = i.currency AND c.company_id = i.company_id "
    "LEFT JOIN (SELECT DISTINCT case_id FROM negotiation_handover) h ON h.case_id = c.id "
    "WHERE i.company_id = %s AND i.id IN ("
    " SELECT item_id FROM cases_itemdeskinput WHERE excluded_minor <> 0 "
    " UNION SELECT id FROM ledger_openitem WHERE debtor_id IN ("
    "  SELECT c.debtor_id FROM cases_case c WHERE c.company_id = %s AND c.id IN ("
    "   SELECT case_id FROM negotiation_promisetopay UNION SELECT case_id FROM "
    "   negotiation_paymentplan UNION SELECT case_id FROM negotiation_dispute UNION "
    "   SELECT case_id FROM negotiation_writeoff UNION "
    "   SELECT case_id FROM negotiation_handover)){also})"
)


def exclusions_write(company: Company, parts: list[pl.DataFrame]) -> int:
    """Store each item's excluded part (`domain.exclusions`) where it differs; returns the
    items changed."""
    also = "".join(f" UNION {h.items}" for h in _HELD_BACK.values())
    stored = read_frame(
        _EXCLUDABLE.format(also=also),
        [company.pk, company.pk, *(company.pk for _ in _HELD_BACK)],
        {**EXCLUDABLE, "old": pl.Int64()},
    )
    changed = (
        stored.join(excluded(stored.drop("old"), parts), on="item_id")
        .filter(pl.col("excluded_minor") != pl.col("old"))
        .select("item_id", "excluded_minor")
    )
    return desk_inputs_store(company=company, column="excluded_minor", changed=changed)


# §6-7 The day a defaulted plan made an item due at once, as the desk recorded it, against what
# the ladder has (cases.ItemDeskInput): the items found from those two small tables.
_ACCELERATED = (
    "SELECT i.id AS item_id, x.accelerated_on, d.accelerated_on AS old "
    "FROM ledger_openitem i LEFT JOIN negotiation_itemacceleration x ON x.item_id = i.id "
    "LEFT JOIN cases_itemdeskinput d ON d.item_id = i.id WHERE i.company_id = %s "
    "AND i.id IN (SELECT item_id FROM negotiation_itemacceleration "
    " UNION SELECT item_id FROM cases_itemdeskinput WHERE accelerated_on IS NOT NULL)"
)


def accelerations_write(company: Company) -> int:
    """Give the ladder the day each item was made due at once where it differs; returns the
    items changed."""
    frame = read_frame(
        _ACCELERATED,
        [company.pk],
        {"item_id": pl.Int64(), "accelerated_on": pl.Date(), "old": pl.Date()},
    )
    changed = frame.filter(pl.col("accelerated_on").ne_missing(pl.col("old"))).drop("old")
    return desk_inputs_store(company=company, column="accelerated_on", changed=changed)


# §7 Promises and plans that may count as breaks (`domain.broken_promises` decides which do):
# the deadline a promise failed on, the day a plan defaulted, the day it was judged, and the
# day it was given or agreed.
_COMMITMENTS = (
    "SELECT c.debtor_id, c.currency, t.commitment, t.state, t.failed_on, t.defaulted_on, "
    "t.evaluated_on, t.started_on "
    "FROM (SELECT case_id, 'promise' AS commitment, state, closed_on AS failed_on, "
    "  CAST(NULL AS DATE) AS defaulted_on, evaluated_on, given_on AS started_on"
    f"  FROM negotiation_promisetopay WHERE state IN ({_MAY_BREAK})"
    " UNION ALL SELECT case_id, 'plan', status, NULL, defaulted_on, evaluated_on, agreed_on"
    "  FROM negotiation_paymentplan WHERE status = 'defaulted'"
    ") t JOIN cases_case c ON c.id = t.case_id WHERE c.company_id = %s"
)
# Items whose count may change: those counted now, and the open items of debtors with a break
# (found from those, not by testing each of the ledger's items).
_COUNTED_ITEMS = (
    "SELECT i.id AS item_id, i.debtor_id, i.currency, i.kind, i.open_minor, i.due_date, "
    "x.accelerated_on, COALESCE(d.broken_promises, 0) AS old "
    "FROM ledger_openitem i LEFT JOIN negotiation_itemacceleration x ON x.item_id = i.id "
    "LEFT JOIN cases_itemdeskinput d ON d.item_id = i.id "
    "WHERE i.company_id = %s AND i.id IN ("
    " SELECT item_id FROM cases_itemdeskinput WHERE broken_promises <> 0 "
    " UNION SELECT id FROM ledger_openitem WHERE open_minor > 0 AND debtor_id IN ("
    "  SELECT b.debtor_id FROM ({breaks}) b))"
)
COUNTED_SCHEMA: dict[str, pl.DataType] = {
    **ITEMS_SCHEMA,
    "accelerated_on": pl.Date(),
    "old": pl.Int64(),
}


def broken_counts_write(company: Company, as_of: date, policy: PromisePolicy) -> int:
    """Store each open item's broken-promise count (`domain.broken_promises`) where it
    differs; returns the items changed."""
    commitments = read_frame(_COMMITMENTS, [company.pk], COMMITMENTS_SCHEMA)
    items = due_after_acceleration(
        read_frame(
            _COUNTED_ITEMS.format(breaks=_COMMITMENTS), [company.pk, company.pk], COUNTED_SCHEMA
        )
    )
    changed = (
        items.join(broken_counts(items, commitments, as_of=as_of, policy=policy), on="item_id")
        .filter(pl.col("broken_promises") != pl.col("old"))
        .select("item_id", "broken_promises")
    )
    return desk_inputs_store(company=company, column="broken_promises", changed=changed)


def fully_written_off(company: Company, as_of: date, pending: pl.DataFrame) -> pl.DataFrame:
    """Open cases with an approved write-off not yet closing a case that close as written off
    (`domain.cases.closes_written_off`)."""
    cases = read_frame(
        "SELECT DISTINCT c.id AS case_id, c.debtor_id, c.currency FROM cases_case c "
        "JOIN negotiation_writeoff w ON w.case_id = c.id WHERE c.company_id = %s "
        "AND c.status = 'open' AND w.status = 'approved' AND w.closed_case_on IS NULL "
        "AND w.decided_on <= %s",
        [company.pk, as_of],
        {"case_id": pl.Int64(), "debtor_id": pl.Int64(), "currency": pl.String()},
    )
    if cases.is_empty():
        return cases.select("case_id")
    items = read_frame(
        "SELECT id AS item_id, debtor_id, currency, open_minor, kind FROM ledger_openitem "
        "WHERE company_id = %s AND open_minor > 0 AND debtor_id IN ("
        " SELECT c.debtor_id FROM cases_case c JOIN negotiation_writeoff w ON w.case_id = c.id"
        " WHERE c.company_id = %s AND w.status = 'approved' AND w.closed_case_on IS NULL)",
        [company.pk, company.pk],
        {
            "item_id": pl.Int64(),
            "debtor_id": pl.Int64(),
            "currency": pl.String(),
            "open_minor": pl.Int64(),
            "kind": pl.String(),
        },
    )
    return closes_written_off(cases, items, pending)
