"""A credit manager's own templates and tone phrases (issue #14): per company, ladder step,
channel (letter or email) and language, a text that replaces the shipped template; and, per
language, phrases added to the tone check's shipped list.

Saving a text runs, in this order, and refuses with the line at fault, writing nothing:
1. the tone check (the shipped phrases of the language and the company's own);
2. the placeholder check: only the letter's figures (`rendering.context`) may be named, only
   `if`/`for`/`comment` tags used (no `include`, `load`, `debug`...);
3. the render check: the text filled with a sample letter, as an email and as a letter, must
   start with its `subject:` line.
Adding a phrase is refused while a template the company sends (its own or a shipped one)
still contains it: the outbox would otherwise refuse to send it.

Reads (`template_rows`, `template_read`, `tone_read`, `template_preview`) and writes
(`template_set`, `template_reset`, `tone_add`, `tone_remove`) are for a person who may set
the company's policy (a credit manager); writes are audited. The outbox reads the company's
text with `company_template` (no person: the run's own read).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.template.base import Lexer, TokenType
from django.utils.text import smart_split

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.selectors import strategies_for
from arrears.apps.communications.models import TemplateOverride, TonePhrase
from arrears.apps.communications.presentation import LANGUAGES, step_name_words
from arrears.apps.communications.rendering import (
    Message,
    render,
    shipped_steps,
    shipped_text,
)
from arrears.apps.communications.selectors import regime_for
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.interest import ContractRate, Per, RateUsed, Regime
from arrears.domain.ladder import WRITTEN_CHANNELS
from arrears.domain.letters import ItemLine, Letter
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal
from arrears.domain.tone import HEDGES, hedges

CHANNELS = tuple(sorted(c.value for c in WRITTEN_CHANNELS))  # email, letter
TEXT_MOST = 20_000
PHRASE_MOST = 100

# What a template may name: the figures `rendering.context` gives, and each item's (in a
# `for` over `lines`). Kept equal to `rendering.context` by a test.
NAMES = frozenset(
    {
        "debtor",
        "company",
        "reference",
        "plural",
        "lines",
        "first_due",
        "most_days_overdue",
        "total_open",
        "total_interest",
        "total_fees",
        "total_due",
        "pay_by",
        "next_step",
        "shows_cost",
        "claims_cost",
        "interest_unknown",
        "fees_only",
        "regime_name",
        "regime_source",
        "interest_rate",
        "interest_to",
        "as_table",
    }
)
LINE_NAMES = frozenset({"number", "due_on", "days_overdue", "open", "interest", "fees", "due"})
TAGS = frozenset({"if", "elif", "else", "endif", "for", "empty", "endfor", "comment", "endcomment"})
OPERATORS = frozenset({"and", "or", "not", "in", "is", "==", "!=", "<", ">", "<=", ">="})
LITERALS = frozenset({"True", "False", "None"})


@dataclass(frozen=True)
class TemplateRow:
    """One template of the company: shipped, or its own text (and when it was set)."""

    step: str
    channel: str
    language: str
    own: bool
    shipped: bool  # a shipped template exists for the step and language
    updated_at: datetime | None


@dataclass(frozen=True)
class TemplateText:
    step: str
    channel: str
    language: str
    text: str  # what the company's messages use
    own: bool  # the company's own text (else the shipped one)
    shipped: str  # the shipped text ("" for a step without one)


@dataclass(frozen=True)
class TemplateSaved:
    step: str
    channel: str
    language: str
    changed: bool  # False: the same text was there already (or nothing to reset)


@dataclass(frozen=True)
class TonePhrases:
    language: str
    shipped: tuple[str, ...]
    own: tuple[str, ...]


@dataclass(frozen=True)
class ToneChanged:
    language: str
    phrase: str
    changed: bool


# --- reads -----------------------------------------------------------------------------------


def _may(actor: Any, company: Company, what: str) -> None:
    require(actor, Verb.SET_POLICY, company_id=company.pk, what=what)


def steps_known(company: Company) -> list[str]:
    """The steps a template may be written for: every shipped one, and every letter or email
    step of the company's ladders, in that order."""
    steps = shipped_steps("en")
    for strategy in strategies_for(company=company):
        for s in strategy.steps:
            if s.channel in WRITTEN_CHANNELS and s.code not in steps:
                steps.append(s.code)
    return steps


def _has_shipped(step: str, language: str) -> bool:
    return step in shipped_steps(language)


