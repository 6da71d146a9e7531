"""A hand-written Polars query for everything `decide` outputs under the default ladders: item
steps (with the carry-over when a case changed strategy), each case's step, driving item and
dated next action, and each debtor's credit hold. The yardstick for the whole decision step.

Written from the rules (`arrears/domain/ladder.py`, `credit_hold.py` and the `decide`
docstrings), not from `decide`'s code: the ladders are plain numbers (company currency with
two decimals), the strategy is "high-risk tier or not", the carry-over a lookup table derived
here from its rule, the step codes and follow-ups a small frame that is joined in. The item
step itself is `bench/reference_steps.py`'s (`target`, `new_step`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from arrears.domain.fx import SCALE
from bench.reference_steps import (
    DEFAULT_LADDER,
    HIGH_RISK_LADDER,
    HIGH_RISK_WRITTEN,
    new_step,
    target,
)

KEY = ["debtor_id", "currency"]
DEFAULT_CODES = ("courtesy", "reminder", "call", "firm_demand", "final_notice", "legal")
DEFAULT_FOLLOW_UP = (5, 7, 3, 7, 7, 14)
HIGH_RISK_CODES = ("reminder", "call", "final_notice", "legal")
HIGH_RISK_FOLLOW_UP = (7, 2, 7, 14)
HOLD_AFTER_DAYS = 60  # HoldPolicy(): over the credit limit, or oldest item more than 60 days
NO_STEP_REVIEW_DAYS = 7  # a case with nothing to dun (all excluded) is looked at in a week


@dataclass(frozen=True)
class Ladder:
    code: str
    codes: tuple[str, ...]
    min_dpd: tuple[int, ...]
    gaps: tuple[int, ...]
    follow_up: tuple[int, ...]


DEFAULT = Ladder(
    "default",
    DEFAULT_CODES,
    tuple(r[0] for r in DEFAULT_LADDER),
    tuple(r[3] for r in DEFAULT_LADDER),
    DEFAULT_FOLLOW_UP,
)
HIGH_RISK = Ladder(
    "high_risk",
    HIGH_RISK_CODES,
    tuple(r[0] for r in HIGH_RISK_LADDER),
    tuple(r[3] for r in HIGH_RISK_LADDER),
    HIGH_RISK_FOLLOW_UP,
)


@dataclass(frozen=True)
class Reference:
    items: pl.DataFrame
    cases: pl.DataFrame
    holds: pl.DataFrame


def carry_table(old: Ladder, new: Ladder) -> dict[int, int | None]:
    """Old step -> new step: the step with the same code, else the highest new step that
    triggers no later than the old one (none: start over)."""
    table: dict[int, int | None] = {}
    for i, code in enumerate(old.codes):
        if code in new.codes:
            table[i] = new.codes.index(code)
        else:
            earlier = [j for j, d in enumerate(new.min_dpd) if d <= old.min_dpd[i]]
            table[i] = earlier[-1] if earlier else None
    return table


def _carried_step() -> pl.Expr:
    """The item's step in its case's strategy."""
    to_high = carry_table(DEFAULT, HIGH_RISK)
    to_default = carry_table(HIGH_RISK, DEFAULT)
    step, was = pl.col("step"), pl.col("strategy_code")
    return (
        pl.when(was.is_null() | (was == pl.col("strategy")))
        .then(step)
        .when((was == "default") & (pl.col("strategy") == "high_risk"))
        .then(step.replace_strict(to_high, default=None, return_dtype=pl.Int32))
        .when((was == "high_risk") & (pl.col("strategy") == "default"))
        .then(step.replace_strict(to_default, default=None, return_dtype=pl.Int32))
        .otherwise(None)  # a strategy that no longer exists: start over
        .cast(pl.Int32)
    )


def _half_up(minor: str) -> pl.Expr:
    """minor x factor / SCALE, rounded half away from zero (fx.convert_minor)."""
    x = pl.col(minor).cast(pl.Int128) * pl.col("factor")
    return (x.sign() * ((x.abs() + SCALE // 2) // SCALE)).cast(pl.Int64)


def _case_figures(it: pl.LazyFrame, rates: pl.LazyFrame, debtors: pl.LazyFrame) -> pl.LazyFrame:
    overdue = pl.col("dpd") >= 1
    return (
        it.group_by(KEY)
        .agg(
            pl.col("open_minor").sum(),
            pl.col("dunnable").sum().alias("dunnable_minor"),
            pl.when(overdue).then(pl.col("dunnable")).sum().alias("overdue_minor"),
            pl.when(pl.col("dunnable") > 0).then(pl.col("dpd")).max().alias("oldest_dpd"),
            pl.col("dpd").max().alias("oldest_open_dpd"),  # the hold counts every open item
        )
        .join(rates, on="currency", how="left")
        .with_columns(overdue_company=_half_up("overdue_minor"))
        .join(debtors.select("debtor_id", "risk_tier"), on="debtor_id", how="left")
        .with_columns(high=(pl.col("risk_tier") == "high").fill_null(False))
        .with_columns(
            strategy=pl.when("high").then(pl.lit("high_risk")).otherwise(pl.lit("default"))
        )
    )


def _climb_on(ladder: Ladder, k: int, as_of: date) -> pl.Expr:
    """The first day step `k` can be taken on age and gap, from the next run on."""
    by_age = pl.col("due_date") + timedelta(days=ladder.min_dpd[k])
    by_gap = pl.col("step_on_after") + timedelta(days=ladder.gaps[k])
    return pl.max_horizontal(by_age, by_gap, pl.lit(as_of + timedelta(days=1)))


def _next_climb_default(as_of: date) -> tuple[pl.Expr, pl.Expr]:
    """(day, step) of the next climb on the sequential default ladder: the next rung; for an
    item without a step, the courtesy reminder while it is not yet due, else the reminder.
    Legal needs 250.00 overdue."""
    nxt = pl.col("new_step").fill_null(-1) + 1
    new = pl.col("new_step").is_null()
    on, step = pl.lit(None, dtype=pl.Date), pl.lit(None, dtype=pl.Int32)
    for k in reversed(range(len(DEFAULT.codes))):
        ok = (nxt == k) & ~new
        if DEFAULT_LADDER[k][1]:
            ok &= pl.col("overdue_company") >= DEFAULT_LADDER[k][1]
        on = pl.when(ok).then(_climb_on(DEFAULT, k, as_of)).otherwise(on)
        step = pl.when(ok).then(pl.lit(k, dtype=pl.Int32)).otherwise(step)
    courtesy = _climb_on(DEFAULT, 0, as_of)
    pre = new & (courtesy <= pl.col("due_date"))
    reminder = pl.max_horizontal(_climb_on(DEFAULT, 1, as_of), pl.col("due_date") + timedelta(1))
    on = pl.when(pre).then(courtesy).when(new).then(reminder).otherwise(on)
    step = pl.when(pre).then(0).when(new).then(1).otherwise(step).cast(pl.Int32)
    return on, step


def _next_climb_high(as_of: date) -> tuple[pl.Expr, pl.Expr]:
    """(day, step) of the next climb on the jump ladder: the step the age implies on a day
    the gap of that very step has passed; an item without a step only to a written step."""
    cur = pl.col("new_step").fill_null(-1)
    new = pl.col("new_step").is_null()
    n = len(HIGH_RISK.codes)
    on, step = pl.lit(None, dtype=pl.Date), pl.lit(None, dtype=pl.Int32)
    for k in reversed(range(n)):
        eligible = [(cur < j) & (~new | pl.lit(j in HIGH_RISK_WRITTEN)) for j in range(n)]
        later = [
            pl.when(eligible[j]).then(pl.col("due_date") + timedelta(days=HIGH_RISK.min_dpd[j]))
            for j in range(k + 1, n)
        ]
        end = pl.min_horizontal(later) if later else pl.lit(None, dtype=pl.Date)
        day = _climb_on(HIGH_RISK, k, as_of)
        ok = eligible[k] & (end.is_null() | (day < end))
        on = pl.when(ok).then(day).otherwise(on)
        step = pl.when(ok).then(pl.lit(k, dtype=pl.Int32)).otherwise(step)
    return on, step


def _items(it: pl.LazyFrame, cases: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    facts = cases.select(*KEY, "strategy", "high", "overdue_company")
    it = (
        it.join(facts, on=KEY, how="left")
        .with_columns(old_step=pl.col("step"), step=_carried_step())
        .with_columns(target=target())
        .with_columns(new_step=new_step(as_of))
    )
    stepped = pl.col("new_step").ne_missing(pl.col("step"))
    return it.with_columns(
        stepped=stepped,
        changed=stepped
        | pl.col("new_step").ne_missing(pl.col("old_step"))
        | pl.col("strategy").ne_missing(pl.col("strategy_code")),
        step_on_after=pl.when(stepped).then(pl.lit(as_of)).otherwise(pl.col("step_on")),
    ).with_columns(
        next_climb_on=pl.when("high")
        .then(_next_climb_high(as_of)[0])
        .otherwise(_next_climb_default(as_of)[0]),
        climb_step=pl.when("high")
        .then(_next_climb_high(as_of)[1])
        .otherwise(_next_climb_default(as_of)[1]),
    )


def _steps_frame() -> pl.LazyFrame:
    rows = [
        (ladder.code, k, code, days)
        for ladder in (DEFAULT, HIGH_RISK)
        for k, (code, days) in enumerate(zip(ladder.codes, ladder.follow_up, strict=True))
    ]
    return pl.LazyFrame(
        rows,
        schema={
            "strategy": pl.String,
            "step": pl.Int32,
            "step_code": pl.String,
            "follow_up": pl.Int64,
        },
        orient="row",
    )


def _driving_items(items: pl.LazyFrame) -> pl.LazyFrame:
    """Per case, the item at the highest step; of those the most days past due; of those
    the lowest id. Its broken-promise count is the one `explain` shows for the case."""
    s = pl.col("new_step").fill_null(-1)
    return (
        items.filter(s == s.max().over(KEY))
        .filter(pl.col("dpd") == pl.col("dpd").max().over(KEY))
        .group_by(KEY)
        .agg(
            pl.col("item_id").min().alias("driving_item_id"),
            pl.col("dpd").first().alias("driving_dpd"),
            pl.col("step_on_after").get(pl.col("item_id").arg_min()).alias("step_on"),
            pl.col("broken_promises").get(pl.col("item_id").arg_min()).alias("broken_promises"),
        )
    )


def _case_rows(it: pl.LazyFrame, cases: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Case step = its highest item step, taken on the driving item's date; the next action
    is the earlier of the next climb and the review of the current step (or a look in a week
    when nothing can be dunned)."""
    climb = pl.col("next_climb_on")
    live = pl.col("dunnable") > 0  # held-back items keep the case's step but cannot climb
    # only a climb above the case's step is the case's (a lagging item contacts nobody)
    above = live & (pl.col("climb_step") > pl.col("new_step").fill_null(-1).max().over(KEY))
    per_case = (
        it.with_columns(above=above)
        .group_by(KEY)
        .agg(
            step=pl.col("new_step").max(),
            items=live.sum(),
            stepped_today=pl.col("stepped").any(),
            next_climb_on=pl.when("above").then(climb).min(),
        )
        .join(_driving_items(it), on=KEY)
    )
    review_on = pl.col("step_on") + pl.duration(days=pl.col("follow_up"))
    climb_first = climb.is_not_null() & (review_on.is_null() | (climb < review_on))
    fallback = pl.lit(as_of + timedelta(days=NO_STEP_REVIEW_DAYS))
    return (
        cases.join(per_case, on=KEY, how="left")
        .join(_steps_frame(), on=["strategy", "step"], how="left")
        .with_columns(
            next_action_on=pl.when(climb_first)
            .then(climb)
            .otherwise(review_on.fill_null(fallback)),
            next_action_kind=pl.when(climb_first).then(pl.lit("step")).otherwise(pl.lit("review")),
        )
        .select(
            *KEY,
            "strategy",
            "step",
            "step_code",
            "step_on",
            "stepped_today",
            "open_minor",
            "dunnable_minor",
            "overdue_minor",
            "overdue_company",
            "oldest_dpd",
            "driving_item_id",
            "driving_dpd",
            "broken_promises",
            "items",
            "next_action_on",
            "next_action_kind",
            "next_climb_on",
        )
        .sort(KEY)
    )


