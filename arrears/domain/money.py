"""Exact money: `Decimal` amounts tied to an ISO 4217 currency, stored as integer minor units.

Rounding is explicit: converting to minor units refuses extra decimals (input must already be
exact); arithmetic that creates fractions (interest, FX) rounds half-up to the currency's minor
unit via `Money.quantize`. Batch code works in integer minor units, which are exact and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 active codes. Exponent 2 unless listed in the exceptions below.
_ISO_CODES = [
    "AED",
    "AFN",
    "ALL",
    "AMD",
    "ANG",
    "AOA",
    "ARS",
    "AUD",
    "AWG",
    "AZN",
    "BAM",
    "BBD",
    "BDT",
    "BGN",
    "BHD",
    "BIF",
    "BMD",
    "BND",
    "BOB",
    "BRL",
    "BSD",
    "BTN",
    "BWP",
    "BYN",
    "BZD",
    "CAD",
    "CDF",
    "CHF",
    "CLP",
    "CNY",
    "COP",
    "CRC",
    "CUP",
    "CVE",
    "CZK",
    "DJF",
    "DKK",
    "DOP",
    "DZD",
    "EGP",
    "ERN",
    "ETB",
    "EUR",
    "FJD",
    "FKP",
    "GBP",
    "GEL",
    "GHS",
    "GIP",
    "GMD",
    "GNF",
    "GTQ",
    "GYD",
    "HKD",
    "HNL",
    "HTG",
    "HUF",
    "IDR",
    "ILS",
    "INR",
    "IQD",
    "IRR",
    "ISK",
    "JMD",
    "JOD",
    "JPY",
    "KES",
    "KGS",
    "KHR",
    "KMF",
    "KPW",
    "KRW",
    "KWD",
    "KYD",
    "KZT",
    "LAK",
    "LBP",
    "LKR",
    "LRD",
    "LSL",
    "LYD",
    "MAD",
    "MDL",
    "MGA",
    "MKD",
    "MMK",
    "MNT",
    "MOP",
    "MRU",
    "MUR",
    "MVR",
    "MWK",
    "MXN",
    "MYR",
    "MZN",
    "NAD",
    "NGN",
    "NIO",
    "NOK",
    "NPR",
    "NZD",
    "OMR",
    "PAB",
    "PEN",
    "PGK",
    "PHP",
    "PKR",
    "PLN",
    "PYG",
    "QAR",
    "RON",
    "RSD",
    "RUB",
    "RWF",
    "SAR",
    "SBD",
    "SCR",
    "SDG",
    "SEK",
    "SGD",
    "SHP",
    "SLE",
    "SOS",
    "SRD",
    "SSP",
    "STN",
    "SVC",
    "SYP",
    "SZL",
    "THB",
    "TJS",
    "TMT",
    "TND",
    "TOP",
    "TRY",
    "TTD",
    "TWD",
    "TZS",
    "UAH",
    "UGX",
    "USD",
    "UYU",
    "UZS",
    "VES",
    "VND",
    "VUV",
    "WST",
    "XAF",
    "XCD",
    "XOF",
    "XPF",
    "YER",
    "ZAR",
    "ZMW",
    "ZWG",
]
_EXPONENT_EXCEPTIONS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}
CURRENCY_EXPONENTS: dict[str, int] = {c: _EXPONENT_EXCEPTIONS.get(c, 2) for c in _ISO_CODES}

UNKNOWN_CURRENCY = "unknown currency {code!r} (expected an ISO 4217 code such as EUR)"
TOO_MANY_DECIMALS = "{amount} has more decimals than {currency} allows ({exponent})"
NOT_A_NUMBER = "{text!r} is not an amount (use digits with '.' as the decimal separator)"

# The one rule for an amount written as text, for the import (columnar, Polars) and the desk
# (`parse_amount`) alike: ASCII digits, an optional '-' and '.', no thousands separators, no
# exponent, no '+', digits on both sides of the '.'.
AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
# At most this many digits in minor units (EUR 9,999,999,999,999.99, ten trillion): over 9,000
# such amounts still sum within a signed 64-bit integer (what SQLite's SUM, PostgreSQL's bigint
# and Polars' Int64 hold); totals beyond that are checked where amounts are summed.
MAX_MINOR_DIGITS = 15
# The largest total of minor units that can be stored or summed (2**63 - 1).
MAX_MINOR_TOTAL = 9_223_372_036_854_775_807
_AMOUNT = re.compile(AMOUNT_PATTERN)


class MoneyError(ValueError):
    """Raised for an amount or currency that cannot be represented exactly."""


def exponent(currency: str) -> int:
    """Number of decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise MoneyError(UNKNOWN_CURRENCY.format(code=currency)) from None


def parse_amount(text: str) -> Decimal:
    """Parse '1234.50' strictly by `AMOUNT_PATTERN` (surrounding spaces aside): ASCII digits,
    '.' decimal separator, no thousands separators, no exponent."""
    t = text.strip()
    if not _AMOUNT.fullmatch(t):
        raise MoneyError(NOT_A_NUMBER.format(text=text))
    return Decimal(t)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        exponent(self.currency)
        if not isinstance(self.amount, Decimal):
            raise MoneyError(f"amount must be a Decimal, not {type(self.amount).__name__}")

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(Decimal(amount), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-exponent(currency)), currency)

    def to_minor(self) -> int:
        """Integer minor units; refuses amounts finer than the currency's minor unit."""
        exp = exponent(self.currency)
        scaled = self.amount.scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise MoneyError(
                TOO_MANY_DECIMALS.format(amount=self.amount, currency=self.currency, exponent=exp)
            )
        return int(scaled)

    def quantize(self) -> Money:
        """Round half-up to the currency's minor unit (the one rounding rule we use)."""
        q = Decimal(1).scaleb(-exponent(self.currency))
        return Money(self.amount.quantize(q, rounding=ROUND_HALF_UP), self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __str__(self) -> str:
        exp = exponent(self.currency)
        return f"{self.currency} {self.amount.quantize(Decimal(1).scaleb(-exp)):,}"


def format_minor(minor: int, currency: str) -> str:
    """'EUR 1,234.50' from 123450 minor units."""
    return str(Money.from_minor(minor, currency))
