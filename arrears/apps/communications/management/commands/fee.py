"""`arrears fee list [--debtor CODE] [--pending]`, `arrears fee waive FEE --reason ...`,
`arrears fee approve|refuse FEE --reason ...`: the fees the run charged (rule 9); a waiver is
asked by anyone on the case and decided by a credit manager who did not ask (four eyes).
`arrears fee export FILE.csv|FILE.xlsx [--as-of DATE]`: the fees and interest claimed, per
item, for the ERP to book; each fee is exported once (docs/fees-and-limitation.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.cli import add_day_option, day
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.fees import (
    fee_waive_decide,
    fee_waive_request,
    fees_list,
)
from arrears.apps.communications.presentation import (
    FEE_ACTIONS_WORDS,
    fee_line_words,
    no_fees_words,
    waiver_words,
)


class Command(PersonCommand):
    help = "List fees, ask to waive one, approve or refuse a waiver, export fees for the ERP."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["list", "waive", "approve", "refuse", "export"])
        parser.add_argument("target", nargs="?", help="the fee's number, or the export's file")
        parser.add_argument("--reason", default="")
        parser.add_argument("--debtor")
        parser.add_argument("--pending", action="store_true", help="only waivers to decide")
        add_day_option(parser, "export: the interest is to this day")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        action = o["action"]
        if action == "list":
            lines = fees_list(
                actor=person, company=company, debtor=o["debtor"], pending=o["pending"]
            )
            for f in lines:
                self.stdout.write(fee_line_words(f))
            if not lines:
                self.stdout.write(no_fees_words(company.code))
            return
        if not o["target"]:
            raise CommandError(FEE_ACTIONS_WORDS[action])
        if action == "export":
            from arrears.apps.reports.fee_export import fees_export

            path = Path(o["target"])
            done = fees_export(actor=person, company=company, path=path, as_of=day(o))
            self.stdout.write(done)
            return
        if not o["target"].isdigit():
            raise CommandError(FEE_ACTIONS_WORDS[action])
        fee_id = int(o["target"])
        if action == "waive":
            w = fee_waive_request(actor=person, company=company, fee_id=fee_id, reason=o["reason"])
        else:
            w = fee_waive_decide(
                actor=person,
                company=company,
                fee_id=fee_id,
                approve=action == "approve",
                reason=o["reason"],
            )
        self.stdout.write(waiver_words(w))
