"""§1-3 The daily run as one columnar decision: every open item's ladder step, every case's
step and dated next action, every debtor's credit hold, from the ledger as it stands on `as_of`.

`decide` is pure: frames in, frames out, no I/O. Rows are independent across debtors, so
`decide(partition)` for any partition of debtors equals the matching rows of `decide(all)`.
`arrears.domain.ladder.next_step` is the one-item version the desk uses; a property test keeps
the two in agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

import polars as pl

from arrears.domain.actions import NextActionKind
from arrears.domain.batch.frames import (
    CREDITS_SCHEMA,
    DEBTORS_SCHEMA,
    ITEMS_SCHEMA,
    SEEN_SCHEMA,
    conform,
)
from arrears.domain.credit_hold import HoldPolicy
from arrears.domain.fx import SCALE, require_rates
from arrears.domain.ladder import (
    PERSON_CHANNELS,
    LadderError,
    Mode,
    Segment,
    Strategy,
    carry_over,
    first_rung,
    may_take_first,
)
from arrears.domain.money import exponent

CASE_KEY = ["debtor_id", "currency"]


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything a run decides with besides the ledger."""

    as_of: date
    company_currency: str
    strategies: tuple[Strategy, ...]
    hold_policy: HoldPolicy
    factors: dict[str, int]  # currency -> fx.conversion_factor into the company currency


@dataclass(frozen=True, slots=True)
class Decisions:
    items: pl.DataFrame  # one row per open dunnable item, with its new step
    cases: pl.DataFrame  # one row per (debtor, currency) with a dunnable balance
    holds: pl.DataFrame  # one row per debtor with open items or a hold


