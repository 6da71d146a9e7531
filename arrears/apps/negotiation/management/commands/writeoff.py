"""`arrears writeoff DEBTOR --reason "insolvent" --user U [--part INV-1:100]`: ask a credit
manager to write off the case (or parts of items); `arrears approve` decides."""

from __future__ import annotations

from typing import Any

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import (
    APPROVE_HINT,
    DeskCommand,
    add_case_options,
    as_of,
    case_of,
    item_amount,
)
from arrears.apps.negotiation.cli import money as to_money
from arrears.apps.negotiation.presentation import writeoff_requested_words
from arrears.apps.negotiation.services import writeoff_request


class Command(DeskCommand):
    help = "Request a write-off (whole case or item parts); a credit manager approves it."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--part", type=item_amount, action="append", default=[])

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        case = case_of(company, o)
        wo = writeoff_request(
            case=case,
            actor=user,
            reason=o["reason"],
            as_of=as_of(o, company),
            parts=[(k, to_money(a, case.currency)) for k, a in o["part"]],
        )
        parts = list(wo.parts.select_related("item").order_by("item__due_date", "item_id"))
        asked = wo.approval_set.get()
        self.stdout.write(
            writeoff_requested_words(wo, parts, asked, case.currency, hint=APPROVE_HINT)
        )
