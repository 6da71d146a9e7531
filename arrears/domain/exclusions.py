"""§1, §5-8 What of an open item the ladder does not dun: open disputed parts, promise
hold-backs, principal a plan in good standing covers, credits and write-offs decided but not yet
booked (`booking`), capped at the item's open amount; and every open item of a case handed over
to legal or an agency, whole (§1: it is theirs now, our own ladder stops dunning it).

`excluded` is a function over the whole ledger; rows of one item stay together, so any
partition by debtor gives the same rows.
"""

from __future__ import annotations

import polars as pl

ITEM_MINOR: dict[str, pl.DataType] = {"item_id": pl.Int64(), "minor": pl.Int64()}
# The items whose exclusion may change: open amount and whether the item's case is handed over.
ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "open_minor": pl.Int64(),
    "handed_over": pl.Boolean(),
}


def excluded(items: pl.DataFrame, parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Per item of `items` (ITEMS_SCHEMA), `excluded_minor` from the held-back `parts`
    (ITEM_MINOR frames, several rows per item allowed)."""
    held = pl.concat(
        [pl.DataFrame(schema=ITEM_MINOR)]
        + [p.select(pl.col(c).cast(t) for c, t in ITEM_MINOR.items()) for p in parts]
    )
    held = held.group_by("item_id").agg(pl.col("minor").sum())
    open_ = pl.col("open_minor").clip(0)
    return items.join(held, on="item_id", how="left").select(
        "item_id",
        excluded_minor=pl.when(pl.col("handed_over"))
        .then(open_)
        .otherwise(pl.min_horizontal(pl.col("minor").fill_null(0), open_)),
    )
