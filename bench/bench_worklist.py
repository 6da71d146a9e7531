"""Time the worklist's scoring of every open action against a plain Polars computation of the
same scores, and the worklist selector end to end for one collector and for a whole team.

    .venv/bin/python -m bench.bench_worklist [--items N] [--seed S] [--as-of YYYY-MM-DD] [--again]

Works on a copy of the database bench_import left (SQLite or PostgreSQL, as bench_import
did). Runs the daily run on the as-of date and three days later, so that the open actions
are of two days (some three days late), then scores all of them on the later day: the
domain's `score_actions` + `in_priority_order` against `reference_scores` below, written from
the formula in `arrears/domain/scoring.py`'s docstring with common Polars idioms. Asserts
that both give the same scores in the same order; prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import polars as pl

from bench.bench_daily_run import interleaved_medians
from bench.common import COLLECTORS, COMPANY, add_ledger_args, db_name, db_tag, timed, use_database

REPEAT = 5
MANAGER = "maria"

_ACTIONS = (
    "SELECT a.id AS action_id, c.debtor_id, c.currency, a.due_on FROM cases_action a "
    "JOIN cases_case c ON c.id = a.case_id WHERE c.company_id = %s AND c.status = 'open' "
    "AND a.status = 'open' AND a.due_on <= %s"
)
_ITEMS = (
    "SELECT i.debtor_id, i.currency, i.due_date, i.open_minor, "
    "COALESCE(x.excluded_minor, 0) AS excluded_minor, "
    "COALESCE(x.broken_promises, 0) AS broken_promises FROM ledger_openitem i "
    "LEFT JOIN cases_itemdeskinput x ON x.item_id = i.id WHERE i.company_id = %s "
    "AND i.open_minor > 0 "
    "AND i.kind <> 'credit_note'"
)


def _frames(company: Any, on: date) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    from arrears.apps.cases.selectors import conversion_factors
    from arrears.apps.common.bulk import read_frame
    from arrears.domain import scoring

    actions = read_frame(_ACTIONS, [company.pk, on.isoformat()], scoring.ACTIONS_SCHEMA)
    items = read_frame(_ITEMS, [company.pk], scoring.ITEMS_SCHEMA)
    return actions, items, conversion_factors(company=company, as_of=on)


def reference_scores(
    actions: pl.DataFrame, items: pl.DataFrame, on: date, factors: Mapping[str, int]
) -> pl.DataFrame:
    """The score, from the docstring's formula (A = 90, W = 7), in plain Polars."""
    from arrears.domain.fx import SCALE

    a, w = 90, 7
    rates = pl.DataFrame(
        {"currency": list(factors), "factor": list(factors.values())},
        schema={"currency": pl.String, "factor": pl.Int64},
    )
    cases = (
        items.with_columns(
            dpd=(pl.lit(on) - pl.col("due_date")).dt.total_days(),
            dun=pl.max_horizontal(pl.col("open_minor") - pl.col("excluded_minor"), pl.lit(0)),
        )
        .group_by("debtor_id", "currency")
        .agg(
            o=pl.when(pl.col("dpd") > 0).then(pl.col("dun")).otherwise(0).sum(),
            d=pl.when((pl.col("dpd") > 0) & (pl.col("dun") > 0)).then(pl.col("dpd")).max(),
            b=pl.col("broken_promises").max(),
        )
    )
    big = pl.Int128
    scored = (
        actions.join(cases, on=["debtor_id", "currency"], how="left")
        .join(rates, on="currency", how="left")
        .with_columns(
            pl.col("o", "d", "b").fill_null(0).cast(big),
            late=(pl.lit(on) - pl.col("due_on")).dt.total_days().cast(big),
        )
        .with_columns(company=(pl.col("o") * pl.col("factor") + SCALE // 2) // SCALE)
        .with_columns(
            score=(
                pl.col("company")
                * a
                * (w + pl.col("late"))
                // ((a + pl.col("d")) * (1 + pl.col("b")) * w)
            ).cast(pl.Int64)
        )
    )
    return scored.sort(
        ["score", "late", "company", "action_id"], descending=[True, True, True, False]
    ).select("action_id", "score")


def _domain(
    actions: pl.DataFrame, items: pl.DataFrame, on: date, factors: Mapping[str, int]
) -> pl.DataFrame:
    from arrears.domain.scoring import in_priority_order, score_actions

    return in_priority_order(score_actions(actions, items, on=on, factors=factors))


def compare(company: Any, on: date) -> None:
    with timed("load actions and items"):
        actions, items, factors = _frames(company, on)
    seconds, results = interleaved_medians(
        {
            "domain": lambda: _domain(actions, items, on, factors),
            "reference": lambda: reference_scores(actions, items, on, factors),
        },
        REPEAT,
    )
    ours, ref = results["domain"].select("action_id", "score"), results["reference"]
    assert ours.equals(ref), "the domain's scores and the reference's differ"
    late = actions.filter(pl.col("due_on") < on).height
    print(f"  {actions.height:,} open actions ({late:,} late) over {items.height:,} open items")
    print(
        f"{'score_actions + order (median of ' + str(REPEAT) + ')':<44} {seconds['domain']:8.3f} s"
    )
    print(f"{'reference, plain Polars (median)':<44} {seconds['reference']:8.3f} s")
    print(f"{'domain / reference':<44} {seconds['domain'] / seconds['reference']:8.2f} x")


def selector(company: Any, on: date) -> None:
    """The selector end to end: one collector's list, and the whole team's for a manager."""
    from django.contrib.auth import get_user_model

    from arrears.apps.accounts.models import Membership
    from arrears.apps.accounts.services import user_ensure
    from arrears.apps.cases.worklist import worklist

    people = get_user_model().objects
    for name in COLLECTORS:  # bench_import makes them without memberships
        user_ensure(username=name, role="collector", company=company)
    maria = user_ensure(username=MANAGER, role="credit_manager", company=company)
    Membership.objects.filter(company=company, person__username__in=COLLECTORS).update(
        reports_to=maria
    )
    asks = {
        f"worklist of {COLLECTORS[0]}": {"actor": people.get(username=COLLECTORS[0])},
        f"worklist of {MANAGER}'s team (all four)": {"actor": maria, "team": True},
    }
    for label, kw in asks.items():
        times, lines = [], []
        for _ in range(3):
            t = time.perf_counter()
            lines = worklist(company_id=company.pk, on=on, **kw)
            times.append(time.perf_counter() - t)
        print(f"{label + ' (best of 3)':<44} {min(times):8.3f} s  {len(lines):,} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    parser.add_argument(
        "--again", action="store_true", help="reuse the database an earlier call left (no runs)"
    )
    o = parser.parse_args()
    source = db_name(o.items, o.seed, o.as_of, "imported")
    name = db_name(o.items, o.seed, o.as_of, "worklist")
    url = use_database(name, copy_of=None if o.again else source)
    print(f"database: {db_tag()} {url}" + ("" if o.again else f" (a copy of {source})"))
    from arrears.apps.cases.services import run_daily
    from arrears.apps.ledger.models import Company

    company = Company.objects.get(code=COMPANY)
    on = o.as_of + timedelta(days=3)
    if not o.again:
        with timed("run_daily on the as-of date and 3 days later"):
            run_daily(company=company, as_of=o.as_of)
            run_daily(company=company, as_of=on)
    print(f"-- scoring every open action on {on}")
    compare(company, on)
    print("-- the selector, end to end")
    selector(company, on)


if __name__ == "__main__":
    main()
