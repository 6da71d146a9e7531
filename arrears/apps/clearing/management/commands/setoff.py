"""`arrears setoff`: where we also owe a debtor, what could be set off, invoice by invoice."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from arrears.apps.clearing.presentation import setoff_lines
from arrears.apps.clearing.selectors import setoff_proposals
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date


class Command(PersonCommand):
    help = "Propose set-offs with debtors who are also our suppliers: their due invoices against ours to them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", nargs="?", help="one debtor's code (default: all)")
        add_company_option(parser)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (today)")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        as_of = o["as_of"] or timezone.localdate()
        found = setoff_proposals(
            actor=person, company=company, as_of=as_of, debtor_code=o["debtor"]
        )
        self.stdout.write(setoff_lines(found, company=company.code, as_of=as_of.isoformat()))
