"""§6-7 Agreeing a payment plan: checked, stored with its instalments, approved when needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for
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
from arrears.apps.negotiation.policy import desk_policy
from arrears.apps.negotiation.services.balances import (
    beyond_walk_away,
    live_plans,
    overdue,
    plan_scope,
)
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    conditions_follow_up,
    record_change,
    refuse_named_twice,
    require_amounts,
    require_case_access,
    require_currency,
    require_desk_day,
    require_open,
    require_within_horizon,
)
from arrears.apps.negotiation.services.promises import overlaps, override_recorded
from arrears.domain.money import Money
from arrears.domain.negotiation import Condition
from arrears.domain.plans import (
    DayCount,
    InterestTerms,
    build_plan,
    monthly_dates,
    on_business_days,
    plan_from_parts,
    validate_plan,
)
from arrears.domain.plans import PaymentPlan as DomainPlan
from arrears.domain.plans.model import sum_money
from arrears.domain.promises import PromiseState, net_of_credit


@dataclass(frozen=True)
class PlanIn:
    """A plan as the collector enters it: equal instalments on `due_dates` (with an optional
    down payment today and interest), or hand-entered `parts`; principal by default the
    negotiable balance (outside disputes and write-offs) of the items covered (`item_numbers`;
    none: what is due, less the credit we hold)."""

    due_dates: Sequence[date] = ()
    parts: Sequence[tuple[date, Money]] = ()
    first_due: date | None = None  # with `count`: equal monthly instalments from this day
    count: int = 0
    principal: Money | None = None
    down_payment: Money | None = None
    annual_rate: Decimal | None = None
    day_count: DayCount = DayCount.ACT_365_FIXED
    acceleration_clause: bool = True
    grace_business_days: int | None = None  # None: the company's policy
    item_numbers: Sequence[str] = ()

    def dates(self) -> tuple[date, ...]:
        """The equal instalments' due dates: `due_dates`, or `count` dates a month apart from
        `first_due` (`plan_create` bounds both before they are counted out)."""
        if self.first_due is None:
            return tuple(self.due_dates)
        return (*self.due_dates, *monthly_dates(self.first_due, self.count))

    def build(
        self,
        *,
        agreed_on: date,
        default_principal: Money,
        policy_grace: int = 3,
        not_yet_due: Sequence[tuple[date, Money]] = (),
        holidays: frozenset[date] = frozenset(),
    ) -> DomainPlan:
        due_dates = self.dates()
        if bool(due_dates) == bool(self.parts) or (self.first_due and self.due_dates):
            raise Refused("plan.schedule")
        if self.parts and (self.down_payment is not None or self.annual_rate is not None):
            raise Refused("plan.parts_and_terms")
        principal = self.principal or default_principal
        keys = frozenset(self.item_numbers)
        accel, grace = self.acceleration_clause, self.grace_business_days
        grace = policy_grace if grace is None else grace
        if self.parts:
            for _, amount in self.parts:
                if amount.currency != principal.currency:
                    raise Refused(
                        "plan.instalment_currency",
                        amount=amount.amount,
                        currency=amount.currency,
                        want=principal.currency,
                    )
            return plan_from_parts(
                key="new",
                principal=principal,
                agreed_on=agreed_on,
                parts=self.parts,
                item_keys=keys,
                acceleration_clause=accel,
                grace_business_days=grace,
            )
        rate = self.annual_rate
        interest = InterestTerms(rate, self.day_count) if rate is not None else None
        return build_plan(
            key="new",
            principal=principal,
            agreed_on=agreed_on,
            # §6 monthly instalments fall on business days (hand-entered parts stay as typed)
            due_dates=on_business_days(
                due_dates, after=agreed_on - timedelta(days=1), holidays=holidays
            ),
            down_payment=self.down_payment,
            interest=interest,
            item_keys=keys,
            acceleration_clause=accel,
            grace_business_days=grace,
            not_yet_due=not_yet_due,
        )


def plan_create(
    *,
    case: Case,
    actor: Any,
    as_of: date,
    schedule: PlanIn,
    negotiation: Negotiation | None = None,
    pre_approved: bool = False,
    conditions: Sequence[str] = (),
    override_reason: str = "",
) -> PaymentPlan:
    """Agree a plan on the case. It covers what is due on `as_of` (the items past their due
    date, less the credit we hold), or the items named (`schedule.item_numbers`), which may
    include invoices not yet due: those bear interest only once due. Only items issued by
    `as_of` count. Beyond the walk-away point it waits in the approval queue
    (`pending_approval`) and keeps nothing off the ladder until approved. The same plan
    entered twice is stored once. `conditions` are stored and the dates kept as agreed; those
    that need checking (payment today among them) become tasks (as for promises). Typed in
    while our offer stands in an open negotiation, a plan below it or without a concession's
    condition needs `override_reason` and closes the negotiation as an override (as a promise
    does: `promises.direct_override`)."""
    conditions = [str(Condition(c)) for c in conditions]
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    _refuse_out_of_bounds(case, as_of, schedule)
    with transaction.atomic():
        case_lock(case, actor=actor)
        items = load.open_items(case, as_of)
        free = load.negotiable(case, items)
        keys = frozenset(schedule.item_numbers)
        chosen = [i for i in items if i.number in keys] if keys else overdue(items, as_of)
        covered = {i.number: free[i.number] for i in chosen}
        credit = None if keys else load.m(load.credit_minor(case, as_of), case.currency)
        balance = net_of_credit(sum_money(covered.values(), case.currency), keys, credit)
        for key in sorted(keys - free.keys()):  # named, but not open (or not issued) then
            raise Refused("plan.unknown_item", item=key)
        if balance.to_minor() <= 0:
            if keys:
                raise Refused("plan.nothing_open", items=sorted(keys))
            raise Refused("plan.nothing_due", on=as_of)
        later = [(i.due_date, free[i.number]) for i in chosen if i.due_date >= as_of]
        grace = desk_policy(case.company).plan_grace_business_days
        plan = schedule.build(
            agreed_on=as_of,
            default_principal=balance,
            policy_grace=grace,
            not_yet_due=later,
            holidays=holidays_for(company=case.company),
        )
        require_currency("plan", plan.currency, case)
        validate_plan(plan, as_of=as_of, open_items=free if keys else covered, credit=credit)
        existing = _same_plan(case, plan)
        if existing is not None:
            return existing
        _refuse_overlap(case, keys or frozenset(covered))  # without items: what is due
        request = (
            None
            if pre_approved
            else beyond_walk_away(
                case, plan.terms(), balance=balance, as_of=as_of, items=chosen if keys else ()
            )
        )
        status = PlanStatus.PENDING_APPROVAL if request else PlanStatus.GOOD_STANDING
        overridden = None
        if negotiation is None:
            overridden = override_recorded(
                case,
                plan.terms(),
                conditions,
                actor=actor,
                reason=override_reason,
                on=as_of,
                kind="plan",
            )
        if overridden is not None:
            negotiation = overridden.negotiation
        row = _store(case, actor, plan, items, status, negotiation, sorted(covered))
        if conditions:
            row.conditions = conditions
            row.save(update_fields=["conditions"])
            conditions_follow_up(case, conditions, on=as_of)
        detail = {**_detail(row, plan, request), "conditions": conditions}
        if overridden is not None:
            detail.update(override=override_reason, override_kind=overridden.why)
        if request:
            Approval.objects.create(
                case=case,
                kind=ApprovalKind.PLAN,
                requested_by=actor,
                requested_on=as_of,
                detail=detail,
                plan=row,
            )
        record_change(case, actor=actor, on=as_of, kind="plan", obj=row, detail=detail)
    return row


def _refuse_out_of_bounds(case: Case, as_of: date, schedule: PlanIn) -> None:
    """Amounts below `MAX_AMOUNT`, dates within the policy's horizon, each item named once,
    and a rate from 0 to the policy's `max_plan_rate`. Monthly instalments are counted out
    only once their first date lies within the horizon and their number fits in it."""
    amounts = [schedule.principal, schedule.down_payment, *(a for _, a in schedule.parts)]
    require_amounts("plan_amount", amounts)
    if schedule.first_due is not None:
        require_within_horizon(case.company, as_of, [("instalment", schedule.first_due)])
        months = desk_policy(case.company).horizon_days // 28 + 1  # what a horizon can hold
        if not 1 <= schedule.count <= months:
            raise Refused("plan.count", count=schedule.count, most=months)
    dated = [*schedule.dates(), *(on for on, _ in schedule.parts)]
    require_within_horizon(case.company, as_of, (("instalment", on) for on in dated))
    refuse_named_twice(schedule.item_numbers, "plan")
    rate = schedule.annual_rate
    if rate is None:
        return
    if not rate.is_finite():
        raise Refused("plan.rate_not_finite", rate=rate)
    if rate < 0:
        raise Refused("plan.rate_negative", rate=rate)
    most = desk_policy(case.company).max_plan_rate
    if rate > most:
        raise Refused("plan.rate_too_high", rate=rate, most=most)


def _same_plan(case: Case, plan: DomainPlan) -> PaymentPlan | None:
    gone = (PlanStatus.REFUSED, PlanStatus.WITHDRAWN)
    for row in PaymentPlan.objects.filter(case=case, agreed_on=plan.agreed_on).exclude(
        status__in=gone
    ):
        if load.plan_domain(row).instalments == plan.instalments:
            return row
    return None


def _refuse_overlap(case: Case, keys: frozenset[str]) -> None:
    """No second commitment on the same items: a promise (standing or waiting for approval)
    or another live plan."""
    waiting = (PromiseState.OPEN, PromiseState.PENDING_APPROVAL)
    for p in PromiseToPay.objects.filter(case=case, state__in=waiting).prefetch_related("items"):
        if overlaps(keys, {i.number for i in p.items.all()}):
            raise Refused("plan.promise_stands", promise=p.pk)
    for q in live_plans(case):
        if overlaps(keys, plan_scope(q)):
            raise Refused("plan.plan_stands", plan=q.pk)


def _store(
    case: Case,
    actor: Any,
    plan: DomainPlan,
    items: list[Any],
    status: PlanStatus,
    negotiation: Negotiation | None,
    covered: list[str],
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
        already_counted=load.known_receipts(case, plan.agreed_on),
        covered_items=covered,
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
        "items": sorted(plan.item_keys),
        **(request or {}),
    }
