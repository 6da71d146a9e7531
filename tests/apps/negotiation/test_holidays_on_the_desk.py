"""The company's holidays on the desk and in the run's sweep: a dispute's deadline and a
promise's grace wait across them, a monthly instalment falling on one moves to the business day
before, and globex's calendar leaves acme's dates alone."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.cases.models import Action
from arrears.apps.cases.services.holidays import holiday_add
from arrears.apps.negotiation.models import PromiseToPay
from arrears.apps.negotiation.services import dispute_open, plan_create, promise_create
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.disputes import DisputeReason
from arrears.domain.promises import PromiseChannel
from tests import factories
from tests.apps.negotiation.support import AS_OF, eur
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

FRI, MON = date(2026, 11, 27), date(2026, 11, 30)
DEC, JAN = date(2026, 12, 4), date(2027, 1, 4)  # a Friday, a Monday


def _holiday(company, day):
    holiday_add(actor=admin(), company=company, day=day, name="closed")


def _globex(w):
    return factories.company("globex")  # w.other, with the test world's administrator


def _dispute(w):
    return dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("200"))],
        reason=DisputeReason.GOODS_DAMAGED,
        as_of=AS_OF,
    )


def test_a_dispute_s_ten_business_days_wait_a_day_longer_across_a_holiday(w):
    _holiday(w.company, MON)
    assert _dispute(w).deadline == date(2026, 12, 10)  # not the 9th: Monday is no business day


def test_another_company_s_holiday_leaves_acme_s_dispute_deadline_alone(w):
    _holiday(_globex(w), MON)
    assert _dispute(w).deadline == date(2026, 12, 9)


def test_a_promise_s_grace_waits_across_a_holiday_and_the_run_follows_it_up_after(w):
    _holiday(w.company, MON)
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(FRI, eur("300"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    run_as_admin(company=w.company, as_of=date(2026, 12, 2))  # Tue and Wed of grace
    assert PromiseToPay.objects.get().state == "open"
    run_as_admin(company=w.company, as_of=date(2026, 12, 3))
    assert PromiseToPay.objects.get().state == "broken"
    follow = Action.objects.get(case=w.case, step_code="promise_follow_up")
    assert follow.due_on == date(2026, 12, 3)


def _plan(w):
    return plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[DEC, JAN])
    )


def test_a_monthly_instalment_on_a_holiday_moves_to_the_business_day_before(w):
    _holiday(w.company, DEC)
    plan = _plan(w)
    days = list(plan.instalments.order_by("seq").values_list("due_on", flat=True))
    assert days == [date(2026, 12, 3), JAN]


def test_another_company_s_holiday_leaves_acme_s_instalments_alone(w):
    _holiday(_globex(w), DEC)
    plan = _plan(w)
    assert list(plan.instalments.order_by("seq").values_list("due_on", flat=True)) == [DEC, JAN]
