"""`arrears handover DEBTOR --to legal --owner lena --reason R --user maria`: hand the account
to legal or an agency (credit managers only); the new owner is recorded with the reason."""

from __future__ import annotations

from typing import Any

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, as_of, case_of, member_named
from arrears.apps.negotiation.models import HandoverTarget
from arrears.apps.negotiation.presentation import handed_over_done_words
from arrears.apps.negotiation.services import case_handover


class Command(DeskCommand):
    help = "Hand a debtor's account over to legal or a collection agency."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument("--to", required=True, choices=[str(t) for t in HandoverTarget])
        parser.add_argument("--owner", required=True, help="the new owner (username)")
        parser.add_argument("--agency", default="")
        parser.add_argument("--reason", required=True)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        h = case_handover(
            case=case_of(company, o),
            actor=user,
            to=HandoverTarget(o["to"]),
            new_owner=member_named(company, o["owner"]),
            reason=o["reason"],
            as_of=as_of(o, company),
            agency=o["agency"],
        )
        self.stdout.write(handed_over_done_words(h))
