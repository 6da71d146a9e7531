"""Late-interest regimes as configuration: each names its legal source (`data/regimes.toml`).

A regime says which reference rate it starts from, how that rate is fixed over time, the
margin for business and consumer debtors, whether interest compounds, what a payment pays
first, and the fixed compensation per invoice. Regimes are data: a user adds or changes one
by giving text in the same format (`regimes_from_text`), no code change.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from arrears.domain.money import Money, MoneyError, parse_decimal
from arrears.domain.refusal import Refusal


class Fixing(StrEnum):
    IN_FORCE = "in_force"
    HALF_YEAR = "half_year"
    FIXED_AT_DUE = "fixed_at_due"
    CONTRACT = "contract"


class Compounding(StrEnum):
    NONE = "none"
    YEARLY_FROM_DEFAULT = "yearly_from_default"


class PaymentsApplyTo(StrEnum):
    PRINCIPAL = "principal"  # a payment reduces the principal; interest accrued stays claimed
    INTEREST_FIRST = "interest_first"  # a payment pays accrued interest first, then principal


@dataclass(frozen=True)
class Band:
    """Fixed compensation for a debt below `below` (None: any size)."""

    below: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    source: str
    fixing: Fixing
    series: str | None = None
    multiplier: Decimal = Decimal(1)
    margin_business: Decimal | None = None
    margin_consumer: Decimal | None = None
    compounding: Compounding = Compounding.NONE
    payments_apply_to: PaymentsApplyTo = PaymentsApplyTo.PRINCIPAL
    payment_day_bears_interest: bool = True  # the usual practice: up to and including it
    day_count: int = 365
    compensation_currency: str | None = None
    compensation: tuple[Band, ...] = ()
    source_business: str | None = None  # the provisions a letter to a business cites
    source_consumer: str | None = None  # (the law's consumer paragraph differs: §288(1) BGB)
    # where the contract states a rate, the regime charged instead (China: the contract's)
    contract_regime: str | None = None
    # the bounds of the multiplier a company may set (China: the courts' markup, 1.3 to 1.5);
    # None: the multiplier is the law's, no setting
    multiplier_least: Decimal | None = None
    multiplier_most: Decimal | None = None

    def source_for(self, *, consumer: bool) -> str:
        """The legal source a letter cites for this debtor: the business or the consumer
        provisions where the regime tells them apart, else its whole source."""
        return (self.source_consumer if consumer else self.source_business) or self.source

    def covers(self, *, consumer: bool) -> bool:
        """Whether the regime sets a rate for this kind of debtor (most late-payment laws
        are for business debts only: a consumer's debt bears none of their interest)."""
        return (self.margin_consumer if consumer else self.margin_business) is not None

    def margin(self, *, consumer: bool) -> Decimal:
        margin = self.margin_consumer if consumer else self.margin_business
        if margin is None:
            raise Refusal(
                "interest.not_for_debtor",
                regime=self.code,
                debtor="consumer" if consumer else "business",
            )
        return margin

    def compensation_for(self, debt: Money, *, consumer: bool) -> Money | None:
        """The fixed compensation for one invoice of `debt` (in the regime's currency), or
        None where the regime has none. The one rule every figure uses: it is for business
        debts only (2011/7/EU art. 6, § 288(5) BGB, the UK Act), so None for a consumer."""
        if consumer or not self.compensation or self.compensation_currency is None:
            return None
        for band in self.compensation:
            if band.below is None or debt.amount < band.below:
                return Money(band.amount, self.compensation_currency)
        return None


_KEYS = {
    "name",
    "source",
    "fixing",
    "series",
    "multiplier",
    "margin_business",
    "margin_consumer",
    "compounding",
    "payments_apply_to",
    "payment_day_bears_interest",
    "day_count",
    "compensation_currency",
    "compensation",
    "source_business",
    "source_consumer",
    "contract_regime",
    "multiplier_least",
    "multiplier_most",
}


def _decimal(code: str, key: str, value: Any) -> Decimal:
    try:
        return parse_decimal(str(value))
    except MoneyError:
        raise Refusal("interest.regime_value", regime=code, key=key, value=value) from None


def regime_from_mapping(code: str, data: dict[str, Any]) -> Regime:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise Refusal("interest.regime_key", regime=code, key=", ".join(unknown))
    for key in ("name", "source", "fixing"):
        if not data.get(key):
            raise Refusal("interest.regime_value", regime=code, key=key, value=None)
    try:
        fixing = Fixing(data["fixing"])
        compounding = Compounding(data.get("compounding", "none"))
        applies = PaymentsApplyTo(data.get("payments_apply_to", "principal"))
    except ValueError as e:
        raise Refusal("interest.regime_value", regime=code, key="", value=str(e)) from None
    if (fixing is Fixing.CONTRACT) != (data.get("series") is None):
        raise Refusal("interest.regime_value", regime=code, key="series", value=data.get("series"))
    day_count = data.get("day_count", 365)
    if day_count not in (360, 365):
        raise Refusal("interest.regime_value", regime=code, key="day_count", value=day_count)
    bands = tuple(
        Band(
            below=None if "below" not in b else _decimal(code, "compensation", b["below"]),
            amount=_decimal(code, "compensation", b["amount"]),
        )
        for b in data.get("compensation", [])
    )
    if bands and not data.get("compensation_currency"):
        raise Refusal("interest.regime_value", regime=code, key="compensation_currency", value=None)

    def margin(key: str) -> Decimal | None:
        return None if key not in data else _decimal(code, key, data[key])

    least, most = margin("multiplier_least"), margin("multiplier_most")
    if (least is None) != (most is None) or (
        least is not None and most is not None and least > most
    ):
        raise Refusal("interest.regime_value", regime=code, key="multiplier_least", value=least)

    return Regime(
        code=code,
        name=str(data["name"]),
        source=str(data["source"]),
        fixing=fixing,
        series=data.get("series"),
        multiplier=_decimal(code, "multiplier", data.get("multiplier", "1")),
        margin_business=margin("margin_business"),
        margin_consumer=margin("margin_consumer"),
        compounding=compounding,
        payments_apply_to=applies,
        payment_day_bears_interest=bool(data.get("payment_day_bears_interest", True)),
        day_count=day_count,
        compensation_currency=data.get("compensation_currency"),
        compensation=bands,
        source_business=data.get("source_business"),
        source_consumer=data.get("source_consumer"),
        contract_regime=data.get("contract_regime"),
        multiplier_least=least,
        multiplier_most=most,
    )


def regimes_from_text(text: str) -> dict[str, Regime]:
    """Regimes from TOML text (the format of `data/regimes.toml`), by code."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise Refusal("interest.regime_file", why=str(e)) from None
    regimes = {code: regime_from_mapping(code, data) for code, data in document.items()}
    for code, r in regimes.items():
        if r.contract_regime is not None and (
            r.contract_regime not in regimes
            or regimes[r.contract_regime].fixing is not Fixing.CONTRACT
        ):
            raise Refusal(
                "interest.regime_value", regime=code, key="contract_regime", value=r.contract_regime
            )
    return regimes


def shipped_regimes() -> dict[str, Regime]:
    """The regimes that ship with arrears, by code (a fresh dict: callers may add their own)."""
    return dict(_shipped_regimes())


@cache
def _shipped_regimes() -> dict[str, Regime]:
    """Read once: the package's data file does not change while arrears runs."""
    text = resources.files(__package__).joinpath("data", "regimes.toml").read_text("utf-8")
    return regimes_from_text(text)
