"""`arrears propose DEBTOR --first 2026-12-10:400 [--rest 2027-02-10:1000 --instalments 2]`:
enter the debtor's proposal, print the engine's recommendation and the script to say. With
`--override ACTION --reason WHY` the collector's choice is the line to say, and the engine's
recommendation is kept as a note."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import count
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import (
    APPROVE_HINT,
    DeskCommand,
    add_case_options,
    as_of,
    case_of,
    dated_amount,
)
from arrears.apps.negotiation.cli import money as to_money
from arrears.apps.negotiation.presentation import proposal_words
from arrears.apps.negotiation.services import OverrideIn, negotiation_propose
from arrears.domain.negotiation import Condition, Terms
from arrears.domain.negotiation.history import Action

INSTALMENTS_WITHOUT_REST = (
    "--instalments is for a plan: give --rest LAST_DATE:TOTAL too (without --rest the proposal "
    "is one payment)"
)


class Command(DeskCommand):
    help = "Enter the debtor's proposal; print the recommendation, its reason and the script."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument(
            "--first", type=dated_amount, required=True, help="first payment YYYY-MM-DD:AMOUNT"
        )
        parser.add_argument(
            "--rest",
            type=dated_amount,
            help="for a plan: last date and the TOTAL covered, YYYY-MM-DD:TOTAL",
        )
        parser.add_argument(
            "--instalments", type=count, help="for a plan: payments after the first (default 1)"
        )
        parser.add_argument("--contact", required=True, help="who at the debtor proposes")
        parser.add_argument(
            "--override",
            choices=[str(a) for a in Action],
            help="do this instead of the recommendation (needs --reason)",
        )
        parser.add_argument("--reason", default="", help="why the collector overrides")
        parser.add_argument("--condition", choices=[str(c) for c in Condition])

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        case = case_of(company, o)
        cur = case.currency
        (first_on, first), rest = o["first"], o["rest"]
        if rest is None:
            if o["instalments"] is not None:
                raise CommandError(INSTALMENTS_WITHOUT_REST)
            terms = Terms.single(first_on, to_money(first, cur))
        else:
            n = 1 if o["instalments"] is None else o["instalments"]
            terms = Terms(first_on, to_money(first, cur), rest[0], to_money(rest[1], cur), n)
        override = None
        if o["override"]:
            cond = Condition(o["condition"]) if o["condition"] else None
            override = OverrideIn(Action(o["override"]), terms, o["reason"], cond)
        r = negotiation_propose(
            case=case,
            actor=user,
            proposal=terms,
            proposed_by=o["contact"],
            as_of=as_of(o, company),
            override=override,
        )
        self.stdout.write(proposal_words(r, override, hint=APPROVE_HINT))
