"""Concise language, firm tone (rule 10): hedging and apologies are found in every shipped
language, whole words only, whatever the case and spacing; a credit manager's extra phrases
count too."""

from __future__ import annotations

import pytest

from arrears.domain.tone import HEDGES, hedges


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "Please pay, if   Convenient, by 10 December.", "if convenient"),
        ("en", "Sorry to bother you again about invoice 12.", "sorry to bother you"),
        ("de", "Bitte zahlen Sie, wenn es Ihnen passt.", "wenn es ihnen passt"),
        ("fr", "Merci de régler à votre convenance.", "à votre convenance"),
        ("zh", "如果方便，请尽快付款。", "如果方便"),
    ],
)
def test_a_hedge_is_found_whatever_its_case_and_spacing(language, text, phrase):
    assert [h.phrase for h in hedges(text, language)] == [phrase]


def test_firm_wording_passes_and_words_inside_other_words_are_not_hedges():
    text = "Pay EUR 1,200.00 by 10 December. If not, we will hand the claim to our lawyers."
    assert hedges(text, "en") == []
    assert hedges("The inconvenient truth: EUR 40 compensation is due.", "en") == []


def test_a_credit_manager_s_extra_phrases_are_refused_too():
    assert [
        h.found for h in hedges("Kindly pay at your earliest.", "en", extra=["at your earliest"])
    ] == ["at your earliest"]


def test_every_shipped_language_has_a_list():
    assert {"en", "de", "fr", "zh"} <= set(HEDGES)


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "Please pay at your earliest convenience.", "at your earliest convenience"),
        ("en", "Sorry to trouble you: invoice 12 is open.", "sorry to trouble you"),
        ("en", "Please accept our apologies for writing again.", "please accept our apologies"),
        ("en", "Pay when it suits you.", "when it suits you"),
        ("de", "Zahlen Sie, sobald es Ihnen möglich ist.", "sobald es ihnen möglich ist"),
        ("de", "Entschuldigen Sie bitte die Störung.", "entschuldigen sie bitte die störung"),
        ("fr", "Réglez dans la mesure du possible.", "dans la mesure du possible"),
        ("fr", "Excusez-nous de vous déranger.", "excusez-nous de vous déranger"),
        ("fr", "Payez quand vous pourrez.", "quand vous pourrez"),
        ("zh", "对不起，发票仍未支付。", "对不起"),
        ("zh", "不好意思，请付款。", "不好意思"),
        ("zh", "麻烦您付款。", "麻烦您"),
        ("zh", "请在方便时付款。", "方便时"),
        ("zh", "有空请付款。", "有空"),
    ],
)
def test_the_usual_polite_hedges_are_refused_in_each_language(language, text, phrase):
    assert phrase in [h.phrase for h in hedges(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "Please accept our apologies for writing again.", "please accept our apologies"),
        ("en", "If it is convenient, pay today.", "if it is convenient"),
        ("zh", "不好意思打扰您，发票仍未支付。", "不好意思打扰"),
        ("zh", "有空的时候请付款。", "有空的时候"),
        ("zh", "抱歉打扰，发票仍未支付。", "抱歉打扰"),
        ("zh", "抱歉打扰了，发票仍未支付。", "抱歉打扰"),  # 打扰了 overlaps it: the same hedge
    ],
)
def test_a_hedge_inside_a_longer_one_is_reported_once_as_the_longer(language, text, phrase):
    assert [h.phrase for h in hedges(text, language)] == [phrase]


def test_separate_hedges_in_one_text_are_each_reported_once_in_order():
    text = "有空的时候请付款。抱歉，发票仍未支付。不好意思打扰。"
    assert [h.phrase for h in hedges(text, "zh")] == ["有空的时候", "抱歉", "不好意思打扰"]


def test_a_company_phrase_repeating_a_shipped_one_is_reported_once():
    found = hedges("Pay, if   CONVENIENT, today.", "en", extra=["If convenient"])
    assert [h.found for h in found] == ["if   CONVENIENT"]


def test_only_the_company_s_own_phrases_are_looked_for_when_asked():
    text = "Please accept our apologies for writing again."
    assert [h.phrase for h in hedges(text, "en", ("our apologies",), shipped=False)] == [
        "our apologies"
    ]
