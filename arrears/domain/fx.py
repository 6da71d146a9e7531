"""Conversion into the company currency for thresholds, limits and reports.

A rate says how many company-currency units one unit of the foreign currency buys, with at
most `RATE_DECIMALS` decimals. Batch conversion is integer arithmetic (Int128) with half-up
rounding to the company currency's minor unit, so it is exact and matches `convert_minor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from arrears.domain.money import MoneyError, exponent
from arrears.domain.refusal import Refusal

RATE_DECIMALS = 6
SCALE = 10**9  # fixed-point scale of conversion factors; > 10**RATE_DECIMALS leaves room
# Every rate is below this (at most 9 digits before the decimal point): with its 6 decimals at
# most 15 significant digits, what SQLite hands back exactly (it returns a decimal column
# through a float) and within PostgreSQL's numeric(18, 6). A larger rate was stored, then
# crashed every read of the rates: the run, the worklist, the reports, the next rates import.
MAX_RATE = Decimal(10) ** 9
RATE_TOO_LARGE = "exchange rate {rate} for {currency} is too large: a rate is below {most:,}"


def conversion_factor(currency: str, company_currency: str, rate: Decimal) -> int:
    """Integer factor F so that company_minor = round_half_up(minor * F / SCALE)."""
    if rate <= 0:
        raise MoneyError(f"exchange rate for {currency} must be positive, got {rate}")
    if rate >= MAX_RATE:
        raise MoneyError(RATE_TOO_LARGE.format(rate=rate, currency=currency, most=MAX_RATE))
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
        raise MoneyError(f"exchange rate {rate} has more than {RATE_DECIMALS} decimals")
    shift = exponent(company_currency) - exponent(currency)
    factor = rate.scaleb(shift) * SCALE
    if factor != factor.to_integral_value():
        raise MoneyError(f"exchange rate {rate} for {currency} cannot be applied exactly")
    return int(factor)


def convert_minor(minor: int, factor: int) -> int:
    """Scalar twin of the batch conversion: half-up (away from zero) to the minor unit."""
    q = (Decimal(minor) * factor / SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(q)


class RatesMissing(Refusal, ValueError):
    """Amounts in currencies with no rate into the company's on the day (`fx.no_rate`):
    nothing can be weighed against the rest until a rate is added."""


def require_rates(
    currencies: Iterable[str], factors: Mapping[str, int], *, company_currency: str, on: date
) -> None:
    """Refuse (`RatesMissing`) when a currency has no rate into the company's on `on`,
    naming every such currency, the day and the company currency."""
    missing = sorted(set(currencies) - set(factors))
    if missing:
        raise RatesMissing(
            "fx.no_rate",
            currencies=", ".join(missing),
            first=missing[0],
            company_currency=company_currency,
            on=on,
        )
