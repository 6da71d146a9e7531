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
