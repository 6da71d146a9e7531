"""The columnar amount parser agrees with exact Decimal arithmetic (no database needed)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.apps.ledger.imports.amounts import MAX_DIGITS, parse_amount
from arrears.apps.ledger.imports.errors import ROW, Problems
from arrears.domain import money
from arrears.domain.money import CURRENCY_EXPONENTS, Money, MoneyError

CURRENCIES = ["EUR", "JPY", "KWD", "USD", "CLP", "BHD"]

amount_texts = st.builds(
    lambda sign, whole, frac: sign + whole + (f".{frac}" if frac is not None else ""),
    st.sampled_from(["", "-"]),
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    st.none() | st.from_regex(r"[0-9]{1,6}", fullmatch=True),
)
rows = st.lists(st.tuples(amount_texts, st.sampled_from(CURRENCIES)), min_size=1, max_size=40)


def parse(pairs: list[tuple[str, str]]) -> tuple[list[int | None], Problems]:
    frame = pl.DataFrame(
        {
            ROW: list(range(2, len(pairs) + 2)),
            "amount": [t for t, _ in pairs],
            "currency": [c for _, c in pairs],
        }
    )
    exp = pl.col("currency").replace_strict(CURRENCY_EXPONENTS, return_dtype=pl.Int64)
    problems = Problems()
    out = parse_amount(
        frame,
        problems,
        "amount",
        into="minor",
        exp=exp,
        currency=pl.col("currency"),
        minimum="zero",
    )
    return out["minor"].to_list(), problems


def exact_minor(text: str, currency: str) -> int | None:
    """The reference: Decimal and Money, refusing inexact amounts and amounts of more than
    MAX_DIGITS digits in minor units."""
    try:
        minor = Money(Decimal(text), currency).to_minor()
    except (MoneyError, InvalidOperation):
        return None
    return minor if abs(minor) < 10**MAX_DIGITS else None


@settings(max_examples=150, deadline=None)
@given(rows)
def test_columnar_minor_units_equal_exact_decimal_conversion(pairs):
    minors, problems = parse(pairs)
    expected = [exact_minor(t, c) for t, c in pairs]
    assert minors == expected
    # Refused amounts are reported; accepted ones are not (negatives aside: minimum is zero).
    refused = any(m is None for m in expected) or any(m < 0 for m in expected if m is not None)
    assert bool(problems) == refused


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,-+e ", max_size=8), min_size=1, max_size=20))
def test_any_text_the_parser_accepts_is_an_exact_decimal_of_that_value(texts):
    minors, _ = parse([(t, "EUR") for t in texts])
    for text, minor in zip(texts, minors, strict=True):
        if minor is not None:
            assert Decimal(text.strip()) * 100 == minor


def test_the_spreadsheet_forms_people_type_are_refused():
    texts = ["1,000.00", "1.000,00", "1e5", "+5", ".5", "5.", "EUR 5", "١٢"]
    minors, problems = parse([(t, "EUR") for t in texts])
    assert minors == [None] * len(texts) and problems


@given(
    st.one_of(
        st.text(alphabet=st.sampled_from("0123456789.-+eE,_ \u0661\u0660\uff11"), max_size=18),
        st.text(max_size=8),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.integers(0, 10**16).map(lambda n: f"{n // 100}.{n % 100:02d}"),
    )
)
@settings(max_examples=400, deadline=None)
def test_the_desk_and_the_import_read_exactly_the_same_amounts(text):
    """One reading of amounts: what the desk's `parse_amount` takes, the import's columnar
    parser takes as the same number of minor units (EUR, a cell already stripped as the file
    reader strips it), and what one refuses the other refuses, sizes included (13 digits before
    the point is 15 in minor units). Only the sign is each side's own: the import refuses a
    negative amount by its column's rule, the desk by each service's."""
    cell = text.strip()
    problems = Problems()
    frame = pl.DataFrame({ROW: [2], "amount": [cell]})
    read = parse_amount(
        frame,
        problems,
        "amount",
        into="minor",
        exp=pl.lit(2),
        currency=pl.lit("EUR"),
        minimum="zero",
    )
    imported = read["minor"][0]
    try:
        desk = Money(money.parse_amount(cell), "EUR").to_minor()
    except MoneyError:
        desk = None
    if desk is not None and desk < 0:
        assert imported is None or imported == desk  # refused as negative, or read the same
    else:
        assert imported == desk, (cell, imported, desk)
