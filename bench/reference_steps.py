"""A hand-written Polars query for the item steps of the default ladders: the yardstick the
daily run's `decide` is timed against (and checked with: both must give the same steps).

Written independently of `arrears.domain.batch.daily_run`, from the rules in
`arrears/domain/ladder.py` and the default ladders spelled out below as plain numbers: one
join for the case figures, then `when/then` per step. It computes item steps only (no case
rows, next actions or credit holds), so it is the least work a run could do for that column.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.domain.fx import SCALE

# (min days past due, min overdue in company minor units, min broken promises, min gap days)
DEFAULT_LADDER = (
    (-5, 0, None, 0),  # courtesy
    (1, 0, None, 3),  # reminder
    (10, 0, None, 5),  # call
    (20, 0, 1, 7),  # firm demand
    (35, 0, 2, 10),  # final notice
    (60, 250_00, None, 14),  # legal
)
HIGH_RISK_LADDER = (
    (1, 0, None, 0),  # reminder
    (5, 0, None, 2),  # call
    (15, 0, 1, 5),  # final notice
    (30, 0, None, 7),  # legal
)
# The first contact about an item is written: of the high-risk ladder, the reminder (email)
# and the final notice (letter); of the default ladder every step up to the call is written.
HIGH_RISK_WRITTEN = (0, 2)


def _trigger(rung: tuple[int, int, int | None, int]) -> pl.Expr:
    min_dpd, min_overdue, min_broken, _ = rung
    hit = (pl.col("dpd") >= min_dpd) & (pl.col("overdue_company") >= min_overdue)
    if min_broken is not None:  # broken promises escalate overdue items only
        hit = hit | ((pl.col("dpd") >= 1) & (pl.col("broken_promises") >= min_broken))
    return hit


def _sequential(ladder: tuple[tuple[int, int, int | None, int], ...]) -> pl.Expr:
    """One rung up if the next rung's trigger holds; straight to the highest rung that broken
    promises trigger, if that is further. An overdue item without a step starts above the
    courtesy reminder (rung 0, before the due date only)."""
    was = pl.col("step").fill_null(-1)
    cur = pl.when(pl.col("step").is_null() & (pl.col("dpd") >= 1)).then(0).otherwise(was)
    target = cur
    for k in reversed(range(len(ladder))):
        target = pl.when((cur == k - 1) & _trigger(ladder[k])).then(k).otherwise(target)
    for k, (_, _, min_broken, _) in enumerate(ladder):
        if min_broken is not None:
            jump = (
                (cur < k)
                & (pl.col("dpd") >= 1)
                & (pl.col("broken_promises") >= min_broken)
                & (target < k)
            )
            target = pl.when(jump).then(k).otherwise(target)
    return pl.when(target == cur).then(was).otherwise(target)


def _jump(
    ladder: tuple[tuple[int, int, int | None, int], ...], written: tuple[int, ...]
) -> pl.Expr:
    """The highest rung above the current one whose trigger holds (a written one first)."""
    cur = pl.col("step").fill_null(-1)
    target = cur
    for k in range(len(ladder)):
        may = pl.lit(True) if k in written else pl.col("step").is_not_null()
        target = pl.when((cur < k) & may & _trigger(ladder[k])).then(k).otherwise(target)
    return target


def _gap(ladder: tuple[tuple[int, int, int | None, int], ...]) -> pl.Expr:
    gap = pl.lit(0)
    for k, rung in enumerate(ladder):
        gap = pl.when(pl.col("target") == k).then(rung[3]).otherwise(gap)
    return gap


def _urgent(ladder: tuple[tuple[int, int, int | None, int], ...]) -> pl.Expr:
    """Broken promises trigger the target step: it is taken at once, whatever the gap."""
    hit = pl.lit(False)
    for k, (_, _, min_broken, _) in enumerate(ladder):
        if min_broken is not None:
            reached = (pl.col("dpd") >= 1) & (pl.col("broken_promises") >= min_broken)
            hit = pl.when(pl.col("target") == k).then(reached).otherwise(hit)
    return hit


def reference_steps(
    items: pl.DataFrame,
    debtors: pl.DataFrame,
    factors: dict[str, int],
    as_of: date,
) -> pl.DataFrame:
    """item_id, step: the step each open item should be at after the run on `as_of`."""
    rates = pl.DataFrame({"currency": list(factors), "factor": list(factors.values())})
    if "broken_promises" not in items.columns:
        items = items.with_columns(broken_promises=pl.lit(0, dtype=pl.Int32))
    it = items.with_columns(
        dpd=(pl.lit(as_of) - pl.col("due_date")).dt.total_days(),
        dunnable=(pl.col("open_minor") - pl.col("excluded_minor")).clip(lower_bound=0),
    )
    overdue = (
        it.filter(pl.col("dpd") >= 1)
        .group_by("debtor_id", "currency")
        .agg(pl.col("dunnable").sum().alias("overdue"))
        .join(rates, on="currency")
        .with_columns(
            # half-up to the company's minor unit; amounts here are never negative
            overdue_company=(
                (pl.col("overdue").cast(pl.Int128) * pl.col("factor") + SCALE // 2) // SCALE
            ).cast(pl.Int64)
        )
        .select("debtor_id", "currency", "overdue_company")
    )
    it = (
        it.join(overdue, on=["debtor_id", "currency"], how="left")
        .join(debtors.select("debtor_id", "risk_tier"), on="debtor_id")
        .with_columns(
            overdue_company=pl.col("overdue_company").fill_null(0),
            broken_promises=pl.col("broken_promises").fill_null(0),  # the item's own count
            high=pl.col("risk_tier") == "high",
        )
    )
    return it.with_columns(target=target()).select("item_id", new_step(as_of).alias("step"))


def target() -> pl.Expr:
    """The step the triggers call for, from the columns `step` (in the case's strategy), `dpd`,
    `overdue_company`, `broken_promises` and `high` (the high-risk ladder applies)."""
    return (
        pl.when("high")
        .then(_jump(HIGH_RISK_LADDER, HIGH_RISK_WRITTEN))
        .otherwise(_sequential(DEFAULT_LADDER))
    )


def new_step(as_of: date) -> pl.Expr:
    """The step after today's run: `target` once its gap has passed (at once when broken
    promises trigger it), if the item is dunnable; also reads `step`, `step_on`, `dunnable`,
    `broken_promises` and `high`."""
    gap = pl.when("high").then(_gap(HIGH_RISK_LADDER)).otherwise(_gap(DEFAULT_LADDER))
    urgent = pl.when("high").then(_urgent(HIGH_RISK_LADDER)).otherwise(_urgent(DEFAULT_LADDER))
    waited = (pl.lit(as_of) - pl.col("step_on")).dt.total_days()
    moves = (
        (pl.col("target") > pl.col("step").fill_null(-1))
        & (pl.col("dunnable") > 0)
        & (pl.col("step_on").is_null() | ((pl.col("step_on") < as_of) & ((waited >= gap) | urgent)))
    )
    return pl.when(moves).then(pl.col("target")).otherwise(pl.col("step")).cast(pl.Int32)
