"""`arrears assign`: give a debtor an owner, or every unowned debtor by a rule (§1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.cli import ASSIGN_USAGE, add_day_option, day
from arrears.apps.cases.presentation import assigned_lines
from arrears.apps.cases.services import debtor_assign, debtors_assign_unowned
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.domain.assignment import AssignRule, parse_mapping

RULES = {"round-robin": AssignRule.ROUND_ROBIN, "country": AssignRule.COUNTRY}
RULES["segment"] = AssignRule.SEGMENT


class Command(PersonCommand):
    help = (
        "Give a debtor an owner, or every unowned debtor by a rule (round-robin, country, segment)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", nargs="?", help="the debtor's code (or --unowned)")
        parser.add_argument("--to", default="", help="the new owner (one debtor)")
        parser.add_argument("--unowned", action="store_true", help="every debtor without owner")
        parser.add_argument("--rule", choices=sorted(RULES), default="round-robin")
        parser.add_argument("--collectors", default="", help="round-robin among these (a,b,c)")
        parser.add_argument("--map", default="", help="country or segment: DE=cora,AT=carl")
        parser.add_argument("--reason", required=True, help="why (recorded with the hand-off)")
        add_day_option(parser, "the day of the hand-off")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if not o["unowned"]:
            if not (o["debtor"] and o["to"]):
                raise CommandError(ASSIGN_USAGE)
            done = debtor_assign(
                actor=person,
                company=company,
                debtor_code=o["debtor"],
                owner=o["to"],
                reason=o["reason"],
                on=day(o),
            )
            self.stdout.write("\n".join(assigned_lines(done, debtor=o["debtor"], owner=o["to"])))
            return
        rule = RULES[o["rule"]]
        done = debtors_assign_unowned(
            actor=person,
            company=company,
            rule=rule,
            reason=o["reason"],
            on=day(o),
            collectors=[c.strip() for c in o["collectors"].split(",") if c.strip()] or None,
            mapping=parse_mapping(o["map"]) if rule is not AssignRule.ROUND_ROBIN else None,
        )
        self.stdout.write("\n".join(assigned_lines(done, rule=rule.value)))
