"""`arrears approval-withdraw ID --reason WHY --user U`: take back an open approval request (a
plan waiting on it is withdrawn, a write-off request cancelled)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, approval_id, as_of
from arrears.apps.negotiation.models import Approval, DecisionStatus
from arrears.apps.negotiation.presentation import (
    approval_already_withdrawn_words,
    approval_status_words,
    not_found_words,
)
from arrears.apps.negotiation.services import approval_withdraw


class Command(DeskCommand):
    help = "Withdraw an open approval request, with the reason."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", type=approval_id, help="the request number (A7 or 7)")
        parser.add_argument("--reason", required=True)
        add_case_options(parser, debtor=False)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        a = Approval.objects.filter(pk=o["id"], case__company=company).first()
        if a is None:
            raise CommandError(not_found_words("approval", o["id"], company.code))
        if a.status == DecisionStatus.WITHDRAWN:  # the service leaves it as it is
            self.stdout.write(approval_already_withdrawn_words(a))
            return
        a = approval_withdraw(approval=a, actor=user, as_of=as_of(o, company), reason=o["reason"])
        self.stdout.write(approval_status_words(a))
