"""`arrears promise DEBTOR --part 2026-12-04:500.00 --contact NAME --user U`: record a promise."""

from __future__ import annotations

from typing import Any

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
from arrears.apps.negotiation.presentation import promise_made_lines
from arrears.apps.negotiation.services import promise_create
from arrears.domain.negotiation import Condition
from arrears.domain.promises import PromiseChannel


class Command(DeskCommand):
    help = "Record a promise to pay (one or more dated amounts) taken from the debtor's contact."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument(
            "--part",
            type=dated_amount,
            action="append",
            required=True,
            help="YYYY-MM-DD:AMOUNT, repeat for several dates",
        )
        parser.add_argument("--contact", required=True, help="who at the debtor promised")
        parser.add_argument("--channel", default="phone", choices=[str(c) for c in PromiseChannel])
        parser.add_argument("--item", action="append", default=[], help="item number(s) covered")
        parser.add_argument(
            "--condition",
            action="append",
            default=[],
            choices=[str(c) for c in Condition],
            help="what the debtor gives for the terms (repeat for several)",
        )
        parser.add_argument(
            "--override-reason",
            default="",
            help="why, when the promise departs from the offer that stands in a negotiation",
        )

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        case = case_of(company, o)
        p = promise_create(
            case=case,
            actor=user,
            parts=[(d, to_money(a, case.currency)) for d, a in o["part"]],
            given_by=o["contact"],
            channel=PromiseChannel(o["channel"]),
            as_of=as_of(o, company),
            item_numbers=o["item"],
            conditions=o["condition"],
            override_reason=o["override_reason"],
        )
        asked = p.approval_set.filter(status="requested").first()
        for line in promise_made_lines(p, asked, hint=APPROVE_HINT):
            self.stdout.write(line)
