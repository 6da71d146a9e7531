"""Time the daily run on the database bench_import left, end to end and its decision step
alone against two hand-written Polars references: item steps only (bench/reference_steps.py)
and the whole decision, items, cases and credit holds (bench/reference_run.py).

    .venv/bin/python -m bench.bench_daily_run [--items N] [--seed S] [--as-of YYYY-MM-DD]

Works on a copy of the imported database (so it can be repeated), SQLite or PostgreSQL as
bench_import did. Checks that `decide` and both references agree (every item's step; every
column of the whole decision), on the fresh ledger and again a week later, after three runs
have moved items up the ladder. Prints items/s for each end-to-end run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl

from bench.common import (
    COMPANY,
    OUT,
    add_ledger_args,
    bench_admin,
    db_name,
    db_tag,
    timed,
    use_database,
)
from bench.reference_run import disagreements, reference_run
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
    return (
        items,
        s.run_credits(company=company, as_of=as_of),
        s.run_debtors(company=company),
        config,
    )


def interleaved_medians(
    fns: dict[str, Callable[[], Any]], repeat: int
) -> tuple[dict[str, float], dict[str, Any]]:
    """Median seconds of each function over `repeat` rounds after a warm-up round, taking
    them in turn (A B C A B C ...) so that a change in the machine's load hits all alike."""
    results = {name: fn() for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}, results


def compare_decide(company: Any, as_of: date, label: str) -> dict[str, float]:
    """Median seconds of decide and of both references on the loaded frames; they agree."""
    from arrears.domain.batch.daily_run import decide

    with timed(f"load run frames ({label})"):
        items, credits, debtors, config = _inputs(company, as_of)
    fns = {
        "decide": lambda: decide(items, credits, debtors, config),
        "steps": lambda: reference_steps(items, debtors, config.factors, as_of),
        "run": lambda: reference_run(items, credits, debtors, config.factors, as_of),
    }
    seconds, results = interleaved_medians(fns, REPEAT)
    t_decide, t_steps, t_run = seconds["decide"], seconds["steps"], seconds["run"]
    decisions, steps, ref = results["decide"], results["steps"], results["run"]
    both = decisions.items.select("item_id", "step").join(steps, on="item_id", suffix="_ref")
    wrong = both.filter(pl.col("step").ne_missing(pl.col("step_ref")))
    assert both.height == items.height == steps.height, (both.height, items.height)
    assert wrong.height == 0, f"decide and the item-step reference disagree on {wrong.height}"
    differ = disagreements(decisions, ref)
    assert not differ, f"decide and the whole-run reference disagree: {differ}"
    moved = decisions.items.filter("changed").height
    print(
        f"  {items.height:,} open items, {moved:,} step up, {decisions.cases.height:,} cases, "
        f"{decisions.holds.height:,} debtor hold rows; both references agree on every column"
    )
    print(f"{'decide (median of ' + str(REPEAT) + ', interleaved)':<44} {t_decide:8.3f} s")
    print(f"{'reference item steps (median)':<44} {t_steps:8.3f} s")
    print(f"{'reference whole decision (median)':<44} {t_run:8.3f} s")
    print(f"{'decide / reference item steps':<44} {t_decide / t_steps:8.2f} x")
    print(f"{'decide / reference whole decision':<44} {t_decide / t_run:8.2f} x")
    return {"decide": t_decide, "steps": t_steps, "run": t_run}


DAYS = {  # each kind of day: its as-of date after the ledger's, in the order they run
    "first": 0,  # every case new, every overdue item takes its first step
    "same": 0,  # the same day again: must change nothing
    "next": 1,  # the next day: a few items climb
    "mass": 4,  # three days later: many items climb at once (a mass-change day)
}
LABELS = {
    "first": "first run (every case new)",
    "same": "same day again (changes nothing)",
    "next": "next day",
    "mass": "mass-change day (three days later)",
}
REF_REPEAT = 3
PROFILE: set[str] = set()  # --profile: the kinds of day to profile


def reference_seconds(company: Any, as_of: date) -> float:
    """Median seconds of the whole-decision reference on the frames the run is about to read
    (read untimed): the yardstick each kind of day's run is divided by."""
    items, credits, debtors, config = _inputs(company, as_of)
    seconds, _ = interleaved_medians(
        {"run": lambda: reference_run(items, credits, debtors, config.factors, as_of)},
        REF_REPEAT,
    )
    return seconds["run"]


