"""Fees' part of what waits for a credit manager (`common.decisions`): the fee waivers asked
for, each decided through `fee_waive_decide` (as `arrears fee approve|refuse`), which checks
who may (never the one who asked) and records it."""

from __future__ import annotations

from datetime import date
from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.common.decisions import DecisionKind, Waiting
from arrears.apps.communications.fees import fee_waive_decide
from arrears.apps.communications.models import FeeWaiver, WaiverStatus
from arrears.apps.communications.presentation import fee_waiting_figures, waiver_words
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb


def waivers_waiting(*, actor: Any, company: Company) -> list[Waiting]:
    """The company's fee waivers asked for and not decided (one query however many)."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="decide what waits for approval")
    rows = (
        FeeWaiver.objects.filter(fee__company=company, status=WaiverStatus.REQUESTED)
        .select_related("fee__item__debtor", "requested_by")
        .order_by("requested_on", "pk")
    )
    return [
        Waiting(
            kind="fee",
            id=w.fee_id,
            label=f"fee {w.fee_id}",
            what="fee waiver",
            debtor_code=w.fee.item.debtor.code,
            debtor_name=w.fee.item.debtor.name,
            case_id=None,
            requested_by=w.requested_by.get_username(),
            requested_by_id=w.requested_by_id,
            requested_on=w.requested_on,
            reason=w.reason,
            figures=fee_waiting_figures(w.fee),
        )
        for w in rows
    ]


def waiver_decide_waiting(
    *,
    actor: Any,
    company: Company,
    id: int,
    approve: bool,
    reason: str,
    on: date,
    choice: str = "",
) -> str:
    """`arrears fee approve|refuse F --reason R`, for a fee of this company."""
    return waiver_words(
        fee_waive_decide(actor=actor, company=company, fee_id=id, approve=approve, reason=reason)
    )


FEE_WAIVERS = DecisionKind(
    key="fee",
    order=35,
    waiting=waivers_waiting,
    decide=waiver_decide_waiting,
    fields={"fee.no_reason": "reason"},
)
