"""The contractual interest rate and the regime a debtor's debt is charged under (rules 9, 12).

A contract states its late interest as a percentage a year or a month ("1% a month"): the
debtor's own terms, imported from the ERP (the debtors file), else the company's default (a
credit manager's setting). The engine counts in percent a year: a monthly rate is converted
here, and only here (`ContractRate.yearly`, x12, exact). Letters state the terms as the
contract does.

Which regime applies to one debt (`applied_regime`) is a rule too: the `contract` regime takes
the debtor's rate, else the company's, else refuses (`interest.no_contract_rate`, in the
engine); a regime whose data names a `contract_regime` (China: the contractual rate where the
contract states one) gives way to it where a rate is stated; and a regime whose multiplier is
a setting (China: the one-year LPR with the courts' markup) takes the company's markup, within
the bounds its data states.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from arrears.domain.interest.engine import Period
from arrears.domain.interest.regimes import Fixing, Regime, shipped_regimes
from arrears.domain.refusal import Refusal

MOST_PERCENT = Decimal(100)  # a rate above 100% of its period is a typing error, not a term
MOST_PLACES = 6  # decimals a rate may have ("0.041667")
RATE_PATTERN = r"^\d{1,3}(\.\d{1,6})?$"  # the import's columnar check says the same


class Per(StrEnum):
    """The period a contractual percentage is stated for."""

    YEAR = "year"
    MONTH = "month"


MONTHS_A_YEAR = 12


@dataclass(frozen=True)
class ContractRate:
    """A contract's late-interest rate, as the contract states it: `percent` of each `per`."""

    percent: Decimal
    per: Per = Per.YEAR

    @property
    def yearly(self) -> Decimal:
        """Percent a year, what the engine counts in: a monthly rate x12 (simple interest),
        exactly. The one place a monthly rate becomes a yearly one."""
        return self.percent * MONTHS_A_YEAR if self.per is Per.MONTH else self.percent

    @property
    def text(self) -> str:
        """The percentage as stored and shown: no trailing zeros ("1", "8.5")."""
        return rate_text(self.percent)


def rate_text(value: Decimal) -> str:
    """A percentage without trailing zeros or exponent: 1.50 -> "1.5", 100 -> "100"."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def contract_rate(value: str, per: str = Per.YEAR.value) -> ContractRate:
    """The contractual rate a person or a file gives: a plain percentage between 0 and 100
    of its period, at most 6 decimals ("1", "8.5"); `per` is year or month."""
    try:
        period = Per(per.strip().lower() or Per.YEAR.value)
    except ValueError:
        raise Refusal("interest.contract_rate_per", per=per) from None
    text = value.strip().removesuffix("%").strip()
    if not re.match(RATE_PATTERN, text):
        raise Refusal("interest.contract_rate_value", value=value, most=rate_text(MOST_PERCENT))
    try:
        percent = Decimal(text)
    except InvalidOperation:  # the pattern admits none, but a refusal is the only way out
        raise Refusal(
            "interest.contract_rate_value", value=value, most=rate_text(MOST_PERCENT)
        ) from None
    if percent > MOST_PERCENT:
        raise Refusal("interest.contract_rate_value", value=value, most=rate_text(MOST_PERCENT))
    return ContractRate(percent, period)


def stated(percent: str | Decimal | None, per: str | None) -> ContractRate | None:
    """The rate a record holds (None or empty: none stated)."""
    if percent is None or str(percent).strip() == "":
        return None
    return contract_rate(str(percent), per or Per.YEAR.value)


def contract_for(own: ContractRate | None, default: ContractRate | None) -> ContractRate | None:
    """The rate a debtor's contract states: its own (the ERP's), else the company's default
    (its standard terms)."""
    return own if own is not None else default


def markup_checked(regime: Regime, value: str | Decimal) -> Decimal:
    """A company's markup on the regime's reference rate: refused unless the regime's data
    makes its multiplier a setting, and within the bounds it states (China: 1.3 to 1.5)."""
    low, high = regime.multiplier_least, regime.multiplier_most
    if low is None or high is None:
        raise Refusal("interest.markup_fixed", regime=regime.code)
    try:
        markup = Decimal(str(value).strip())
    except InvalidOperation:
        markup = None
    if markup is None or not markup.is_finite() or not low <= markup <= high:
        raise Refusal(
            "interest.markup_value", value=str(value), least=rate_text(low), most=rate_text(high)
        )
    return markup


def applied_regime(
    regime: Regime,
    *,
    contract: ContractRate | None,
    markup: Decimal | None = None,
    regimes: Mapping[str, Regime] | None = None,
) -> Regime:
    """The regime one debt is charged under: the regime's `contract_regime` where the
    contract states a rate (China), else the regime with the company's markup (where it is
    a setting: checked again, a stored value is no exception)."""
    if contract is not None and regime.contract_regime is not None:
        return (regimes or shipped_regimes())[regime.contract_regime]
    if markup is not None and regime.multiplier_least is not None:
        return replace(regime, multiplier=markup_checked(regime, markup))
    return regime


@dataclass(frozen=True)
class RateUsed:
    """A rate a letter states: percent a year, how it was made (the reference rate, its
    multiplier and margin), or the contract's own terms."""

    rate: Decimal  # percent a year
    series: str | None = None
    reference: Decimal | None = None
    multiplier: Decimal = Decimal(1)
    margin: Decimal = Decimal(0)
    contract: ContractRate | None = None

    def figures(self) -> dict[str, Any]:
        """As JSON, exact (decimal strings): a stored letter states the same rate again."""
        return {
            "rate": str(self.rate),
            "series": self.series,
            "reference": None if self.reference is None else str(self.reference),
            "multiplier": str(self.multiplier),
            "margin": str(self.margin),
            "contract": None
            if self.contract is None
            else [self.contract.text, self.contract.per.value],
        }

    @staticmethod
    def from_figures(f: Mapping[str, Any]) -> RateUsed:
        return RateUsed(
            rate=Decimal(f["rate"]),
            series=f["series"],
            reference=None if f["reference"] is None else Decimal(f["reference"]),
            multiplier=Decimal(f["multiplier"]),
            margin=Decimal(f["margin"]),
            contract=None if f["contract"] is None else stated(*f["contract"]),
        )


def rates_used(
    regime: Regime,
    periods: Iterable[Period],
    *,
    consumer: bool = False,
    contract: ContractRate | None = None,
) -> tuple[RateUsed, ...]:
    """The rates the periods were charged at, each once, in the order first used: the
    contract's terms under a contract regime, else reference x multiplier + margin."""
    seen: dict[tuple[Decimal, Decimal | None], RateUsed] = {}
    for p in periods:
        if (p.rate, p.reference) in seen:
            continue
        if regime.fixing is Fixing.CONTRACT:
            used = RateUsed(p.rate, contract=contract)
        else:
            used = RateUsed(
                p.rate,
                series=regime.series,
                reference=p.reference,
                multiplier=regime.multiplier,
                margin=regime.margin(consumer=consumer),
            )
        seen[(p.rate, p.reference)] = used
    return tuple(seen.values())