def template_rows(*, actor: Any, company: Company) -> list[TemplateRow]:
    """Every template of the company, by step, channel and language: its own or shipped."""
    _may(actor, company, "read the templates")
    own = {
        (t.step_code, t.channel, t.language): t.updated_at
        for t in TemplateOverride.objects.filter(company=company).only(
            "step_code", "channel", "language", "updated_at"
        )
    }
    return [
        TemplateRow(
            step, channel, language, (step, channel, language) in own,
            _has_shipped(step, language), own.get((step, channel, language)),
        )
        for step in steps_known(company)
        for channel in CHANNELS
        for language in LANGUAGES
    ]  # fmt: skip


def _checked_key(company: Company, step: str, channel: str, language: str) -> None:
    if language not in LANGUAGES:
        raise Refusal("template.unknown_language", language=language, known=", ".join(LANGUAGES))
    if channel not in CHANNELS:
        raise Refusal("template.unknown_channel", channel=channel, known=", ".join(CHANNELS))
    known = steps_known(company)
    if step not in known:
        raise Refusal("template.unknown_step", step=step, known=", ".join(known))


def template_read(
    *, actor: Any, company: Company, step: str, channel: str, language: str
) -> TemplateText:
    """The text the company's messages of this step, channel and language use."""
    _may(actor, company, "read the templates")
    _checked_key(company, step, channel, language)
    own = TemplateOverride.objects.filter(
        company=company, step_code=step, channel=channel, language=language
    ).first()
    shipped = shipped_text(step, language) if _has_shipped(step, language) else ""
    return TemplateText(
        step, channel, language, own.text if own else shipped, own is not None, shipped
    )


def _own_phrases(company: Company, language: str) -> tuple[str, ...]:
    return tuple(
        TonePhrase.objects.filter(company=company, language=language)
        .order_by("phrase")
        .values_list("phrase", flat=True)
    )


def tone_read(*, actor: Any, company: Company, language: str | None = None) -> list[TonePhrases]:
    """The tone check's phrases per language: the shipped ones and the company's own."""
    _may(actor, company, "read the tone check's phrases")
    if language is not None and language not in LANGUAGES:
        raise Refusal("template.unknown_language", language=language, known=", ".join(LANGUAGES))
    own: dict[str, list[str]] = {}
    for lang, phrase in (
        TonePhrase.objects.filter(company=company)
        .order_by("language", "phrase")
        .values_list("language", "phrase")
    ):
        own.setdefault(lang, []).append(phrase)
    return [
        TonePhrases(lang, tuple(HEDGES.get(lang, ())), tuple(own.get(lang, ())))
        for lang in LANGUAGES
        if language in (None, lang)
    ]


def company_template(
    company_id: int, step: str, channel: str, language: str
) -> tuple[str | None, tuple[str, ...]]:
    """The company's own text for a message (None: the shipped one) and its own tone
    phrases for the language: what the outbox renders with."""
    own = (
        TemplateOverride.objects.filter(
            company_id=company_id, step_code=step, channel=channel, language=language
        )
        .values_list("text", flat=True)
        .first()
    )
    if own is None:
        return None, ()
    phrases = TonePhrase.objects.filter(company_id=company_id, language=language)
    return own, tuple(phrases.values_list("phrase", flat=True))


def company_templates(
    company_id: int,
) -> Callable[[str, str, str], tuple[str | None, tuple[str, ...]]]:
    """`company_template` for many messages: the company's own texts and tone phrases read
    once (two queries), looked up by (step, channel, language) after."""
    own = {
        (step, channel, language): text
        for step, channel, language, text in TemplateOverride.objects.filter(
            company_id=company_id
        ).values_list("step_code", "channel", "language", "text")
    }
    phrases: dict[str, list[str]] = {}
    for language, phrase in TonePhrase.objects.filter(company_id=company_id).values_list(
        "language", "phrase"
    ):
        phrases.setdefault(language, []).append(phrase)

    def lookup(step: str, channel: str, language: str) -> tuple[str | None, tuple[str, ...]]:
        text = own.get((step, channel, language))
        return (None, ()) if text is None else (text, tuple(phrases.get(language, ())))

    return lookup


# --- the checks ------------------------------------------------------------------------------


