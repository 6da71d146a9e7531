"""The daily snapshot (issue #16): the run writes it in its own transaction (registered in
`reports.apps`), and `arrears kpis` reads from it the ageing over time, and the months' DSO,
best possible DSO, ADD, CEI and countback DSO (the day's totals billed and credited) and the
month's roll and cure rates (the day's roll rows), wherever the run kept the days they need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from arrears.apps.cases.services.run import run_items_read
from arrears.apps.common.bulk import insert_frame, read_frame
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, Debtor, OpenItem
from arrears.apps.reports.models import DailyRoll, DailySnapshot, DailyTotal
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
    if not rows.equals(_kept(company, as_of)):
        _replace(DailySnapshot, company, as_of, rows)
    totals, rolls = _totals_and_rolls(company, as_of)
    if not totals.equals(snapshot_totals(company, [as_of]).get(as_of, _no(kpi.TOTALS))):
        _replace(DailyTotal, company, as_of, totals)
    kept = snapshot_rolls(company, as_of)
    if kept is None or not rolls.equals(kept):
        _replace(DailyRoll, company, as_of, rolls)
    return {}


def _no(schema: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(schema))


def _replace(model: Any, company: Company, day: date, rows: pl.DataFrame) -> None:
    """The company's rows of `day` in `model`'s table replaced by `rows`."""
    model.objects.filter(company=company, day=day).delete()
    insert_frame(
        model._meta.db_table,
        rows.with_columns(
            company_id=pl.lit(company.pk, dtype=pl.Int64), day=pl.lit(day, dtype=pl.Date)
        ),
    )


def _totals_and_rolls(company: Company, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The day's totals billed and credited (`kpi.totals_on`) and its roll rows since the end
    of the previous month (`kpi.roll_rows`), from the ledger as `arrears kpis` reads it
    (`kpis.ledger_history`: a credit the ERP cleared is dated on the latest items import)."""
    from arrears.apps.reports.kpis import ledger_history

    items, payments, credits, _ = ledger_history(company, as_of)
    first = as_of.replace(day=1) - timedelta(days=1)
    totals = kpi.totals_on(items, as_of, credits)
    if totals.is_empty():  # nothing billed yet: the day is kept all the same, as zero
        totals = pl.DataFrame([(company.currency, 0, 0)], schema=kpi.TOTALS, orient="row")
    return (
        totals,
        kpi.roll_rows(items, payments, first, as_of, credits=credits),
    )


def snapshot_totals(company: Company, days: Sequence[date]) -> dict[date, pl.DataFrame]:
    """The company's kept totals (`kpi.TOTALS`) on those of `days` the run kept, in one
    query."""
    if not days:
        return {}
    marks = ", ".join(["%s"] * len(days))
    frame = read_frame(
        f"SELECT day, currency, billed_minor, credited_minor FROM {DailyTotal._meta.db_table} "
        f"WHERE company_id = %s AND day IN ({marks})",
        [company.pk, *(d.isoformat() for d in days)],
        {"day": pl.Date(), **{k: v() for k, v in kpi.TOTALS.items()}},
    )
    return {
        day: part.drop("day").sort("currency")
        for (day,), part in frame.partition_by("day", as_dict=True).items()
    }


def snapshot_rolls(company: Company, day: date) -> pl.DataFrame | None:
    """The company's kept roll rows (`kpi.ROLLS`) of `day`; None where the run kept no
    totals that day (a day whose balance was all settled keeps totals and no roll rows)."""
    if not DailyTotal.objects.filter(company=company, day=day).exists():
        return None
    rows = DailyRoll.objects.filter(company=company, day=day).values_list(
        "currency", "bucket", "later_bucket", "from_minor", "later_minor", "items"
    )
    return pl.DataFrame(list(rows), schema=kpi.ROLLS, orient="row").sort(
        "currency", "bucket", "later_bucket", nulls_last=True
    )


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
