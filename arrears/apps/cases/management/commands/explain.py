"""`arrears explain DEBTOR`: why is this account where it is on the ladder?"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from arrears.apps.cases.selectors import case_explain, describe_event
from arrears.apps.common.cli import add_company_option, company_option
from arrears.apps.negotiation.selectors import case_negotiation, describe_desk_event
from arrears.domain.money import format_minor


class Command(BaseCommand):
    help = "Explain a debtor's cases: step, the rule and figures that put it there, history."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", help="the debtor's code")
        parser.add_argument("--currency")
        add_company_option(parser)

    def handle(self, *args: Any, **o: Any) -> None:
        company = company_option(o["company"])
        found = case_explain(company=company, debtor_code=o["debtor"], currency=o["currency"])
        if not found:
            raise CommandError(f"debtor {o['debtor']} has no case (nothing open, or no run yet)")
        for ex in found:
            c = ex.case
            owner = c.debtor.owner.username if c.debtor.owner else "NO OWNER (defect)"
            self.stdout.write(
                f"{c.debtor.code} {c.debtor.name} — {c.currency} case, {c.status}\n"
                f"  owner {owner}; open {format_minor(c.open_minor, c.currency)}, overdue "
                f"{format_minor(c.overdue_minor, c.currency)}; oldest due {c.oldest_due_on}\n"
                f"  step: {c.step_code or '(not yet)'} since {c.step_on} "
                f"(strategy {c.strategy_code})\n"
                f"  next action: {c.next_action} on {c.next_action_on}\n"
                f"  credit hold: {'YES' if c.debtor.on_hold else 'no'}"
            )
            for line in case_negotiation(case=c, as_of=date.today()).lines():  # §5-8
                self.stdout.write(f"  {line}")
            self.stdout.write("  history:")
            for e in ex.events:
                self.stdout.write(f"    {describe_desk_event(e) or describe_event(e)}")
            for h in ex.holds:
                what = "hold set" if h.hold else "hold lifted"
                self.stdout.write(f"    {h.on} {what}: {', '.join(h.reason.get('rules', []))}")