def _line_of(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def tone_check(text: str, *, step: str, language: str, extra: tuple[str, ...]) -> None:
    """Refuse hedging or apologetic wording, naming the first phrase found and its line."""
    found = hedges(text, language, extra)
    if found:
        raise Refusal(
            "template.hedging",
            step=step,
            language=language,
            found=found[0].found,
            line=_line_of(text, found[0].at),
        )


def _name_check(expr: str, loops: list[str], line: int) -> None:
    name = expr.split("|", 1)[0].strip()
    if not name or name[0] in "\"'0123456789-" or name in LITERALS:
        return  # a literal
    root, _, attr = name.partition(".")
    if root in loops:
        if attr and attr.split(".", 1)[0] not in LINE_NAMES:
            raise Refusal(
                "template.unknown_placeholder",
                name=name,
                line=line,
                known=", ".join(f"{root}.{n}" for n in sorted(LINE_NAMES)),
            )
        return
    if root == "forloop" and loops:
        return
    if root not in NAMES or attr:
        raise Refusal(
            "template.unknown_placeholder", name=name, line=line, known=", ".join(sorted(NAMES))
        )


def placeholder_check(text: str) -> None:
    """Only the letter's figures may be named, and only `if`, `for` and `comment` tags used;
    a refusal names the first fault and its line."""
    loops: list[str] = []
    for token in Lexer(text).tokenize():
        line = token.lineno or 1
        if token.token_type == TokenType.VAR:
            _name_check(token.contents, loops, line)
        elif token.token_type == TokenType.BLOCK:
            words = list(smart_split(token.contents))
            tag = words[0] if words else ""
            if tag not in TAGS:
                raise Refusal(
                    "template.tag_not_allowed", tag=tag, line=line, known=", ".join(sorted(TAGS))
                )
            if tag in ("if", "elif"):
                for word in words[1:]:
                    if word not in OPERATORS:
                        _name_check(word, loops, line)
            elif tag == "for":
                if len(words) < 4 or words[2] != "in" or "," in words[1]:
                    raise Refusal("template.bad_for", line=line)
                _name_check(words[3], loops, line)
                loops.append(words[1])
            elif tag == "endfor" and loops:
                loops.pop()


def _sample_letter(company: Company, step: str, language: str = "en") -> Letter:
    """Figures to fill a template with when it is checked or previewed: two items, with
    interest and fees (as from the second step on), in the company's currency and regime."""
    currency = company.currency

    def m(text: str) -> Money:
        return Money.of(text, currency)

    as_of = date(2099, 12, 31)
    regime = regime_for(company)
    lines = (
        ItemLine("INV-1001", date(2099, 10, 1), date(2099, 11, 1), 60, m("1000.00"), m("16.44"),
                 m("40.00")),
        ItemLine("INV-1002", date(2099, 10, 15), date(2099, 11, 15), 46, m("1500.00"),
                 m("18.90"), m("55.00")),
    )  # fmt: skip
    return Letter(
        step_code=step,
        step_number=2,
        as_of=as_of,
        currency=currency,
        lines=lines,
        pay_by=date(2100, 1, 11),
        next_step=step_name_words("final_notice", "Final notice", language),
        regime_name=None if regime is None else regime.name,
        regime_source=None if regime is None else regime.source,
        rates=() if regime is None else (_sample_rate(regime),),
    )


def _sample_rate(regime: Regime) -> RateUsed:
    """A rate of the regime to show in a preview: a reference rate of 2.15%, or a contract's
    1% a month."""
    if regime.series is None:
        contract = ContractRate(Decimal(1), Per.MONTH)
        return RateUsed(contract.yearly, contract=contract)
    reference, margin = Decimal("2.15"), regime.margin_business or Decimal(0)
    return RateUsed(
        reference * regime.multiplier + margin,
        series=regime.series,
        reference=reference,
        multiplier=regime.multiplier,
        margin=margin,
    )


# Rule 10: every message says how much and by when. A template names at least one figure of
# each pair (the courtesy reminder's amount is what falls due, on its due date).
REQUIRED = (("total_due", "total_open"), ("pay_by", "first_due"))


def required_check(text: str) -> None:
    """Refuse a template that does not say the amount to pay or the day to pay it by."""
    for names in REQUIRED:
        if not any(re.search(r"\{\{\s*" + name + r"\s*\}\}", text) for name in names):
            raise Refusal("template.missing_figure", names=" nor ".join(names))


def _checked(company: Company, step: str, language: str, text: str) -> Message:
    """Every check, in order; the message the text makes of the sample letter."""
    if not text.strip():
        raise Refusal("template.empty")
    if len(text) > TEXT_MOST:
        raise Refusal("template.too_long", most=TEXT_MOST)
    extra = _own_phrases(company, language)
    tone_check(text, step=step, language=language, extra=extra)
    placeholder_check(text)
    required_check(text)
    sample = _sample_letter(company, step, language)
    filled = [
        render(
            sample,
            language,
            debtor="Sample Debtor GmbH",
            company=company.name,
            reference="D100-EUR",
            text=text,
            extra_hedges=extra,
            as_table=as_table,
        )
        for as_table in (True, False)
    ]
    return filled[-1]  # the email's text (the letter's differs only by its table)


def template_preview(
    *, actor: Any, company: Company, step: str, channel: str, language: str, text: str
) -> Message:
    """The text checked as `template_set` checks it, and filled with a sample letter."""
    _may(actor, company, "read the templates")
    _checked_key(company, step, channel, language)
    return _checked(company, step, language, text.replace("\r\n", "\n"))


# --- writes ----------------------------------------------------------------------------------


def _lock(company: Company) -> None:
    Company.objects.select_for_update().get(pk=company.pk)


def template_set(
    *, actor: Any, company: Company, step: str, channel: str, language: str, text: str
) -> TemplateSaved:
    """Make `text` the company's template for the step, channel and language, once it passes
    every check; the same text again changes nothing."""
    text = text.replace("\r\n", "\n")
    with transaction.atomic():
        _lock(company)
        _may(actor, company, "change the templates")
        _checked_key(company, step, channel, language)
        _checked(company, step, language, text)
        have = TemplateOverride.objects.filter(
            company=company, step_code=step, channel=channel, language=language
        ).first()
        if have is not None and have.text == text:
            return TemplateSaved(step, channel, language, False)
        TemplateOverride.objects.update_or_create(
            company=company,
            step_code=step,
            channel=channel,
            language=language,
            defaults={"text": text},
        )
        audit_record(
            action="communications.template_set",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={
                "step": step,
                "channel": channel,
                "language": language,
                "text": text,
                "before": have.text if have else None,
            },
        )
    return TemplateSaved(step, channel, language, True)


def template_reset(
    *, actor: Any, company: Company, step: str, channel: str, language: str
) -> TemplateSaved:
    """Return to the shipped template (the company's own text is removed, and audited)."""
    with transaction.atomic():
        _lock(company)
        _may(actor, company, "change the templates")
        _checked_key(company, step, channel, language)
        have = TemplateOverride.objects.filter(
            company=company, step_code=step, channel=channel, language=language
        ).first()
        if have is None:
            return TemplateSaved(step, channel, language, False)
        have.delete()
        audit_record(
            action="communications.template_reset",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"step": step, "channel": channel, "language": language, "before": have.text},
        )
    return TemplateSaved(step, channel, language, True)


