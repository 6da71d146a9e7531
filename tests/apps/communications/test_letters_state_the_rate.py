"""Letters and emails state how interest was computed (issue #14): the rate used (the reference
rate and the points on it, or the contract's own terms) and the day interest is calculated to,
in every shipped language; the final notice says interest keeps running until payment; the
French texts put a narrow no-break space before : ; ! ? (French typography)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from arrears.apps.communications.presentation import LANGUAGES, date_words, rates_words
from arrears.apps.communications.rendering import SHIPPED, render
from arrears.domain.interest import ContractRate, Per, shipped_regimes
from arrears.domain.letters import OpenLine, letter
from arrears.domain.money import Money

AS_OF = date(2025, 6, 30)
STEPS = {"reminder": 2, "firm_demand": 4, "final_notice": 5}
RUNNING = {
    "en": "Interest keeps running until payment.",
    "de": "Die Zinsen laufen bis zur Zahlung weiter.",
    "fr": "Les intérêts continuent de courir jusqu'au paiement.",
    "zh": "利息将持续计算至付清之日。",
}
# § 288 BGB: base rate 2.27% + 9 points = 11.27% a year, as the letter's language writes it
STATUTORY = {
    "en": "Interest to 30 June 2025 at 11.27% a year: base rate 2.27% + 9 points.",
    "de": "Zinsen berechnet bis zum 30. Juni 2025 zum Zinssatz von 11,27\xa0% p.a. "
    "(Basiszinssatz 2,27\xa0% + 9 Prozentpunkte).",
    "fr": "Intérêts calculés jusqu'au 30 juin 2025 au taux de 11,27\u202f% l'an "
    "(taux de base allemand 2,27\u202f% + 9 points).",
    "zh": "利息计算至2025年6月30日，适用年利率11.27%（德国基础利率2.27% + 9个百分点）。",
}
CONTRACTUAL = {
    "en": "at the contractual 1% a month.",
    "de": "zum vertraglichen Zinssatz von 1\xa0% im Monat.",
    "fr": "au taux contractuel de 1\u202f% par mois.",
    "zh": "适用合同约定的月利率1%。",
}


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def the_letter(step: str, regime: str = "de_bgb", contract: ContractRate | None = None):
    lines = [OpenLine("INV-1", date(2025, 4, 1), date(2025, 5, 1), eur("1000"), eur("1000"))]
    return letter(
        step_code=step,
        step_number=STEPS[step],
        lines=lines,
        as_of=AS_OF,
        regime=shipped_regimes()[regime],
        next_step="Final notice",
        contract=contract,
    )


def words(step: str, language: str, **kw) -> str:
    m = render(the_letter(step, **kw), language, debtor="K", company="Acme", reference="R")
    return m.subject + "\n" + m.body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_letter_states_the_rate_used_and_the_day_interest_is_calculated_to(language, step):
    text = words(step, language)
    assert STATUTORY[language] in text
    assert date_words(AS_OF, language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_contractual_rate_is_stated_as_the_debtors_own_terms(language):
    monthly = ContractRate(Decimal(1), Per.MONTH)
    got = the_letter("firm_demand", regime="contract", contract=monthly)
    # 1% a month = 12% a year; EUR 1,000, 2 May - 30 June = 60 days: 19.726... -> 19.73
    assert got.total_interest == eur("19.73")
    assert CONTRACTUAL[language] in words("firm_demand", language, regime="contract",
                                          contract=monthly)  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_final_notice_says_interest_keeps_running_until_payment(language):
    assert RUNNING[language] in words("final_notice", language)


def test_several_rates_are_each_stated_once_in_the_order_used():
    # 2011/7/EU, ECB + 8 points, the rate of 1 January for January-June (3.15%), of 1 July for
    # July-December (2.15%)
    lines = [OpenLine("INV-1", None, date(2025, 5, 1), eur("1000"), eur("1000"))]
    got = letter(step_code="reminder", step_number=2, lines=lines, as_of=date(2025, 8, 31),
                 regime=shipped_regimes()["eu_directive"], next_step=None)  # fmt: skip
    assert rates_words(got.rates, "en") == (
        "11.15% a year: ECB 3.15% + 8 points; 10.15% a year: ECB 2.15% + 8 points"
    )


def test_the_french_texts_put_a_narrow_no_break_space_before_colons_and_semicolons():
    for path in sorted((SHIPPED / "fr").glob("*.txt")):
        text = path.read_text(encoding="utf-8").partition("\n")[2]  # after "subject:"
        subject = path.read_text(encoding="utf-8").partition("\n")[0].removeprefix("subject:")
        for part in (subject, text):
            outside_tags = re.sub(r"{[%{].*?[%}]}", "", part)
            assert not re.search(r"[^\u202f\n][:;!?](\s|$)", outside_tags), path.name
    assert "\u202f: " in words("final_notice", "fr")


def test_a_stored_letter_states_the_same_rates_when_it_is_printed_again():
    from arrears.apps.communications.outbox import letter_figures, letter_from_figures

    monthly = ContractRate(Decimal("1.5"), Per.MONTH)
    for got in (the_letter("reminder"), the_letter("reminder", "contract", monthly)):
        assert got.rates and letter_from_figures(letter_figures(got)) == got
