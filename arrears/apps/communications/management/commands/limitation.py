"""`arrears limitation show|set DAYS`: how many days before a claim becomes time-barred the daily
run asks legal to act (rule 12): the company's setting, set by a credit manager (audited), else
the installation's default (`ARREARS_LIMITATION_LEAD_DAYS`, 90)."""

from __future__ import annotations

from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.limitation import lead_days_set
from arrears.apps.communications.presentation import lead_days_words
from arrears.apps.communications.selectors import lead_days_of
from arrears.domain.access import Verb


class Command(PersonCommand):
    help = "Show or set how many days before a claim becomes time-barred legal is asked to act."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        put = sub.add_parser("set", help="a credit manager sets the lead days (audited)")
        put.add_argument("days", type=int, help="days before the last day of a claim")
        show = sub.add_parser("show")
        for p in (put, show):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "show":
            require(person, Verb.READ, company_id=company.pk)
            lead = lead_days_of(company)
        else:
            lead = lead_days_set(actor=person, company=company, days=o["days"])
        self.stdout.write(lead_days_words(lead))
