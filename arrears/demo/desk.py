"""The desk's dated history behind the demo ledger: promises, disputes and excuses across the
ledger's whole span, consistent with its payments.

The daily run and the desk's stories (`negotiation.services.demo`) date what they do in the
last weeks only; without this, a propensity model trained on the demo would meet the desk's
features (promises given, kept and broken, disputes, excuses) only after its training window.
Here each debtor's past follows its behaviour and its items' payments:

- a **kept promise** on a fully paid item that was paid late: given a few days before the
  payment, for the item's amount, due on the day the payment came;
- a **broken promise** on an item still unpaid a week or two after it was given: an item open
  today (at least 40 days past due), or one paid late, its deadline well before the payment;
- a **dispute** on an overdue item, opened days after its due date and resolved (rejected:
  nothing credited) before the item was paid, or before today's weeks if it is still open;
- an **excuse** heard on an item overdue on that day.

Nothing is dated in the last `RECENT_DAYS` days before `as_of`: that is the stories' time.
Columnar and a pure function of the seed, like the rest of the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from arrears.demo.rng import ROW, Rng
from arrears.domain.disputes import DisputeReason
from arrears.domain.excuses import Excuse

RECENT_DAYS = 21  # the desk's stories tell the last three weeks (`negotiation.services.demo`)
# Per mille of eligible items, per behaviour (prompt, slow, chronic late, disputing, insolvent).
KEPT = (100, 300, 400, 200, 300)  # a paid-late item: a promise that the payment kept
BROKEN = (100, 250, 400, 250, 500)  # an item unpaid for long: a promise it broke
DISPUTED = (10, 20, 30, 400, 50)
EXCUSED = (50, 200, 350, 150, 300)

PROMISES = {
    "debtor_code": pl.String,
    "currency": pl.String,
    "number": pl.String,  # the item the promise covers
    "given_on": pl.Date,
    "deadline": pl.Date,  # the promised day
    "amount_minor": pl.Int64,
    "state": pl.String,  # kept or broken
    "closed_on": pl.Date,  # kept on (the payment's day), or the deadline it failed on
}
DISPUTES = {
    "debtor_code": pl.String,
    "currency": pl.String,
    "number": pl.String,
    "reason": pl.String,
    "opened_on": pl.Date,
    "resolved_on": pl.Date,
    "amount_minor": pl.Int64,
}
EXCUSES = {
    "debtor_code": pl.String,
    "currency": pl.String,
    "excuse": pl.String,
    "logged_on": pl.Date,
}


@dataclass(frozen=True, slots=True)
class DemoDesk:
    """The desk's past as frames (`PROMISES`, `DISPUTES`, `EXCUSES`), keyed by the import
    files' debtor codes and item numbers."""

    promises: pl.DataFrame
    disputes: pl.DataFrame
    excuses: pl.DataFrame

    @staticmethod
    def empty() -> DemoDesk:
        return DemoDesk(
            pl.DataFrame(schema=PROMISES),
            pl.DataFrame(schema=DISPUTES),
            pl.DataFrame(schema=EXCUSES),
        )


def _per_behaviour(rng: Rng, stream: str, table: tuple[int, ...]) -> pl.Expr:
    odds = pl.lit(pl.Series(list(table), dtype=pl.Int64)).gather(pl.col("behaviour"))
    return rng.chance(stream, odds)


def _days(n: pl.Expr) -> pl.Expr:
    return pl.duration(days=n)


