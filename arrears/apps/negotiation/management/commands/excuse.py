"""`arrears excuse DEBTOR no_money` logs a contact and prints the answer to give (with
`--own-words` the collector answered otherwise: recorded so), what to do now and next;
`arrears excuse --list` shows the catalogue (with the company's follow-up delays),
`arrears excuse --stats` what each excuse and answer led to (cases paid in full, amount
recovered within 30 days). The excuse may come before or after the
options (`arrears excuse DEBTOR --user U no_money`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.clearing.presentation import setoff_hint
from arrears.apps.clearing.selectors import case_setoff_possible
from arrears.apps.common.cli import (
    add_company_option,
    company_option,
    iso_date,
    refuse_bad_values,
    terminal_person,
)
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, as_of, case_of, today
from arrears.apps.negotiation.presentation import (
    excuse_catalogue_words,
    excuse_logged_words,
    excuse_stats_lines,
)
from arrears.apps.negotiation.selectors import excuse_stats, negotiation_policy_read
from arrears.apps.negotiation.services import excuse_log
from arrears.domain.excuses import CATALOGUE, OWN_WORDS, Excuse
from arrears.domain.refusal import Refusal
from arrears.words import say as say_refusal

STATS_WINDOW_DAYS = 30


class Command(DeskCommand):
    help = "Log the excuse a debtor gave (prints the prepared answer), or list / rate excuses."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        """DEBTOR and EXCUSE may stand anywhere among the options: argparse's intermixed
        parsing reads the options first, then the words left over as the positionals."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", nargs="?")
        parser.add_argument("excuse", nargs="?", choices=[str(e) for e in Excuse])
        parser.add_argument("--currency")
        parser.add_argument("--contact", default="")
        parser.add_argument("--note", default="")
        parser.add_argument("--as-of", type=iso_date, default=None)
        parser.add_argument("--list", action="store_true", help="the catalogue of answers")
        parser.add_argument("--stats", action="store_true", help="share paid within 30 days")
        parser.add_argument(
            "--own-words", action="store_true", help="the collector answered in their own words"
        )
        add_company_option(parser)

    def handle(self, *args: Any, **o: Any) -> None:
        refuse_bad_values(o, self.lists)
        if o["list"] or o["stats"]:
            person = terminal_person()
            company = company_option(o["company"], person)
            try:
                self._read(person, company, o)
            except Refusal as e:
                raise CommandError(say_refusal(e)) from None
            return
        if not (o["debtor"] and o["excuse"]):
            raise CommandError("give DEBTOR EXCUSE (or --list / --stats)")
        super().handle(*args, **o)

    def _read(self, person: Any, company: Company, o: dict[str, Any]) -> None:
        if o["list"]:
            policy = negotiation_policy_read(actor=person, company=company).policy
            for a in CATALOGUE.values():
                self.stdout.write(excuse_catalogue_words(a, policy.follow_up_days(a.excuse)))
            return
        day = o["as_of"] or today()
        stats = excuse_stats(
            actor=person, company=company, as_of=day, window_days=STATS_WINDOW_DAYS
        )
        for line in excuse_stats_lines(stats, as_of=day, window_days=STATS_WINDOW_DAYS):
            self.stdout.write(line)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        r = excuse_log(
            case=case_of(company, o),
            actor=user,
            excuse=Excuse(o["excuse"]),
            as_of=as_of(o, company),
            contact=o["contact"],
            note=o["note"],
            answer=OWN_WORDS if o["own_words"] else None,
        )
        self.stdout.write(excuse_logged_words(r))
        if r.log.excuse == Excuse.OTHERS_OWE_US:  # rule 11: we may owe them too
            found = case_setoff_possible(actor=user, case=r.log.case, as_of=r.log.logged_on)
            hint = setoff_hint(found)
            if hint:
                self.stdout.write(hint)
