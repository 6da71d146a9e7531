"""`arrears explain DEBTOR`: why is this account where it is on the ladder?"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.models import Case, CaseStatus, CreditHold
from arrears.apps.cases.presentation import CLOSED_REASONS, describe_action, say
from arrears.apps.cases.selectors import case_explain, oldest_due
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.negotiation.case_desk import case_timeline
from arrears.apps.negotiation.selectors import (
    CaseHandover,
    DeskFacts,
    HeldOff,
    case_handover,
    case_held_off,
    case_negotiation,
    desk_facts,
)
from arrears.domain.actions import NextActionKind
from arrears.domain.money import format_minor


class Command(PersonCommand):
    help = "Explain a debtor's cases: step, the rule and figures that put it there, history."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", help="the debtor's code")
        parser.add_argument("--currency")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        found = case_explain(
            actor=person, company=company, debtor_code=o["debtor"], currency=o["currency"]
        )
        if not found:
            raise CommandError(f"debtor {o['debtor']} has no case (nothing open, or no run yet)")
        today = date.today()
        for ex in found:
            c = ex.case
            self.stdout.write(
                f"{c.debtor.code} {c.debtor.name} — {c.currency} case, {say(c.status)}"
            )
            handing = case_handover(actor=person, case=c, as_of=today)
            held = None if c.oldest_due_on else case_held_off(actor=person, case=c, as_of=today)
            for line in _state_lines(c, handing, held):
                self.stdout.write(f"  {line}")
            facts = DeskFacts()
            if ex.notes:  # §5-8, not for sales
                desk = case_negotiation(actor=person, case=c, as_of=today)
                for line in desk.lines(with_handover=False):
                    self.stdout.write(f"  {line}")
                facts = desk_facts(actor=person, case=c, events=ex.events)
            self.stdout.write("  history:")
            for entry in case_timeline(ex, facts):
                self.stdout.write(f"    {entry.text}")
            if ex.actions:
                self.stdout.write(f"  actions (the last {len(ex.actions)}):")
                for a in ex.actions:
                    self.stdout.write(f"    {describe_action(a)}")


def _state_lines(c: Case, handing: CaseHandover, held: HeldOff | None = None) -> list[str]:
    """Owner, balance, step and next action, as they stand: a closed case says so instead of
    a live step; a case handed over shows what its items owe (the run no longer counts them)
    and that our ladder stopped; overdue items the ladder does not dun say why (`held`)."""
    owner = c.debtor.owner.username if c.debtor.owner else "NO OWNER (defect)"
    on_hold = CreditHold.objects.filter(debtor_id=c.debtor_id).exists()
    hold = f"credit hold: {'YES' if on_hold else 'no'}"
    strategy = f"(strategy {say(c.strategy_code)})" if c.strategy_code else ""
    if c.status == CaseStatus.CLOSED:
        why = CLOSED_REASONS.get(c.closed_reason, say(c.closed_reason) or "no reason recorded")
        last = _step(c, "last step: {step} since {on}", "last step: none (the ladder took no step)")
        return [
            f"closed on {c.closed_on} ({why}); owner {owner}; open "
            f"{format_minor(c.open_minor, c.currency)}",
            f"{last} {strategy}".rstrip(),
            "next action: none (closed)",
            hold,
        ]
    handed = handing.lines()
    if handed:
        stopped = _step(
            c, "ladder stopped at {step} since {on}", "ladder stopped before its first step"
        )
        return [
            f"owner {owner}; {handed[0]}",
            *handed[1:],
            f"{stopped} {strategy}".rstrip(),
            _next_action(c),
            hold,
        ]
    return [
        f"owner {owner}; open {format_minor(c.open_minor, c.currency)}, overdue "
        f"{format_minor(c.overdue_minor, c.currency)}; "
        + (held.describe() if held else oldest_due(c.oldest_due_on)),
        f"{_step(c, 'step: {step} since {on}', 'step: none yet')} {strategy}".rstrip(),
        _next_action(c),
        hold,
    ]


def _step(c: Case, taken: str, none: str) -> str:
    """The case's ladder step in words with its date, or `none` when it took no step yet."""
    if not c.step_code:
        return none
    return taken.format(step=say(c.step_code), on=c.step_on or "an unrecorded day")


def _next_action(c: Case) -> str:
    """The typed next action in words ("ladder step reminder on ...", "review the case on ...",
    "promise follow-up on ... (collector)"), with whose it is when it is a call or task."""
    on, kind, code = c.next_action_on, c.next_action_kind, c.next_action_step_code
    if not kind or on is None:
        return "next action: none"
    if kind == NextActionKind.STEP:
        return f"next action: ladder step {say(code)} on {on}"
    if kind == NextActionKind.REVIEW:
        return f"next action: review the case on {on}"
    said = f"next action: {say(code)} on {on}"
    return f"{said} ({say(c.next_action_role)})" if c.next_action_role else said
