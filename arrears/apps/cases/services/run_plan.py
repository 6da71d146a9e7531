"""Turn the domain's decisions into the differences to store: pure Polars, no I/O.

Only what differs from the stored state is written, which is what makes a repeated run a
no-op. Every case change carries its reason (rule, inputs, strategy) for `arrears explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from arrears.apps.cases.models import NEXT_ACTION_FIELDS
from arrears.domain.actions import cancellations
from arrears.domain.batch.daily_run import CASE_KEY, Decisions, RunConfig
from arrears.domain.cases import SETTLEMENT_SCHEMA, closed_reasons, stays_closed, without_owner
from arrears.domain.credit_hold import HoldRule
from arrears.domain.ladder import Strategy, acting_role
from arrears.domain.ladder_actions import (
    contacts,
    next_action,
    person_next,
    reviews_due,
    steps_for_next,
)

NEXT_ACTION = list(NEXT_ACTION_FIELDS)
PAID = "paid"
# An open case keeps no settlement figures (a reopened one drops its last closing's).
UNSETTLED = {
    "settled_paid_minor": pl.lit(0, dtype=pl.Int64),
    "settled_credited_minor": pl.lit(0, dtype=pl.Int64),
}
CASE_FIELDS = [
    "strategy_code",
    "step",
    "step_code",
    "step_on",
    "open_minor",
    "overdue_minor",
    "oldest_due_on",
    "driving_item_id",
    "next_action_on",
    *NEXT_ACTION,
]


@dataclass(frozen=True)
class RunPlan:
    as_of: date
    step_inserts: pl.DataFrame  # item_id, strategy_code, step, step_on: first step of an item
    step_updates: pl.DataFrame  # the same columns, for items already on the ladder
    case_inserts: pl.DataFrame  # new cases (company_id added on write)
    case_updates: pl.DataFrame  # id + changed case columns
    events: pl.DataFrame  # debtor_id, currency, kind, from_step, to_step, reason (JSON text)
    actions: pl.DataFrame  # debtor_id, currency, step_code, channel, role: today's ladder steps
    reviews: pl.DataFrame  # the same and due_on: reviews of the step that fell due
    cancels: pl.DataFrame  # id, status, cancelled_reason, cancelled_on: pending actions ended
    hold_updates: pl.DataFrame  # id (the debtor's), on_hold: holds set or lifted
    hold_changes: pl.DataFrame  # debtor_id, hold, reason
    counts: dict[str, int]
    by_step: dict[str, int]
    actions_by_channel: dict[str, int]
    orphan_debtor_ids: list[int]


def steps_frame(strategies: tuple[Strategy, ...]) -> pl.DataFrame:
    """One row per (strategy, step index) with what the step is and does."""
    rows = [
        {
            "strategy": s.code,
            "mode": s.mode.value,
            "step": i,
            "step_code": st.code,
            "channel": st.channel.value,
            "role": acting_role(st).value,  # legal, agency: a credit manager approves first
            "min_days_past_due": st.min_days_past_due,
            "min_gap_days": st.min_gap_days,
            "min_overdue_amount": str(st.min_overdue_amount),
            "min_broken_promises": st.min_broken_promises,
        }
        for s in strategies
        for i, st in enumerate(s.steps)
    ]
    return pl.DataFrame(rows, schema_overrides={"step": pl.Int32, "min_broken_promises": pl.Int64})


def plan_run(
    decisions: Decisions,
    *,
    items: pl.DataFrame,
    debtors: pl.DataFrame,
    cases: pl.DataFrame,
    pending: pl.DataFrame,
    config: RunConfig,
    settlements: pl.DataFrame | None = None,
) -> RunPlan:
    """The run's differences to store. `pending`: the company's open and queued actions (id,
    debtor_id, currency, due_on, step_code, channel, role); `settlements`: what settled the
    cases that close (`domain.cases.SETTLEMENT_SCHEMA`; none: paid)."""
    as_of = config.as_of
    steps = steps_frame(config.strategies)
    step_inserts, step_updates = _item_steps(decisions.items)
    actions = contacts(decisions.cases, steps, pending, as_of)
    order = _step_order(config)
    closed = stays_closed(decisions.cases, cases)  # written off, nothing dunnable (§2)
    cancels = cancellations(
        pending,
        cases=_moves(decisions.cases, cases, closed),
        steps=steps,
        ladder_codes=sorted(order),
        as_of=as_of,
    )
    person = person_next(pending, cancels, actions, as_of)
    new = _decided_cases(decisions.cases, steps, person, as_of)
    settled = closed_reasons(
        settlements if settlements is not None else pl.DataFrame(schema=SETTLEMENT_SCHEMA)
    )
    inserts, updates, events = _case_changes(new, cases, steps, as_of, closed, settled)
    holds = decisions.holds.filter(pl.col("changed"))
    hold_updates = holds.select(pl.col("debtor_id").alias("id"), pl.col("hold").alias("on_hold"))
    hold_changes = holds.select(
        "debtor_id",
        "hold",
        reason=pl.struct(
            rules=pl.concat_list(
                pl.when("over_limit").then(pl.lit(str(HoldRule.OVER_LIMIT))),
                pl.when("too_old").then(pl.lit(str(HoldRule.TOO_OLD))),
                pl.when(~pl.col("hold")).then(pl.lit(str(HoldRule.CLEARED))),
            ).list.drop_nulls(),
            exposure_minor="exposure_minor",
            credit_limit_minor="credit_limit_minor",
            oldest_days_past_due="oldest_dpd",
            manual_hold="manual_hold",
            currency=pl.lit(config.company_currency),
        ).struct.json_encode(),
    )
    new = new.join(closed, on=CASE_KEY, how="anti")  # the open cases after this run
    reviews = reviews_due(new, as_of)
    orphans = without_owner(new, debtors)
    by_step = (
        new.group_by("step_code")
        .len()
        .with_columns(order=pl.col("step_code").replace_strict(order, default=-1))
        .sort("order", "step_code")
        .with_columns(pl.col("step_code").replace("", "(not yet)"))
    )
    counts = {
        "items": items.height,
        "items_stepped": int(decisions.items["stepped"].sum()),
        "cases_open": new.height,
        "cases_opened": events.filter(pl.col("kind") == "opened").height,
        "cases_reopened": events.filter(pl.col("kind") == "reopened").height,
        "cases_closed": events.filter(pl.col("kind") == "closed").height,
        "case_steps_changed": events.filter(
            (pl.col("kind") == "step") | ((pl.col("kind") == "opened") & (pl.col("to_step") != ""))
        ).height,
        "holds_set": holds.filter(pl.col("hold")).height,
        "holds_lifted": holds.filter(~pl.col("hold")).height,
        "actions_created": actions.height,
        "reviews_due": reviews.height,
        "actions_cancelled": cancels.height,
        "next_actions_due": new.filter(pl.col("next_action_on") <= as_of).height,
        "without_next_action": new.filter(pl.col("next_action_on").is_null()).height,
        "without_owner": orphans.height,
    }
    return RunPlan(
        as_of=as_of,
        step_inserts=step_inserts,
        step_updates=step_updates,
        case_inserts=inserts,
        case_updates=updates,
        events=events,
        actions=actions,
        reviews=reviews,
        cancels=cancels,
        hold_updates=hold_updates,
        hold_changes=hold_changes,
        counts=counts,
        by_step=dict(zip(by_step["step_code"], by_step["len"], strict=True)),
        actions_by_channel=dict(actions.group_by("channel").len().sort("channel").iter_rows()),
        orphan_debtor_ids=orphans["debtor_id"].to_list(),
    )


def _step_order(config: RunConfig) -> dict[str, int]:
    """Step codes in ladder order, longest ladder first, so mixed strategies read naturally."""
    order: dict[str, int] = {}
    for s in sorted(config.strategies, key=lambda s: -len(s.steps)):
        for st in s.steps:
            order.setdefault(st.code, len(order))
    return order


def _item_steps(decided: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(inserts, updates) for cases_itemstep: a row appears when an item takes its first step."""
    rows = decided.filter(pl.col("changed") & pl.col("step").is_not_null()).select(
        pl.col("item_id"),
        pl.col("strategy").alias("strategy_code"),
        pl.col("step").cast(pl.Int16),
        "step_on",
        first=pl.col("old_step").is_null(),
    )
    return rows.filter("first").drop("first"), rows.filter(~pl.col("first")).drop("first")


