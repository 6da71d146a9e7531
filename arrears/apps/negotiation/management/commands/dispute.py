"""`arrears dispute DEBTOR --part INV-1:250.00 --reason goods_damaged --user U` opens one;
`arrears dispute DEBTOR --resolve 12 --outcome credit_note --user U` resolves it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import iso_date
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import (
    DeskCommand,
    add_case_options,
    as_of,
    case_of,
    dispute_id,
    item_amount,
)
from arrears.apps.negotiation.cli import money as to_money
from arrears.apps.negotiation.models import Dispute
from arrears.apps.negotiation.presentation import dispute_opened_words, dispute_resolved_words
from arrears.apps.negotiation.services import dispute_open, dispute_resolve
from arrears.domain.disputes import DisputeOutcome, DisputeReason


class Command(DeskCommand):
    help = "Open a dispute on part of one or more items, or resolve one."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument(
            "--part",
            type=item_amount,
            action="append",
            default=[],
            help="ITEM-NUMBER:AMOUNT disputed",
        )
        parser.add_argument("--reason", choices=[str(r) for r in DisputeReason])
        parser.add_argument("--deadline", type=iso_date)
        parser.add_argument("--note", default="")
        parser.add_argument("--resolve", type=dispute_id, help="the dispute to resolve (D12 or 12)")
        parser.add_argument("--outcome", choices=[str(x) for x in DisputeOutcome])
        parser.add_argument("--credited", help="amount credited, for a partial credit")
        parser.add_argument("--why", default="", help="the reason for a write-off")

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        case = case_of(company, o)
        if o["resolve"]:
            d = Dispute.objects.filter(pk=o["resolve"], case=case).first()
            if d is None or not o["outcome"]:
                raise CommandError("give --resolve with a dispute of this case and --outcome")
            credited = to_money(o["credited"], case.currency) if o["credited"] else None
            d = dispute_resolve(
                dispute=d,
                actor=user,
                outcome=DisputeOutcome(o["outcome"]),
                as_of=as_of(o, company),
                credited=credited,
                reason=o["why"],
            )
            self.stdout.write(dispute_resolved_words(d, o["outcome"]))
            return
        if not o["part"] or not o["reason"]:
            raise CommandError("give at least one --part and the --reason")
        d = dispute_open(
            case=case,
            actor=user,
            parts=[(k, to_money(a, case.currency)) for k, a in o["part"]],
            reason=DisputeReason(o["reason"]),
            as_of=as_of(o, company),
            deadline=o["deadline"],
            note=o["note"],
        )
        parts = [(k, to_money(a, case.currency)) for k, a in o["part"]]
        self.stdout.write(dispute_opened_words(d, parts))
