"""`arrears explain DEBTOR`: why is this account where it is on the ladder?

A face over the selectors: the case's state and history come typed from `cases.selectors`
(`case_explain`) and `negotiation.selectors`, and are put into words by the two apps'
presentation modules; this command only chooses what to show to whom, in which order."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.presentation import (
    NO_CASE,
    case_head,
    describe_action,
    history_lines,
    last_actions_heading,
    last_messages_heading,
    state_lines,
)
from arrears.apps.cases.selectors import case_explain
from arrears.apps.clearing.presentation import case_setoff_lines
from arrears.apps.clearing.selectors import case_setoff
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.call_scripts import call_script
from arrears.apps.communications.costs import case_costs
from arrears.apps.communications.presentation import (
    call_script_heading,
    call_script_lines,
    cost_lines,
    no_call_script_words,
    outbox_line,
)
from arrears.apps.communications.selectors import case_outbox
from arrears.apps.negotiation.presentation import (
    describe_desk_event,
    handover_lines,
    held_off_words,
    negotiation_lines,
)
from arrears.apps.negotiation.selectors import (
    DeskFacts,
    case_handover,
    case_held_off,
    case_negotiation,
    desk_facts,
)
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.words import say


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
            raise CommandError(NO_CASE.format(debtor=o["debtor"]))
        today = date.today()
        for ex in found:
            c = ex.case
            self.stdout.write(case_head(c))
            handed = handover_lines(case_handover(actor=person, case=c, as_of=today))
            held = None if c.oldest_due_on else case_held_off(actor=person, case=c, as_of=today)
            held_words = held_off_words(held) if held else None
            for line in state_lines(ex, handed=handed, held=held_words):
                self.stdout.write(f"  {line}")
            setoff = case_setoff(
                actor=person,
                company=company,
                debtor_id=c.debtor_id,
                currency=c.currency,
                as_of=today,
            )
            for line in case_setoff_lines(setoff):  # rule 11
                self.stdout.write(f"  {line}")
            facts = DeskFacts()
            if ex.notes:  # §5-8, not for sales
                desk = case_negotiation(actor=person, case=c, as_of=today)
                for line in negotiation_lines(desk, with_handover=False):
                    self.stdout.write(f"  {line}")
                facts = desk_facts(actor=person, case=c, events=ex.events)
            self.stdout.write("  history:")
            for line in history_lines(ex, partial(describe_desk_event, facts=facts)):
                self.stdout.write(f"    {line}")
            if ex.actions:
                self.stdout.write(f"  {last_actions_heading(len(ex.actions))}")
                for a in ex.actions:
                    self.stdout.write(f"    {describe_action(a)}")
            calls = any(a.channel == "phone" and a.status in ("open", "queued") for a in ex.actions)
            if calls and ex.notes:  # the excuses heard are notes: not for sales
                self.stdout.write(f"  {call_script_heading(True)}")
                try:  # e.g. an approved set-off covers all that is overdue: nothing to say
                    script = call_script_lines(call_script(actor=person, case=c, as_of=today))
                except NotAllowed:
                    raise
                except Refusal as e:
                    script = [no_call_script_words(say(e))]
                for line in script:
                    self.stdout.write(f"    {line}")
            sent = case_outbox(case_id=c.pk)  # the case was read above, with access asked
            if sent:
                self.stdout.write(f"  {last_messages_heading(len(sent))}")
                for m in sent:
                    self.stdout.write(f"    {outbox_line(m)}")
            if ex.notes:  # the cost of the delay and the limitation (rules 9, 12), not for sales
                costs = case_costs(case=c, company=company, as_of=today)
                for line in cost_lines(costs):
                    self.stdout.write(f"  {line}")
