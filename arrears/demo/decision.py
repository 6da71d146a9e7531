"""The demo ledger as the daily run's input frames, without a database.

Ids are positions in the files (debtors and items numbered from 1 in file order), which is
also what a fresh import into an empty database assigns; the ladder state is empty, as after
a first import. Benchmarks and tests use this to run `decide` on a generated ledger directly.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from arrears.demo.generate import DemoLedger
from arrears.domain.batch.daily_run import RunConfig
from arrears.domain.credit_hold import HoldPolicy
from arrears.domain.fx import conversion_factor
from arrears.domain.ladder import DEFAULT_STRATEGIES, Strategy
from arrears.domain.money import exponent


def minor_from_text(text: str, currency: str, currencies: Iterable[str]) -> pl.Expr:
    """Integer minor units from '1234.5' / '1234.50' / '1234' text, exactly (no floats)."""
    exps = {code: exponent(code) for code in sorted(set(currencies))}
    exp = pl.col(currency).replace_strict(exps, return_dtype=pl.Int64)
    parts = pl.col(text).str.split_exact(".", 1)
    whole = parts.struct.field("field_0").cast(pl.Int64)
    frac = parts.struct.field("field_1").fill_null("")
    scaled = pl.lit(10, dtype=pl.Int64).pow(exp - frac.str.len_chars().cast(pl.Int64))
    frac_minor = pl.when(frac == "").then(0).otherwise(frac.cast(pl.Int64) * scaled)
    return whole * pl.lit(10, dtype=pl.Int64).pow(exp) + frac_minor


def _ids(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(name))


def decision_frames(ledger: DemoLedger) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(items, credits, debtors) in `arrears.domain.batch.frames`' contracts."""
    currencies = list(ledger.rates)
    debtor_ids = _ids(ledger.debtors.select("debtor_code"), "debtor_id")
    items = _ids(ledger.items, "item_id").join(debtor_ids, on="debtor_code", how="left")
    items = items.with_columns(open_minor=minor_from_text("open_amount", "currency", currencies))
    dunnable = items.filter((pl.col("kind") != "credit_note") & (pl.col("open_minor") > 0))
    item_frame = dunnable.select(
        "item_id",
        "debtor_id",
        "currency",
        "due_date",
        "open_minor",
        pl.lit(0, dtype=pl.Int64).alias("excluded_minor"),
        pl.lit(0, dtype=pl.Int32).alias("broken_promises"),
        pl.lit(None, dtype=pl.Int32).alias("step"),
        pl.lit(None, dtype=pl.Date).alias("step_on"),
    )
    notes = items.filter((pl.col("kind") == "credit_note") & (pl.col("open_minor") > 0))
    unapplied = (
        ledger.payments.filter(pl.col("item_number").is_null())
        .join(debtor_ids, on="debtor_code", how="left")
        .with_columns(open_minor=minor_from_text("amount", "currency", currencies))
    )
    credits = pl.concat(
        [
            notes.select("debtor_id", "currency", pl.col("open_minor").alias("credit_minor")),
            unapplied.select("debtor_id", "currency", pl.col("open_minor").alias("credit_minor")),
        ]
    )
    debtors = _debtor_frame(ledger)
    return item_frame, credits, debtors


def _debtor_frame(ledger: DemoLedger) -> pl.DataFrame:
    cc = ledger.company_currency
    frame = _ids(ledger.debtors, "debtor_id").with_columns(_ccy=pl.lit(cc))
    return frame.select(
        "debtor_id",
        "risk_tier",
        "country",
        minor_from_text("credit_limit", "_ccy", [cc]).alias("credit_limit_minor"),
        pl.lit(False).alias("on_hold"),
        pl.lit(False).alias("manual_hold"),
    )


def run_config(
    ledger: DemoLedger,
    *,
    strategies: tuple[Strategy, ...] = DEFAULT_STRATEGIES,
    hold_policy: HoldPolicy | None = None,
) -> RunConfig:
    """The run's configuration for the demo: default ladders and the demo's exchange rates."""
    cc = ledger.company_currency
    return RunConfig(
        as_of=ledger.as_of,
        company_currency=cc,
        strategies=strategies,
        hold_policy=hold_policy or HoldPolicy(),
        factors={c: conversion_factor(c, cc, r) for c, r in ledger.rates.items()},
    )
