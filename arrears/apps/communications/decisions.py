"""Fees' part of what waits for a credit manager (`common.decisions`): the fee waivers asked
for, each decided through `fee_waive_decide` (as `arrears fee approve|refuse`), which checks
who may (never the one who asked) and records it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, Value

from arrears.apps.accounts.access import require
from arrears.apps.common.decisions import DecisionKind, Waiting
from arrears.apps.communications.fees import fee_waive_decide
from arrears.apps.communications.models import FeeWaiver, WaiverStatus
from arrears.apps.communications.presentation import fee_waiting_figures, waiver_words
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb

FEE_WHAT = "fee waiver"


def waivers_listed(*, actor: Any, company: Company) -> Any:
    """The fee waivers asked for as the page sorts them (`decisions.LISTED`; a fee's id)."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="decide what waits for approval")
    return FeeWaiver.objects.filter(fee__company=company, status=WaiverStatus.REQUESTED).annotate(
        w_id=F("fee_id"),
        w_on=F("requested_on"),
        w_debtor=F("fee__item__debtor__code"),
        w_what=Value(FEE_WHAT),
        w_by=F("requested_by__username"),
    )


def waivers_waiting(*, actor: Any, company: Company, ids: list[int] | None = None) -> list[Waiting]:
    """The company's fee waivers asked for and not decided (one query however many; only the
    fees `ids` when given)."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="decide what waits for approval")
    rows = FeeWaiver.objects.filter(fee__company=company, status=WaiverStatus.REQUESTED)
    if ids is not None:
        rows = rows.filter(fee_id__in=ids)
    rows = rows.select_related("fee__item__debtor", "requested_by").order_by("requested_on", "pk")
    return [
        Waiting(
            kind="fee",
            id=w.fee_id,
            label=f"fee {w.fee_id}",
            what=FEE_WHAT,
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
    listed=waivers_listed,
    fields={"fee.no_reason": "reason"},
)
