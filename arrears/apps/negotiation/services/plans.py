"""§6-7 Agreeing a payment plan: checked, stored with its instalments, approved when needed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Case
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    Instalment,
    Negotiation,
    PaymentPlan,
    PlanStatus,
    PromiseToPay,
)
from arrears.apps.negotiation.policy import negotiation_config
from arrears.apps.negotiation.selectors import promise_record_for
from arrears.apps.negotiation.services.common import (
    Refused,
    case_event,
    require_case_access,
    require_currency,
    require_open,
)
from arrears.domain.money import Money
from arrears.domain.negotiation import walk_away_for
from arrears.domain.plans import (
    DayCount,
    InterestTerms,
    approval_request,
    build_plan,
    plan_from_parts,
    validate_plan,
)
from arrears.domain.plans import PaymentPlan as DomainPlan
from arrears.domain.plans.model import sum_money
from arrears.domain.promises import PromiseState

SCHEDULE = "give either the due dates of equal instalments or the instalments themselves"
PROMISE_STANDS = "promise P{key} still stands on these items: cancel it before agreeing a plan"
PLAN_STANDS = "plan PL{key} already covers these items"


def plan_create(
    *,
    case: Case,
    actor: Any,
    as_of: date,
    principal: Money | None = None,
    due_dates: Sequence[date] = (),
    parts: Sequence[tuple[date, Money]] = (),
    down_payment: Money | None = None,
    annual_rate: Decimal | None = None,
    day_count: DayCount = DayCount.ACT_365_FIXED,
    acceleration_clause: bool = True,
    grace_business_days: int = 3,
    item_numbers: Sequence[str] = (),
    negotiation: Negotiation | None = None,
    pre_approved: bool = False,
) -> PaymentPlan:
    """Agree a plan on the case (default principal: the undisputed balance it covers).

    Beyond the walk-away point it waits in the approval queue (`pending_approval`) and keeps
    nothing off the ladder until approved. The same plan entered twice is stored once.
    """
    require_case_access(actor, case)
    require_open(case)
    if bool(due_dates) == bool(parts):
        raise Refused(SCHEDULE)
    with transaction.atomic():
        items = load.open_items(case)
        free = load.undisputed(case, items)
        keys = frozenset(item_numbers)
        covered = [a for k, a in free.items() if not keys or k in keys]
        principal = principal or sum_money(covered, case.currency)
        require_currency("the plan", principal.currency, case)
        plan = _build(
            principal,
            as_of,
            due_dates,
            parts,
            down_payment,
            annual_rate,
            day_count,
            keys,
            acceleration_clause,
            grace_business_days,
        )
        validate_plan(plan, as_of=as_of, open_items=free)
        existing = _same_plan(case, plan)
        if existing is not None:
            return existing
        _refuse_overlap(case, keys)
        request = _approval(case, plan, actor, as_of, sum_money(covered, case.currency))
        status = (
            PlanStatus.PENDING_APPROVAL
            if request and not pre_approved
            else (PlanStatus.GOOD_STANDING)
        )
        row = _store(case, actor, plan, items, status, negotiation)
        detail = _detail(row, plan, request)
        if status is PlanStatus.PENDING_APPROVAL:
            Approval.objects.create(
                case=case,
                kind=ApprovalKind.PLAN,
                requested_by=actor,
                requested_on=as_of,
                detail=detail,
                plan=row,
            )
        case_event(case, on=as_of, kind="plan", reason=detail, actor=actor)
        audit_record(
            action="plan.created", actor=actor, object_type="plan", object_id=row.pk, detail=detail
        )
    return row


def _build(
    principal: Money,
    as_of: date,
    due_dates: Sequence[date],
    parts: Sequence[tuple[date, Money]],
    down: Money | None,
    rate: Decimal | None,
    day_count: DayCount,
    keys: frozenset[str],
    acceleration: bool,
    grace: int,
) -> DomainPlan:
    if parts:
        for _, amount in parts:
            if amount.currency != principal.currency:
                raise Refused(f"instalment {amount} is not in {principal.currency}")
        return plan_from_parts(
            key="new",
            principal=principal,
            agreed_on=as_of,
            parts=parts,
            item_keys=keys,
            acceleration_clause=acceleration,
            grace_business_days=grace,
        )
    interest = InterestTerms(rate, day_count) if rate is not None else None
    return build_plan(
        key="new",
        principal=principal,
        agreed_on=as_of,
        due_dates=due_dates,
        down_payment=down,
        interest=interest,
        item_keys=keys,
        acceleration_clause=acceleration,
        grace_business_days=grace,
    )


def _same_plan(case: Case, plan: DomainPlan) -> PaymentPlan | None:
    for row in PaymentPlan.objects.filter(case=case, agreed_on=plan.agreed_on).exclude(
        status=PlanStatus.REFUSED
    ):
        if load.plan_domain(row).instalments == plan.instalments:
            return row
    return None


def _refuse_overlap(case: Case, keys: frozenset[str]) -> None:
    def overlaps(theirs: set[str]) -> bool:
        return not keys or not theirs or bool(keys & theirs)

    for p in PromiseToPay.objects.filter(case=case, state=PromiseState.OPEN).prefetch_related(
        "items"
    ):
        if overlaps({i.number for i in p.items.all()}):
            raise Refused(PROMISE_STANDS.format(key=p.pk))
    live = (PlanStatus.GOOD_STANDING, PlanStatus.PENDING_APPROVAL)
    for q in PaymentPlan.objects.filter(case=case, status__in=live).prefetch_related("items"):
        if overlaps({i.number for i in q.items.all()}):
            raise Refused(PLAN_STANDS.format(key=q.pk))


def _approval(
    case: Case, plan: DomainPlan, actor: Any, as_of: date, balance: Money
) -> dict[str, Any] | None:
    """The limits a plan goes beyond (None: within the collector's authority)."""
    record = promise_record_for(debtor=case.debtor, as_of=as_of)
    wa = walk_away_for(
        negotiation_config(), risk_tier=case.debtor.risk_tier, balance=balance, record=record
    )
    req = approval_request(
        plan,
        walk_away=wa,
        anchor=as_of,
        balance=balance,
        risk_tier=case.debtor.risk_tier,
        requested_by=actor.get_username(),
        requested_on=as_of,
    )
    if req is None:
        return None
    return {
        "exceeded": [str(x) for x in req.exceeded],
        "walk_away": [wa.max_days_to_first, str(wa.min_first_share), wa.max_days_to_last],
    }


def _store(
    case: Case,
    actor: Any,
    plan: DomainPlan,
    items: list[Any],
    status: PlanStatus,
    negotiation: Negotiation | None,
) -> PaymentPlan:
    row = PaymentPlan.objects.create(
        case=case,
        negotiation=negotiation,
        agreed_on=plan.agreed_on,
        currency=case.currency,
        principal_minor=plan.principal.to_minor(),
        annual_rate=plan.interest.annual_rate if plan.interest else None,
        day_count=str(plan.interest.day_count) if plan.interest else "",
        acceleration_clause=plan.acceleration_clause,
        grace_business_days=plan.grace_business_days,
        status=status,
        created_by=actor,
    )
    Instalment.objects.bulk_create(
        Instalment(
            plan=row,
            seq=i.seq,
            due_on=i.due_on,
            principal_minor=i.principal.to_minor(),
            interest_minor=i.interest.to_minor(),
        )
        for i in plan.instalments
    )
    if plan.item_keys:
        row.items.set([i for i in items if i.number in plan.item_keys])
    return row


def _detail(row: PaymentPlan, plan: DomainPlan, request: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "rule": "plan_agreed" if row.status == PlanStatus.GOOD_STANDING else "plan_needs_approval",
        "plan": row.pk,
        "principal_minor": plan.principal.to_minor(),
        "interest_minor": plan.total_interest.to_minor(),
        "currency": plan.currency,
        "instalments": [[i.due_on.isoformat(), i.amount.to_minor()] for i in plan.instalments],
        "acceleration_clause": plan.acceleration_clause,
        **(request or {}),
    }
