"""The items file: invoices, debit notes, instalments and credit notes, keyed on `number`.

The import owns what the ERP knows (debtor, dates, amounts, kind, terms); the item's place on
the ladder (cases.ItemStep), the part not dunned and the broken promises that count for it
(cases.ItemDeskInput) are arrears' own, in tables of their own the import never touches.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from arrears.apps.common.bulk import read_frame, update_frame
from arrears.apps.ledger.imports.columns import (
    Spec,
    check_choice,
    max_length,
    prepare,
    resolve_debtors,
)
from arrears.apps.ledger.imports.documents import (
    check_documents,
)
from arrears.apps.ledger.imports.errors import Problems
from arrears.apps.ledger.imports.read import Table
from arrears.apps.ledger.imports.upsert import (
    ImportSummary,
    Progress,
    diff,
    summarize,
    write_diff,
)
from arrears.apps.ledger.models import Company, Debtor, ItemKind, OpenItem

SPEC = Spec(
    kind="items",
    required=(
        "number",
        "debtor_code",
        "issue_date",
        "due_date",
        "currency",
        "original_amount",
        "open_amount",
    ),
    optional=("kind", "payment_terms"),
    lengths={
        "number": max_length(OpenItem, "number"),
        "debtor_code": max_length(Debtor, "code"),
        "payment_terms": max_length(OpenItem, "payment_terms"),
    },
)

# Database column -> file column, for the summary's per-column change counts.
FILE_NAMES = {
    "debtor_id": "debtor_code",
    "original_minor": "original_amount",
    "open_minor": "open_amount",
}
_EXISTING = {
    "id": pl.Int64(),
    "number": pl.String(),
    "debtor_id": pl.Int64(),
    "kind": pl.String(),
    "issue_date": pl.Date(),
    "due_date": pl.Date(),
    "currency": pl.String(),
    "original_minor": pl.Int64(),
    "open_minor": pl.Int64(),
    "payment_terms": pl.String(),
}
_DEFAULTS = {
    "kind": pl.lit(ItemKind.INVOICE.value),
    "payment_terms": pl.lit(""),
}


def company_debtors(company: Company) -> pl.DataFrame:
    """id and code of every debtor of the company."""
    sql = "SELECT id, code FROM ledger_debtor WHERE company_id = %s"
    return read_frame(sql, [company.pk], {"id": pl.Int64(), "code": pl.String()})


def existing_items(company: Company) -> pl.DataFrame:
    """The company's items as stored, in the columns the import compares."""
    sql = f"SELECT {', '.join(_EXISTING)} FROM ledger_openitem WHERE company_id = %s"
    return read_frame(sql, [company.pk], _EXISTING)


def validate(
    table: Table, *, company: Company, existing: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The file as typed columns, or `ImportRejected` listing every problem. `existing` (the
    company's items, read if not given) are the amounts the file adds to."""
    if existing is None:
        existing = existing_items(company)
    p = Problems()
    f = prepare(table, SPEC, p)
    f = check_choice(f, p, "kind", ItemKind.values, ItemKind.INVOICE.value)
    f = check_documents(f, p, existing=existing, what="items")
    f = resolve_debtors(f, p, company_debtors(company))
    p.raise_if_any()
    return f


def import_items(
    table: Table, *, company: Company, progress: Progress | None = None, complete: bool = False
) -> ImportSummary:
    """Validate the whole file, then insert new items and update changed ones.

    `complete`: the file lists every open item (the usual ERP "open items" export), so an
    item still open here but absent from the file was settled in the ERP: its open amount
    becomes 0, and the next run closes the case if nothing else is open.
    """
    existing = existing_items(company)
    f = validate(table, company=company, existing=existing)
    compare = [c for c in _EXISTING if c not in ("id", "number") and c in f.columns + ["debtor_id"]]
    if "payment_terms" in f.columns:
        f = f.with_columns(pl.col("payment_terms").fill_null(""))
    target = f.select("number", *compare)
    d = diff(target, existing, key=["number"], compare=compare)
    write_diff(
        "ledger_openitem", d, compare, company_id=company.pk, progress=progress, defaults=_DEFAULTS
    )
    closed = _close_absent(company, f["number"]) if complete else 0
    return replace(summarize("items", d.flags, d.counts(FILE_NAMES)), closed=closed)


def _close_absent(company: Company, numbers: pl.Series) -> int:
    sql = "SELECT id, number FROM ledger_openitem WHERE company_id = %s AND open_minor <> 0"
    open_ = read_frame(sql, [company.pk], {"id": pl.Int64(), "number": pl.String()})
    gone = open_.filter(~pl.col("number").is_in(numbers.implode()))
    return update_frame("ledger_openitem", gone.select("id", open_minor=pl.lit(0, dtype=pl.Int64)))
