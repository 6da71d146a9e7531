"""The collectability curve as it was first written (issue #16): a cross join of every item
with every (age, horizon) cell, then every payment joined to every cell. Kept as the reference
the columnar `arrears.domain.kpi.collectability` must agree with (tests/domain/test_kpi.py) and
as the "before" of `bench.bench_collectability`: at 1,000,000 items it made 24 million cells
and joined the payments to them (some 40 s CPU and 4 GB)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from arrears.domain.kpi import AGES, ALL_SEGMENTS, HORIZONS, _reductions


def collectability_cross_join(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    ages: Sequence[int] = AGES,
    horizons: Sequence[int] = HORIZONS,
    by: Sequence[str] = (),
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The collectability curve (rule 4), measured on the ledger's own history: for the items
    still open at the end of the day they reached `age` days overdue, the share of that open
    amount paid within `horizon` more days. Only items whose whole window lies on or before
    `as_of` count (the future is never guessed). Per currency (and the `by` columns, e.g. a
    segment): age, horizon, items, open_minor, recovered_minor, and the rate in percent. A
    credit (`credits`) lowers what is open at an age, and is never a recovery."""
    keys = ["currency", *by]
    grid = pl.DataFrame(
        [(a, h) for a in ages for h in horizons],
        schema={"age": pl.Int64, "horizon": pl.Int64},
        orient="row",
    )
    cells = (
        items.select("item_id", "due_on", "amount_minor", *keys)
        .join(grid, how="cross")
        .with_columns(
            reached=pl.col("due_on") + pl.duration(days=pl.col("age")),
            window_end=pl.col("due_on") + pl.duration(days=pl.col("age") + pl.col("horizon")),
        )
        .filter(pl.col("window_end") <= as_of)
    )
    paid = (
        cells.select("item_id", "age", "horizon", "reached", "window_end")
        .join(_reductions(payments, credits), on="item_id")
        .group_by("item_id", "age", "horizon")
        .agg(
            paid_by_age=pl.col("amount_minor").filter(pl.col("on") <= pl.col("reached")).sum(),
            paid_in_window=pl.col("amount_minor")
            .filter(
                ~pl.col("credit")
                & (pl.col("on") > pl.col("reached"))
                & (pl.col("on") <= pl.col("window_end"))
            )
            .sum(),
            credited_in_window=pl.col("amount_minor")
            .filter(
                pl.col("credit")
                & (pl.col("on") > pl.col("reached"))
                & (pl.col("on") <= pl.col("window_end"))
            )
            .sum(),
        )
    )
    return (
        cells.join(paid, on=["item_id", "age", "horizon"], how="left")
        .with_columns(open_minor=pl.col("amount_minor") - pl.col("paid_by_age").fill_null(0))
        .filter(pl.col("open_minor") > 0)
        .with_columns(
            recovered=pl.min_horizontal(
                pl.col("paid_in_window").fill_null(0),
                pl.col("open_minor") - pl.col("credited_in_window").fill_null(0),
            ).clip(0)
        )
        .group_by(*keys, "age", "horizon")
        .agg(
            items=pl.len(),
            open_minor=pl.col("open_minor").sum(),
            recovered_minor=pl.col("recovered").sum(),
        )
        .sort(*keys, "age", "horizon")
    )


def collectability_by_segment_cross_join(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    segment: str = "segment",
    ages: Sequence[int] = AGES,
    horizons: Sequence[int] = HORIZONS,
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`kpi.collectability_by_segment` as first written: the whole and the parts each by a
    cross join."""
    named = items.with_columns(pl.col(segment).cast(pl.String).fill_null("none").alias("segment"))
    whole = collectability_cross_join(named, payments, as_of, ages, horizons, credits=credits)
    parts = collectability_cross_join(
        named, payments, as_of, ages, horizons, by=("segment",), credits=credits
    )
    columns = ["currency", "segment", "age", "horizon", "items", "open_minor", "recovered_minor"]
    return (
        pl.concat(
            [
                whole.with_columns(segment=pl.lit(ALL_SEGMENTS)).select(columns),
                parts.select(columns),
            ]
        )
        .with_columns(pl.col("items").cast(pl.Int64))
        .sort(
            pl.col("currency"),
            pl.col("segment") != ALL_SEGMENTS,
            pl.col("segment"),
            pl.col("age"),
            pl.col("horizon"),
        )
    )
