from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.fx import SCALE, conversion_factor, convert_minor
from arrears.domain.money import (
    AMOUNT_PATTERN,
    Money,
    MoneyError,
    format_minor,
    parse_amount,
    parse_rate,
)


def test_minor_units_round_trip_per_currency_exponent():
    assert Money.of("12.34", "EUR").to_minor() == 1234
    assert Money.of("1234", "JPY").to_minor() == 1234
    assert Money.of("1.234", "KWD").to_minor() == 1234
    assert Money.from_minor(1234, "KWD").amount == Decimal("1.234")


def test_amounts_finer_than_the_currency_are_refused_not_rounded():
    with pytest.raises(MoneyError, match="more decimals than EUR allows"):
        Money.of("1.005", "EUR").to_minor()


def test_unknown_currency_is_refused():
    with pytest.raises(MoneyError, match="unknown currency 'XYZ'"):
        Money.of(1, "XYZ")


def test_quantize_rounds_half_up():
    assert Money.of("2.345", "EUR").quantize().amount == Decimal("2.35")
    assert Money.of("-2.345", "EUR").quantize().amount == Decimal("-2.35")


def test_different_currencies_never_add():
    with pytest.raises(MoneyError, match="cannot combine"):
        _ = Money.of(1, "EUR") + Money.of(1, "USD")


@pytest.mark.parametrize("text", ["1,50", "1.000,50", "1e3", "", "--1", "1-", "abc", "."])
def test_amount_text_with_wrong_separators_is_refused(text):
    with pytest.raises(MoneyError, match="is not an amount"):
        parse_amount(text)


def test_format_minor_shows_currency_and_decimals():
    assert format_minor(123456, "EUR") == "EUR 1,234.56"
    assert format_minor(5, "JPY") == "JPY 5"


@given(st.integers(-(10**12), 10**12), st.decimals("0.000001", "1000", places=6))
def test_conversion_is_the_exact_decimal_product_rounded_half_up(minor, rate):
    f = conversion_factor("USD", "EUR", rate)
    exact = Decimal(minor) * rate
    assert convert_minor(minor, f) == int(exact.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    assert f % 1 == 0 and f > 0 and SCALE > 0


@pytest.mark.parametrize(
    "text", ["\u0661\u0662", "\uff11\uff12", "1\u00b2", "+5", "5.", ".5", "1 000"]
)
def test_an_amount_is_ascii_digits_by_the_same_rule_as_the_import(text):
    # One rule for the desk and the import (AMOUNT_PATTERN): Arabic-Indic or full-width digits
    # read as numbers by Decimal are refused, as the import refuses them.
    with pytest.raises(MoneyError, match="is not an amount"):
        parse_amount(text)
    assert not re.fullmatch(AMOUNT_PATTERN, text)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("1E+26", "EUR 100,000,000,000,000,000,000,000,000.00"),
        ("999999999999999999999999999.999", "EUR 1,000,000,000,000,000,000,000,000,000.00"),
        ("-1E+30", "EUR -1,000,000,000,000,000,000,000,000,000,000.00"),
        ("1E+999999", "EUR 1E+999999"),
        ("1E-999999", "EUR 0.00"),
    ],
)
def test_money_prints_any_amount_without_failing(amount, shown):
    assert str(Money(Decimal(amount), "EUR")) == shown


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_money_str_never_fails(d):
    assert str(Money(d, "KWD")).startswith("KWD ")


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_money_holds_only_finite_amounts(amount):
    with pytest.raises(MoneyError, match="finite"):
        Money(Decimal(amount), "EUR")


@pytest.mark.parametrize("text", ["10000000000000", "-10000000000000", "1" + "0" * 30])
def test_amounts_of_13_digits_or_more_are_refused_when_read(text):
    with pytest.raises(MoneyError, match="too large: at most 13 digits"):
        parse_amount(text)


def test_the_largest_amount_read_has_13_digits():
    assert parse_amount(" 9999999999999.999 ") == Decimal("9999999999999.999")


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1e400", "1E+999999", "٠.٠٨", ""])
def test_a_rate_is_read_by_the_amount_pattern(text):
    with pytest.raises(MoneyError, match="is not a rate"):
        parse_rate(text)


@pytest.mark.parametrize("text", ["100", "1.0001", "-0.01"])
def test_a_rate_is_a_share_of_one_a_year(text):
    with pytest.raises(MoneyError, match="is not a rate a year"):
        parse_rate(text)
