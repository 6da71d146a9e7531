"""Time the daily run on the database bench_import left, end to end and its decision step
alone against the hand-written Polars reference (bench/reference_steps.py).

    .venv/bin/python -m bench.bench_daily_run [--items N] [--seed S] [--as-of YYYY-MM-DD]

Works on a copy of the imported database (so it can be repeated), SQLite or PostgreSQL as
bench_import did. Checks that `decide` and the reference give every item the same step, on
the fresh ledger and again a week later, after three runs have moved items up the ladder.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

import polars as pl

from bench.common import (
    COMPANY,
    add_ledger_args,
    db_name,
    db_tag,
    median_seconds,
    timed,
    use_database,
)
from bench.reference_steps import reference_steps

REPEAT = 5


def _inputs(company: Any, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, Any]:
    from arrears.apps.cases import selectors as s
    from arrears.domain.batch.daily_run import RunConfig

    config = RunConfig(
        as_of=as_of,
        company_currency=company.currency,
        strategies=s.strategies_for(company=company),
        hold_policy=s.hold_policy_for(company=company),
        factors=s.conversion_factors(company=company, as_of=as_of),
    )
    items = s.run_items(company=company)
    return items, s.run_credits(company=company), s.run_debtors(company=company), config


def compare_decide(company: Any, as_of: date, label: str) -> float:
    """Median seconds of decide and of the reference on the loaded frames; their steps agree."""
    from arrears.domain.batch.daily_run import decide

    with timed(f"load run frames ({label})"):
        items, credits, debtors, config = _inputs(company, as_of)
    t_decide, decisions = median_seconds(lambda: decide(items, credits, debtors, config), REPEAT)
    t_ref, ref = median_seconds(
        lambda: reference_steps(items, debtors, config.factors, as_of), REPEAT
    )
    both = decisions.items.select("item_id", "step").join(ref, on="item_id", suffix="_ref")
    wrong = both.filter(pl.col("step").ne_missing(pl.col("step_ref")))
    assert both.height == items.height == ref.height, (both.height, items.height, ref.height)
    assert wrong.height == 0, f"decide and the reference disagree on {wrong.height} items"
    moved = decisions.items.filter("changed").height
    print(f"  {items.height:,} open items, {moved:,} step up; steps agree on every item")
    print(f"{'decide (median of ' + str(REPEAT) + ')':<44} {t_decide:8.3f} s")
    print(f"{'reference item steps (median)':<44} {t_ref:8.3f} s")
    print(f"{'decide / reference':<44} {t_decide / t_ref:8.2f} x")
    return t_decide / t_ref


def _run(company: Any, as_of: date, label: str) -> None:
    from arrears.apps.cases.services import run_daily

    with timed(label):
        result = run_daily(company=company, as_of=as_of)
    parts = ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items())
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items() if v)
    print(f"  inside: {parts}\n  {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    o = parser.parse_args()
    source = db_name(o.items, o.seed, o.as_of, "imported")
    url = use_database(db_name(o.items, o.seed, o.as_of, "run"), copy_of=source)
    print(f"database: {db_tag()} {url} (a copy of {source})")
    from arrears.apps.ledger.models import Company

    company = Company.objects.get(code=COMPANY)
    as_of = o.as_of
    print("-- decision step, fresh ledger")
    compare_decide(company, as_of, "fresh")
    print("-- daily run, end to end")
    _run(company, as_of, "run_daily, first run (every case new)")
    _run(company, as_of, "run_daily, same day again (changes nothing)")
    _run(company, as_of + timedelta(days=1), "run_daily, next day")
    _run(company, as_of + timedelta(days=4), "run_daily, three days later")
    print("-- decision step, a week on (items mid-ladder)")
    compare_decide(company, as_of + timedelta(days=7), "mid-ladder")


if __name__ == "__main__":
    main()
