"""`arrears setup`: create the database tables, a company, its default ladders, and on a new
installation its first administrator (whose access token is printed once).

On an installation that has an administrator already, setup acts as the person at the
terminal, who must be an administrator: of the company to change it, of any company to add one.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from arrears.apps.accounts.services import administrator_any_exists, token_create
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.common.cli import first_administrator_words, terminal_person
from arrears.apps.ledger.presentation import company_ready_words
from arrears.apps.ledger.services import company_bootstrap, company_setup
from arrears.domain.money import MoneyError
from arrears.domain.refusal import Refusal
from arrears.words import say

NEEDS_ADMIN = "a new installation needs its first administrator: add --admin USERNAME"


class Command(BaseCommand):
    help = "Migrate the database and create (or update) a company with the default ladders."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--company", required=True, help="short code, e.g. acme")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", required=True, help="ISO 4217, e.g. EUR")
        parser.add_argument("--jurisdiction", required=True, help="e.g. DE, FR, GB, EU")
        parser.add_argument("--admin", default="", help="new installation: the first administrator")
        parser.add_argument("--email", default="", help="the first administrator's email")

    def handle(self, *args: Any, **o: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        first = not administrator_any_exists()
        if first and not o["admin"]:
            raise CommandError(NEEDS_ADMIN)
        person = None if first else terminal_person()
        fields = {
            "code": o["company"],
            "name": o["name"],
            "currency": o["currency"].upper(),
            "jurisdiction": o["jurisdiction"].upper(),
        }
        try:
            with transaction.atomic():  # a refused setup leaves no company behind
                if first:
                    company, person = company_bootstrap(
                        **fields, admin=o["admin"], email=o["email"]
                    )
                else:
                    company = company_setup(actor=person, **fields)
                strategies_install_defaults(actor=person, company=company)
                token = token_create(actor=person, name="setup") if first else None
        except Refusal as e:
            raise CommandError(say(e)) from None
        except (ValueError, MoneyError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(company_ready_words(company))
        if token is not None and person is not None:
            self.stdout.write(first_administrator_words(person.get_username(), token.secret))
