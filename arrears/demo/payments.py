"""The demo's payments: allocations grouped into payments, plus a few unapplied ones.

Allocations of one debtor, currency and day form one payment (one reference, several rows),
as a debtor's payment run pays several invoices at once. A few debtors also have a payment on
account that nothing was applied to yet: one row with an empty item number.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.demo.amounts import cents_to_minor_by_currency
from arrears.demo.rng import ROW, Rng

UNAPPLIED = 20  # per mille of debtors with a payment on account

PAYMENT_KEY = ["debtor_code", "currency", "received_on", "unapplied"]


def _unapplied(debtors: pl.DataFrame, *, seed: int, as_of: date) -> pl.DataFrame:
    rng = Rng(seed, "unapplied")
    currencies = debtors["currency"].unique().to_list()
    frame = debtors.select(ROW, "debtor_code", "currency").with_columns(
        chosen=rng.chance("has", UNAPPLIED),
        received_on=pl.lit(as_of) - pl.duration(days=rng.below("age", 60)),
        _cents=rng.between("cents", 5_000, 200_000),
    )
    frame = frame.filter("chosen").with_columns(
        amount_minor=cents_to_minor_by_currency("_cents", "currency", currencies)
    )
    return frame.select(
        "debtor_code",
        "currency",
        "received_on",
        pl.lit(None, dtype=pl.String).alias("number"),
        pl.lit(None, dtype=pl.Int64).alias("allocated_minor"),
        pl.lit(True).alias("unapplied"),
        "amount_minor",
    )


def payments_frame(
    allocations: pl.DataFrame, debtors: pl.DataFrame, *, seed: int, as_of: date
) -> pl.DataFrame:
    """One row per allocation (and per unapplied payment), with the payment's reference and
    whole amount: the import format's shape, amounts still in minor units."""
    applied = allocations.with_columns(unapplied=pl.lit(False))
    applied = applied.join(
        applied.group_by(PAYMENT_KEY).agg(amount_minor=pl.col("allocated_minor").sum()),
        on=PAYMENT_KEY,
        how="left",
    )
    rows = pl.concat([applied, _unapplied(debtors, seed=seed, as_of=as_of)], how="diagonal")
    refs = (
        rows.select(PAYMENT_KEY)
        .unique()
        .sort(PAYMENT_KEY)
        .with_columns(
            reference=pl.concat_str(
                pl.lit("PAY-"), pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)
            )
        )
    )
    rows = rows.join(refs, on=PAYMENT_KEY, how="left")
    return rows.select(
        "reference",
        "debtor_code",
        "received_on",
        "currency",
        "amount_minor",
        pl.col("number").alias("item_number"),
        "allocated_minor",
    ).sort(["reference", "item_number"], nulls_last=True)
