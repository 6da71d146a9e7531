"""`arrears plan DEBTOR --first-due 2026-12-15 --count 6 [--down 500] [--rate 0.08] --user U`
(equal monthly instalments) or `--part DATE:AMOUNT ...` (entered by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import count, iso_date
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import (
    APPROVE_HINT,
    DeskCommand,
    add_case_options,
    as_of,
    case_of,
    dated_amount,
    rate,
)
from arrears.apps.negotiation.cli import money as to_money
from arrears.apps.negotiation.presentation import plan_made_lines
from arrears.apps.negotiation.services import PlanIn, plan_create
from arrears.domain.negotiation import Condition
from arrears.domain.plans import DayCount


class Command(DeskCommand):
    help = "Agree a payment plan; beyond the walk-away point it waits for approval."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument("--first-due", type=iso_date, help="first monthly instalment")
        parser.add_argument("--count", type=count, default=0, help="number of monthly instalments")
        parser.add_argument(
            "--part",
            type=dated_amount,
            action="append",
            default=[],
            help="YYYY-MM-DD:AMOUNT instalments entered by hand",
        )
        parser.add_argument("--principal", help="amount covered (default: undisputed balance)")
        parser.add_argument("--down", help="down payment due today")
        parser.add_argument("--rate", type=rate, help="annual simple interest, 0.08 = 8 %%")
        parser.add_argument("--day-count", default="act/365", choices=[str(d) for d in DayCount])
        parser.add_argument("--no-acceleration", action="store_true")
        parser.add_argument("--item", action="append", default=[], help="item number(s) covered")
        parser.add_argument(
            "--condition",
            action="append",
            default=[],
            choices=[str(c) for c in Condition],
            help="what the debtor gives for the plan (repeat for several)",
        )
        parser.add_argument(
            "--override-reason",
            default="",
            help="why, when the plan departs from the offer that stands in a negotiation",
        )

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        if o["count"] and not o["first_due"]:
            raise CommandError("--count needs --first-due (the first monthly instalment)")
        case = case_of(company, o)
        cur = case.currency
        plan = plan_create(
            case=case,
            actor=user,
            as_of=as_of(o, company),
            schedule=PlanIn(
                first_due=o["first_due"],
                count=o["count"],
                parts=[(d, to_money(a, cur)) for d, a in o["part"]],
                principal=to_money(o["principal"], cur) if o["principal"] else None,
                down_payment=to_money(o["down"], cur) if o["down"] else None,
                annual_rate=o["rate"],
                day_count=DayCount(o["day_count"]),
                acceleration_clause=not o["no_acceleration"],
                item_numbers=o["item"],
            ),
            conditions=o["condition"],
            override_reason=o["override_reason"],
        )
        asked = plan.approval_set.filter(status="requested").first()
        lines = plan_made_lines(plan, list(plan.instalments.all()), asked, cur, hint=APPROVE_HINT)
        for line in lines:
            self.stdout.write(line)
