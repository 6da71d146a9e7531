"""`arrears writeoff-cancel ID --reason WHY --user U`: cancel a write-off request before a
credit manager decides it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, as_of, write_off_id
from arrears.apps.negotiation.models import DecisionStatus, WriteOff
from arrears.apps.negotiation.presentation import (
    not_found_words,
    writeoff_already_cancelled_words,
    writeoff_status_words,
)
from arrears.apps.negotiation.services import writeoff_cancel


class Command(DeskCommand):
    help = "Cancel a write-off request that waits for approval, with the reason."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", type=write_off_id, help="the write-off number (W3 or 3)")
        parser.add_argument("--reason", required=True)
        add_case_options(parser, debtor=False)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        w = WriteOff.objects.filter(pk=o["id"], case__company=company).first()
        if w is None:
            raise CommandError(not_found_words("write_off", o["id"], company.code))
        if w.status == DecisionStatus.WITHDRAWN:  # the service leaves it as it is
            self.stdout.write(writeoff_already_cancelled_words(w))
            return
        w = writeoff_cancel(write_off=w, actor=user, as_of=as_of(o, company), reason=o["reason"])
        self.stdout.write(writeoff_status_words(w))
