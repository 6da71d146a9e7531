"""A credit manager's own templates and tone phrases (issue #14): per company, step, channel
and language a text replaces the shipped template once it passes the tone check and the render
check (each refusal names the line, nothing is written); reset returns to the shipped one; the
tone check's list is extended per company; every change is audited; the outbox sends the
company's own text; and only a credit manager of the company may."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.communications import rendering
from arrears.apps.communications.models import OutboxMessage, TemplateOverride, TonePhrase
from arrears.apps.communications.presentation import LANGUAGES
from arrears.apps.communications.rendering import shipped_steps, shipped_text
from arrears.apps.communications.services import outbox_send
from arrears.apps.communications.template_settings import (
    LINE_NAMES,
    NAMES,
    _sample_letter,
    placeholder_check,
    template_preview,
    template_read,
    template_reset,
    template_set,
    tone_add,
    tone_remove,
)
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.domain.tone import hedges
from arrears.words import say
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db

STEPS = ("courtesy", "reminder", "firm_demand", "final_notice")
OWN = """subject: Pay {{ total_due }} now ({{ reference }})
Dear {{ debtor }},

You owe {{ total_open }}:{% for l in lines %}
- {{ l.number }}: {{ l.open }}{% endfor %}

Pay {{ total_due }} by {{ pay_by }}.

