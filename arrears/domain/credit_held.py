"""§3, §7 The credit we hold for a debtor: its open credit notes and the money it paid us on
account (unapplied payments), in one currency, as they stood on the as-of date.

A credit note issued, or a payment received, after the as-of date was not held on that day: a
run or a desk command dated earlier does not count it (the ledger file may already carry it).
The run nets it from the debtor's exposure (credit holds); the desk nets it from what a
whole-case commitment may cover. Both ask this one rule.

`credit_held` decides it over every debtor at once (the run); `credit_held_one` is its
one-case twin (the desk); a property test keeps the two in agreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

# One row per open credit note (`dated`: the day issued) or payment with money on account
# (`dated`: the day received).
CREDIT_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "dated": pl.Date(),
    "minor": pl.Int64(),  # the note's open amount, the payment's unapplied amount
}


def credit_held(rows: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per debtor and currency, the credit held on `as_of` (`batch.frames.CREDITS_SCHEMA`);
    rows of one debtor stay together, so any partition by debtor gives the same rows."""
    return (
        rows.filter((pl.col("dated") <= as_of) & (pl.col("minor") > 0))
        .group_by("debtor_id", "currency")
        .agg(credit_minor=pl.col("minor").sum().cast(pl.Int64))
        .sort("debtor_id", "currency")
    )


def credit_held_one(rows: Iterable[tuple[date, int]], as_of: date) -> int:
    """The credit held on `as_of` from one case's (day, minor) rows."""
    return sum(minor for on, minor in rows if on <= as_of and minor > 0)
