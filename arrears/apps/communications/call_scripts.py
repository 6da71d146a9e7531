"""§12 A phone step's call script (issue #14): who to call (the debtor's contacts, the primary
first), what to say at this step in the concise, firm tone of rule 10 (the amount, how long
overdue, the interest and fees so far, what must happen by when, what follows if not), and the
prepared answers to the likely excuses (`arrears.domain.excuses.CATALOGUE`: the ones this case
heard before first, then the others of §8). The words are `presentation.call_script_lines`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import (
    debtor_contacts,
    holidays_for,
    pending_actions,
    strategies_for,
)
from arrears.apps.communications.presentation import LANGUAGES, call_script_say, excuse_words
from arrears.apps.communications.selectors import (
    INTEREST_NOT_SHOWN,
    _case_letter,
    _open_items,
    _payments,
    rate_tables,
)
from arrears.apps.negotiation.selectors import case_excuses
from arrears.domain.access import Verb
from arrears.domain.excuses import CATALOGUE, Excuse, ExcuseAnswer
from arrears.domain.ladder import Channel
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

LIKELY = 7  # the seven excuses of DOMAIN.md §8 come first in the catalogue


@dataclass(frozen=True)
class CallContact:
    name: str
    phone: str
    email: str
    primary: bool


@dataclass(frozen=True)
class CallScript:
    debtor_code: str
    debtor_name: str
    company: str
    currency: str
    step_code: str
    step_name: str
    is_call: bool  # the case's pending action is a call (else: a script for its step anyway)
    contacts: tuple[CallContact, ...]
    items: int
    most_days_overdue: int
    overdue: Money
    interest: Money
    fees: Money  # statutory compensation and step fees
    pay_by: date
    next_step: str | None
    regime: str | None
    excuses: tuple[ExcuseAnswer, ...]  # likely first
    heard_before: tuple[Excuse, ...]
    say: str = ""  # what to say, in words (`presentation.call_script_say`)
    language: str = "en"  # what the collector says is in the debtor's language, as its letters
    interest_known: bool = True  # False: the rates of the day are not known (never a silent 0)

    @property
    def total(self) -> Money:
        return self.overdue + self.interest + self.fees


def call_script(*, actor: Any, case: Case, as_of: date, language: str | None = None) -> CallScript:
    """The call script of `case` on `as_of`, for a person who may read it and its notes (not
    sales: the excuses heard are negotiation notes). What the collector says, the excuses
    and their answers are in `language`, by default the debtor's as its letters are written."""
    if language is not None and language not in LANGUAGES:
        raise Refusal(
            "communications.unknown_language", language=language, languages=", ".join(LANGUAGES)
        )
    require(actor, Verb.READ_OTHERS, company_id=case.company_id, owner_id=case.debtor.owner_id)
    require(actor, Verb.READ_NOTES, company_id=case.company_id)  # the excuses heard: notes
    company = case.company
    latest = pending_actions(case)[-1:]  # the one due last
    pending = (latest[0].channel, latest[0].step_code) if latest else None
    step_code = pending[1] if pending and pending[1] else case.step_code
    if not step_code:
        raise Refusal("communications.no_step", debtor=case.debtor.code, currency=case.currency)
    strategies = strategies_for(company=company)
    args: dict[str, Any] = {
        "strategies": strategies,
        "items": _open_items([case.debtor_id], case.currency),
        "paid": _payments(as_of, [case.debtor_id]),
        "tables": rate_tables(),
        "holidays": holidays_for(company=company),
        "step_code": step_code,
        "language": language,
    }
    interest_known = True
    try:
        found = _case_letter(case, company, as_of, **args)
    except Refusal as e:
        if e.code not in INTEREST_NOT_SHOWN:
            raise
        found = _case_letter(case, company, as_of, with_interest=False, **args)
        interest_known = e.code != "interest.no_rate"
    letter = found.letter
    zero = Money.from_minor(0, case.currency)
    steps = next((s.steps for s in strategies if s.code == case.strategy_code), ())
    step = next((s for s in steps if s.code == step_code), None)
    heard = list(dict.fromkeys(Excuse(x.excuse) for x in case_excuses(case)))
    likely = [*heard, *(e for e in list(CATALOGUE)[:LIKELY] if e not in heard)]
    contacts = sorted(
        debtor_contacts(debtor_id=case.debtor_id), key=lambda c: (not c.is_primary, c.pk)
    )
    script = CallScript(
        debtor_code=case.debtor.code,
        debtor_name=case.debtor.name,
        company=company.name,
        currency=case.currency,
        step_code=step_code,
        step_name=step.name if step else step_code,
        is_call=bool(pending and pending[0] == Channel.PHONE.value),
        contacts=tuple(CallContact(c.name, c.phone, c.email, c.is_primary) for c in contacts),
        items=sum(1 for x in letter.lines if x.days_overdue > 0),
        most_days_overdue=letter.most_days_overdue,
        overdue=sum((x.open for x in letter.lines if x.days_overdue > 0), zero),
        interest=sum((x.interest for x in letter.lines), zero),
        fees=sum((x.fees for x in letter.lines), zero),
        pay_by=letter.pay_by,
        next_step=letter.next_step,
        regime=letter.regime_name,
        excuses=tuple(_in_words(CATALOGUE[e], found.language) for e in likely),
        heard_before=tuple(heard),
        language=found.language,
        interest_known=interest_known and letter.interest_missing is None,
    )
    return replace(script, say=call_script_say(script))


def _in_words(a: ExcuseAnswer, language: str) -> ExcuseAnswer:
    """The excuse and its answer as the debtor hears them, in `language`."""
    heard, answer = excuse_words(a.excuse.value, a.heard, a.answer, language)
    return replace(a, heard=heard, answer=answer)
