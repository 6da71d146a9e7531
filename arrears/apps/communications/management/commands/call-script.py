"""`arrears call-script DEBTOR`: what to say on the case's call, the amounts, the answers."""

from __future__ import annotations

from typing import Any

from arrears.apps.cases.models import Case
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.common.clock import today
from arrears.apps.communications.call_scripts import call_script
from arrears.apps.communications.presentation import call_script_lines
from arrears.domain.refusal import Refusal


class Command(PersonCommand):
    help = "Show a case's call script: who to call, what to say, the amounts, excuse answers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", help="the debtor's code (its case)")
        parser.add_argument("--currency", help="the case's currency, if it has several")
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--language", help="what to say in en, de, fr or zh (by default the debtor's)"
        )
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        cases = Case.objects.select_related("debtor", "company").filter(
            company=company, debtor__code=o["debtor"]
        )
        if o["currency"]:
            cases = cases.filter(currency=o["currency"].upper())
        found = list(cases[:2])
        if len(found) != 1:
            code = "communications.no_case" if not found else "communications.which_currency"
            raise Refusal(code, debtor=o["debtor"], currency=o["currency"] or "")
        script = call_script(
            actor=person, case=found[0], as_of=o["as_of"] or today(), language=o["language"]
        )
        for line in call_script_lines(script):
            self.stdout.write(line)
