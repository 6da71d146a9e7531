"""The words for the ledger: its refusals (an amount in a currency without an exchange rate)
and an exchange rate as a person reads it (the terminal now, the web desk and the API next)."""

from __future__ import annotations

from decimal import Decimal

from arrears.apps.ledger.models import ExchangeRate

WORDS = {
    "fx.no_rate": "no exchange rate into {company_currency} for {currencies} valid on {on}: add "
    "one with `arrears rate set {first} RATE --from DATE` (DATE on or before {on}), or import a "
    "rates file with `arrears import rates FILE` (format: docs/import-format.md)",
}


def rate_line(rate: ExchangeRate, company_currency: str) -> str:
    """'1 USD = 0.92 EUR from 2026-01-01': a unit of the currency in the company's."""
    per_unit = f"{Decimal(rate.rate).normalize():f}"  # 0.92, not 0.920000 as stored
    return f"1 {rate.currency} = {per_unit} {company_currency} from {rate.valid_from}"
