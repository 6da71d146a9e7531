"""`arrears approve` lists the approval queue: each request's kind, case, who asked and when,
and what it asks (for terms, a plan or a promise: the first payment and its date, the total, the
last date and the number of payments, the walk-away limits it goes beyond and those limits; for
a write-off the amount, items and reason; for a dispute credit the outcome, amount and dispute);
`arrears approve ID --grant|--refuse --reason R
--user U` decides (credit managers only, never their own request)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import (
    add_company_option,
    company_option,
    iso_date,
    refuse_bad_values,
    terminal_person,
)
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, approval_id, as_of, refusal_words
from arrears.apps.negotiation.models import Approval
from arrears.apps.negotiation.presentation import (
    approval_decided_words,
    approval_lines,
    not_found_words,
)
from arrears.apps.negotiation.selectors import approval_queue
from arrears.apps.negotiation.services import approval_decide
from arrears.domain.refusal import Refusal


class Command(DeskCommand):
    help = "The credit manager's approval queue, and decisions on it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", nargs="?", type=approval_id, help="the request number (A7 or 7)")
        verdict = parser.add_mutually_exclusive_group()
        verdict.add_argument("--grant", action="store_true")
        verdict.add_argument("--refuse", action="store_true")
        parser.add_argument("--reason", default="")
        parser.add_argument("--as-of", type=iso_date, default=None)
        add_company_option(parser)

    def handle(self, *args: Any, **o: Any) -> None:
        refuse_bad_values(o, self.lists)
        if o["id"] is None:
            person = terminal_person()
            company = company_option(o["company"], person)
            try:
                queue = approval_queue(actor=person, company=company)
            except Refusal as e:
                raise CommandError(refusal_words(e)) from None
            for a in queue:
                self.stdout.write("\n".join(approval_lines(a)))
            return
        if not (o["grant"] or o["refuse"]):
            raise CommandError("give --grant or --refuse, and --reason")
        super().handle(*args, **o)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        approval = Approval.objects.filter(pk=o["id"], case__company=company).first()
        if approval is None:
            raise CommandError(not_found_words("approval", o["id"], company.code))
        a = approval_decide(
            approval=approval,
            actor=user,
            approve=o["grant"],
            reason=o["reason"],
            as_of=as_of(o, company),
        )
        self.stdout.write(approval_decided_words(a))
