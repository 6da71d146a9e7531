from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Case, CaseEvent, CaseStatus
from arrears.apps.negotiation.models import Approval, Negotiation, PaymentPlan
from arrears.apps.negotiation.services import (
    NotAllowed,
    PlanIn,
    approval_decide,
    approval_withdraw,
    excuse_log,
    negotiation_close,
    negotiation_propose,
    plan_create,
    plan_withdraw,
    writeoff_cancel,
    writeoff_request,
)
from arrears.domain.excuses import Excuse
from arrears.domain.negotiation import Terms
from tests.apps.negotiation.support import AS_OF, eur, refused
from tests.factories import sweep_as_admin

pytestmark = pytest.mark.django_db


def _long_plan(w):
    """Beyond the medium tier's 90-day walk-away: waits for approval."""
    return plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[AS_OF + timedelta(days=30 * k) for k in range(1, 7)]),
    )


def test_a_plan_waiting_for_approval_is_withdrawn_with_its_request(w):
    plan = _long_plan(w)
    assert plan.status == "pending_approval"
    plan_withdraw(plan=plan, actor=w.cora, as_of=AS_OF, reason="debtor pays in full instead")
    plan.refresh_from_db()
    a = Approval.objects.get(plan=plan)
    assert (plan.status, plan.withdrawn_on, a.status) == ("withdrawn", AS_OF, "withdrawn")
    assert CaseEvent.objects.filter(reason__rule="plan_withdrawn").count() == 1


def test_a_withdrawn_plan_holds_nothing_back_and_frees_the_items(w):
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2026, 12, 8)]),
    )
    plan_withdraw(plan=plan, actor=w.cora, as_of=AS_OF, reason="replaced")
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (0, 0)
    again = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2026, 12, 8)]),
    )
    assert again.pk != plan.pk and again.status == "good_standing"


def test_withdrawing_twice_changes_nothing_and_a_defaulted_plan_cannot_be_withdrawn(w):
    plan = _long_plan(w)
    plan_withdraw(plan=plan, actor=w.cora, as_of=AS_OF, reason="x")
    plan_withdraw(plan=plan, actor=w.cora, as_of=AS_OF, reason="x")
    assert CaseEvent.objects.filter(reason__rule="plan_withdrawn").count() == 1
    PaymentPlan.objects.filter(pk=plan.pk).update(status="defaulted")
    got = refused("plan.not_live", plan_withdraw, plan=plan, actor=w.cora, as_of=AS_OF, reason="x")
    assert got.figures == {"plan": plan.pk, "status": "defaulted"}


def test_a_second_collector_cannot_withdraw_a_plan(w):
    plan = _long_plan(w)
    with pytest.raises(NotAllowed):
        plan_withdraw(plan=plan, actor=w.carl, as_of=AS_OF, reason="x")


def test_closing_a_negotiation_withdraws_its_request_and_the_next_proposal_starts_anew(w):
    days = [AS_OF + timedelta(days=n) for n in (12, 40)]
    for d in days:
        r = negotiation_propose(
            case=w.case,
            actor=w.cora,
            proposal=Terms.single(d, eur("1000")),
            proposed_by="Mr Weber",
            as_of=AS_OF,
        )
    negotiation_close(negotiation=r.negotiation, actor=w.cora, as_of=AS_OF, reason="no answer")
    assert Approval.objects.get().status == "withdrawn"
    assert Negotiation.objects.get().status == "closed"
    negotiation_propose(
        case=w.case,
        actor=w.cora,
        proposal=Terms.single(days[0], eur("1000")),
        proposed_by="Mr Weber",
        as_of=AS_OF,
    )
    assert Negotiation.objects.filter(status="open").count() == 1


def test_a_write_off_request_is_cancelled_with_its_approval(w):
    wo = writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    writeoff_cancel(write_off=wo, actor=w.cora, as_of=AS_OF, reason="debtor paid")
    wo.refresh_from_db()
    assert (wo.status, Approval.objects.get().status) == ("withdrawn", "withdrawn")
    # the money is free again for a new request
    assert writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)


def test_withdrawing_a_write_off_approval_request_cancels_the_write_off(w):
    wo = writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    a = approval_withdraw(
        approval=Approval.objects.get(write_off=wo), actor=w.cora, as_of=AS_OF, reason="paid"
    )
    wo.refresh_from_db()
    assert (a.status, wo.status) == ("withdrawn", "withdrawn")
    got = refused(
        "approval.decided",
        approval_decide,
        approval=a,
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    assert got.figures == {"approval": a.pk, "status": "withdrawn", "on": AS_OF}


def test_a_closed_case_refuses_excuses_and_approvals(w):
    wo = writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    Case.objects.filter(pk=w.case.pk).update(status=CaseStatus.CLOSED, closed_reason="paid")
    case = Case.objects.get(pk=w.case.pk)
    want = {"case": case.pk, "currency": "EUR", "debtor": w.debtor.code, "reason": "paid"}
    got = refused(
        "desk.case_closed",
        excuse_log,
        case=case,
        actor=w.cora,
        excuse=Excuse.NO_MONEY,
        as_of=AS_OF,
    )
    assert got.figures == want
    got = refused(
        "desk.case_closed",
        approval_decide,
        approval=Approval.objects.get(write_off=wo),
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    assert got.figures == want
    wo.refresh_from_db()
    assert wo.status == "requested"


def test_a_plan_defaulted_since_the_last_sweep_cannot_be_withdrawn(w):
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2026, 12, 8)]),
    )
    assert plan.status == "good_standing"  # stored; nothing paid by 1 Dec plus grace (4 Dec)
    later = date(2026, 12, 10)
    got = refused(
        "plan.defaulted",
        plan_withdraw,
        plan=plan,
        actor=w.cora,
        as_of=later,
        reason="start again",
    )
    assert got.figures == {"plan": plan.pk, "on": date(2026, 12, 5), "seq": 1}
    plan.refresh_from_db()
    assert (plan.status, plan.withdrawn_on) == ("good_standing", None)
    assert not CaseEvent.objects.filter(reason__rule="plan_withdrawn").exists()
