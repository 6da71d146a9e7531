"""What every numbered document the ERP sends (an item we are owed, a payable we owe) must be:
a known currency, exact amounts with the open part no larger than the original, a due date
not before the issue date, its number once per file, and totals the database can sum. One
set of checks for the items and the payables files."""

from __future__ import annotations

import polars as pl

from arrears.apps.ledger.imports.amounts import check_total, parse_amount
from arrears.apps.ledger.imports.columns import check_currency, check_unique, parse_dates
from arrears.apps.ledger.imports.errors import Problems, say

OPEN_OVER_ORIGINAL = "open amount {open} is more than the original amount {original}"
DUE_BEFORE_ISSUE = "due date {due} is before the issue date {issue}"


def check_documents(
    f: pl.DataFrame, p: Problems, *, existing: pl.DataFrame, what: str
) -> pl.DataFrame:
    """The file's amounts as `original_minor` and `open_minor`, its dates as dates; every
    problem recorded in `p`. `existing` (number, original_minor) are the stored documents
    the file adds to (`what` names them in the total's message)."""
    exp = check_currency(f, p, "currency")
    cur = pl.col("currency")
    f = parse_amount(
        f, p, "original_amount", into="original_minor", exp=exp, currency=cur, minimum="positive"
    )
    f = parse_amount(f, p, "open_amount", into="open_minor", exp=exp, currency=cur, minimum="zero")
    f = parse_dates(f, p, "issue_date", "due_date")
    p.add(
        f,
        (pl.col("original_minor") > 0) & (pl.col("open_minor") > pl.col("original_minor")),
        "open_amount",
        say(OPEN_OVER_ORIGINAL, open=pl.col("open_amount"), original=pl.col("original_amount")),
    )
    p.add(
        f,
        pl.col("due_date") < pl.col("issue_date"),
        "due_date",
        say(DUE_BEFORE_ISSUE, due=pl.col("due_date"), issue=pl.col("issue_date")),
    )
    check_unique(f, p, ["number"], "number")
    # Every sum of the company's documents (a debtor's, a case's, the ageing's) stays storable.
    kept = existing.join(f.select("number"), on="number", how="anti")
    check_total(f, p, "original_amount", minor="original_minor", already=kept, what=what)
    return f
