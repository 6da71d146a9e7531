"""A year of figures from the daily snapshots (issue #16: "a year of figures reads in
milliseconds"): how fast `arrears kpis` and the dashboard read the ageing over time.

Fills a year of daily snapshots (`reports.DailySnapshot`) for a company of the bench's size
in a fresh database: the generated bench ledger (`--items`, default 1,000,000 items over
100,000 debtors, four collectors, as `build_ledger` makes it), and for each of the 365 days
up to `--as-of` the rows the run writes that day (`kpi.snapshot_rows` of the dunnable items
open at the end of the day, by currency, bucket and collector). Then, median of `--repeat`
after a warm-up each:

1. `snapshot_ageing` at the 12 month ends of the year: the one query `kpi_report` (so
   `arrears kpis --months 12` and the figures page) makes for the ageing over time;
2. `snapshot_ageing` on all 365 days (a daily series over the year);
3. the plain reference for each: one SELECT of the same rows (the company's, on those days)
   into Polars (`read_frame`, no sum in SQL), summed by day, currency and bucket in Polars:
   the same numbers from the same rows (the script asserts they are equal);
4. what the snapshots spare: the 12 month-end ageings rebuilt from the ledger's history
   (`kpi.balances_on` over every item and payment, already in memory: no database read),
   as `kpi_report` does for a month end without a snapshot.

    ARREARS_BENCH_PREFIX=me .venv/bin/python -m bench.bench_kpi_snapshots [--items N]
        [--seed S] [--as-of YYYY-MM-DD] [--repeat 5] [--collectors 4]

`--collectors N` spreads the owned debtors over N collectors (the ledger has four): more
rows a day (currency x bucket x collector), as a larger credit department would have.

With `DATABASE_URL` set to a PostgreSQL server, the database is created there; else a
SQLite file in bench/out/.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from functools import partial
from typing import Any

import polars as pl

from bench.common import (
    ADMIN,
    COLLECTORS,
    COMPANY,
    add_ledger_args,
    db_name,
    db_tag,
    median_seconds,
    use_database,
)

DAYS = 365


def ledger_frames(
    items: int, seed: int, as_of: date, collectors: tuple[str, ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The bench ledger's dunnable items (`kpi.ITEMS` and the debtor's owner's username) and
    what was allocated to them (`kpi.PAYMENTS`), in minor units, ids by position. With other
    `collectors` than the ledger's four, each owned debtor goes to one of them by position."""
    from arrears.apps.ledger.models import DUNNABLE_KINDS
    from arrears.demo import generate_ledger
    from arrears.demo.decision import minor_from_text
    from arrears.demo.generate import MAX_ITEMS

    ledger = generate_ledger(items=items, seed=seed, as_of=as_of, max_items=max(items, MAX_ITEMS))
    currencies = ledger.items["currency"].unique().to_list()
    owners = ledger.debtors.select("debtor_code", "owner")
    if collectors != COLLECTORS:
        names = pl.Series(list(collectors))
        owners = owners.with_columns(
            owner=pl.when(pl.col("owner").is_not_null()).then(
                pl.lit(names).gather(pl.int_range(pl.len()) % len(collectors))
            )
        )
    frame = (
        ledger.items.with_row_index("item_id", offset=1)
        .filter(pl.col("kind").is_in([str(k) for k in DUNNABLE_KINDS]))
        .join(owners, on="debtor_code", how="left")
        .select(
            pl.col("item_id").cast(pl.Int64),
            "currency",
            "owner",
            issued_on="issue_date",
            due_on="due_date",
            amount_minor=minor_from_text("original_amount", "currency", currencies),
        )
    )
    paid = (
        ledger.payments.filter(pl.col("item_number").is_not_null())
        .join(
            ledger.items.with_row_index("item_id", offset=1).select("number", "item_id"),
            left_on="item_number",
            right_on="number",
        )
        .select(
            pl.col("item_id").cast(pl.Int64),
            paid_on="received_on",
            amount_minor=minor_from_text("allocated_amount", "currency", currencies),
        )
    )
    return frame, paid


def fill(company: Any, items: pl.DataFrame, paid: pl.DataFrame, days: list[date]) -> int:
    """Each day's snapshot rows, as the run writes them, inserted in bulk; the row count."""
    from django.contrib.auth import get_user_model

    from arrears.apps.common.bulk import insert_frame
    from arrears.apps.reports.models import DailySnapshot
    from arrears.domain import kpi

    ids = dict(get_user_model().objects.values_list("username", "id"))
    items = items.with_columns(
        owner_id=pl.col("owner").replace_strict(ids, default=None, return_dtype=pl.Int64)
    )
    rows = 0
    for day in days:
        open_then = kpi.balances_on(items, paid, day).join(
            items.select("item_id", "owner_id"), on="item_id", how="left"
        )
        snap = kpi.snapshot_rows(open_then.select(list(kpi.OPEN_ITEMS)), day).with_columns(
            company_id=pl.lit(company.pk, dtype=pl.Int64), day=pl.lit(day, dtype=pl.Date)
        )
        rows += insert_frame(DailySnapshot._meta.db_table, snap)
    return rows


