"""A debtor written to in German, French or Chinese reads the whole message in that language:
the name of the step that follows if it does not pay, and, on the phone, what the collector
says, the excuses and their prepared answers (the debtor's language, as its letters choose
it, or the one asked for)."""

from __future__ import annotations

import pytest

from arrears.apps.cases.models import Case
from arrears.apps.communications.call_scripts import call_script
from arrears.apps.communications.presentation import (
    EXCUSE_WORDS,
    LANGUAGES,
    date_words,
    step_name_words,
)
from arrears.domain.excuses import CATALOGUE, Excuse
from arrears.domain.tone import hedges
from tests import factories, terminal
from tests.apps.communications import support
from tests.apps.communications.test_call_script import CALL_DAY, at_the_call

pytestmark = pytest.mark.django_db

# What follows the reminder (the phone call), and the call (the firm demand), in each language.
AFTER_REMINDER = {
    "de": "folgt der nächste Schritt: Telefonanruf.",
    "fr": "l'étape suivante s'applique : Appel téléphonique.",
    "zh": "我方将采取下一步措施：电话催收。",
}
AFTER_CALL = {
    "de": "folgt der nächste Schritt: Nachdrückliche Zahlungsaufforderung.",
    "fr": "l'étape suivante s'applique\u202f: Mise en demeure.",
    "zh": "我方将采取下一步措施：正式催告函。",
}


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("language", ["de", "fr", "zh"])
def test_a_letter_names_the_step_that_follows_in_the_debtors_language(language):
    w = support.world()
    w["k1"].language = language
    w["k1"].save()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    said = terminal.run(
        "letter", "K1", "--step=reminder", f"--as-of={support.DAY1}", "--company=acme", as_="cora"
    )
    assert plain(AFTER_REMINDER[language]) in plain(said), said
    assert "Phone call" not in said


def test_an_english_letter_and_a_step_the_company_named_itself_keep_their_names():
    assert step_name_words("call", "Phone call", "en") == "Phone call"
    assert step_name_words("call", "phone  CALL", "de") == "Telefonanruf"
    assert step_name_words("call", "Rückruf beim Einkauf", "de") == "Rückruf beim Einkauf"
    assert step_name_words("site_visit", "Site visit", "fr") == "Site visit"


@pytest.mark.parametrize("language", ["de", "fr", "zh"])
def test_the_call_script_speaks_the_debtors_language(language):
    w = support.world()
    w["k1"].language = language
    w["k1"].save()
    case = at_the_call(w)
    s = call_script(actor=w["cora"], case=case, as_of=CALL_DAY)
    assert s.language == language
    assert date_words(s.pay_by, language) in s.say
    assert s.say.endswith(AFTER_CALL[language]), s.say
    assert "invoice" not in s.say and "Firm demand" not in s.say
    heard, answer = EXCUSE_WORDS[language]["invoice_not_received"]
    assert (s.excuses[0].heard, s.excuses[0].answer) == (heard, answer)  # heard before: first
    assert s.excuses[0].excuse is Excuse.INVOICE_NOT_RECEIVED
    assert hedges(s.say, language) == []  # rule 10 in every language
    out = terminal.run("call-script", "K1", f"--as-of={CALL_DAY}", as_="cora")
    assert s.say in out and f"{heard} (said before on this case)" in out
    assert f"answer: {EXCUSE_WORDS[language]['no_money'][1]}" in out


def test_the_call_script_is_said_in_the_language_asked_for():
    w = support.world()
    case = at_the_call(w)  # an English debtor
    out = terminal.run("call-script", "K1", f"--as-of={CALL_DAY}", "--language=de", as_="cora")
    assert "Hier spricht" in out and AFTER_CALL["de"] in out
    english = call_script(actor=w["cora"], case=Case.objects.get(pk=case.pk), as_of=CALL_DAY)
    assert english.language == "en" and "firm demand follows." in english.say
    with pytest.raises(Exception, match="not a language we write in"):
        terminal.run("call-script", "K1", f"--as-of={CALL_DAY}", "--language=xx", as_="cora")


@pytest.mark.parametrize("language", [x for x in LANGUAGES if x != "en"])
def test_every_excuse_has_its_words_in_each_language_and_the_answers_are_firm(language):
    assert set(EXCUSE_WORDS[language]) == {e.value for e in CATALOGUE}
    for code, (heard, answer) in EXCUSE_WORDS[language].items():
        assert heard and answer, code
        assert hedges(answer, language) == [], (code, answer)
