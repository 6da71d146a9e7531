"""`arrears fee list [--debtor CODE] [--pending]`, `arrears fee waive FEE --reason ...`,
`arrears fee approve|refuse FEE --reason ...`: the fees the run charged (rule 9); a waiver is
asked by anyone on the case and decided by a credit manager who did not ask (four eyes).
The export for the ERP is `arrears fees export` (reports)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

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
    help = "List the fees the run charged, ask to waive one, approve or refuse a waiver."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["list", "waive", "approve", "refuse"])
        parser.add_argument("target", nargs="?", help="the fee's number")
        parser.add_argument("--reason", default="")
        parser.add_argument("--debtor")
        parser.add_argument("--pending", action="store_true", help="only waivers to decide")
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
