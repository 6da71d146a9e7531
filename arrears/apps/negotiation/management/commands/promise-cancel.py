"""`arrears promise-cancel ID --reason WHY --user U`: withdraw a standing promise (e.g. before
negotiating new terms); a kept or broken promise stays as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, as_of, promise_id
from arrears.apps.negotiation.models import PromiseToPay
from arrears.apps.negotiation.presentation import not_found_words, promise_status_words
from arrears.apps.negotiation.services import promise_cancel


class Command(DeskCommand):
    help = "Withdraw a standing promise to pay, with the reason."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", type=promise_id, help="the promise number (P12 or 12)")
        parser.add_argument("--reason", required=True)
        add_case_options(parser, debtor=False)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        p = PromiseToPay.objects.filter(pk=o["id"], case__company=company).first()
        if p is None:
            raise CommandError(not_found_words("promise", o["id"], company.code))
        p = promise_cancel(promise=p, actor=user, as_of=as_of(o, company), reason=o["reason"])
        self.stdout.write(promise_status_words(p))
