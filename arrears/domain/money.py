"""Exact money: `Decimal` amounts tied to an ISO 4217 currency, stored as integer minor units.

Rounding is explicit: converting to minor units refuses extra decimals (input must already be
exact); arithmetic that creates fractions (interest, FX) rounds half-up to the currency's minor
unit via `Money.quantize`. Batch code works in integer minor units, which are exact and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, getcontext

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
TOO_LARGE = "{text} is too large: at most {digits} digits before the decimal point"
NOT_A_RATE = "{text!r} is not a rate (use digits with '.' as the decimal separator: 0.08 = 8 %)"
RATE_ABOVE_ONE = "{text} is not a rate a year: at most 1 (100 %), e.g. 0.08 for 8 %"
RATE_NEGATIVE = "{text} is not a rate a year: 0 or more, e.g. 0.08 for 8 %"
NOT_FINITE = "an amount must be a finite number, not {amount}"

# What an amount looks like, after surrounding whitespace: ASCII digits, an optional leading
# '-', '.' as the decimal separator with digits on both sides; no exponent, no thousands
# separator, no other script's digits. The ledger import reads its cells by the same pattern
# (`apps/ledger/imports/amounts.py`, AMOUNT_PATTERN; a test keeps the two equal).
AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
_AMOUNT = re.compile(AMOUNT_PATTERN, re.ASCII)
# The largest amount anyone may enter: at most 13 digits before the decimal point (below
# 10**13 major units). In minor units that is at most 16 digits (3 decimals), so sums of many
# such amounts still fit the 64-bit integer columns.
MAX_DIGITS = 13
MAX_AMOUNT = Decimal(10) ** MAX_DIGITS

# At most this many digits in minor units (EUR 9,999,999,999,999.99, ten trillion): over 9,000
# such amounts still sum within a signed 64-bit integer (what SQLite's SUM, PostgreSQL's bigint
# and Polars' Int64 hold); totals beyond that are checked where amounts are summed.
MAX_MINOR_DIGITS = 15
# The largest total of minor units that can be stored or summed (2**63 - 1).
MAX_MINOR_TOTAL = 9_223_372_036_854_775_807


class MoneyError(ValueError):
    """Raised for an amount or currency that cannot be represented exactly."""


def exponent(currency: str) -> int:
    """Number of decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise MoneyError(UNKNOWN_CURRENCY.format(code=currency)) from None


def parse_decimal(text: str, *, problem: str = NOT_A_NUMBER) -> Decimal:
    """'1234.50' strictly (`AMOUNT_PATTERN`): never NaN, Infinity, an exponent or a digit of
    another script; `problem` is the refusal (with `{text}`)."""
    t = text.strip()
    if not _AMOUNT.fullmatch(t):
        raise MoneyError(problem.format(text=text))
    return Decimal(t)


def parse_amount(text: str) -> Decimal:
    """An amount as people type it (`parse_decimal`), below `MAX_AMOUNT` either way."""
    d = parse_decimal(text)
    if abs(d) >= MAX_AMOUNT:
        raise MoneyError(TOO_LARGE.format(text=_short(text.strip()), digits=MAX_DIGITS))
    return d


def parse_rate(text: str) -> Decimal:
    """A rate a year as a plain decimal (0.08 = 8 %), 0 to 1; a company's own maximum
    (its negotiation policy) is checked where the rate is used."""
    d = parse_decimal(text, problem=NOT_A_RATE)
    if d > 1:
        raise MoneyError(RATE_ABOVE_ONE.format(text=_short(text.strip())))
    if d < 0:
        raise MoneyError(RATE_NEGATIVE.format(text=_short(text.strip())))
    return d


def _short(text: str, keep: int = 40) -> str:
    """Long input said by its start and length, so a refusal stays one readable line."""
    return text if len(text) <= keep else f"{text[:keep]}... ({len(text)} characters)"


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        exponent(self.currency)
        if not isinstance(self.amount, Decimal):
            raise MoneyError(f"amount must be a Decimal, not {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise MoneyError(NOT_FINITE.format(amount=self.amount))

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
        """'EUR 1,234.50'. Never fails, whatever the size: refusals of absurd amounts print
        them. Beyond `_SHOWN_DIGITS` digits the amount is shown in scientific notation."""
        exp = exponent(self.currency)
        a = self.amount
        if a.adjusted() >= _SHOWN_DIGITS:
            return f"{self.currency} {a:E}"
        context = getcontext().copy()
        context.prec = max(context.prec, a.adjusted() + exp + 2)
        return f"{self.currency} {a.quantize(Decimal(1).scaleb(-exp), context=context):,}"


_SHOWN_DIGITS = 40  # digits before the decimal point shown in full


def format_minor(minor: int, currency: str) -> str:
    """'EUR 1,234.50' from 123450 minor units."""
    return str(Money.from_minor(minor, currency))