def _holds(
    cases: pl.LazyFrame, credits: pl.LazyFrame, debtors: pl.LazyFrame, rates: pl.LazyFrame
) -> pl.LazyFrame:
    """Exposure = open items less credits, per currency converted to the company currency;
    hold when over the credit limit or the oldest open item is past the hold age; a manual
    hold stays. One row per debtor with an exposure, a hold, or a hold to lift."""
    net = (
        pl.concat(
            [
                cases.select(*KEY, pl.col("open_minor").alias("m")),
                credits.select(*KEY, (-pl.col("credit_minor")).alias("m")),
            ]
        )
        .group_by(KEY)
        .agg(pl.col("m").sum())
        .join(rates, on="currency", how="left")
        .group_by("debtor_id")
        .agg(_half_up("m").sum().alias("exposure_minor"))
    )
    oldest = cases.group_by("debtor_id").agg(pl.col("oldest_open_dpd").max().alias("oldest_dpd"))
    d = (
        debtors.join(net, on="debtor_id", how="left")
        .join(oldest, on="debtor_id", how="left")
        .with_columns(
            exposure_minor=pl.col("exposure_minor").fill_null(0),
            over_limit=(pl.col("exposure_minor") > pl.col("credit_limit_minor")).fill_null(False),
            too_old=(pl.col("oldest_dpd") > HOLD_AFTER_DAYS).fill_null(False),
        )
        .with_columns(hold=pl.col("manual_hold") | pl.col("over_limit") | pl.col("too_old"))
        .with_columns(changed=pl.col("hold") != pl.col("on_hold"))
    )
    return (
        d.filter((pl.col("exposure_minor") != 0) | pl.col("on_hold") | pl.col("hold"))
        .select(
            "debtor_id",
            "hold",
            "on_hold",
            "manual_hold",
            "changed",
            "over_limit",
            "too_old",
            "exposure_minor",
            "credit_limit_minor",
            "oldest_dpd",
        )
        .sort("debtor_id")
    )


