"""§5-6 The desk's negotiation: enter the debtor's proposal, get and record the engine's answer.

The collector follows the recommendation or overrides it with a reason; either way the whole
exchange is stored as the case's negotiation history. Terms beyond the walk-away point go to the
credit manager's approval queue. An acceptance becomes a commitment at once: a promise to pay
(one payment) or a payment plan (several).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    DecisionStatus,
    Negotiation,
    NegotiationStatus,
    PaymentPlan,
    PromiseToPay,
)
from arrears.apps.negotiation.policy import desk_policy, negotiation_config
from arrears.apps.negotiation.selectors import promise_record_for
from arrears.apps.negotiation.services.balances import (
    Negotiable,
    negotiable_on,
    walk_away_detail,
)
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    record_change,
    require_amounts,
    require_case_access,
    require_currency,
    require_desk_day,
    require_open,
    require_within_horizon,
    store_events,
)
from arrears.apps.negotiation.services.plans import PlanIn, plan_create
from arrears.apps.negotiation.services.promises import promise_create
from arrears.apps.negotiation.services.withdrawals import (
    REPLACED_RULE,
    approvals_withdraw,
    negotiation_end,
)
from arrears.domain.negotiation import (
    Condition,
    EventKind,
    NegotiationContext,
    NegotiationHistory,
    Override,
    Recommendation,
    Terms,
    record_exchange,
    respond,
)
from arrears.domain.negotiation.history import Action
from arrears.domain.promises import PromiseChannel, PromiseState

IDLE = "no exchange for {days} days since {last} (the policy closes after {idle})"
AGREED = "the negotiation was agreed"
REPLACED = "replaced by a new request for {terms}"


@dataclass(frozen=True)
class OverrideIn:
    """The collector departs from the recommendation: what they chose instead, and why."""

    chosen: Action
    terms: Terms
    reason: str
    condition: Condition | None = None


@dataclass(frozen=True)
class ProposalResult:
    negotiation: Negotiation
    recommendation: Recommendation
    recorded: tuple[str, ...]  # the event kinds written after the proposal
    approval: Approval | None = None
    promise: PromiseToPay | None = None
    plan: PaymentPlan | None = None


def negotiation_propose(
    *,
    case: Case,
    actor: Any,
    proposal: Terms,
    proposed_by: str,
    as_of: date,
    override: OverrideIn | None = None,
    channel: PromiseChannel = PromiseChannel.PHONE,
) -> ProposalResult:
    """Record the debtor's proposal and the answer (recommended, or overridden with a reason)."""
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    require_currency("proposal", proposal.currency, case)
    if not proposed_by.strip():
        raise Refused("negotiation.no_contact")
    for terms in (proposal, override.terms if override else None):
        if terms is not None:
            _refuse_out_of_bounds(case, as_of, terms)
    who = actor.get_username()
    with transaction.atomic():
        case_lock(case, actor=actor)
        scope = negotiable_on(case, as_of)
        _refuse_covered(case, scope)
        neg = _current(case, actor, as_of)
        stored = list(neg.events.order_by("seq"))
        history = load.history_domain(stored, case.currency)
        context = NegotiationContext(
            as_of=as_of,
            balance=scope.balance,
            risk_tier=case.debtor.risk_tier,
            record=promise_record_for(debtor=case.debtor, as_of=as_of, with_plans=True),
            collector=who,
            holidays=holidays_for(company=case.company),
        )
        rec = respond(
            proposal, context=context, history=history, config=negotiation_config(case.company)
        )
        ov = None
        if override is not None:
            ov = Override(
                override.chosen, override.terms, override.reason, who, as_of, override.condition
            )
        new = record_exchange(
            history, rec, proposed_by=proposed_by, collector=who, on=as_of, override=ov
        )
        added = new.events[len(history.events) :]
        store_events(neg, _with_replaced(neg, added, rec), start=len(stored), script=rec.script)
        # the exchange first in the case history, then what it set off (request, commitment)
        detail = _detail(rec, added, override)
        record_change(case, actor=actor, on=as_of, kind="negotiation", obj=neg, detail=detail)
        result = _consequences(case, actor, neg, new, rec, proposed_by, as_of, channel, scope.items)
    return ProposalResult(neg, rec, tuple(str(e.kind) for e in added[1:]), *result)


def _refuse_out_of_bounds(case: Case, as_of: date, terms: Terms) -> None:
    require_amounts("proposed_amount", (terms.first_amount, terms.total))
    dated = (("first_payment", terms.first_on), ("last_payment", terms.last_on))
    require_within_horizon(case.company, as_of, dated)


def _refuse_covered(case: Case, scope: Negotiable) -> None:
    """A standing promise, or a live plan covering everything due, already commits the debtor:
    an acceptance could not become a commitment beside it, so say so before the engine runs.
    Invoices that fell due outside a plan are negotiated on their own."""
    waiting = (PromiseState.OPEN, PromiseState.PENDING_APPROVAL)
    p = PromiseToPay.objects.filter(case=case, state__in=waiting).order_by("id").first()
    if p is not None:
        raise Refused("negotiation.promise_stands", promise=p.pk)
    if scope.plans and not scope.items:
        q = scope.plans[0]
        raise Refused("negotiation.plan_stands", plan=q.pk)


