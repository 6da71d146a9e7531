"""`arrears rate set|list`: the exchange rates into the company's currency (figures across
currencies, the worklist's ranking and ageing in company currency need them)."""

from __future__ import annotations

from datetime import date
from decimal import InvalidOperation
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.ledger.presentation import rate_line
from arrears.apps.ledger.selectors import exchange_rates_list
from arrears.apps.ledger.services import exchange_rate_set
from arrears.domain.money import MoneyError, parse_decimal


class Command(PersonCommand):
    help = "Set an exchange rate (company currency per unit of CURRENCY) from a day, or list them."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        put = sub.add_parser("set", help="a rate valid from a day (default: 2000-01-01)")
        put.add_argument("currency")
        put.add_argument("rate", help="e.g. 0.92: company currency per unit")
        put.add_argument("--from", dest="valid_from", type=iso_date, default=date(2000, 1, 1))
        listing = sub.add_parser("list")
        for p in (put, listing):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        if o["verb"] == "list":
            company = self.company_for(person, o)
            for r in exchange_rates_list(actor=person, company=company):
                self.stdout.write(rate_line(r, company.currency))
            return
        company = self.company_for(person, o)
        try:
            rate = parse_decimal(o["rate"])
            row = exchange_rate_set(
                company=company,
                currency=o["currency"].upper(),
                rate=rate,
                valid_from=o["valid_from"],
                actor=person,
            )
        except (MoneyError, ValueError, InvalidOperation) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(rate_line(row, company.currency))
