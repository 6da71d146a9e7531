"""Decimal text to exact integer minor units, columnar: split at '.', pad, read as integer.

Per-row `Decimal` would cost seconds on a million rows; string arithmetic in Polars is exact
and fast. A hypothesis test holds this equal to `Money(Decimal(text), currency).to_minor()`:
trailing zeros beyond the currency's decimals are fine ("100.00" JPY), other digits are not.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
import polars.selectors as cs

from arrears.apps.ledger.imports.errors import ROW, Problems, say
from arrears.domain.money import (
    AMOUNT_PATTERN,
    MAX_MINOR_DIGITS,
    MAX_MINOR_TOTAL,
    NOT_A_NUMBER,
    TOO_MANY_DECIMALS,
)

__all__ = ["AMOUNT_PATTERN", "MAX_DIGITS", "check_total", "minor_text", "parse_amount"]

MAX_DIGITS = MAX_MINOR_DIGITS  # one amount, in minor units (EUR 9,999,999,999,999.99)
MAX_TOTAL = MAX_MINOR_TOTAL  # the company's amounts of one kind and currency, summed

TOO_LARGE = "{amount} is too large (at most {digits} digits in minor units)"
TOTAL_TOO_LARGE = (
    "with this row the company's {what} in {currency} add up to more than {limit} minor units, "
    "the most a total can hold"
)
NOT_POSITIVE = "must be greater than 0, not {amount}"
NEGATIVE = "must not be negative, not {amount}"


def parse_amount(
    frame: pl.DataFrame,
    problems: Problems,
    column: str,
    *,
    into: str,
    exp: pl.Expr,
    currency: pl.Expr,
    minimum: Literal["positive", "zero"],
) -> pl.DataFrame:
    """Add `into` (Int64 minor units) from text `column`, recording every bad cell.

    Where `exp` is null (the currency is unknown, reported elsewhere) only the syntax is checked.
    Each intermediate is a column computed once: this runs on a million rows in well under 1 s.
    """
    text = pl.col(column)
    parts = text.str.strip_prefix("-").str.split_exact(".", 1)
    f = frame.with_columns(
        _a_ok=text.str.contains(AMOUNT_PATTERN),
        _a_exp=exp,
        _a_cur=currency,
        _a_whole=parts.struct.field("field_0").str.strip_chars_start("0"),
        _a_frac=parts.struct.field("field_1").fill_null(""),
    )
    e, frac = pl.col("_a_exp"), pl.col("_a_frac")
    f = f.with_columns(
        _a_digits=pl.col("_a_whole") + (frac + "000").str.slice(0, e),  # exponents are 0, 2, 3
        _a_exact=frac.str.slice(e).str.strip_chars_end("0") == "",
    ).with_columns(_a_fits=pl.col("_a_digits").str.len_chars() <= MAX_DIGITS)
    valid = pl.col("_a_ok") & pl.col("_a_exact") & pl.col("_a_fits") & e.is_not_null()
    digits = pl.col("_a_digits").replace("", "0").str.to_integer(strict=False)
    sign = pl.when(text.str.starts_with("-")).then(-1).otherwise(1)
    f = f.with_columns(pl.when(valid).then(digits * sign).alias(into))
    _record(f, problems, column, into, minimum)
    return f.drop(cs.starts_with("_a_"))


def _record(f: pl.DataFrame, problems: Problems, column: str, into: str, minimum: str) -> None:
    text, ok, exact = pl.col(column), pl.col("_a_ok"), pl.col("_a_exact")
    known = text.is_not_null() & ok & pl.col("_a_exp").is_not_null()
    problems.add(f, text.is_not_null() & ~ok, column, say(NOT_A_NUMBER, text=text))
    too_fine = say(
        TOO_MANY_DECIMALS, amount=text, currency=pl.col("_a_cur"), exponent=pl.col("_a_exp")
    )
    problems.add(f, known & ~exact, column, too_fine)
    large = say(TOO_LARGE, amount=text, digits=MAX_DIGITS)
    problems.add(f, known & exact & ~pl.col("_a_fits"), column, large)
    if minimum == "positive":
        problems.add(f, pl.col(into) <= 0, column, say(NOT_POSITIVE, amount=text))
    else:
        problems.add(f, pl.col(into) < 0, column, say(NEGATIVE, amount=text))


def minor_text(minor: pl.Expr, exp: pl.Expr) -> pl.Expr:
    """Minor units back to decimal text ("15000", 2 -> "150.00") for messages."""
    scale = pl.lit(10, dtype=pl.Int64).pow(exp)
    whole = (minor.abs() // scale).cast(pl.String)
    frac = (minor.abs() % scale).cast(pl.String).str.zfill(exp)
    sign = pl.when(minor < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.when(exp > 0).then(sign + whole + "." + frac).otherwise(sign + whole)


def check_total(
    frame: pl.DataFrame,
    problems: Problems,
    column: str,
    *,
    minor: str,
    already: pl.DataFrame,
    what: str,
) -> None:
    """Refuse the row at which the company's total of `minor` in a currency passes `MAX_TOTAL`.

    `frame` holds the rows to add (in file order, with `currency`); `already` the rest of the
    company's amounts (`currency`, `minor`), which the file does not replace. Summed exactly,
    in 128-bit integers: a 64-bit sum would wrap around to a negative total unnoticed.
    """
    wide = pl.col(minor).cast(pl.Int128).fill_null(0)
    base = already.group_by("currency").agg(_t_base=pl.col(minor).cast(pl.Int128).sum())
    f = frame.select(ROW, "currency", wide.alias("_t_add")).join(
        base, on="currency", how="left", maintain_order="left"
    )
    f = f.with_columns(
        _t_run=pl.col("_t_base").fill_null(0) + pl.col("_t_add").cum_sum().over("currency")
    )
    over = pl.col("_t_run") > MAX_TOTAL
    bad = over & (over.cum_sum().over("currency") == 1)  # the first row past it
    msg = say(TOTAL_TOO_LARGE, what=what, currency=pl.col("currency"), limit=f"{MAX_TOTAL:,}")
    problems.add(f, pl.col("currency").is_not_null() & bad, column, msg)
