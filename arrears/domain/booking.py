"""§2, §8 When finance has booked what we decided: a credit (a dispute's credit note) or a
write-off approved on the desk stays off the ladder until the ledger shows it.

The ledger only shows an item's open amount falling. A fall that payments since the decision do
not explain is a booking; when several decisions wait on one item, that fall books them in the
order they were decided, each once, so one credit note never also books a write-off.

`unbooked_batch` decides it over the whole ledger (the sweep); `unbooked` is its one-item twin
(the desk); a property test keeps the two in agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl


@dataclass(frozen=True, slots=True)
class Decided:
    """A credit or write-off decided on one item, in minor units."""

    decided_on: date
    order: tuple[str, int]  # tie-break among decisions of one day: (kind, id)
    amount: int
    open_at: int | None  # the item's open amount when it was decided (None: not recorded)
    paid_since: int  # payments allocated to the item since it was decided


def unbooked(parts: Sequence[Decided], open_now: int) -> list[int]:
    """Per part (in the order given), what the ledger does not show booked yet."""
    if not parts:
        return []
    order = sorted(range(len(parts)), key=lambda k: (parts[k].decided_on, parts[k].order))
    first = parts[order[0]]
    start = open_now if first.open_at is None else first.open_at
    booked = max(0, start - open_now - first.paid_since)
    out = [0] * len(parts)
    for k in order:
        take = min(booked, parts[k].amount)
        out[k] = parts[k].amount - take
        booked -= take
    return out


BOOKING_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "kind": pl.String(),  # with part_id, the tie-break among decisions of one day
    "part_id": pl.Int64(),
    "decided_on": pl.Date(),
    "minor": pl.Int64(),  # the decided amount
    "open_at": pl.Int64(),  # the item's open amount when decided (null: not recorded)
    "open_now": pl.Int64(),  # the item's open amount now
    "paid_since": pl.Int64(),  # payments allocated to the item since it was decided
}


def unbooked_batch(parts: pl.DataFrame) -> pl.DataFrame:
    """`unbooked` over many items at once (`BOOKING_SCHEMA` rows, one per decided part): the
    same rows, `minor` now what the ledger does not show booked yet. Rows of one item stay
    together, so any partition by item (or debtor) gives the same rows."""
    item = "item_id"
    frame = parts.select([pl.col(c).cast(t) for c, t in BOOKING_SCHEMA.items()])
    first_open = pl.col("open_at").fill_null(pl.col("open_now")).first().over(item)
    booked = (first_open - pl.col("open_now") - pl.col("paid_since").first().over(item)).clip(0)
    before = pl.col("minor").cum_sum().over(item) - pl.col("minor")
    return frame.sort(item, "decided_on", "kind", "part_id").with_columns(
        minor=pl.col("minor") - (booked - before).clip(0, pl.col("minor"))
    )
