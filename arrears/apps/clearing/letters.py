"""The set-off letter (rule 11): when a credit manager approves a set-off, one message to the
debtor through the communications outbox, saying which of their invoices are set off against
which of ours, the amounts, and what remains owed each way after it, with the day.

Templates live in `templates/clearing/<language>/setoff.txt` (first line `subject: ...`, as
the ladder's), one per shipped language, checked for tone like every message."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Sum
from django.template import Context, Engine

from arrears.apps.clearing.models import SetOff
from arrears.apps.communications.models import OutboxMessage, SenderDetails
from arrears.apps.communications.outbox import Composed, decided_message
from arrears.apps.communications.presentation import LANGUAGES, date_words, money_words
from arrears.apps.communications.rendering import check_tone
from arrears.apps.ledger.models import DUNNABLE_KINDS, OpenItem, Payable
from arrears.apps.negotiation.services import case_ensure
from arrears.domain.letters import Letter
from arrears.domain.money import Money

STEP = "setoff"
SHIPPED = Path(__file__).parent / "templates" / "clearing"
_ENGINE = Engine(autoescape=False, string_if_invalid="")


@lru_cache(maxsize=16)
def _template(language: str) -> Any:
    source = (SHIPPED / language / f"{STEP}.txt").read_text(encoding="utf-8")
    check_tone(source, step=STEP, language=language)
    return _ENGINE.from_string(source)


def setoff_letter_text(
    s: SetOff, *, language: str, reference: str, company: str
) -> tuple[str, str]:
    """(subject, body) of set-off `s`'s letter in `language`."""
    language = language if language in LANGUAGES else "en"
    cur = s.currency

    def m(minor: int) -> str:
        return money_words(Money.from_minor(minor, cur), language)

    pairs = list(s.pairs.select_related("item", "payable").order_by("pk"))
    owed_to_us = (
        OpenItem.objects.filter(
            debtor_id=s.debtor_id, currency=cur, kind__in=DUNNABLE_KINDS, open_minor__gt=0
        ).aggregate(t=Sum("open_minor"))["t"]
        or 0
    )
    owed_by_us = (
        Payable.objects.filter(debtor_id=s.debtor_id, currency=cur, open_minor__gt=0).aggregate(
            t=Sum("open_minor")
        )["t"]
        or 0
    )
    on = s.decided_on or s.proposed_on
    filled = _template(language).render(
        Context(
            {
                "debtor": s.debtor.name or s.debtor.code,
                "company": company,
                "reference": reference,
                "on": date_words(on, language),
                "total": m(s.amount_minor),
                "pairs": [
                    {"ours": p.item.number, "theirs": p.payable.number, "amount": m(p.amount_minor)}
                    for p in pairs
                ],
                "they_owe": m(max(owed_to_us - s.amount_minor, 0)),
                "we_owe": m(max(owed_by_us - s.amount_minor, 0)),
            }
        )
    )
    first, _, rest = filled.partition("\n")
    body = "\n".join(line.rstrip() for line in rest.strip("\n").splitlines()) + "\n"
    return first.partition(":")[2].strip(), body


def setoff_letter_queue(s: SetOff) -> OutboxMessage | None:
    """Queue the letter of approved set-off `s` in the outbox, once (None: the company has no
    outbox, no sender details)."""
    on = s.decided_on or s.proposed_on
    sender = SenderDetails.objects.filter(company_id=s.company_id).first()
    company_name = sender.name if sender else s.company.name
    case = case_ensure(debtor=s.debtor, currency=s.currency, on=on)

    def compose(language: str, reference: str) -> Composed:
        subject, body = setoff_letter_text(
            s, language=language, reference=reference, company=company_name
        )
        return Composed(subject, body, body, _no_items(on, s.currency))

    return decided_message(case=case, step_code=STEP, on=on, compose=compose)


def _no_items(on: date, currency: str) -> Letter:
    return Letter(
        step_code=STEP,
        step_number=0,
        as_of=on,
        currency=currency,
        lines=(),
        pay_by=on,
        next_step="",
        regime_name="",
        regime_source="",
        interest_known=True,
    )
