"""`arrears excuse DEBTOR no_money --user U` logs a contact and prints the answer to give;
`arrears excuse --list` shows the catalogue, `arrears excuse --stats` what each excuse led to."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from arrears.apps.common.cli import add_company_option, company_option, iso_date
from arrears.apps.negotiation.cli import case_of, user_named
from arrears.apps.negotiation.selectors import excuse_stats
from arrears.apps.negotiation.services import excuse_log
from arrears.domain.excuses import CATALOGUE, Excuse


class Command(BaseCommand):
    help = "Log the excuse a debtor gave (prints the prepared answer), or list / rate excuses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", nargs="?")
        parser.add_argument("excuse", nargs="?", choices=[str(e) for e in Excuse])
        parser.add_argument("--currency")
        parser.add_argument("--user")
        parser.add_argument("--contact", default="")
        parser.add_argument("--note", default="")
        parser.add_argument("--as-of", type=iso_date, default=None)
        parser.add_argument("--list", action="store_true", help="the catalogue of answers")
        parser.add_argument("--stats", action="store_true", help="share paid within 30 days")
        add_company_option(parser)

    def handle(self, *args: Any, **o: Any) -> None:
        if o["list"]:
            for a in CATALOGUE.values():
                self.stdout.write(f"{a.excuse}: {a.heard}\n  say: {a.answer}\n  then: {a.action}")
            return
        company = company_option(o["company"])
        as_of = o["as_of"] or date.today()
        if o["stats"]:
            for row in excuse_stats(company=company, as_of=as_of).iter_rows(named=True):
                self.stdout.write(
                    f"{row['excuse']:<28} cases {row['cases']:>6}  paid within "
                    f"30 days {row['paid']:>6}  ({row['share_pct']} %)"
                )
            return
        if not (o["debtor"] and o["excuse"] and o["user"]):
            raise CommandError("give DEBTOR EXCUSE --user U (or --list / --stats)")
        try:
            r = excuse_log(
                case=case_of(company, o),
                actor=user_named(o["user"]),
                excuse=Excuse(o["excuse"]),
                as_of=as_of,
                contact=o["contact"],
                note=o["note"],
            )
        except (ValueError, PermissionError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"say: {r.answer.answer}\nnext: {r.action.step_code} on {r.action.due_on}"
        )