def desk_frame(
    items: pl.DataFrame, allocations: pl.DataFrame, *, seed: int, as_of: date
) -> DemoDesk:
    """The desk's history of the generated `items` (with their hidden columns: behaviour,
    state, original and open minor) and `allocations` (one row per item and payment day)."""
    rng = Rng(seed, "desk")
    last = as_of - timedelta(days=RECENT_DAYS + 1)
    # each dunnable item, with the day it was paid in full (null: not paid in full today)
    paid = (
        items.filter(pl.col("state") == 2)
        .join(allocations.group_by("number").agg(paid_on=pl.col("received_on").max()), on="number")
        .select("number", "paid_on")
    )
    frame = (
        items.filter(pl.col("kind") != "credit_note")
        .join(paid, on="number", how="left")
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt64).alias(ROW),
            dpd=(pl.lit(as_of) - pl.col("due_date")).dt.total_days(),
            late=(pl.col("paid_on") - pl.col("due_date")).dt.total_days(),
            still_open=pl.col("state") == 0,
        )
    )
    keys = ["debtor_code", "currency", "number"]

    kept = frame.filter(
        pl.col("late").is_not_null() & (pl.col("late") >= 3) & _per_behaviour(rng, "kept", KEPT)
    ).select(
        *keys,
        given_on=pl.max_horizontal(
            pl.col("paid_on") - _days(rng.between("kept_gap", 2, 10)),
            pl.col("due_date") + _days(pl.lit(1)),
        ),
        deadline=pl.col("paid_on"),
        amount_minor=pl.col("original_minor"),
        state=pl.lit("kept"),
        closed_on=pl.col("paid_on"),
    )
    # how long the item stayed unpaid: to today (still open) or to its payment
    unpaid = pl.when(pl.col("still_open")).then(pl.col("dpd")).otherwise(pl.col("late"))
    broken_given = pl.col("due_date") + _days(rng.between("broken_at", 5, unpaid - 25))
    broken = (
        frame.filter(
            (pl.col("still_open") | pl.col("late").is_not_null())
            & (unpaid >= 40)
            & _per_behaviour(rng, "broken", BROKEN)
        )
        .with_columns(given_on=broken_given)
        .with_columns(deadline=pl.col("given_on") + _days(rng.between("broken_in", 7, 14)))
        .select(
            *keys,
            "given_on",
            "deadline",
            amount_minor=pl.col("original_minor"),
            state=pl.lit("broken"),
            closed_on=pl.col("deadline"),
        )
    )
    promises = pl.concat([kept, broken]).filter(pl.col("closed_on") <= last)

    opened = pl.col("due_date") + _days(rng.between("dispute_at", 2, 10))
    until = (
        pl.when(pl.col("still_open"))
        .then(pl.lit(last))
        .otherwise(pl.col("paid_on") - _days(pl.lit(1)))
    )
    disputes = (
        frame.filter(
            (pl.col("still_open") | pl.col("late").is_not_null())
            & (unpaid >= 20)
            & _per_behaviour(rng, "disputed", DISPUTED)
        )
        .with_columns(opened_on=opened)
        .with_columns(
            resolved_on=pl.min_horizontal(
                pl.col("opened_on") + _days(rng.between("dispute_for", 7, 30)), until
            )
        )
        .filter(pl.col("resolved_on") > pl.col("opened_on"))
        .select(
            *keys,
            reason=rng.pick("dispute_reason", [r.value for r in DisputeReason], pl.String()),
            opened_on="opened_on",
            resolved_on="resolved_on",
            amount_minor=(
                pl.col("original_minor") * rng.between("dispute_share", 30, 100) // 100
            ).clip(1, None),
        )
        .filter(pl.col("resolved_on") <= last)
    )
    excuses = (
        frame.filter(
            (pl.col("still_open") | pl.col("late").is_not_null())
            & (unpaid >= 10)
            & _per_behaviour(rng, "excused", EXCUSED)
        )
        .select(
            "debtor_code",
            "currency",
            excuse=rng.pick("excuse", [e.value for e in Excuse], pl.String()),
            logged_on=pl.col("due_date")
            + _days(rng.between("excuse_at", 1, (unpaid - 1).clip(1, 15))),
        )
        .filter(pl.col("logged_on") <= last)
        .unique(
            ["debtor_code", "currency", "excuse", "logged_on"], keep="first", maintain_order=True
        )
    )
    order = ["debtor_code", "currency"]
    return DemoDesk(
        promises=promises.sort([*order, "given_on", "number"]).cast(PROMISES),  # type: ignore[arg-type]
        disputes=disputes.sort([*order, "opened_on", "number"]).cast(DISPUTES),  # type: ignore[arg-type]
        excuses=excuses.sort([*order, "logged_on", "excuse"]).cast(EXCUSES),  # type: ignore[arg-type]
    )