{{ company }}
"""


@pytest.fixture
def w():
    return support.world()


def _key(**kw):
    return {"step": "reminder", "channel": "email", "language": "en", **kw}


def written():
    return (
        list(TemplateOverride.objects.values_list("company", "step_code", "text")),
        list(TonePhrase.objects.values_list("company", "phrase")),
        AuditEvent.objects.count(),
    )


# --- shipped ---------------------------------------------------------------------------------


def test_every_step_has_a_shipped_template_in_english_german_french_and_chinese():
    assert set(LANGUAGES) >= {"en", "de", "fr", "zh"}
    for language in LANGUAGES:
        assert set(shipped_steps(language)) == set(STEPS), language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("step", STEPS)
def test_every_shipped_template_passes_the_tone_and_the_placeholder_check(step, language):
    text = shipped_text(step, language)
    assert hedges(text, language) == []
    placeholder_check(text)  # names only the letter's figures


def test_the_placeholders_allowed_are_the_figures_a_letter_has(w):
    values = rendering.context(_sample_letter(w["acme"], "reminder"), "en", debtor="D",
                               company="C", reference="R")  # fmt: skip
    assert set(values) | {"as_table"} == NAMES
    assert set(values["lines"][0]) == LINE_NAMES


# --- set, reset ------------------------------------------------------------------------------


def test_a_credit_manager_sets_a_template_and_reads_it_back_then_resets_it(w):
    before = AuditEvent.objects.count()
    saved = template_set(actor=w["maria"], company=w["acme"], text=OWN, **_key())
    assert saved.changed
    got = template_read(actor=w["maria"], company=w["acme"], **_key())
    assert got.own and got.text == OWN and got.shipped == shipped_text("reminder", "en")
    # the letter channel and the other company keep the shipped text
    assert not template_read(actor=w["maria"], company=w["acme"], **_key(channel="letter")).own
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.detail["text"], event.detail["before"]) == (
        "communications.template_set",
        w["maria"],
        OWN,
        None,
    )
    assert not template_set(actor=w["maria"], company=w["acme"], text=OWN, **_key()).changed
    assert AuditEvent.objects.count() == before + 1  # the same text again: nothing written
    assert template_reset(actor=w["maria"], company=w["acme"], **_key()).changed
    assert not template_read(actor=w["maria"], company=w["acme"], **_key()).own
    assert AuditEvent.objects.latest("id").action == "communications.template_reset"
    assert not template_reset(actor=w["maria"], company=w["acme"], **_key()).changed


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (OWN.replace("Dear", "Sorry to bother you, dear"), "line 2: 'Sorry to bother you'"),
        (OWN.replace("Pay {{ total_due }} by", "If convenient, pay {{ total_due }} by"),
         "line 7: 'If convenient' hedges or apologises"),
        (OWN.replace("{{ debtor }}", "{{ debtor_name }}"),
         "line 2: 'debtor_name' is not a figure a letter has"),
        (OWN.replace("{{ l.open }}", "{{ l.amount }}"), "line 5: 'l.amount' is not a figure"),
        (OWN + '{% include "x.txt" %}', "line 10: the tag 'include' may not be used"),
        (OWN + "{% debug %}", "the tag 'debug' may not be used"),
        (OWN.replace("{% endfor %}", ""), "cannot be read"),
        (OWN.replace("subject: ", "Betreff "), "the first line must be 'subject: ...'"),
        ("   ", "the template is empty"),
        (OWN.replace("{{ total_due }}", "{{ total_fees }}").replace("{{ total_open }}", "it"),
         "how much and by when (rule 10): it names neither total_due nor total_open"),
        (OWN.replace("{{ pay_by }}", "Friday"), "it names neither pay_by nor first_due"),
    ],
)  # fmt: skip
def test_a_text_that_fails_a_check_is_refused_naming_the_line_and_nothing_is_written(
    w, text, words
):
    before = written()
    with pytest.raises(Refusal) as e:
        template_set(actor=w["maria"], company=w["acme"], text=text, **_key())
    assert words in say(e.value)
    assert written() == before


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ({"language": "xx"}, "'xx' is not a language we write in"),
        ({"channel": "phone"}, "'phone' is not a channel a template is written for"),
        ({"step": "nope"}, "'nope' is not a step a letter or email is sent at"),
    ],
)
def test_an_unknown_step_channel_or_language_is_refused(w, key, words):
    with pytest.raises(Refusal) as e:
        template_set(actor=w["maria"], company=w["acme"], text=OWN, **_key(**key))
    assert words in say(e.value)


def test_the_preview_fills_the_text_with_a_sample_letter(w):
    got = template_preview(actor=w["maria"], company=w["acme"], text=OWN, **_key())
    assert got.subject == "Pay €2,630.34 now (D100-EUR)"  # 2,500 open + 35.34 + 95.00 fees
    assert "- INV-1001: €1,000.00" in got.body and "Sample Debtor GmbH" in got.body


@pytest.mark.parametrize("who", ["cora", "olga", "admin"])
def test_a_collector_another_company_s_person_or_an_administrator_may_not_and_nothing_changes(
    w, who
):
    before = written()
    person = {"cora": w["cora"], "olga": w["olga"], "admin": w["admin"]}[who]
    for change in (
        lambda: template_set(actor=person, company=w["acme"], text=OWN, **_key()),
        lambda: template_reset(actor=person, company=w["acme"], **_key()),
        lambda: tone_add(actor=person, company=w["acme"], language="en", phrase="kindly"),
        lambda: template_read(actor=person, company=w["acme"], **_key()),
    ):
        with pytest.raises(NotAllowed):
            change()
    assert written() == before


# --- tone phrases ----------------------------------------------------------------------------


def test_a_phrase_added_by_a_credit_manager_refuses_texts_of_that_company_only(w):
    done = tone_add(actor=w["maria"], company=w["acme"], language="en", phrase="  Kindly  ")
    assert done.changed and done.phrase == "kindly"
    assert AuditEvent.objects.latest("id").action == "communications.tone_add"
    assert not tone_add(actor=w["maria"], company=w["acme"], language="en", phrase="kindly").changed
    with pytest.raises(Refusal) as e:
        template_set(
            actor=w["maria"], company=w["acme"], text=OWN.replace("Pay", "Kindly pay"), **_key()
        )
    assert "line 1: 'Kindly' hedges or apologises" in say(e.value)  # the subject's 'Pay'
    # globex has no such phrase: its credit manager may write it
    gina = factories.credit_manager("gina", w["globex"])
    template_set(actor=gina, company=w["globex"], text=OWN.replace("Pay", "Kindly pay"), **_key())
    tone_remove(actor=w["maria"], company=w["acme"], language="en", phrase="kindly")
    assert not TonePhrase.objects.filter(company=w["acme"]).exists()


def test_a_phrase_a_template_of_the_company_still_uses_is_refused_naming_it(w):
    before = written()
    with pytest.raises(Refusal) as e:
        tone_add(actor=w["maria"], company=w["acme"], language="en", phrase="despite our reminders")
    assert say(e.value) == (
        "'despite our reminders' is in the en email template of firm_demand (line 4): change "
        "that template first, or its messages could not be sent"
    )
    assert written() == before


def test_a_shipped_phrase_cannot_be_removed(w):
    with pytest.raises(Refusal) as e:
        tone_remove(actor=w["maria"], company=w["acme"], language="de", phrase="vielleicht")
    assert "the list is extended, never shortened" in say(e.value)


# --- the outbox and the terminal -------------------------------------------------------------


def test_the_outbox_sends_the_company_s_own_text_and_the_other_company_the_shipped_one(w, smtp):
    box, _ = smtp
    template_set(actor=w["maria"], company=w["acme"], text=OWN, **_key())
    for company in (w["acme"], w["globex"]):
        factories.run_as_admin(company=company, as_of=support.DAY1)
        outbox_send(actor=w["admin"], company=company)
    mine = OutboxMessage.objects.get(company=w["acme"])
    # 1,000.00 open + 1.24 interest (4 days at 11.27%) + the EUR 40 compensation
    assert mine.subject == "Pay €1,041.24 now (K1-EUR)"
    assert mine.body.startswith("Dear Kunde GmbH,\n\nYou owe €1,000.00:\n- INV-1: €1,000.00\n")
    theirs = OutboxMessage.objects.get(company=w["globex"])
    assert theirs.subject.startswith("Overdue: ")
    assert sorted(str(m["Subject"]).strip() for m in box.received) == sorted(
        [mine.subject, theirs.subject]
    )


def test_the_terminal_sets_shows_lists_and_resets_a_template(w, tmp_path):
    path = tmp_path / "reminder.txt"
    path.write_text(OWN, encoding="utf-8")
    said = terminal.run("template", "set", path, "reminder", "--channel=email", as_="maria")
    assert "the en email template of reminder is now the company's own (checked)" in said
    shown = terminal.run("template", "show", "reminder", "--channel=email", as_="maria")
    assert shown.startswith("# reminder, email, en: the company's own\nsubject: Pay")
    listed = terminal.run("template", "list", as_="maria").splitlines()
    assert "reminder       email   en  the company's own" in listed
    assert "reminder       letter  en  shipped" in listed
    path.write_text(OWN.replace("Dear", "Sorry to bother you, dear"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: 'Sorry to bother you' hedges"):
        terminal.run("template", "set", path, "reminder", "--channel=email", as_="maria")
    said = terminal.run("template", "reset", "reminder", "--channel=email", as_="maria")
    assert "is the shipped one again" in said
    with pytest.raises(CommandError):
        terminal.run("template", "set", path, "reminder", as_="cora")


def test_the_terminal_lists_adds_and_removes_tone_phrases(w):
    said = terminal.run("tone", "add", "kindly", "--language=en", as_="maria")
    assert "'kindly' is now refused in the company's en templates" in said
    listed = terminal.run("tone", "list", "--language=en", as_="maria").splitlines()
    assert listed[0] == "en:" and "  sorry to bother you" in listed
    assert "  kindly  (the company's own)" in listed
    said = terminal.run("tone", "remove", "kindly", "--language=en", as_="maria")
    assert "no longer on the company's en list" in said
    with pytest.raises(CommandError, match="is on the shipped en list"):
        terminal.run("tone", "remove", "no rush", as_="maria")
    with pytest.raises(CommandError):
        terminal.run("tone", "add", "kindly", as_="cora")
