"""§7 A broken promise escalates what was overdue on its own case: per open item, how many
commitments on its case broke after it fell due.

A commitment counts if it is a promise judged broken (and, by policy, partly kept) or a plan in
default, given or agreed within the record window. It counts for an open item of its own case
(same debtor and currency; credit notes never) only if the item was already overdue (at least a
day past its due date, an accelerated one's included: `plans.acceleration`) on the first day
the commitment counted as broken: the day after the deadline a promise failed on, the day a
plan defaulted; lacking those, the day it was judged, else the day after it was given. An
invoice falling due later climbs the ladder on its own age.

`broken_counts` is a function over the whole ledger; rows of one debtor stay together, so any
partition by debtor gives the same rows.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.domain.dates import days_before
from arrears.domain.plans.model import PlanState
from arrears.domain.promises import PromisePolicy, PromiseState

PROMISE, PLAN = "promise", "plan"

# One row per promise or plan on the company's cases (the adapter may leave out those that can
# never count: open, kept, cancelled, in good standing).
COMMITMENTS_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "commitment": pl.String(),  # PROMISE or PLAN
    "state": pl.String(),  # PromiseState or PlanState
    "failed_on": pl.Date(),  # a promise: the deadline it failed on
    "defaulted_on": pl.Date(),  # a plan: the first day late beyond the grace
    "evaluated_on": pl.Date(),  # the day it was last judged
    "started_on": pl.Date(),  # the day it was given or agreed
}
ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "kind": pl.String(),
    "open_minor": pl.Int64(),
    "due_date": pl.Date(),  # the ladder's: after an acceleration
}


def counted(commitments: pl.DataFrame, *, as_of: date, policy: PromisePolicy) -> pl.DataFrame:
    """The commitments that count as breaks on `as_of`, each with the first day it counted
    (`broke_from`)."""
    states = [PromiseState.BROKEN.value]
    if policy.partly_kept_counts_as_broken:
        states.append(PromiseState.PARTLY_KEPT.value)
    days = policy.record_window_days
    since = days_before(as_of, days) if days is not None else date.min
    promise = (pl.col("commitment") == PROMISE) & pl.col("state").is_in(states)
    plan = (pl.col("commitment") == PLAN) & (pl.col("state") == PlanState.DEFAULTED.value)
    day = pl.duration(days=1)
    return commitments.filter(
        (promise | plan) & pl.col("started_on").is_between(since, as_of)
    ).select(
        "debtor_id",
        "currency",
        broke_from=pl.coalesce(
            pl.col("failed_on") + day, "defaulted_on", "evaluated_on", pl.col("started_on") + day
        ),
    )


def broken_counts(
    items: pl.DataFrame, commitments: pl.DataFrame, *, as_of: date, policy: PromisePolicy
) -> pl.DataFrame:
    """Per item of `items` (ITEMS_SCHEMA), `broken_promises`: the breaks that count for it (0
    for a closed item or a credit note)."""
    breaks = counted(commitments, as_of=as_of, policy=policy)
    counts = (
        items.filter((pl.col("open_minor") > 0) & (pl.col("kind") != "credit_note"))
        .join(breaks, on=["debtor_id", "currency"])
        .filter(pl.col("due_date") < pl.col("broke_from"))  # overdue (dpd >= 1) when it broke
        .group_by("item_id")
        .agg(n=pl.len().cast(pl.Int64))
    )
    return (
        items.select("item_id")
        .join(counts, on="item_id", how="left")
        .select("item_id", broken_promises=pl.col("n").fill_null(0))
    )
