"""§1 One owner: once a case is handed over to legal or an agency, the desk tasks created on it
go to the role that owns it now, not to the collector."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, Case
from arrears.apps.negotiation.services import (
    PlanIn,
    case_handover,
    dispute_open,
    excuse_log,
    plan_create,
    promise_create,
)
from arrears.apps.negotiation.services.handovers import role_for_case
from arrears.domain.disputes import DisputeReason
from arrears.domain.excuses import Excuse
from arrears.domain.ladder import Role
from arrears.domain.promises import PromiseChannel
from tests.apps.negotiation.support import AS_OF, eur
from tests.factories import sweep_as_admin

pytestmark = pytest.mark.django_db


def _agency_user(w, name="inkasso"):
    return user_ensure(username=name, role=Role.AGENCY, company=w.company)


def _to_legal(w) -> None:
    case_handover(
        case=w.case, actor=w.maria, to="legal", new_owner=w.lena, reason="sue", as_of=AS_OF
    )


def _to_agency(w):
    agency = _agency_user(w)
    case_handover(
        case=w.case,
        actor=w.maria,
        to="agency",
        new_owner=agency,
        agency="Inkasso AG",
        reason="no contact for 60 days",
        as_of=AS_OF,
    )
    return agency


def _role(w, step_code: str) -> str:
    return Action.objects.get(case=w.case, step_code=step_code).role


def test_a_case_is_the_collector_s_until_it_is_handed_over(w):
    assert role_for_case(w.case) is Role.COLLECTOR
    _to_legal(w)
    assert role_for_case(Case.objects.get(pk=w.case.pk)) is Role.LEGAL


def test_a_case_handed_over_to_an_agency_is_the_agency_s(w):
    _to_agency(w)
    assert role_for_case(w.case) is Role.AGENCY


def test_an_excuse_follow_up_after_a_handover_to_legal_goes_to_legal(w):
    _to_legal(w)
    r = excuse_log(case=w.case, actor=w.lena, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    assert r.action.role == "legal"


def test_an_excuse_follow_up_before_a_handover_stays_the_collector_s(w):
    r = excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    assert r.action.role == "collector"


def test_a_broken_promise_follow_up_after_a_handover_goes_to_legal(w):
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 11, 27), eur("300"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    _to_legal(w)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))  # broken after 1 Dec
    assert _role(w, "promise_follow_up") == "legal"


def test_a_plan_default_follow_up_after_a_handover_to_an_agency_goes_to_the_agency(w):
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2026, 12, 8)]),
    )
    _to_agency(w)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    plan.refresh_from_db()
    assert plan.status == "defaulted"
    assert _role(w, "plan_default_follow_up") == "agency"


def test_a_dispute_escalated_after_a_handover_still_goes_to_the_credit_managers(w):
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("100"))],
        reason=DisputeReason.GOODS_DAMAGED,
        as_of=AS_OF,
    )
    _to_legal(w)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    assert _role(w, "dispute_escalation") == "credit_manager"


def test_a_condition_check_after_a_handover_to_legal_goes_to_legal(w):
    _to_legal(w)
    promise_create(
        case=w.case,
        actor=w.lena,
        parts=[(date(2026, 11, 27), eur("300"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        conditions=["written_acknowledgement"],
    )
    assert _role(w, "verify_written_acknowledgement") == "legal"
