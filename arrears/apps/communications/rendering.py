"""A dunning message in words: the step's template in the debtor's language, filled with the
letter's figures (`arrears.domain.letters`), checked for tone (`arrears.domain.tone`).

Shipped templates live in `templates/communications/<language>/<step code>.txt`: a first line
`subject: ...`, then the body. They are Django templates rendered as plain text (no HTML
escaping, since they are not HTML); a credit manager's own text for a step and language
replaces the shipped one and passes the same tone check before it is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError

from arrears.apps.communications.presentation import (
    LANGUAGES,
    date_words,
    money_words,
    rates_words,
)
from arrears.domain.letters import Letter
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal
from arrears.domain.tone import hedges

SHIPPED = Path(__file__).parent / "templates" / "communications"
_ENGINE = Engine(autoescape=False, string_if_invalid="")
TABLE_MARK = "[[table]]"


@dataclass(frozen=True)
class Message:
    language: str
    subject: str
    body: str


def shipped_steps(language: str) -> list[str]:
    return sorted(p.stem for p in (SHIPPED / language).glob("*.txt"))


def shipped_text(step: str, language: str) -> str:
    if language not in LANGUAGES:
        raise Refusal(
            "communications.unknown_language", language=language, languages=", ".join(LANGUAGES)
        )
    path = SHIPPED / language / f"{step}.txt"
    if not any((SHIPPED / other / f"{step}.txt").exists() for other in LANGUAGES):
        # no language writes it: the step is not a letter (a call, a hand-over to legal)
        raise Refusal(
            "communications.step_not_written", step=step, written=", ".join(shipped_steps("en"))
        )
    if not path.exists():
        raise Refusal(
            "communications.no_template",
            language=language,
            step=step,
            languages=", ".join(LANGUAGES),
        )
    return path.read_text(encoding="utf-8")


def context(
    letter: Letter, language: str, *, debtor: str, company: str, reference: str
) -> dict[str, Any]:
    """The letter's figures in the language's words (amounts, dates), for a template."""

    def m(amount: Money) -> str:
        return money_words(amount, language)

    def d(day: date) -> str:
        return date_words(day, language)

    return {
        "debtor": debtor,
        "company": company,
        "reference": reference,
        "plural": len(letter.lines) > 1,
        "lines": [
            {
                "number": line.number,
                "due_on": d(line.due_on),
                "days_overdue": line.days_overdue,
                "open": m(line.open),
                "interest": m(line.interest),
                "fees": m(line.fees),
                "due": m(line.due),
            }
            for line in letter.lines
        ],
        "first_due": d(min(line.due_on for line in letter.lines)) if letter.lines else "",
        "most_days_overdue": letter.most_days_overdue,
        "total_open": m(letter.total_open),
        "total_interest": m(letter.total_interest),
        "total_fees": m(letter.total_fees),
        "total_due": m(letter.total_due),
        "pay_by": d(letter.pay_by),
        "next_step": letter.next_step,
        "shows_cost": letter.shows_cost,
        "claims_cost": letter.claims_cost,
        "interest_unknown": letter.interest_unknown,
        "fees_only": letter.fees_only,
        "regime_name": letter.regime_name,
        "regime_source": letter.regime_source,
        "interest_rate": rates_words(letter.rates, language),
        "interest_to": d(letter.interest_to),
    }


def check_tone(text: str, *, step: str, language: str, extra: Iterable[str] = ()) -> None:
    found = hedges(text, language, extra)
    if found:
        raise Refusal("communications.hedging", language=language, step=step, found=found[0].found)


def render(
    letter: Letter,
    language: str,
    *,
    debtor: str,
    company: str,
    reference: str,
    text: str | None = None,
    extra_hedges: Iterable[str] = (),
    as_table: bool = False,
) -> Message:
    """The message for `letter` in `language`, from `text` (a credit manager's template) or
    the shipped one; refused if its wording hedges or apologises (rule 10). With `as_table`
    the list of items becomes a line `TABLE_MARK` where a letter draws its table."""
    template = _template(letter.step_code, language, text, tuple(extra_hedges))
    values = context(letter, language, debtor=debtor, company=company, reference=reference)
    return _fill(template, values, letter, language, as_table)


def render_both(
    letter: Letter,
    language: str,
    *,
    debtor: str,
    company: str,
    reference: str,
    text: str | None = None,
    extra_hedges: Iterable[str] = (),
) -> tuple[Message, Message]:
    """`render` of the template (`text`, a company's own, or the shipped one) as an email
    and as a letter (`as_table`), the figures put into words once."""
    template = _template(letter.step_code, language, text, tuple(extra_hedges))
    values = context(letter, language, debtor=debtor, company=company, reference=reference)
    return (
        _fill(template, values, letter, language, False),
        _fill(template, values, letter, language, True),
    )


@lru_cache(maxsize=256)
def _shipped_template(step: str, language: str) -> Any:
    return _compiled(shipped_text(step, language), step, language, ())


def _template(step: str, language: str, text: str | None, extra: tuple[str, ...]) -> Any:
    """The step's template, checked for tone and compiled (a shipped one once per process)."""
    if text is None and not extra:
        return _shipped_template(step, language)
    source = text if text is not None else shipped_text(step, language)
    return _compiled(source, step, language, extra)


def _compiled(source: str, step: str, language: str, extra: tuple[str, ...]) -> Any:
    check_tone(source, step=step, language=language, extra=extra)
    try:
        return _ENGINE.from_string(source)
    except TemplateSyntaxError as e:
        raise Refusal(
            "communications.template_error", language=language, step=step, why=str(e)
        ) from None


def _fill(
    template: Any, values: dict[str, Any], letter: Letter, language: str, as_table: bool
) -> Message:
    # plain text, not HTML: a name with an apostrophe stays as written (O'Brien, l'an)
    filled = template.render(Context({**values, "as_table": as_table}, autoescape=False))
    first, _, rest = filled.partition("\n")
    if not first.lower().startswith("subject:"):
        raise Refusal(
            "communications.template_error",
            language=language,
            step=letter.step_code,
            why="the first line must be 'subject: ...'",
        )
    body = "\n".join(line.rstrip() for line in rest.strip("\n").splitlines()) + "\n"
    body = re.sub(r"\n{3,}", "\n\n", body)  # a paragraph a condition left out leaves no gap
    return Message(language, first.partition(":")[2].strip(), body)