def _current(case: Case, actor: Any, as_of: date) -> Negotiation:
    """The case's open negotiation, or a new one. One idle longer than the policy's
    `idle_days` (since its last event) is closed first: its anchor and concessions are stale."""
    open_ = Negotiation.objects.filter(case=case, status=NegotiationStatus.OPEN)
    neg = open_.order_by("-id").first()
    idle = desk_policy(case.company).idle_days
    if neg is not None and idle is not None:
        last = neg.events.aggregate(on=Max("on"))["on"] or neg.started_on
        if (as_of - last).days > idle:
            reason = IDLE.format(days=(as_of - last).days, last=last, idle=idle)
            negotiation_end(neg, actor=actor, on=as_of, reason=reason, rule="expired")
            neg = None
    if neg is None:
        neg = Negotiation.objects.create(case=case, started_on=as_of, started_by=actor)
    return neg


def _with_replaced(neg: Negotiation, added: Any, rec: Recommendation) -> list[Any]:
    """The events to store: a new approval request is preceded by the withdrawal of the one it
    replaces (`_ask_approval` withdraws it), so the exported history shows both."""
    out = list(added)
    at = next((k for k, e in enumerate(out) if e.kind is EventKind.APPROVAL_REQUESTED), None)
    if at is None:
        return out
    waiting = Approval.objects.filter(
        negotiation=neg, kind=ApprovalKind.TERMS, status=DecisionStatus.REQUESTED
    ).order_by("id")
    asked = out[at]
    gone = [
        replace(
            asked,
            kind=EventKind.APPROVAL_WITHDRAWN,
            terms=load.terms_from_json(a.detail["terms"], neg.case.currency),
            reason=f"A{a.pk} " + REPLACED.format(terms=rec.proposal.describe(rec.holidays)),
            reason_code="",
        )
        for a in waiting
    ]
    return out[:at] + gone + out[at:]


def _consequences(
    case: Case,
    actor: Any,
    neg: Negotiation,
    history: NegotiationHistory,
    rec: Recommendation,
    proposed_by: str,
    as_of: date,
    channel: PromiseChannel,
    items: tuple[str, ...],
) -> tuple[Approval | None, PromiseToPay | None, PaymentPlan | None]:
    last = history.events[-1]
    asked = [e for e in history.events[-2:] if e.kind is EventKind.APPROVAL_REQUESTED]
    if asked:
        return _ask_approval(case, actor, neg, rec, as_of), None, None
    if last.kind is not EventKind.ACCEPTANCE or last.terms is None:
        return None, None, None
    neg.status = NegotiationStatus.AGREED
    neg.save(update_fields=["status"])
    approvals_withdraw(
        Approval.objects.filter(negotiation=neg), actor=actor, on=as_of, reason=AGREED
    )
    terms = last.terms
    conditions = [str(c) for c in last.conditions]
    if not terms.is_plan:
        promise = promise_create(
            case=case,
            actor=actor,
            parts=[(terms.first_on, terms.first_amount)],
            given_by=proposed_by,
            channel=channel,
            as_of=as_of,
            negotiation=neg,
            conditions=conditions,
            item_numbers=items,
        )
        return None, promise, None
    plan = plan_create(
        case=case,
        actor=actor,
        as_of=as_of,
        schedule=PlanIn(
            parts=[(p.on, p.amount) for p in terms.parts(holidays_for(company=case.company))],
            principal=terms.total,
            item_numbers=items,
        ),
        negotiation=neg,
        pre_approved=True,
        conditions=conditions,
    )  # what was negotiated (`negotiable_on`); our plans always carry the acceleration clause
    return None, None, plan


def _ask_approval(
    case: Case, actor: Any, neg: Negotiation, rec: Recommendation, as_of: date
) -> Approval:
    exceeded = rec.approval.exceeded if rec.approval else ()
    detail = {
        "terms": load.terms_json(rec.proposal),
        "describe": rec.proposal.describe(rec.holidays),
        "currency": rec.balance.currency,
        "risk_tier": case.debtor.risk_tier,
        **walk_away_detail(rec.walk_away, exceeded, anchor=rec.anchor, balance=rec.balance),
    }
    # One open request per negotiation: the new proposal replaces the one still waiting.
    replaced = approvals_withdraw(
        Approval.objects.filter(negotiation=neg, kind=ApprovalKind.TERMS),
        actor=actor,
        on=as_of,
        reason=REPLACED.format(terms=rec.proposal.describe(rec.holidays)),
        rule=REPLACED_RULE,
    )
    detail["replaces"] = replaced
    return Approval.objects.create(
        case=case,
        kind=ApprovalKind.TERMS,
        requested_by=actor,
        requested_on=as_of,
        detail=detail,
        negotiation=neg,
    )


def _detail(rec: Recommendation, added: Any, override: OverrideIn | None) -> dict[str, Any]:
    return {
        "rule": "proposal",
        "proposal": rec.proposal.describe(rec.holidays),
        "recommended": str(rec.action),
        "recommended_terms": rec.terms.describe(rec.holidays),
        "reason_code": rec.reason.code if rec.reason else "",
        "condition": str(rec.condition) if rec.condition else "",
        "recorded": [str(e.kind) for e in added],
        "override": override.reason if override else "",
    }