def reference_run(
    items: pl.DataFrame,
    credits: pl.DataFrame,
    debtors: pl.DataFrame,
    factors: dict[str, int],
    as_of: date,
) -> Reference:
    """Items, cases and holds after the run on `as_of`, as `decide` defines them."""
    rates = pl.LazyFrame(
        {"currency": list(factors), "factor": list(factors.values())},
        schema={"currency": pl.String, "factor": pl.Int64},
    )
    if "strategy_code" not in items.columns:
        items = items.with_columns(strategy_code=pl.lit(None, dtype=pl.String))
    if "broken_promises" not in items.columns:
        items = items.with_columns(broken_promises=pl.lit(0, dtype=pl.Int32))
    it = items.lazy().with_columns(
        dpd=(pl.lit(as_of) - pl.col("due_date")).dt.total_days().cast(pl.Int32),
        dunnable=(pl.col("open_minor") - pl.col("excluded_minor")).clip(lower_bound=0),
        # per item: breaks on its case after it fell due (the sweep's `OpenItem.broken_promises`)
        broken_promises=pl.col("broken_promises").fill_null(0),
    )
    cases = _case_figures(it, rates, debtors.lazy())
    stepped = _items(it, cases, as_of)
    out_items = stepped.select(
        "item_id",
        "debtor_id",
        "currency",
        "strategy",
        "dpd",
        "old_step",
        pl.col("new_step").alias("step"),
        pl.col("step_on_after").alias("step_on"),
        "stepped",
        "changed",
    )
    holds = _holds(cases, credits.lazy(), debtors.lazy(), rates)
    got = pl.collect_all([out_items, _case_rows(stepped, cases, as_of), holds])
    return Reference(items=got[0], cases=got[1], holds=got[2])


def disagreements(ours: Reference | object, ref: Reference) -> dict[str, int]:
    """Per `frame.column`, how many rows differ between `decide`'s output and the reference
    (rows missing on either side count under `frame.rows`); empty when they agree."""
    found: dict[str, int] = {}
    for name, key in (("items", ["item_id"]), ("cases", KEY), ("holds", ["debtor_id"])):
        mine: pl.DataFrame = getattr(ref, name)
        theirs: pl.DataFrame = getattr(ours, name)
        both = theirs.join(mine, on=key, how="full", suffix="_ref", coalesce=False)
        unmatched = both.filter(pl.col(key[0]).is_null() | pl.col(f"{key[0]}_ref").is_null())
        if unmatched.height:
            found[f"{name}.rows"] = unmatched.height
        for col in mine.columns:
            if col not in key:
                n = both.filter(pl.col(col).ne_missing(pl.col(f"{col}_ref"))).height
                if n:
                    found[f"{name}.{col}"] = n
    return found
