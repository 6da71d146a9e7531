"""The real payment-behaviour data sets in ../shared/data (not part of the product): read after
checking their checksum; tests using them are skipped with a clear message where the folder is
absent."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
import pytest

DATA = Path(
    os.environ.get("ARREARS_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
IBM = "ibm_late_payment_histories.csv"
UCI = "uci_credit_card_default.csv"
SHA256 = {
    IBM: "f5d488eaa4c1cc843b478b6f1068c553c5394aab4b64d587e4b9ad811d845c19",
    UCI: "023eb2c3ad9efd15e7869616fa50a0143f25223105c7069ba632431530afdb61",
}


def path_of(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{name} is not in {DATA} (the shared data folder is absent)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == SHA256[name], f"{path}: checksum {digest} is not the one documented"
    return path


def ibm_ledger() -> tuple[pl.DataFrame, pl.DataFrame]:
    """IBM's late-payment histories (probably a curated sample: every invoice is settled) as
    (items, payments): one payment per invoice, on its settled date; `country` is the
    customer's country code (the only segment the data has)."""
    df = pl.read_csv(path_of(IBM)).with_row_index("item_id")
    df = df.with_columns(
        item_id=pl.col("item_id").cast(pl.Int64),
        debtor_id=pl.col("customerID"),
        issued_on=pl.col("InvoiceDate").str.strptime(pl.Date, "%m/%d/%Y"),
        due_on=pl.col("DueDate").str.strptime(pl.Date, "%m/%d/%Y"),
        paid_on=pl.col("SettledDate").str.strptime(pl.Date, "%m/%d/%Y"),
        amount_minor=(pl.col("InvoiceAmount") * 100).round().cast(pl.Int64),
        disputed=pl.col("Disputed") == "Yes",
        country=pl.col("countryCode").cast(pl.String),
    )
    items = df.select(
        "item_id", "debtor_id", "issued_on", "due_on", "amount_minor", "disputed", "country"
    )
    return items, df.select("item_id", "paid_on", "amount_minor")
