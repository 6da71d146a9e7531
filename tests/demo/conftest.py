from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.demo import DemoLedger, generate_ledger
from arrears.demo.decision import minor_from_text

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="session")
def ledger() -> DemoLedger:
    return generate_ledger(items=1_000, seed=7, as_of=AS_OF)


@pytest.fixture(scope="session")
def big_ledger() -> DemoLedger:
    """Enough debtors of each behaviour for the age profiles to show."""
    return generate_ledger(items=20_000, seed=11, as_of=AS_OF)


def with_minor(frame: pl.DataFrame, **columns: str) -> pl.DataFrame:
    """Add integer minor-unit columns parsed from amount text: with_minor(f, open="open_amount")."""
    currencies = frame["currency"].unique().to_list()
    return frame.with_columns(
        **{name: minor_from_text(text, "currency", currencies) for name, text in columns.items()}
    )
