"""The contractual interest rate (rules 9 and 12, issue #14): a rate a year or a month, a
monthly one charged at twelve times it a year; the contract regime takes the debtor's rate,
else the company's, else refuses; China charges a stated contract rate, else the one-year LPR
times the company's markup, within the courts' bounds. Worked by hand beside each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.domain.interest import (
    ContractRate,
    Debt,
    Per,
    accrue,
    applied_regime,
    contract_for,
    contract_rate,
    markup_checked,
    rates_used,
    shipped_regimes,
)
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

REGIMES = shipped_regimes()
MONTHLY = ContractRate(Decimal(1), Per.MONTH)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def charged(regime_code: str, debt: Debt, as_of: date, *, contract=None, markup=None):
    regime = applied_regime(REGIMES[regime_code], contract=contract, markup=markup)
    rate = None if contract is None else contract.yearly
    return regime, accrue(
        Debt(debt.amount, debt.due_on, debt.payments, contract_rate=rate), regime, as_of
    )


def test_a_monthly_contract_rate_is_charged_at_twelve_times_it_a_year():
    # 1% a month = 12% a year. EUR 1,000.00 due 1 May 2025, to 30 June 2025:
    # 2 May - 30 June = 60 days; 1,000 x 12 / 100 x 60 / 365 = 19.726... -> 19.73
    assert MONTHLY.yearly == Decimal(12)
    regime, got = charged(
        "contract", Debt(eur("1000.00"), date(2025, 5, 1)), date(2025, 6, 30), contract=MONTHLY
    )
    assert [(p.days, p.rate) for p in got.periods] == [(60, Decimal(12))]
    assert got.interest == eur("19.73")
    # the letter states the debtor's own terms, not the yearly figure
    assert rates_used(regime, got.periods, contract=MONTHLY)[0].contract == MONTHLY


def test_the_contract_regime_without_any_rate_refuses_clearly():
    assert contract_for(None, None) is None  # neither the debtor's nor the company's
    with pytest.raises(Refusal) as e:
        charged("contract", Debt(eur("1000.00"), date(2025, 5, 1)), date(2025, 6, 30))
    assert e.value.code == "interest.no_contract_rate"


def test_the_debtors_own_rate_comes_before_the_companys_default():
    own, default = ContractRate(Decimal("0.5"), Per.MONTH), ContractRate(Decimal(9))
    assert contract_for(own, default) == own
    assert contract_for(None, default) == default


def test_a_chinese_debt_with_a_contract_rate_is_charged_at_it_not_the_lpr():
    # 6% a year stated. CNY 10,000.00 due 1 June 2025, to 30 June 2025: 29 days;
    # 10,000 x 6 / 100 x 29 / 365 = 47.671... -> 47.67
    stated = ContractRate(Decimal(6))
    regime, got = charged(
        "cn_lpr", Debt(cny("10000.00"), date(2025, 6, 1)), date(2025, 6, 30), contract=stated
    )
    assert regime.code == "contract" and got.interest == cny("47.67")


def test_a_chinese_debt_without_a_contract_rate_is_charged_the_lpr_times_the_markup():
    debt = Debt(cny("10000.00"), date(2025, 6, 1))
    # LPR 3.00% from 20 May 2025. The company's markup 1.3: 3.90%;
    # 10,000 x 3.90 / 100 x 29 / 365 = 30.986... -> 30.99
    regime, got = charged("cn_lpr", debt, date(2025, 6, 30), markup=Decimal("1.3"))
    assert regime.code == "cn_lpr" and got.periods[0].rate == Decimal("3.900")
    assert got.interest == cny("30.99")
    # without the company's markup, the regime's default 1.5: 4.50%;
    # 10,000 x 4.50 / 100 x 29 / 365 = 35.753... -> 35.75
    _, got = charged("cn_lpr", debt, date(2025, 6, 30))
    assert got.interest == cny("35.75")


@pytest.mark.parametrize("markup", ["1.2", "1.51", "x", "-1.4", "NaN"])
def test_a_markup_outside_the_courts_bounds_is_refused(markup):
    with pytest.raises(Refusal) as e:
        markup_checked(REGIMES["cn_lpr"], markup)
    assert e.value.code == "interest.markup_value"
    assert e.value.figures["least"] == "1.3" and e.value.figures["most"] == "1.5"


def test_a_regime_whose_multiplier_is_the_laws_takes_no_markup():
    with pytest.raises(Refusal) as e:
        markup_checked(REGIMES["de_bgb"], "1.3")
    assert e.value.code == "interest.markup_fixed"


@pytest.mark.parametrize("value", ["-1", "ten", "101", "", "1.1234567", "1e2"])
def test_a_contract_rate_that_is_not_a_percentage_up_to_100_is_refused(value):
    with pytest.raises(Refusal) as e:
        contract_rate(value, "month")
    assert e.value.code == "interest.contract_rate_value"


def test_a_contract_rate_is_exact_and_its_period_a_year_or_a_month():
    assert contract_rate("1.50", "month") == ContractRate(Decimal("1.50"), Per.MONTH)
    assert contract_rate("1.50 %").text == "1.5" and contract_rate("100").text == "100"
    assert contract_rate("0.041667", "month").yearly == Decimal("0.500004")
    with pytest.raises(Refusal) as e:
        contract_rate("1", "week")
    assert e.value.code == "interest.contract_rate_per"
