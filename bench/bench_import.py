"""Time the CSV import of the benchmark ledger into a fresh database, against a plain
Polars read + bulk insert of the same items.

    .venv/bin/python -m bench.bench_import [--items N] [--seed S] [--as-of YYYY-MM-DD]

SQLite file under bench/out by default; PostgreSQL when DATABASE_URL points at a server (the
script creates and drops its own database there). The imported database is kept for
bench_daily_run. Prints seconds, rows/s, and the import/reference ratio for the items file.
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from bench.build_ledger import build
from bench.common import (
    ADMIN,
    COLLECTORS,
    COMPANY,
    add_ledger_args,
    bench_admin,
    db_name,
    db_tag,
    timed,
    use_database,
)

REF_COMPANY = "bench-ref"


def _setup(meta: dict[str, Any]) -> Any:
    from django.core.management import call_command

    from arrears.apps.accounts.services import user_ensure
    from arrears.apps.cases.services import strategies_install_defaults
    from arrears.apps.ledger.services import company_bootstrap, exchange_rate_set
    from arrears.domain.ladder import Role

    call_command("migrate", verbosity=0, interactive=False)
    cc = meta["company_currency"]
    company, admin = company_bootstrap(
        code=COMPANY, name="Bench GmbH", currency=cc, jurisdiction="DE", admin=ADMIN
    )
    strategies_install_defaults(actor=admin, company=company)
    for currency, rate in meta["rates"].items():
        if currency != cc:
            exchange_rate_set(
                actor=admin,
                company=company,
                currency=currency,
                rate=Decimal(rate),
                valid_from=date(2000, 1, 1),
            )
    for name in COLLECTORS:
        user_ensure(username=name, role=Role.COLLECTOR, company=company)  # owners are members
    return company


def reference_frame(path: Any, company_id: int, debtor_company_id: int) -> pl.DataFrame:
    """Plain Polars: read the items CSV, turn amounts into minor units, look debtors up.
    No validation, no diff: with `insert_frame` after it, the floor for an import."""
    from arrears.apps.common.bulk import read_frame
    from arrears.demo.decision import minor_from_text

    items = pl.read_csv(path, infer_schema=False).with_columns(
        pl.col("issue_date", "due_date").str.to_date("%Y-%m-%d")
    )
    currencies = items["currency"].unique().to_list()
    debtors = read_frame(
        "SELECT code AS debtor_code, id AS debtor_id FROM ledger_debtor WHERE company_id = %s",
        [debtor_company_id],
        {"debtor_code": pl.String(), "debtor_id": pl.Int64()},
    )
    return items.join(debtors, on="debtor_code", how="left").select(
        pl.lit(company_id, dtype=pl.Int64).alias("company_id"),
        "debtor_id",
        "number",
        pl.col("kind").fill_null("invoice"),
        "issue_date",
        "due_date",
        "currency",
        minor_from_text("original_amount", "currency", currencies).alias("original_minor"),
        minor_from_text("open_amount", "currency", currencies).alias("open_minor"),
        pl.col("payment_terms").fill_null(""),
    )


REFERENCE = "reference: read_csv + bulk insert items"


def _reference(built: Any, company: Any, seconds: dict[str, float]) -> None:
    from django.db import connection, transaction

    from arrears.apps.common.bulk import insert_frame
    from arrears.apps.ledger.services import company_setup

    ref = company_setup(
        actor=bench_admin(), code=REF_COMPANY, name="Reference", currency="EUR", jurisdiction="DE"
    )
    rows = built.meta["rows"]["items"]
    parts: dict[str, float] = {}
    with timed("reference: read_csv and parse items", rows, parts):
        frame = reference_frame(built.paths["items"], ref.pk, company.pk)
    with timed("reference: bulk insert items", rows, parts), transaction.atomic():
        insert_frame("ledger_openitem", frame)
    seconds[REFERENCE] = total = sum(parts.values())
    print(f"{REFERENCE:<44} {total:8.2f} s  {rows / total:>12,.0f} rows/s")
    with connection.cursor() as cur:  # untimed: leave the table as the import will find it
        cur.execute("DELETE FROM ledger_openitem WHERE company_id = %s", [ref.pk])


def run(items: int, seed: int, as_of: Any) -> dict[str, float]:
    built = build(items, seed, as_of, quiet=True)
    name = db_name(items, seed, as_of, "imported")
    print(f"database: {db_tag()} {use_database(name, fresh=True)}")
    from arrears.apps.ledger.imports import import_file

    company = _setup(built.meta)
    admin = bench_admin()
    seconds: dict[str, float] = {}
    rows = built.meta["rows"]
    with timed("import debtors", rows["debtors"], seconds):
        import_file(actor=admin, company=company, kind="debtors", path=built.paths["debtors"])
    _reference(built, company, seconds)
    for kind in ("items", "payments"):
        with timed(f"import {kind}", rows[kind], seconds):
            import_file(actor=admin, company=company, kind=kind, path=built.paths[kind])
    with timed("re-import items (no changes)", rows["items"], seconds):
        import_file(actor=admin, company=company, kind="items", path=built.paths["items"])
    _close()
    return seconds


def _close() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:  # fold the WAL in so the file can be copied alone
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    o = parser.parse_args()
    s = run(o.items, o.seed, o.as_of)
    ratio = s["import items"] / s[REFERENCE]
    total = s["import debtors"] + s["import items"] + s["import payments"]
    print(f"{'import items / reference':<44} {ratio:8.2f} x")
    print(f"{'import, three files':<44} {total:8.2f} s")


if __name__ == "__main__":
    main()