def _run(company: Any, as_of: date, kind: str, ledger_items: int) -> dict[str, Any]:
    """One run_daily of `kind`, with items/s over the ledger's items (the issue's unit: 1M
    items in 5 s is 200,000 items/s) and its ratio to the reference on the same day."""
    from arrears.apps.cases.services import run_daily

    ref = reference_seconds(company, as_of)
    profiler = None
    if kind in PROFILE:  # pyinstrument (the `bench` extra): where this kind of day's time goes
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    t, cpu = time.perf_counter(), time.process_time()
    result = run_daily(actor=bench_admin(), company=company, as_of=as_of)
    s, cpu = time.perf_counter() - t, time.process_time() - cpu
    if profiler is not None:
        profiler.stop()
        out = OUT / f"profile-{db_tag()}-{ledger_items}-{kind}.txt"
        out.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
        print(f"  profile: {out}")
    rate = f"{ledger_items / s:,.0f} items/s ({result.counts.get('items', 0) / s:,.0f} open/s)"
    print(f"run_daily, {LABELS[kind]:<36} {s:8.2f} s  {rate}", flush=True)
    print(f"  reference whole decision {ref:.3f} s; run / reference {s / ref:.2f} x")
    # this process's CPU seconds (all of SQLite's work; not PostgreSQL's server): steadier
    # than wall seconds on a busy machine
    print(f"  cpu {cpu:.2f} s (this process, all threads)")
    parts = ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items())
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items() if v)
    print(f"  inside: {parts}\n  {counts}")
    return {"kind": kind, "seconds": s, "cpu": cpu, "reference": ref, "inside": result.seconds}


def _price_ladders(company: Any) -> None:
    """The company's ladders with fees on three steps (untimed set-up)."""
    from dataclasses import replace

    from arrears.apps.cases.selectors import strategies_for
    from arrears.apps.cases.services.strategies import _install
    from arrears.domain.fees import FeeKind, StepFee

    fees = {
        "reminder": StepFee(FeeKind.FIXED, amount_minor=5_00, currency=company.currency),
        "firm_demand": StepFee(FeeKind.PERCENT, basis_points=100),
        "final_notice": StepFee(FeeKind.COMPENSATION),
    }
    priced = tuple(
        replace(s, steps=tuple(replace(st, fee=fees.get(st.code)) for st in s.steps))
        for s in strategies_for(company=company)
    )
    _install(company, priced, bench_admin())
    print(f"ladders priced: {', '.join(sorted(fees))} ({company.jurisdiction} regime)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    parser.add_argument(
        "--runs-only", action="store_true", help="skip the decide-vs-reference comparisons"
    )
    parser.add_argument(
        "--fees",
        action="store_true",
        help="price the ladders' steps (reminder EUR 5, firm demand 1%%, final notice the "
        "statutory compensation): the run charges fees (docs/fees-and-limitation.md)",
    )
    parser.add_argument(
        "--profile",
        default="",
        help="kinds of day to profile with pyinstrument, comma-separated (first,same,next,mass)",
    )
    o = parser.parse_args()
    PROFILE.update(k for k in o.profile.split(",") if k)
    # ARREARS_BENCH_SOURCE: run on a copy of another prefix's import (a before/after pair
    # sharing one imported database; each run's copy is migrated by its own code)
    source = os.environ.get("ARREARS_BENCH_SOURCE") or db_name(o.items, o.seed, o.as_of, "imported")
    stage = "run-fees" if o.fees else "run"
    url = use_database(db_name(o.items, o.seed, o.as_of, stage), copy_of=source)
    print(f"database: {db_tag()} {url} (a copy of {source})")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # migrations newer than the import
    from arrears.apps.ledger.models import Company

    company = Company.objects.get(code=COMPANY)
    if o.fees:
        _price_ladders(company)
    as_of = o.as_of
    if not o.runs_only:
        print("-- decision step, fresh ledger")
        compare_decide(company, as_of, "fresh")
    print("-- daily run, end to end, each kind of day")
    rows = [_run(company, as_of + timedelta(days=d), k, o.items) for k, d in DAYS.items()]
    print(f"-- summary ({db_tag()}, {o.items:,} items)")
    for r in rows:
        ratio = r["seconds"] / r["reference"]
        print(
            f"  {r['kind']:<6} {r['seconds']:8.2f} s  reference {r['reference']:6.3f} s  {ratio:6.2f} x"
            f"  cpu {r['cpu']:8.2f} s"
        )
    record = {"db": db_tag(), "items": o.items, "fees": o.fees, "at": time.time(), "runs": rows}
    with (OUT / f"daily-run-{db_tag()}-{o.items}.jsonl").open("a") as f:
        f.write(json.dumps(record) + "\n")
    if not o.runs_only:
        print("-- decision step, a week on (items mid-ladder)")
        compare_decide(company, as_of + timedelta(days=7), "mid-ladder")


if __name__ == "__main__":
    main()
