"""The benchmark's hand-written reference (bench/reference_steps.py) gives the same item steps
as `decide` for the default ladders, so the benchmark compares like with like."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import polars as pl
import pytest

from arrears.demo import DemoLedger
from arrears.demo.decision import decision_frames, run_config
from arrears.domain.batch.daily_run import decide
from bench.reference_steps import reference_steps


def _disagreements(
    items: pl.DataFrame, debtors: pl.DataFrame, ledger: DemoLedger, days: int
) -> int:
    as_of = ledger.as_of + timedelta(days=days)
    config = replace(run_config(ledger), as_of=as_of)
    credits = pl.DataFrame(
        schema={"debtor_id": pl.Int64, "currency": pl.String, "credit_minor": pl.Int64}
    )
    ours = decide(items, credits, debtors, config).items.select("item_id", "step")
    ref = reference_steps(items, debtors, config.factors, as_of)
    both = ours.join(ref, on="item_id", suffix="_ref")
    assert both.height == items.height
    return both.filter(pl.col("step").ne_missing(pl.col("step_ref"))).height


def test_reference_agrees_with_decide_on_a_fresh_ledger(big_ledger: DemoLedger) -> None:
    items, _, debtors = decision_frames(big_ledger)
    assert _disagreements(items, debtors, big_ledger, days=0) == 0


@pytest.mark.parametrize("later", [1, 3, 8, 30])
def test_reference_agrees_with_decide_on_items_already_up_the_ladder(
    big_ledger: DemoLedger, later: int
) -> None:
    items, credits, debtors = decision_frames(big_ledger)
    first = decide(items, credits, debtors, run_config(big_ledger)).items
    moved = items.drop("step", "step_on").join(
        first.select("item_id", "step", "step_on"), on="item_id"
    )
    moved = moved.with_columns(broken_promises=(pl.col("item_id") % 4).cast(pl.Int32))
    assert _disagreements(moved, debtors, big_ledger, days=later) == 0
