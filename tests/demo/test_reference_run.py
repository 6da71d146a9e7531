"""The benchmark's hand-written reference for the whole decision (bench/reference_run.py) gives
the same items, cases and credit holds as `decide` under the default ladders, column for
column, so the benchmark's ratio compares like with like."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import polars as pl
import pytest

from arrears.demo import DemoLedger
from arrears.demo.decision import decision_frames, run_config
from arrears.domain.batch.daily_run import decide
from arrears.domain.ladder import DEFAULT_STRATEGY, HIGH_RISK_STRATEGY, carry_over
from bench.reference_run import DEFAULT, HIGH_RISK, carry_table, disagreements, reference_run


def _disagreements(
    items: pl.DataFrame,
    credits: pl.DataFrame,
    debtors: pl.DataFrame,
    ledger: DemoLedger,
    days: int,
) -> dict[str, int]:
    config = replace(run_config(ledger), as_of=ledger.as_of + timedelta(days=days))
    ours = decide(items, credits, debtors, config)
    ref = reference_run(items, credits, debtors, config.factors, config.as_of)
    assert ref.items.height == items.height
    return disagreements(ours, ref)


def _after_first_run(ledger: DemoLedger) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The frames as the next run finds them: items on the ladder with their strategy."""
    items, credits, debtors = decision_frames(ledger)
    first = decide(items, credits, debtors, run_config(ledger)).items
    moved = items.drop("step", "step_on").join(
        first.select("item_id", "step", "step_on", pl.col("strategy").alias("strategy_code")),
        on="item_id",
    )
    return moved, credits, debtors


def test_reference_agrees_with_decide_on_a_fresh_ledger(big_ledger: DemoLedger) -> None:
    items, credits, debtors = decision_frames(big_ledger)
    assert _disagreements(items, credits, debtors, big_ledger, days=0) == {}


@pytest.mark.parametrize("later", [0, 1, 3, 8, 30])
def test_reference_agrees_with_decide_on_items_already_up_the_ladder(
    big_ledger: DemoLedger, later: int
) -> None:
    items, credits, debtors = _after_first_run(big_ledger)
    # counts per item (an item of the same case may have fewer: it fell due after a break)
    items = items.with_columns(broken_promises=(pl.col("item_id") % 4).cast(pl.Int32))
    assert _disagreements(items, credits, debtors, big_ledger, days=later) == {}


@pytest.mark.parametrize("later", [1, 8])
def test_reference_agrees_when_debtors_change_strategy_holds_and_exclusions(
    big_ledger: DemoLedger, later: int
) -> None:
    items, credits, debtors = _after_first_run(big_ledger)
    tier = pl.col("risk_tier")
    debtors = debtors.with_columns(
        # every fifth debtor turns high-risk, every seventh high-risk one is no longer
        risk_tier=pl.when(pl.col("debtor_id") % 5 == 0)
        .then(pl.lit("high"))
        .when((tier == "high") & (pl.col("debtor_id") % 7 == 0))
        .then(pl.lit("low"))
        .otherwise(tier),
        on_hold=pl.col("debtor_id") % 3 == 0,
        manual_hold=pl.col("debtor_id") % 11 == 0,
        credit_limit_minor=pl.when(pl.col("debtor_id") % 13 == 0)
        .then(None)
        .otherwise(pl.col("credit_limit_minor")),
    )
    items = items.with_columns(
        # disputed in part or in full; a few items of a strategy that no longer exists
        excluded_minor=pl.when(pl.col("item_id") % 6 == 0)
        .then(pl.col("open_minor"))
        .when(pl.col("item_id") % 6 == 1)
        .then(pl.col("open_minor") // 2)
        .otherwise(0),
        strategy_code=pl.when(pl.col("item_id") % 97 == 0)
        .then(pl.lit("retired"))
        .otherwise(pl.col("strategy_code")),
    )
    assert _disagreements(items, credits, debtors, big_ledger, days=later) == {}


def test_carry_over_table_follows_the_ladder_rule() -> None:
    for old, new, s_old, s_new in (
        (DEFAULT, HIGH_RISK, DEFAULT_STRATEGY, HIGH_RISK_STRATEGY),
        (HIGH_RISK, DEFAULT, HIGH_RISK_STRATEGY, DEFAULT_STRATEGY),
    ):
        expected = {i: carry_over(s_old, i, s_new) for i in range(len(s_old.steps))}
        assert carry_table(old, new) == expected
