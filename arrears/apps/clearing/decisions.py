"""Set-off's part of what waits for a credit manager (`common.decisions`): the proposed
set-offs, each decided through `setoff_decide` (as `arrears setoff approve|refuse`), which
checks who may (never the proposer) and records it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, Value

from arrears.apps.accounts.access import require
from arrears.apps.clearing.models import SetOff, SetOffState
from arrears.apps.clearing.presentation import setoff_decided_words, setoff_waiting_figures
from arrears.apps.clearing.services import setoff_decide
from arrears.apps.common.decisions import DecisionKind, Waiting
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal

SETOFF_WHAT = "set-off"


def setoffs_listed(*, actor: Any, company: Company) -> Any:
    """The proposed set-offs as the page sorts them (`decisions.LISTED`)."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="decide what waits for approval")
    return SetOff.objects.filter(company=company, state=SetOffState.PROPOSED).annotate(
        w_id=F("pk"),
        w_on=F("proposed_on"),
        w_debtor=F("debtor__code"),
        w_what=Value(SETOFF_WHAT),
        w_by=F("proposed_by__username"),
    )


def setoffs_waiting(*, actor: Any, company: Company, ids: list[int] | None = None) -> list[Waiting]:
    """The company's proposed set-offs with their pairs (three queries however many; only
    `ids` when given)."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="decide what waits for approval")
    rows = SetOff.objects.filter(company=company, state=SetOffState.PROPOSED)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows = (
        rows.select_related("debtor", "proposed_by")
        .prefetch_related("pairs__item", "pairs__payable")
        .order_by("proposed_on", "pk")
    )
    return [
        Waiting(
            kind="setoff",
            id=s.pk,
            label=f"S{s.pk}",
            what=SETOFF_WHAT,
            debtor_code=s.debtor.code,
            debtor_name=s.debtor.name,
            case_id=None,
            requested_by=s.proposed_by.get_username(),
            requested_by_id=s.proposed_by_id,
            requested_on=s.proposed_on,
            reason="",
            figures=setoff_waiting_figures(
                s.amount_minor,
                s.currency,
                [
                    (p.item.number, p.payable.number, p.amount_minor)
                    for p in sorted(s.pairs.all(), key=lambda p: p.pk)
                ],
            ),
        )
        for s in rows
    ]


def setoff_decide_waiting(
    *,
    actor: Any,
    company: Company,
    id: int,
    approve: bool,
    reason: str,
    on: date,
    choice: str = "",
) -> str:
    """`arrears setoff approve|refuse S3 [--reason R]`, for a set-off of this company."""
    if not SetOff.objects.filter(pk=id, company=company).exists():
        raise Refusal("setoff.not_found", id=id)
    return setoff_decided_words(
        setoff_decide(actor=actor, setoff_id=id, approve=approve, on=on, reason=reason)
    )


SETOFFS = DecisionKind(
    key="setoff",
    order=30,
    waiting=setoffs_waiting,
    decide=setoff_decide_waiting,
    listed=setoffs_listed,
    fields={"setoff.reason_required": "reason", "setoff.reason_too_long": "reason"},
)
