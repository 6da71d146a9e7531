"""`arrears setup`: create the database tables, the company and its default ladders."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger.services import company_setup
from arrears.domain.money import MoneyError


class Command(BaseCommand):
    help = "Migrate the database and create (or update) a company with the default ladders."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--company", required=True, help="short code, e.g. acme")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", required=True, help="ISO 4217, e.g. EUR")
        parser.add_argument("--jurisdiction", required=True, help="e.g. DE, FR, GB, EU")

    def handle(self, *args: Any, **o: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        try:
            company = company_setup(
                code=o["company"],
                name=o["name"],
                currency=o["currency"].upper(),
                jurisdiction=o["jurisdiction"].upper(),
            )
        except (ValueError, MoneyError) as e:
            raise CommandError(str(e)) from None
        strategies_install_defaults(company=company)
        self.stdout.write(f"company {company.code} ({company.name}, {company.currency}) ready")
