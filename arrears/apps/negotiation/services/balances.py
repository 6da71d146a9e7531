"""§5-6 What a commitment is measured against: what is due, less the debtor's money we hold, and
outside what a live plan already covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import PaymentPlan, PlanStatus, PromiseToPay
from arrears.apps.negotiation.policy import negotiation_config
from arrears.apps.negotiation.selectors import promise_record_for
from arrears.apps.negotiation.services.common import Refused
from arrears.domain.matching import Receipt, receipt_scope
from arrears.domain.money import Money
from arrears.domain.negotiation import Limit, Terms, WalkAway, walk_away_for
from arrears.domain.plans import plan_status
from arrears.domain.plans.model import sum_money
from arrears.domain.promises import PromiseState, net_of_credit

LIVE_PLAN = (PlanStatus.GOOD_STANDING, PlanStatus.PENDING_APPROVAL)


def overdue(items: Sequence[Any], as_of: date) -> list[Any]:
    """The items past their due date on `as_of`: what a collector negotiates and plans."""
    return [i for i in items if i.due_date < as_of]


def plan_scope(plan: PaymentPlan) -> frozenset[str]:
    """The item numbers a plan covers: those named, else those it covered when agreed (empty:
    an old whole-case row, which covers everything)."""
    named = {i.number for i in plan.items.all()}
    return frozenset(named or plan.covered_items)


def live_plans(case: Case) -> list[PaymentPlan]:
    rows = PaymentPlan.objects.filter(case=case, status__in=LIVE_PLAN).order_by("id")
    return list(rows.prefetch_related("items"))


@dataclass(frozen=True)
class Negotiable:
    """What a negotiation on the case is about on a day."""

    balance: Money
    items: tuple[str, ...]  # the items it covers; empty: the whole case (no live plan)
    plans: tuple[PaymentPlan, ...]  # live plans it stays outside of


def negotiable_on(case: Case, as_of: date) -> Negotiable:
    """What is due on `as_of` (items issued by then and past their due date), outside open
    disputes and approved write-offs and credits not yet booked, and outside the items a live
    plan covers. Without a live plan, less the debtor's money we hold (open credit notes, money
    on account), as the daily run nets it; beside a plan that money stays for the plan (it was
    netted when the plan was agreed). Invoices not yet due are not in arrears: they are neither
    asked for nor counted in the walk-away point's smallest first payment."""
    plans = live_plans(case)
    taken: set[str] = set()
    for p in plans:
        scope = plan_scope(p)
        if not scope:  # an old whole-case plan: nothing is left outside it
            return Negotiable(Money.from_minor(0, case.currency), (), tuple(plans))
        taken |= scope
    items = [i for i in overdue(load.open_items(case, as_of), as_of) if i.number not in taken]
    due = sum_money(load.negotiable(case, items).values(), case.currency)
    if plans:
        return Negotiable(due, tuple(sorted(i.number for i in items)), tuple(plans))
    credit = load.m(load.credit_minor(case, as_of), case.currency)
    return Negotiable(net_of_credit(due, frozenset(), credit), (), ())


def negotiation_balance(case: Case, as_of: date) -> Money:
    """The balance a negotiation on the case is about (`negotiable_on`)."""
    return negotiable_on(case, as_of).balance


def beyond_walk_away(
    case: Case, terms: Terms, *, balance: Money, as_of: date, items: Sequence[Any] = ()
) -> dict[str, Any] | None:
    """The walk-away limits terms entered on the desk go beyond, measured as the engine
    measures a proposal: from `as_of`, against `balance`, with the debtor's record. Terms on
    named `items` none of which is due yet count from the first of their due dates: paying an
    invoice on time needs nobody's approval. None: within the collector's own authority; else
    the approval request's detail."""
    as_of = max(as_of, min((i.due_date for i in items), default=as_of))
    wa = walk_away_for(
        negotiation_config(case.company),
        risk_tier=case.debtor.risk_tier,
        balance=balance,
        record=promise_record_for(debtor=case.debtor, as_of=as_of, with_plans=True),
    )
    exceeded = wa.exceeded(terms, anchor=as_of, balance=balance)
    if not exceeded:
        return None
    return walk_away_detail(wa, exceeded, anchor=as_of, balance=balance)


def walk_away_detail(
    wa: WalkAway, exceeded: Sequence[Limit], *, anchor: date, balance: Money
) -> dict[str, Any]:
    """How an approval request stores the limits it goes beyond (the queue reads these)."""
    return {
        "exceeded": [str(x) for x in exceeded],
        "walk_away": [wa.max_days_to_first, str(wa.min_first_share), wa.max_days_to_last],
        "anchor": anchor.isoformat(),
        "balance_minor": balance.to_minor(),
    }


def plan_receipts(plan: PaymentPlan, got: Sequence[Receipt]) -> list[Receipt]:
    """The receipts a plan counts (`receipt_scope`)."""
    scope = receipt_scope({i.number for i in plan.items.all()}, plan.covered_items)
    return [r for r in got if not scope or r.item_key in scope]


def promise_scope(p: PromiseToPay) -> frozenset[str]:
    """The item keys whose receipts a promise counts (`receipt_scope`; empty: all)."""
    return receipt_scope({i.number for i in p.items.all()}, p.covered_items)


def refuse_under_commitment(
    case: Case, items: dict[str, Any], parts: Sequence[tuple[str, int]], as_of: date, *, what: str
) -> None:
    """A standing promise or live plan must still be payable from what `parts` (a dispute's, a
    write-off's: item number and minor units) leave: otherwise paying everything left would
    break it, or it would default on money we no longer ask for. `what` is what would take
    the money ("dispute", "write_off")."""
    free = load.negotiable(case, items.values())
    taken: dict[str, int] = {}
    for key, minor in parts:
        taken[key] = taken.get(key, 0) + minor

    def left(scope: set[str]) -> int:
        return sum(free[k].to_minor() - taken.get(k, 0) for k in scope if k in free)

    due = {i.number for i in overdue(list(items.values()), as_of)}
    live = (PromiseState.OPEN, PromiseState.PENDING_APPROVAL)
    for p in PromiseToPay.objects.filter(case=case, state__in=live).prefetch_related("items"):
        scope = set(promise_scope(p) - {load.ON_ACCOUNT}) or due
        need = p.total_minor - p.paid_minor
        if scope & taken.keys() and left(scope) < need:
            raise Refused(
                "desk.under_promise",
                promise=p.pk,
                taking=what,
                need_minor=need,
                left_minor=left(scope),
                currency=case.currency,
            )
    received: list[Receipt] | None = None  # read once, only if a plan is concerned
    for plan in live_plans(case):
        scope = set(plan_scope(plan)) or set(items)
        if not scope & taken.keys():
            continue
        received = load.receipts(case) if received is None else received
        got = plan_receipts(plan, received)
        days = holidays_for(company=case.company)
        status = plan_status(load.plan_domain(plan), got, as_of=as_of, holidays=days)
        owed = status.remaining_principal
        if left(scope) < owed.to_minor():
            raise Refused(
                "desk.under_plan",
                plan=plan.pk,
                taking=what,
                need_minor=owed.to_minor(),
                left_minor=left(scope),
                currency=case.currency,
            )
