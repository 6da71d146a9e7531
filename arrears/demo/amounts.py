"""Exact amounts for the demo: integer minor units in, plain decimal text out.

Generation never touches floats: sizes are integer buckets, conversions integer fractions,
and the text is built digit by digit from the integer, so `1234.50` is exactly 123450 cents.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from arrears.demo.tables import PER_EUR_CENT
from arrears.domain.money import exponent


def minor_text(minor: pl.Expr, currency: str) -> pl.Expr:
    """'1234.50' from 123450 in a 2-decimal currency; '1234' in JPY (non-negative amounts)."""
    exp = exponent(currency)
    if exp == 0:
        return minor.cast(pl.String)
    unit = 10**exp
    return pl.concat_str(
        (minor // unit).cast(pl.String),
        pl.lit("."),
        (minor % unit).cast(pl.String).str.zfill(exp),
    )


def minor_text_by_currency(minor: str, currency: str, currencies: Iterable[str]) -> pl.Expr:
    """`minor_text` where each row has its own currency column (one pass, no branch per code)."""
    exps = {code: exponent(code) for code in sorted(set(currencies))}
    exp = pl.col(currency).replace_strict(exps, return_dtype=pl.Int64)
    unit = pl.col(currency).replace_strict(
        {code: 10**e for code, e in exps.items()}, return_dtype=pl.Int64
    )
    whole = (pl.col(minor) // unit).cast(pl.String)
    fraction = (pl.col(minor) % unit).cast(pl.String).str.zfill(exp)
    return pl.when(exp == 0).then(whole).otherwise(pl.concat_str(whole, pl.lit("."), fraction))


def _per_cent(currency: str) -> tuple[int, int]:
    """Minor units per EUR cent as (num, den); unlisted currencies: one unit per euro."""
    return PER_EUR_CENT.get(currency, (10 ** exponent(currency), 100))


def demo_rate(currency: str, company_currency: str) -> Decimal:
    """Company-currency units per unit of `currency` at the demo rates (6 decimals)."""

    def eur_per_unit(code: str) -> Decimal:
        num, den = _per_cent(code)
        return Decimal(10 ** exponent(code)) * den / num / 100

    rate = eur_per_unit(currency) / eur_per_unit(company_currency)
    return rate.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def cents_to_minor_by_currency(cents: str, currency: str, currencies: Iterable[str]) -> pl.Expr:
    """A EUR-cent size in each row's currency's minor units at the demo rates (floor, >= 1)."""
    codes = sorted(set(currencies))
    num = pl.col(currency).replace_strict(
        {c: _per_cent(c)[0] for c in codes}, return_dtype=pl.Int64
    )
    den = pl.col(currency).replace_strict(
        {c: _per_cent(c)[1] for c in codes}, return_dtype=pl.Int64
    )
    return (pl.col(cents) * num // den).clip(lower_bound=1)