def _to_company(col: str, currency_factor: str = "factor") -> pl.Expr:
    """Half-up conversion of integer minor units (see fx.convert_minor)."""
    x = pl.col(col).cast(pl.Int128) * pl.col(currency_factor).cast(pl.Int128)
    half = SCALE // 2
    rounded = ((x.abs() + half) // SCALE).cast(pl.Int64)
    return pl.when(x < 0).then(-rounded).otherwise(rounded)


def _amount_minor(amount: Decimal, currency: str) -> int:
    """A configured threshold in company-currency minor units (thresholds are whole cents)."""
    return int(amount.scaleb(exponent(currency)))


def _switch(branches: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """when(c1).then(v1).when(c2).then(v2)...otherwise(x): the first matching branch wins."""
    chain: Any = pl
    for cond, value in branches:
        chain = chain.when(cond).then(value)
    return cast(pl.Expr, chain.otherwise(otherwise))


def _per_strategy(
    strategies: dict[str, Strategy], expr: Callable[[Strategy], pl.Expr], otherwise: pl.Expr
) -> pl.Expr:
    """`expr(s)` on the rows whose strategy is `s`."""
    return _switch([(pl.col("strategy") == c, expr(s)) for c, s in strategies.items()], otherwise)


def _segment_mask(seg: Segment, company_currency: str) -> pl.Expr:
    mask = pl.lit(True)
    if seg.risk_tiers:
        mask &= pl.col("risk_tier").is_in(sorted(seg.risk_tiers))
    if seg.countries:
        mask &= pl.col("country").is_in(sorted(seg.countries))
    if seg.min_amount is not None:
        mask &= pl.col("open_company") >= _amount_minor(seg.min_amount, company_currency)
    if seg.max_amount is not None:
        mask &= pl.col("open_company") < _amount_minor(seg.max_amount, company_currency)
    return mask


def _choose(strategies: tuple[Strategy, ...], company_currency: str) -> pl.Expr:
    """Strategy code per case: the first (by priority) whose segment matches."""
    if not strategies:
        raise LadderError("no strategies configured")
    ordered = sorted(strategies, key=lambda s: s.priority)
    return _switch(
        [(_segment_mask(s.segment, company_currency), pl.lit(s.code)) for s in ordered],
        pl.lit(None, dtype=pl.String),
    )


def _by_step(values: Sequence[object], index: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """values[index] as an expression (null when out of range)."""
    return pl.lit(pl.Series(values, dtype=dtype)).get(index.cast(pl.Int64), null_on_oob=True)


def _first_allowed(s: Strategy) -> tuple[pl.Expr, list[pl.Expr]]:
    """(rung, allowed): the next rung of a sequential climb, and per step whether the item may
    take it; an item without a step starts at `ladder.first_rung` (`ladder.may_take_first`)."""
    new = pl.col("step").is_null()
    overdue = pl.col("dpd") >= 1
    rung = (
        pl.when(new & overdue)
        .then(pl.lit(first_rung(s, 1)))
        .when(new)
        .then(pl.lit(first_rung(s, 0)))
        .otherwise(pl.col("step") + 1)
    )
    allowed = [
        ~new
        | pl.when(overdue)
        .then(pl.lit(may_take_first(s, k, 1)))
        .otherwise(pl.lit(may_take_first(s, k, 0)))
        for k in range(len(s.steps))
    ]
    return rung, allowed


def _new_step(s: Strategy, as_of: date, company_currency: str) -> pl.Expr:
    """The step each item of strategy `s` should be at after today (ladder.next_step, batched)."""
    cur = pl.col("step").fill_null(-1)
    rung, allowed = _first_allowed(s)
    triggers = []
    for k, st in enumerate(s.steps):
        t = (pl.col("dpd") >= st.min_days_past_due) & (
            pl.col("overdue_company") >= _amount_minor(st.min_overdue_amount, company_currency)
        )
        if st.min_broken_promises is not None:  # overdue items only (ladder.step_triggered)
            t |= (pl.col("dpd") >= 1) & (pl.col("broken_promises") >= st.min_broken_promises)
        triggers.append(t & allowed[k])
    if s.mode == Mode.JUMP:
        target = pl.max_horizontal(
            [pl.when(t & (cur < k)).then(k).otherwise(cur) for k, t in enumerate(triggers)]
        )
    else:  # the next rung, or further where broken promises trigger a step (ladder._urgent)
        target = _switch([((rung == k) & t, pl.lit(k)) for k, t in enumerate(triggers)], cur)
        jumps = [
            pl.when(
                (cur < k)
                & allowed[k]
                & (pl.col("dpd") >= 1)
                & (pl.col("broken_promises") >= st.min_broken_promises)
            ).then(k)
            for k, st in enumerate(s.steps)
            if st.min_broken_promises is not None
        ]
        if jumps:
            target = pl.max_horizontal(target, *jumps)
    gaps = [st.min_gap_days for st in s.steps]
    broken = [st.min_broken_promises for st in s.steps]
    urgent = (pl.col("dpd") >= 1) & (
        pl.col("broken_promises") >= _by_step(broken, target.clip(0), pl.Int64())
    ).fill_null(False)  # a broken promise escalates what is overdue at once, whatever the gap
    gap_ok = (
        pl.col("step_on").is_null()
        | urgent
        | (
            (pl.lit(as_of) - pl.col("step_on")).dt.total_days()
            >= _by_step(gaps, target.clip(0), pl.Int64())
        )
    )
    written = [st.channel not in PERSON_CHANNELS for st in s.steps]
    # §2 the next written step waits until the case's last message is out (domain.outbox.waits)
    waits = pl.col("waits") & _by_step(written, target.clip(0), pl.Boolean()).fill_null(False)
    keep = (
        (pl.col("step_on") >= pl.lit(as_of)).fill_null(False)  # decided today already
        | waits
        | ~gap_ok
        | (pl.col("dunnable_minor") <= 0)
        | (target <= cur)
    )
    return pl.when(keep).then(pl.col("step")).otherwise(target).cast(pl.Int32)


def _climb(s: Strategy, as_of: date, company_currency: str) -> pl.Expr:
    """A struct (on, step): the day and step of each item's next climb on age, gaps and amount
    (`ladder.next_climb`, batched): per step the first day it could be taken and whether it
    would be, the first such step wins. Never before the next run (as_of + 1)."""
    n = len(s.steps)
    new = pl.col("new_step").is_null()
    cur = pl.col("new_step").fill_null(-1)
    due = pl.col("due_date")
    r0, r1 = first_rung(s, 0), first_rung(s, 1)
    tomorrow = pl.lit(as_of + timedelta(days=1))
    day = [due + pl.duration(days=st.min_days_past_due) for st in s.steps]
    earliest = [
        pl.max_horizontal(  # nulls (no step yet) are skipped
            day[k], pl.col("new_step_on") + pl.duration(days=st.min_gap_days), tomorrow
        )
        for k, st in enumerate(s.steps)
    ]
    amount_ok = [
        pl.col("overdue_company") >= _amount_minor(st.min_overdue_amount, company_currency)
        for st in s.steps
    ]
    cands: list[tuple[pl.Expr, pl.Expr]] = []
    if s.mode == Mode.SEQUENTIAL:
        for k in range(n):
            on = earliest[k]
            ok = ~new & (cur + 1 == k)
            if k == r1:
                on = (
                    pl.when(new)
                    .then(pl.max_horizontal(on, due + pl.duration(days=1)))
                    .otherwise(on)
                )
                ok |= new
            if k == r0 and r0 != r1:
                ok |= new & (on <= due)
            cands.append((on, ok & amount_ok[k]))
    else:
        written = [may_take_first(s, k, 0) for k in range(n)]
        elig = [amount_ok[j] & (cur < j) & (~new | pl.lit(written[j])) for j in range(n)]
        for k in range(n):
            ends = [pl.when(elig[j]).then(day[j]) for j in range(k + 1, n)]
            if s.steps[k].min_days_past_due < 1:
                ends.append(pl.when(new).then(due + pl.duration(days=1)))
            end = pl.min_horizontal(ends) if ends else pl.lit(None, dtype=pl.Date)
            cands.append((earliest[k], elig[k] & (end.is_null() | (earliest[k] < end))))
    return _switch(
        [
            (ok, pl.struct(on=on, step=pl.lit(k, dtype=pl.Int32)))
            for k, (on, ok) in enumerate(cands)
        ],
        pl.struct(on=pl.lit(None, dtype=pl.Date), step=pl.lit(None, dtype=pl.Int32)),
    )


def _carried_over(strategies: tuple[Strategy, ...]) -> pl.Expr:
    """The item's step in its case's strategy (`ladder.carry_over`) where the strategy changed."""
    by_code = {s.code: s for s in strategies}
    branches = []
    for old in strategies:
        n = len(old.steps)
        for new in strategies:
            if new.code != old.code:
                mapped = [carry_over(old, i, new) for i in range(n)]
                cond = (pl.col("strategy_code") == old.code) & (pl.col("strategy") == new.code)
                branches.append((cond, _by_step(mapped, pl.col("step"), pl.Int32())))
    known = pl.col("strategy_code").is_in(list(by_code))
    unknown = pl.col("strategy_code").is_not_null() & ~known
    return _switch([(unknown, pl.lit(None, dtype=pl.Int32)), *branches], pl.col("step"))


def _step_attr(strategies: dict[str, Strategy], attr: str, dtype: pl.DataType) -> pl.Expr:
    """An attribute of the case's current step (code, follow-up days...)."""
    return _per_strategy(
        strategies,
        lambda s: _by_step([getattr(st, attr) for st in s.steps], pl.col("step"), dtype),
        pl.lit(None, dtype=dtype),
    )


def _factors(config: RunConfig) -> pl.DataFrame:
    return pl.DataFrame(
        {"currency": list(config.factors), "factor": list(config.factors.values())},
        schema={"currency": pl.String, "factor": pl.Int64},
    )


def _check_rates(items: pl.DataFrame, config: RunConfig) -> None:
    currencies = items["currency"].unique().to_list()
    require_rates(
        currencies, config.factors, company_currency=config.company_currency, on=config.as_of
    )


def _with_waits(lf: pl.LazyFrame, waiting: pl.DataFrame | None) -> pl.LazyFrame:
    """A boolean `waits` per item: its case waits for its last message (`domain.outbox`)."""
    if waiting is None or waiting.is_empty():
        return lf.with_columns(waits=pl.lit(False))
    flags = (
        waiting.select(pl.col("debtor_id").cast(pl.Int64), pl.col("currency").cast(pl.String))
        .unique()
        .with_columns(waits=pl.lit(True))
        .lazy()
    )
    return lf.join(flags, on=CASE_KEY, how="left", maintain_order="left").with_columns(
        pl.col("waits").fill_null(False)
    )


def decide(
    items: pl.DataFrame,
    credits: pl.DataFrame,
    debtors: pl.DataFrame,
    config: RunConfig,
    seen: pl.DataFrame | None = None,
    waiting: pl.DataFrame | None = None,
) -> Decisions:
    """Decide the whole run. See the module docstring; the rules are in `ladder.py`. `seen`:
    per case (debtor_id, currency) the last day a person finished an action on it (`seen_on`):
    the step's review cadence restarts from there. `waiting`: the cases (debtor_id, currency)
    whose last message is not out yet (`arrears.domain.outbox.waiting_cases`): their items
    climb to no written step today."""
    as_of, cc = config.as_of, config.company_currency
    by_code = {s.code: s for s in config.strategies}
    items = conform(items, ITEMS_SCHEMA).sort("item_id")
    _check_rates(items, config)
    factors = _factors(config)
    lf = items.lazy().with_columns(
        dpd=(pl.lit(as_of) - pl.col("due_date")).dt.total_days().cast(pl.Int32),
        dunnable_minor=(pl.col("open_minor") - pl.col("excluded_minor")).clip(0),
        broken_promises=pl.col("broken_promises").fill_null(0),  # per item: its case's breaks
    )
    debtors = conform(debtors, DEBTORS_SCHEMA)
    cases = _case_totals(lf, factors, debtors, config)
    lf = lf.join(
        cases.lazy().select(*CASE_KEY, "strategy", "overdue_company"),
        on=CASE_KEY,
        how="left",
        maintain_order="left",  # keeps items in id order: ties in _cases go to the lowest id
    )
    lf = lf.with_columns(
        old_step=pl.col("step"), step=_carried_over(config.strategies).cast(pl.Int32)
    )
    lf = _with_waits(lf, waiting)
    new_step = _per_strategy(by_code, lambda s: _new_step(s, as_of, cc), pl.col("step"))
    stepped = pl.col("new_step").ne_missing(pl.col("step"))
    lf = (
        lf.with_columns(new_step=new_step.cast(pl.Int32))
        .with_columns(
            stepped=stepped,
            changed=stepped
            | pl.col("new_step").ne_missing(pl.col("old_step"))
            | pl.col("strategy").ne_missing(pl.col("strategy_code")),
            new_step_on=pl.when(stepped).then(pl.lit(as_of)).otherwise(pl.col("step_on")),
        )
        .with_columns(
            climb=_per_strategy(
                by_code,
                lambda s: _climb(s, as_of, cc),
                pl.struct(on=pl.lit(None, dtype=pl.Date), step=pl.lit(None, dtype=pl.Int32)),
            )
        )
        .with_columns(
            climb_on=pl.col("climb").struct.field("on"),
            climb_step=pl.col("climb").struct.field("step"),
        )
    )
    out_items = lf.select(
        "item_id",
        "debtor_id",
        "currency",
        "strategy",
        "dpd",
        "old_step",
        pl.col("new_step").alias("step"),
        pl.col("new_step_on").alias("step_on"),
        "stepped",  # climbed the ladder today: an action is due
        "changed",  # anything to store (a climb, or a step carried into a new strategy)
        "climb_on",  # its next climb on age, gaps and amount (`ladder.next_climb`)
        "climb_step",
    )
    seen = conform(seen if seen is not None else pl.DataFrame(), SEEN_SCHEMA)
    case_rows = _cases(lf, cases.join(seen, on=CASE_KEY, how="left"), by_code, as_of)
    holds = _holds(cases, conform(credits, CREDITS_SCHEMA), debtors, factors, config)
    got = pl.collect_all([out_items, case_rows])
    return Decisions(items=got[0], cases=got[1], holds=holds)


def _case_totals(
    lf: pl.LazyFrame, factors: pl.DataFrame, debtors: pl.DataFrame, config: RunConfig
) -> pl.DataFrame:
    """Per case: balances (own and company currency), the debtor's facts, its strategy."""
    cases = (
        lf.group_by(CASE_KEY)
        .agg(
            open_minor=pl.col("open_minor").sum(),
            dunnable_minor=pl.col("dunnable_minor").sum(),
            overdue_minor=pl.when(pl.col("dpd") >= 1).then(pl.col("dunnable_minor")).sum(),
            oldest_dpd=pl.when(pl.col("dunnable_minor") > 0).then(pl.col("dpd")).max(),
            # §3 the hold looks at every open item: one in a plan or promised is still owed
            oldest_open_dpd=pl.col("dpd").max(),
        )
        .join(factors.lazy(), on="currency", how="left")
        .with_columns(
            open_company=_to_company("dunnable_minor"),
            overdue_company=_to_company("overdue_minor"),
        )
        .join(debtors.lazy(), on="debtor_id", how="left")
        .with_columns(
            risk_tier=pl.col("risk_tier").fill_null(""),
            country=pl.col("country").fill_null(""),
        )
        .with_columns(strategy=_choose(config.strategies, config.company_currency))
        .collect()
    )
    unmatched = cases.filter(pl.col("strategy").is_null())
    if unmatched.height:
        raise LadderError(
            f"{unmatched.height} cases match no strategy (first: debtor "
            f"{unmatched['debtor_id'][0]}): add a catch-all strategy"
        )
    return cases


# An item's next climb (day, step) as one integer that orders by day, then by step highest
# first: the least of a case's is its first climb day and the highest step climbed to that day.
_STEPS = 1 << 16  # above any ladder's number of steps
_climb_key = pl.col("climb_on").cast(pl.Int32).cast(pl.Int64) * _STEPS + (
    _STEPS - 1 - pl.col("climb_step").cast(pl.Int64)
)


def _climb_on_of(key: pl.Expr) -> pl.Expr:
    return key.floordiv(_STEPS).cast(pl.Int32).cast(pl.Date)


def _climb_step_of(key: pl.Expr) -> pl.Expr:
    return (_STEPS - 1 - (key - key.floordiv(_STEPS) * _STEPS)).cast(pl.Int32)


def _cases(
    lf: pl.LazyFrame, cases: pl.DataFrame, by_code: dict[str, Strategy], as_of: date
) -> pl.LazyFrame:
    """Case step (highest item step), the item that drives it, and the dated next action."""
    # The driving item: highest step, then most days past due; ties go to the lowest item id
    # (items are sorted by id and a group keeps row order, so arg_max finds the first).
    top = (pl.col("new_step").fill_null(-1).cast(pl.Int64) * 1_000_000 + pl.col("dpd")).arg_max()
    # Items held back (promised, in a plan, disputed) keep their step, so the case keeps its
    # place while the desk's commitment stands; only dunnable items can climb further.
    live = pl.col("dunnable_minor") > 0
    # The case's next climb is the first day one of its items climbs above the case's step
    # (an item that only catches up with the case's step contacts nobody), and to that step
    # (the highest, when several climb that day): the least `_climb_key` of those items.
    # Flagged per item first (the case's step as a window): a filter inside the aggregation
    # ran per case, a third of `decide`'s time at 1M items.
    case_step = pl.col("new_step").max().over(CASE_KEY).fill_null(-1)
    lf = lf.with_columns(
        climb_key=pl.when(live & (pl.col("climb_step") > case_step)).then(_climb_key)
    )
    first = pl.col("climb_key").min()
    step, before = pl.col("new_step").max(), pl.col("step").max().fill_null(-1)
    agg = (
        lf.group_by(CASE_KEY)
        .agg(
            step=step,
            # §2-3 one contact per case and step: today's, when the case reached a higher step
            contact_step=pl.when(step > before).then(step),
            # the driving item's figures, taken together (one look-up per case, not four)
            driving=pl.struct(
                step_on="new_step_on",
                driving_item_id="item_id",
                driving_dpd="dpd",
                broken_promises="broken_promises",  # the driving item's, for explain
            ).get(top),
            items=live.sum(),
            stepped_today=pl.col("stepped").max(),
            next_climb_on=_climb_on_of(first),
            next_climb_step=_climb_step_of(first),
        )
        .unnest("driving")
    )
    out = (
        cases.lazy()
        .join(agg, on=CASE_KEY, how="left")
        .with_columns(
            step_code=_step_attr(by_code, "code", pl.String()),
            follow_up=_step_attr(by_code, "follow_up_days", pl.Int64()),
        )
    )
    # §2 reviewed at the step's cadence, counted from the step or from the last time a person
    # finished something on the case (a review done or cancelled moves the next one on)
    looked = pl.max_horizontal("step_on", "seen_on")
    review_on = pl.when(pl.col("step_on").is_not_null()).then(
        looked + pl.duration(days=pl.col("follow_up"))
    )
    fallback = pl.lit(as_of + timedelta(days=7))  # fully excluded balance: look again in a week
    climb_first = pl.col("next_climb_on").is_not_null() & (
        review_on.is_null() | (pl.col("next_climb_on") < review_on)
    )
    out = out.with_columns(
        next_action_on=pl.when(climb_first)
        .then(pl.col("next_climb_on"))
        .otherwise(pl.coalesce(review_on, fallback)),
        next_action_kind=pl.when(climb_first)
        .then(pl.lit(NextActionKind.STEP.value))
        .otherwise(pl.lit(NextActionKind.REVIEW.value)),
    )
    return out.select(
        *CASE_KEY,
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
        "next_action_kind",  # step (the next climb) or review (of the current step)
        "next_climb_on",  # the next climb alone: a review already scheduled may come first
        "next_climb_step",  # the step it climbs to (the next action's label)
        "contact_step",  # reached today, above the case's step before: contact the debtor
    ).sort(CASE_KEY)


def _holds(
    cases: pl.DataFrame,
    credits: pl.DataFrame,
    debtors: pl.DataFrame,
    factors: pl.DataFrame,
    config: RunConfig,
) -> pl.DataFrame:
    """Credit hold per debtor (§3): exposure over limit, or oldest item too old."""
    policy: HoldPolicy = config.hold_policy
    per_case = (
        pl.concat(
            [
                cases.select(*CASE_KEY, m=pl.col("open_minor")),
                credits.group_by(CASE_KEY).agg(m=(-pl.col("credit_minor")).sum()),
            ]
        )
        .group_by(CASE_KEY)
        .agg(pl.col("m").sum())
        .join(factors, on="currency", how="left")
        .with_columns(company=_to_company("m"))
    )
    exposure = per_case.group_by("debtor_id").agg(exposure_minor=pl.col("company").sum())
    oldest = cases.group_by("debtor_id").agg(oldest_dpd=pl.col("oldest_open_dpd").max())
    d = (
        debtors.join(exposure, on="debtor_id", how="left")
        .join(oldest, on="debtor_id", how="left")
        .with_columns(exposure_minor=pl.col("exposure_minor").fill_null(0))
    )
    over = pl.lit(False)
    if policy.hold_when_over_limit:
        over = (pl.col("exposure_minor") > pl.col("credit_limit_minor")).fill_null(False)
    old = pl.lit(False)
    if policy.hold_after_days_past_due is not None:
        old = (pl.col("oldest_dpd") > policy.hold_after_days_past_due).fill_null(False)
    d = d.with_columns(over_limit=over, too_old=old).with_columns(
        hold=pl.col("manual_hold") | pl.col("over_limit") | pl.col("too_old")
    )
    d = d.with_columns(changed=pl.col("hold") != pl.col("on_hold"))
    return (
        d.filter(pl.col("exposure_minor").ne(0) | pl.col("on_hold") | pl.col("hold"))
        .select(
            "debtor_id",
            "hold",
            "on_hold",
            "manual_hold",
            "changed",
            "over_limit",  # HoldRule.OVER_LIMIT
            "too_old",  # HoldRule.TOO_OLD
            "exposure_minor",
            "credit_limit_minor",
            "oldest_dpd",
        )
        .sort("debtor_id")
    )
