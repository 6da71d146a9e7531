"""`arrears negotiation-close DEBTOR --reason WHY --user U`: end the case's open negotiation
without an agreement (its open approval requests are withdrawn)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, as_of, case_of
from arrears.apps.negotiation.models import Negotiation, NegotiationStatus
from arrears.apps.negotiation.presentation import (
    negotiation_status_words,
    no_open_negotiation_words,
)
from arrears.apps.negotiation.services import negotiation_close


class Command(DeskCommand):
    help = "Close the case's open negotiation without an agreement, with the reason."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument("--reason", required=True)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        case = case_of(company, o)
        neg = Negotiation.objects.filter(case=case, status=NegotiationStatus.OPEN).first()
        if neg is None:
            raise CommandError(no_open_negotiation_words(case.debtor.code))
        neg = negotiation_close(
            negotiation=neg, actor=user, as_of=as_of(o, company), reason=o["reason"]
        )
        self.stdout.write(negotiation_status_words(neg))
