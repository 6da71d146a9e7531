"""`arrears limitation show|set DAYS`: how many days before a claim becomes time-barred the daily
run asks legal to act (rule 12): the company's setting, set by a credit manager (audited), else
the installation's default (`ARREARS_LIMITATION_LEAD_DAYS`, 90)."""

from __future__ import annotations

from typing import Any

from arrears.apps.communications.cli import SetOrShowCommand
from arrears.apps.communications.limitation import lead_days_set
from arrears.apps.communications.presentation import lead_days_words
from arrears.apps.communications.selectors import lead_days_of
from arrears.apps.ledger.models import Company


class Command(SetOrShowCommand):
    help = "Show or set how many days before a claim becomes time-barred legal is asked to act."
    set_help = "a credit manager sets the lead days (audited)"

    def add_set_arguments(self, put: Any) -> None:
        put.add_argument("days", type=int, help="days before the last day of a claim")

    def shown(self, company: Company) -> Any:
        return lead_days_of(company)

    def put(self, person: Any, company: Company, o: dict[str, Any]) -> Any:
        return lead_days_set(actor=person, company=company, days=o["days"])

    def said(self, company: Company, setting: Any) -> None:
        self.stdout.write(lead_days_words(setting))
