"""The daily snapshot (issue #16): the run writes it in its own transaction (registered in
`reports.apps`), and `arrears kpis` reads the ageing over time from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl

from arrears.apps.cases.services.run import run_items_read
from arrears.apps.common.bulk import insert_frame, read_frame
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, Debtor, OpenItem
from arrears.apps.reports.models import DailySnapshot
from arrears.domain import kpi

_OPEN_SQL = """
SELECT d.owner_id, i.currency, i.due_date AS due_on, i.open_minor
FROM {item} i JOIN {debtor} d ON d.id = i.debtor_id
WHERE i.company_id = %s AND i.kind IN ({kinds}) AND i.open_minor > 0
"""


def open_items(company: Company) -> pl.DataFrame:
    """The company's open dunnable items with their debtor's owner (`kpi.OPEN_ITEMS`), in one
    query."""
    kinds = ", ".join(["%s"] * len(DUNNABLE_KINDS))
    return read_frame(
        _OPEN_SQL.format(item=OpenItem._meta.db_table, debtor=Debtor._meta.db_table, kinds=kinds),
        [company.pk, *[str(k) for k in DUNNABLE_KINDS]],
        dict(kpi.OPEN_ITEMS),  # type: ignore[arg-type]
    )


def _open_items_of_run(company: Company) -> pl.DataFrame:
    """`open_items`, from the items the run read (`run_items_read`) and the debtors' owners:
    a read of 100,000 debtors instead of a million items again. Outside a run: `open_items`."""
    items = run_items_read(company)
    if items is None:
        return open_items(company)
    owners = read_frame(
        f"SELECT id AS debtor_id, owner_id FROM {Debtor._meta.db_table} WHERE company_id = %s",
        [company.pk],
        {"debtor_id": pl.Int64(), "owner_id": pl.Int64()},
    )
    return items.join(owners, on="debtor_id", how="left").select(
        "owner_id", "currency", due_on="due_date", open_minor="open_minor"
    )


def snapshot_write(*, company: Company, as_of: date, run: Any) -> Mapping[str, int]:
    """The run's day snapshot, in the run's transaction: that day's rows of the company are
    replaced when they differ from what the ledger says now (a re-run of an unchanged day
    writes nothing), and nothing else is touched. Adds nothing to the run's counts."""
    rows = kpi.snapshot_rows(_open_items_of_run(company), as_of)
    if rows.equals(_kept(company, as_of)):
        return {}
    DailySnapshot.objects.filter(company=company, day=as_of).delete()
    insert_frame(
        DailySnapshot._meta.db_table,
        rows.with_columns(
            company_id=pl.lit(company.pk, dtype=pl.Int64), day=pl.lit(as_of, dtype=pl.Date)
        ),
    )
    return {}


def _kept(company: Company, day: date) -> pl.DataFrame:
    """The company's snapshot rows of `day` as stored, ordered as `kpi.snapshot_rows` makes
    them."""
    rows = DailySnapshot.objects.filter(company=company, day=day).values_list(
        "currency", "bucket", "owner_id", "open_minor", "items"
    )
    return kpi.snapshot_sorted(pl.DataFrame(list(rows), schema=kpi.SNAPSHOT, orient="row"))


SNAPSHOT_AGEING = {
    "month_end": pl.Date,
    "currency": pl.String,
    "bucket": pl.String,
    "open_minor": pl.Int64,
}


def snapshot_ageing(company: Company, days: Sequence[date]) -> pl.DataFrame:
    """month_end, currency, bucket (its number in `kpi.BUCKET_NAMES`), open_minor of the
    company's snapshots on `days`, in one query, however many days."""
    if not days:
        return pl.DataFrame(schema={**SNAPSHOT_AGEING, "bucket": pl.Int32})
    marks = ", ".join(["%s"] * len(days))
    frame = read_frame(
        f"SELECT day AS month_end, currency, bucket, CAST(SUM(open_minor) AS BIGINT) AS open_minor FROM {DailySnapshot._meta.db_table} "
        f"WHERE company_id = %s AND day IN ({marks}) GROUP BY day, currency, bucket",
        [company.pk, *(d.isoformat() for d in days)],
        dict(SNAPSHOT_AGEING),  # type: ignore[arg-type]
    )
    index = {name: i for i, name in enumerate(kpi.BUCKET_NAMES)}
    return frame.with_columns(
        bucket=pl.col("bucket").replace_strict(index, return_dtype=pl.Int32)
    ).sort("month_end", "currency", "bucket")
