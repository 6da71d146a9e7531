"""A seeded, realistic demo ledger in the import format (docs/import-format.md).

`generate_ledger` draws debtors with a payment behaviour (prompt, slow, chronic late,
disputing, insolvent) that shapes the risk tier, the age of the open items and how much of
them stays open; partly and fully paid items come with the payments that explain them.
Everything is columnar (a million items in seconds) and a pure function of the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from arrears.demo.amounts import demo_rate, minor_text, minor_text_by_currency
from arrears.demo.debtors import behaviour_names, debtors_frame
from arrears.demo.desk import DemoDesk, desk_frame
from arrears.demo.items import allocations, items_frame
from arrears.demo.payments import payments_frame
from arrears.domain.fx import SCALE, conversion_factor
from arrears.domain.money import exponent

MIN_ITEMS, MAX_ITEMS = 10, 1_000_000
ITEMS_PER_DEBTOR = 10
SIZE_OUT_OF_RANGE = "items must be between {lo:,} and {hi:,}, got {n:,}"

DEBTOR_COLUMNS = (
    "debtor_code",
    "name",
    "registration_number",
    "vat_number",
    "country",
    "language",
    "kind",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "parent_code",
    "credit_limit",
    "risk_tier",
    "contract_rate",
    "contract_rate_per",
    "owner",
    "contact_name",
    "contact_email",
    "contact_phone",
)
ITEM_COLUMNS = (
    "number",
    "kind",
    "debtor_code",
    "issue_date",
    "due_date",
    "currency",
    "original_amount",
    "open_amount",
    "payment_terms",
)
PAYMENT_COLUMNS = (
    "reference",
    "debtor_code",
    "received_on",
    "currency",
    "amount",
    "item_number",
    "allocated_amount",
)
KINDS = ("debtors", "items", "payments")


@dataclass(frozen=True, slots=True)
class DemoLedger:
    """The three import files as frames (exactly their columns), and what lies behind them."""

    debtors: pl.DataFrame
    items: pl.DataFrame
    payments: pl.DataFrame
    behaviours: pl.DataFrame  # debtor_code, behaviour: not imported, for checks and demos
    rates: dict[str, Decimal]  # company-currency units per unit of each item currency
    as_of: date
    company_currency: str
    # the desk's past (promises, disputes, excuses) across the ledger's span: not an import
    # file, the demo command writes it (`negotiation.services.demo.negotiation_demo_history`)
    desk: DemoDesk

    def frame(self, kind: str) -> pl.DataFrame:
        return {"debtors": self.debtors, "items": self.items, "payments": self.payments}[kind]


def generate_ledger(
    *,
    items: int,
    seed: int,
    as_of: date,
    company_currency: str = "EUR",
    collectors: Sequence[str] = ("alice", "bob", "carol", "dave"),
    max_items: int = MAX_ITEMS,
) -> DemoLedger:
    """A ledger of `items` items over max(1, items // 10) debtors; same seed, same ledger.
    `max_items`: the demo's bound; the benches go beyond it (3M items, issue #13)."""
    if not MIN_ITEMS <= items <= max_items:
        raise ValueError(SIZE_OUT_OF_RANGE.format(lo=MIN_ITEMS, hi=max_items, n=items))
    exponent(company_currency)  # refuse an unknown currency before any work
    n_debtors = max(1, items // ITEMS_PER_DEBTOR)
    deb = debtors_frame(
        n_debtors, seed=seed, collectors=collectors, company_currency=company_currency
    )
    its = items_frame(deb, items, seed=seed, as_of=as_of, company_currency=company_currency)
    allocated = allocations(its, seed=seed, as_of=as_of)
    pays = payments_frame(allocated, deb, seed=seed, as_of=as_of)
    currencies = sorted(set(its["currency"].unique()) | set(pays["currency"].unique()))
    rates = {c: demo_rate(c, company_currency) for c in currencies}
    exposure = _exposure(its, pays, rates, company_currency)
    limits = _credit_limits(deb, exposure, company_currency)
    return DemoLedger(
        debtors=_debtor_columns(deb, limits, company_currency),
        items=_item_columns(its, currencies),
        payments=_payment_columns(pays, currencies),
        behaviours=deb.select(
            "debtor_code", behaviour_names(pl.col("behaviour")).alias("behaviour")
        ),
        rates=rates,
        as_of=as_of,
        company_currency=company_currency,
        desk=desk_frame(its, allocated, seed=seed, as_of=as_of),
    )


def _to_company(rates: dict[str, Decimal], company_currency: str) -> pl.Expr:
    """Half-up conversion of `minor` (per `currency`) into company minor units, exactly."""
    factors = pl.col("currency").replace_strict(
        {c: conversion_factor(c, company_currency, r) for c, r in rates.items()},
        return_dtype=pl.Int128,
    )
    x = pl.col("minor").cast(pl.Int128) * factors
    rounded = ((x.abs() + SCALE // 2) // SCALE).cast(pl.Int64)  # Polars cannot negate Int128
    return pl.when(x < 0).then(-rounded).otherwise(rounded)


def _exposure(
    its: pl.DataFrame, pays: pl.DataFrame, rates: dict[str, Decimal], company_currency: str
) -> pl.DataFrame:
    """debtor_code, exposure: open items less credit notes and unapplied payments, converted
    per currency into company minor units as the run does."""
    signed = pl.when(pl.col("kind") == "credit_note").then(-pl.col("open_minor"))
    rows = pl.concat(
        [
            its.select(
                "debtor_code", "currency", signed.otherwise(pl.col("open_minor")).alias("minor")
            ),
            pays.filter(pl.col("item_number").is_null()).select(
                "debtor_code", "currency", (-pl.col("amount_minor")).alias("minor")
            ),
        ]
    )
    return (
        rows.group_by("debtor_code", "currency")
        .agg(pl.col("minor").sum())
        .with_columns(company=_to_company(rates, company_currency))
        .group_by("debtor_code")
        .agg(exposure=pl.col("company").sum())
    )


def _credit_limits(
    deb: pl.DataFrame, exposure: pl.DataFrame, company_currency: str
) -> pl.DataFrame:
    """Limits set against each debtor's exposure: most above it, the debtor's over-limit
    share (by behaviour) below it; some debtors have no limit at all."""
    unit = 10 ** exponent(company_currency)
    e = pl.col("exposure").fill_null(0) // unit  # whole units
    target = e * pl.col("limit_pct") // 100
    over = pl.col("over_limit") & (e >= 1_000)
    limit = (
        pl.when(over)
        .then(target // 100 * 100)  # floor: stays below the exposure
        .when(e > 0)
        .then((target // 1_000 + 1) * 1_000)  # ceil: stays above it
        .otherwise(pl.col("limit_pct") * 100)  # nothing owed: a limit for new orders
    )
    return deb.join(exposure, on="debtor_code", how="left").select(
        "debtor_code",
        pl.when(pl.col("no_limit")).then(None).otherwise(limit * unit).alias("credit_limit_minor"),
    )


def _debtor_columns(deb: pl.DataFrame, limits: pl.DataFrame, company_currency: str) -> pl.DataFrame:
    deb = deb.join(limits, on="debtor_code", how="left", maintain_order="left")
    limit = minor_text(pl.col("credit_limit_minor"), company_currency)
    n = pl.int_range(pl.len())  # a postal address each letter can go to (made up, no draws)
    return deb.with_columns(
        credit_limit=limit,
        address_line1=pl.format("Hauptstraße {}", n % 200 + 1),
        address_line2=pl.lit(None, dtype=pl.String),
        postcode=(10000 + (n * 7919) % 90000).cast(pl.String),
        city=pl.lit("Musterstadt"),
        contract_rate=pl.lit(None, dtype=pl.String),  # no contract states its own rate:
        contract_rate_per=pl.lit(None, dtype=pl.String),  # the statutory interest applies
    ).select(DEBTOR_COLUMNS)


def _item_columns(its: pl.DataFrame, currencies: list[str]) -> pl.DataFrame:
    return its.with_columns(
        original_amount=minor_text_by_currency("original_minor", "currency", currencies),
        open_amount=minor_text_by_currency("open_minor", "currency", currencies),
    ).select(ITEM_COLUMNS)


def _payment_columns(pays: pl.DataFrame, currencies: list[str]) -> pl.DataFrame:
    return pays.with_columns(
        amount=minor_text_by_currency("amount_minor", "currency", currencies),
        allocated_amount=minor_text_by_currency("allocated_minor", "currency", currencies),
    ).select(PAYMENT_COLUMNS)


def write_csv(ledger: DemoLedger, out_dir: Path) -> dict[str, Path]:
    """Write debtors.csv, items.csv and payments.csv (UTF-8, ISO dates, empty = no value)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind in KINDS:
        path = out_dir / f"{kind}.csv"
        ledger.frame(kind).write_csv(path, date_format="%Y-%m-%d", null_value="")
        paths[kind] = path
    return paths