def _phrase_clean(language: str, phrase: str) -> str:
    if language not in LANGUAGES:
        raise Refusal("template.unknown_language", language=language, known=", ".join(LANGUAGES))
    cleaned = " ".join(phrase.split()).lower()
    if not cleaned:
        raise Refusal("tone.empty")
    if len(cleaned) > PHRASE_MOST:
        raise Refusal("tone.too_long", most=PHRASE_MOST)
    return cleaned


def _sent_texts(company: Company, language: str) -> list[tuple[str, str, str]]:
    """(step, channel, text) of every template the company sends in `language`."""
    own = {
        (t.step_code, t.channel): t.text
        for t in TemplateOverride.objects.filter(company=company, language=language)
    }
    out = []
    for step in steps_known(company):
        for channel in CHANNELS:
            text = own.get((step, channel))
            if text is None and _has_shipped(step, language):
                text = shipped_text(step, language)
            if text is not None:
                out.append((step, channel, text))
    return out


def tone_add(*, actor: Any, company: Company, language: str, phrase: str) -> ToneChanged:
    """Add a phrase the company's templates may not use in `language`. Refused while one of
    them (its own or a shipped one it sends) contains it, naming which and the line."""
    with transaction.atomic():
        _lock(company)
        _may(actor, company, "change the tone check")
        phrase = _phrase_clean(language, phrase)
        listed = set(HEDGES.get(language, ())) | set(_own_phrases(company, language))
        if phrase in listed:
            return ToneChanged(language, phrase, False)
        for step, channel, text in _sent_texts(company, language):
            mine = hedges(text, language, (phrase,), shipped=False)
            if mine:
                raise Refusal(
                    "tone.in_use",
                    phrase=phrase,
                    step=step,
                    channel=channel,
                    language=language,
                    line=_line_of(text, mine[0].at),
                )
        TonePhrase.objects.create(company=company, language=language, phrase=phrase)
        audit_record(
            action="communications.tone_add",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"language": language, "phrase": phrase},
        )
    return ToneChanged(language, phrase, True)


def tone_remove(*, actor: Any, company: Company, language: str, phrase: str) -> ToneChanged:
    """Remove one of the company's own phrases (a shipped one stays: the list is extended,
    never shortened)."""
    with transaction.atomic():
        _lock(company)
        _may(actor, company, "change the tone check")
        phrase = _phrase_clean(language, phrase)
        if phrase in HEDGES.get(language, ()):
            raise Refusal("tone.shipped", phrase=phrase, language=language)
        gone, _ = TonePhrase.objects.filter(
            company=company, language=language, phrase=phrase
        ).delete()
        if not gone:
            raise Refusal("tone.not_listed", phrase=phrase, language=language)
        audit_record(
            action="communications.tone_remove",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"language": language, "phrase": phrase},
        )
    return ToneChanged(language, phrase, True)
