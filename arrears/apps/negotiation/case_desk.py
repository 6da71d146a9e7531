"""The case as the collector's desk shows it, and its one timeline.

`case_timeline` puts a case's history in one order (the ladder's and the desk's events, the
debtor's credit holds), worded by the same presenters as `arrears explain`, which prints it.
`case_desk` gathers what the web desk's case page shows, through the selectors and access
checks the terminal uses (`case_explain`, `case_negotiation`, `case_handover`...), in a number
of queries that does not grow with the case's history or its items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from arrears.apps.accounts.access import actable_roles, may
from arrears.apps.cases.models import (
    Case,
    CaseEvent,
    EventKind,
)
from arrears.apps.cases.presentation import (
    describe_action,
    describe_hold,
    history_events,
    step_words,
)
from arrears.apps.cases.selectors import (
    CaseItem,
    Explanation,
    case_explain,
    case_items,
    debtor_contacts,
    pending_actions,
)
from arrears.apps.ledger.models import Company, Contact
from arrears.apps.negotiation.presentation import (
    describe_desk_event,
    handover_lines,
    held_off_words,
    negotiation_lines,
)
from arrears.apps.negotiation.selectors import (
    CaseHandover,
    CaseNegotiation,
    DeskFacts,
    HeldOff,
    case_handover,
    case_held_off,
    case_negotiation,
    desk_facts,
)
from arrears.domain.access import Verb
from arrears.domain.actions import OUTCOMES, kind_of
from arrears.domain.refusal import Refusal

NO_CASE = "case.unknown"


# The outbox's events after which its message exists on paper (queued by a person, sent).
_MESSAGE_RULES = frozenset({"message_queued", "message_sent"})


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a case's history, in words, on its day; `message`: the outbox message the
    line is about (queued or sent), whose PDF the page links to."""

    on: date
    text: str
    message: int | None = None


def _message_of(e: CaseEvent | None) -> int | None:
    if e is None or e.kind != EventKind.ACTION or e.reason.get("rule") not in _MESSAGE_RULES:
        return None
    got = e.reason.get("outbox")
    return got if isinstance(got, int) else None


def case_timeline(ex: Explanation, facts: DeskFacts) -> list[TimelineEntry]:
    """The case's history in one order, the desk's events worded by the desk
    (`cases.presentation.history_events`, the same lines as `arrears explain`)."""
    lines = history_events(ex, partial(describe_desk_event, facts=facts))
    return [TimelineEntry(on, text, _message_of(e)) for on, text, e in lines]


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action still to do on the case, in words, with the outcomes it can end in (none for
    a letter or an email, which is sent rather than done)."""

    action_id: int
    words: str
    due_on: date
    outcomes: tuple[str, ...]
    role: str = ""  # whose the action is (the ladder's role: collector, credit_manager, ...)
    doable: bool = True  # the reader may record it (`actable_roles`, as `action-done` asks)


@dataclass(frozen=True)
class CaseDesk:
    """Everything the case page shows (`case_desk`)."""

    case: Case
    explanation: Explanation
    contacts: list[Contact]
    items: list[CaseItem]
    step_why: str  # the step event that put the case where it is, in words ("" if none)
    on_hold: bool
    hold_why: str  # the hold change that set it, in words ("" if none recorded)
    handing: CaseHandover
    held: HeldOff | None
    negotiation: CaseNegotiation | None  # None: the reader reads no notes (sales)
    held_words: str  # why overdue items are not dunned ("" if they are)
    handed_lines: list[str]  # who has a handed-over case, what its items owe
    record_lines: list[str]  # the desk's side: promises, plans, disputes, in words
    timeline: list[TimelineEntry]
    pending: list[PendingAction]
    may_act: bool  # the reader may act on the case at all (each action asks again)


def case_desk(*, actor: Any, company: Company, case_id: int, as_of: date) -> CaseDesk:
    """One case of `company` as the desk shows it, to a person who may read it (a collector
    another's only where the company allows it); a case of another company is unknown here."""
    found = Case.objects.filter(pk=case_id, company=company).values_list("debtor__code", "currency")
    if not found:
        raise Refusal(NO_CASE, case=case_id)
    ((code, currency),) = found
    (ex,) = case_explain(actor=actor, company=company, debtor_code=code, currency=currency)
    c = ex.case
    facts = desk_facts(actor=actor, case=c, events=ex.events) if ex.notes else DeskFacts()
    steps = [e for e in ex.events if e.took_step]
    setting = [h for h in ex.holds if h.hold]
    on_hold = ex.on_hold
    handing = case_handover(actor=actor, case=c, as_of=as_of)
    held = None if c.oldest_due_on else case_held_off(actor=actor, case=c, as_of=as_of)
    negotiation = case_negotiation(actor=actor, case=c, as_of=as_of) if ex.notes else None
    return CaseDesk(
        case=c,
        explanation=ex,
        contacts=debtor_contacts(debtor_id=c.debtor_id),
        items=case_items(case=c, as_of=as_of),
        step_why=step_words(steps[-1], ex.items) if steps else "",
        on_hold=on_hold,
        hold_why=describe_hold(setting[-1]) if on_hold and setting else "",
        handing=handing,
        held=held,
        negotiation=negotiation,
        held_words=held_off_words(held) if held else "",
        handed_lines=handover_lines(handing),
        record_lines=negotiation_lines(negotiation, with_handover=False) if negotiation else [],
        timeline=case_timeline(ex, facts),
        pending=_pending(c, actor=actor, company=company),
        may_act=may(actor, Verb.CHANGE_CASE, company_id=company.pk, owner_id=c.debtor.owner_id),
    )


def _pending(case: Case, *, actor: Any, company: Company) -> list[PendingAction]:
    mine = actable_roles(actor, company_id=company.pk, owner_id=case.debtor.owner_id)
    return [
        PendingAction(
            a.pk,
            describe_action(a),
            a.due_on,
            tuple(o.value for o in OUTCOMES[kind_of(a.channel, a.step_code)]),
            a.role,
            a.role in mine,
        )
        for a in pending_actions(case)
    ]