def reference(company: Any, days: list[date]) -> pl.DataFrame:
    """The plain way: the same rows (the company's, on those days) read as they are, with no
    sum in SQL, and summed by day, currency and bucket in Polars."""
    from arrears.apps.common.bulk import read_frame
    from arrears.apps.reports.models import DailySnapshot
    from arrears.domain import kpi

    marks = ", ".join(["%s"] * len(days))
    rows = read_frame(
        f"SELECT day, currency, bucket, open_minor FROM {DailySnapshot._meta.db_table} "
        f"WHERE company_id = %s AND day IN ({marks})",
        [company.pk, *(d.isoformat() for d in days)],
        {
            "day": pl.Date(),
            "currency": pl.String(),
            "bucket": pl.String(),
            "open_minor": pl.Int64(),
        },
    )
    index = {name: i for i, name in enumerate(kpi.BUCKET_NAMES)}
    return (
        rows.group_by(month_end="day", currency="currency", bucket="bucket")
        .agg(pl.col("open_minor").sum())
        .with_columns(bucket=pl.col("bucket").replace_strict(index, return_dtype=pl.Int32))
        .select("month_end", "currency", "bucket", "open_minor")
        .sort("month_end", "currency", "bucket")
    )


def rebuilt(items: pl.DataFrame, paid: pl.DataFrame, ends: list[date]) -> pl.DataFrame:
    """The month-end ageings from the ledger's history, as `kpi_report` rebuilds one."""
    from arrears.domain import kpi

    return pl.concat(
        [
            kpi.balances_on(items, paid, end)
            .group_by("currency", bucket=kpi.bucket_of(pl.col("dpd")))
            .agg(open_minor=pl.col("open_minor").sum())
            .with_columns(month_end=pl.lit(end, dtype=pl.Date))
            .select("month_end", "currency", "bucket", "open_minor")
            for end in ends
        ]
    ).sort("month_end", "currency", "bucket")


def month_ends(as_of: date) -> list[date]:
    from arrears.apps.reports.kpis import month_ends as periods

    return [end for _, end in periods(as_of, 12)]


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--collectors", type=int, default=len(COLLECTORS), help="owners of the debtors' cases"
    )
    args = parser.parse_args()
    collectors = (
        COLLECTORS
        if args.collectors == len(COLLECTORS)
        else tuple(f"collector{n:03d}" for n in range(1, args.collectors + 1))
    )
    name = db_name(args.items, args.seed, args.as_of, "snapshots")
    use_database(name, fresh=True)
    from django.core.management import call_command

    from arrears.apps.accounts.services import user_ensure
    from arrears.apps.ledger.services import company_bootstrap
    from arrears.apps.reports.snapshots import snapshot_ageing
    from arrears.domain.ladder import Role

    call_command("migrate", verbosity=0, interactive=False)
    company, _ = company_bootstrap(
        code=COMPANY, name="Bench GmbH", currency="EUR", jurisdiction="DE", admin=ADMIN
    )
    for collector in collectors:
        user_ensure(username=collector, role=Role.COLLECTOR, company=company)
    t = time.perf_counter()
    items, paid = ledger_frames(args.items, args.seed, args.as_of, collectors)
    print(
        f"{db_tag()}: {items.height:,} dunnable items, {paid.height:,} allocations, "
        f"{len(collectors)} collectors "
        f"(generated in {time.perf_counter() - t:.1f} s)",
        flush=True,
    )
    days = [args.as_of - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    t = time.perf_counter()
    rows = fill(company, items, paid, days)
    print(
        f"filled {DAYS} daily snapshots, {rows:,} rows ({rows / DAYS:,.0f} a day), in "
        f"{time.perf_counter() - t:.1f} s; load {load()}",
        flush=True,
    )
    ends = month_ends(args.as_of)
    figures = []
    for label, chosen in (("12 month ends", ends), (f"{DAYS} days", days)):
        ours, got = median_seconds(partial(snapshot_ageing, company, chosen), args.repeat)
        plain, want = median_seconds(partial(reference, company, chosen), args.repeat)
        assert got.equals(want), (got, want)
        figures.append((label, ours, plain, got.height, load()))
    spare, again = median_seconds(lambda: rebuilt(items, paid, ends), max(1, args.repeat // 2))
    kept = snapshot_ageing(company, ends)
    assert again.equals(kept), "the snapshots and the ledger's history disagree"
    print(f"median of {args.repeat}, after a warm-up:")
    for label, ours, plain, n, at in figures:
        print(
            f"  ageing at {label:<14} snapshot_ageing {ours * 1000:8.1f} ms   rows + Polars sum "
            f"{plain * 1000:8.1f} ms   ratio {ours / plain:5.2f}   ({n:,} figures; "
            f"load {at})"
        )
    print(
        f"  rebuilt from the ledger's history at the 12 month ends (kpi.balances_on, in "
        f"memory): {spare * 1000:,.0f} ms, {spare / figures[0][1]:,.0f} times the snapshot "
        f"read; load {load()}"
    )


if __name__ == "__main__":
    main()