def _moves(decided: pl.DataFrame, old: pl.DataFrame, closed: pl.DataFrame) -> pl.DataFrame:
    """Every decided case with its step, whether it stays open, and whether its step changed
    today (`moved`) upwards (`up`: a higher step of the same ladder, or another ladder), for
    `actions.cancellations`."""
    j = decided.join(
        old.select(*CASE_KEY, old_code="step_code", old_step="step", old_strategy="strategy_code"),
        on=CASE_KEY,
        how="left",
    )
    moved = pl.col("step_code").fill_null("").ne(pl.col("old_code").fill_null(""))
    up = pl.col("step").is_not_null() & (
        pl.col("strategy").ne_missing(pl.col("old_strategy"))
        | (pl.col("step") > pl.col("old_step").fill_null(-1))
    )
    shut = decided.join(closed, on=CASE_KEY, how="semi").select(CASE_KEY)
    return (
        j.select(*CASE_KEY, "strategy", "step", moved=moved, up=up)
        .join(shut.with_columns(shut=pl.lit(True)), on=CASE_KEY, how="left")
        .select(*CASE_KEY, "strategy", "step", "moved", "up", open=pl.col("shut").is_null())
    )


def _decided_cases(
    decided: pl.DataFrame, steps: pl.DataFrame, person: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Case rows as they should be stored after this run, with their typed next action
    (`ladder_actions.next_action`)."""
    following, first, here = steps_for_next(steps)
    return (
        decided.join(following, on=["strategy", "next_climb_step"], how="left")
        .join(first, on="strategy", how="left")
        .join(here, on=["strategy", "step"], how="left")
        .join(person, on=CASE_KEY, how="left")
        .with_columns(
            strategy_code=pl.col("strategy"),
            oldest_due_on=pl.lit(as_of) - pl.duration(days=pl.col("oldest_dpd")),
        )
        .with_columns(next_action())
        .with_columns(pl.col("step_code").fill_null(""))
        .select(
            *CASE_KEY,
            *CASE_FIELDS,
            "driving_dpd",
            "broken_promises",
            "overdue_company",
            "dunnable_minor",
            "review_due",
        )
    )


def closing_cases(decided: pl.DataFrame, stored: pl.DataFrame) -> list[int]:
    """The ids of the stored open cases the run closes (nothing dunnable decided for them):
    the run reads what settled them (`selectors.run_settlements`) before it plans."""
    shut = stored.filter(pl.col("status") == "open").join(decided, on=CASE_KEY, how="anti")
    return sorted(shut["case_id"].to_list())


def _case_changes(
    new: pl.DataFrame,
    old: pl.DataFrame,
    steps: pl.DataFrame,
    as_of: date,
    closed: pl.DataFrame,
    settled: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(inserts, updates, events) from decided cases against stored ones; `closed`: the cases
    that stay closed (`domain.cases.stays_closed`); `settled`: why each closing case closes,
    with what paid and what credited it (`domain.cases.closed_reasons`)."""
    j = (
        new.join(old, on=CASE_KEY, how="full", coalesce=True, suffix="_old")
        .join(closed.with_columns(stays_closed=pl.lit(True)), on=CASE_KEY, how="left")
        .join(settled.rename({"closed_reason": "closed_reason_new"}), on=CASE_KEY, how="left")
        .with_columns(
            closed_reason_new=pl.col("closed_reason_new").fill_null(PAID),
            settled_paid_minor=pl.col("paid_minor").fill_null(0),
            settled_credited_minor=pl.col("credited_minor").fill_null(0),
        )
    )
    present = pl.col("strategy_code").is_not_null() & pl.col("stays_closed").is_null()
    was_open = pl.col("status") == "open"
    inserts = j.filter(present & pl.col("case_id").is_null()).select(
        *CASE_KEY,
        *CASE_FIELDS,
        status=pl.lit("open"),
        closed_reason=pl.lit(""),
        opened_on=pl.lit(as_of),
        closed_on=pl.lit(None, dtype=pl.Date),
        **UNSETTLED,
    )
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_old")) for c in CASE_FIELDS])
    keep_open = j.filter(present & pl.col("case_id").is_not_null() & (differs | ~was_open))
    updates_open = keep_open.select(
        pl.col("case_id").alias("id"),
        *CASE_FIELDS,
        status=pl.lit("open"),
        closed_reason=pl.lit(""),
        closed_on=pl.lit(None, dtype=pl.Date),
        **UNSETTLED,
    )
    closing = j.filter(~present & was_open)
    updates_closed = closing.select(
        pl.col("case_id").alias("id"),
        *[pl.col(f"{c}_old").alias(c) for c in CASE_FIELDS],
        "settled_paid_minor",
        "settled_credited_minor",
        status=pl.lit("closed"),
        closed_reason=pl.col("closed_reason_new"),
        closed_on=pl.lit(as_of),
    ).with_columns(
        next_action_on=pl.lit(None, dtype=pl.Date),
        **{c: pl.lit("") for c in NEXT_ACTION},
        open_minor=pl.lit(0, dtype=pl.Int64),
        overdue_minor=pl.lit(0, dtype=pl.Int64),
    )
    updates = pl.concat(
        [updates_open, updates_closed.select(updates_open.columns)], how="vertical_relaxed"
    )
    events = _events(j, steps, present, was_open)
    return inserts, updates, events


def _events(
    j: pl.DataFrame, steps: pl.DataFrame, present: pl.Expr, was_open: pl.Expr
) -> pl.DataFrame:
    trig = steps.select(
        pl.col("strategy").alias("strategy_code"),
        "step",
        "mode",
        "min_days_past_due",
        "min_gap_days",
        "min_overdue_amount",
        "min_broken_promises",
    )
    j = j.join(trig, on=["strategy_code", "step"], how="left")
    ladder: dict[str, pl.Expr | str] = dict(
        rule=pl.lit("ladder"),
        strategy="strategy_code",
        mode="mode",
        trigger=pl.struct(
            "min_days_past_due", "min_gap_days", "min_overdue_amount", "min_broken_promises"
        ),
        inputs=pl.struct(
            driving_item_id="driving_item_id",
            days_past_due="driving_dpd",
            overdue_minor="overdue_minor",
            overdue_company_minor="overdue_company",
            currency="currency",
            broken_promises="broken_promises",
        ),
        # §7 a broken promise moved it (a sequential ladder may then climb several rungs)
        by_broken_promises=(pl.col("broken_promises") >= pl.col("min_broken_promises")).fill_null(
            False
        ),
    )
    fields = [(v if isinstance(v, pl.Expr) else pl.col(v)).alias(k) for k, v in ladder.items()]
    reason = pl.struct(fields).struct.json_encode()
    plain = pl.struct(rule=pl.lit("balance"), open_minor="open_minor").struct.json_encode()
    base = [*CASE_KEY]
    new_case = present & pl.col("case_id").is_null()
    took_step = pl.col("step").is_not_null()
    # A case opened at its first step is one event, not two (`CaseEvent.took_step`): the
    # opening's balance beside the step's reason, from no step to the step. A first run opens
    # every case at once (113,040 at a million items): half the events it used to write.
    opened = j.filter(new_case).select(
        *base,
        kind=pl.lit("opened"),
        from_step=pl.lit(""),
        to_step=pl.when(took_step).then(pl.col("step_code")).otherwise(pl.lit("")),
        reason=pl.when(took_step)
        .then(pl.struct([*fields, pl.col("open_minor")]).struct.json_encode())
        .otherwise(plain),
    )
    reopened = j.filter(present & pl.col("case_id").is_not_null() & ~was_open).select(
        *base, kind=pl.lit("reopened"), from_step=pl.lit(""), to_step=pl.lit(""), reason=plain
    )
    stepped = j.filter(
        present
        & pl.col("case_id").is_not_null()
        & took_step
        & pl.col("step_code").ne_missing(pl.col("step_code_old"))
    ).select(
        *base,
        kind=pl.lit("step"),
        from_step=pl.col("step_code_old").fill_null(""),
        to_step=pl.col("step_code"),
        reason=reason,
    )
    closed = j.filter(~present & was_open).select(
        *base,
        kind=pl.lit("closed"),
        from_step=pl.col("step_code_old").fill_null(""),
        to_step=pl.lit(""),
        reason=pl.struct(
            rule=pl.lit("balance_settled"),  # what settled it: closed_reason (once paid_in_full)
            open_minor=pl.lit(0),
            closed_reason="closed_reason_new",
            paid_minor="settled_paid_minor",
            credited_minor="settled_credited_minor",
        ).struct.json_encode(),
    )
    return pl.concat([opened, reopened, stepped, closed]).sort([*CASE_KEY, "kind"])
