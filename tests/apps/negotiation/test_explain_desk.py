"""`arrears explain` and the desk commands speak in sentences: desk events with their
figures and requests, a closed case as closed, numbers as the outputs show them (A7, P12)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management.base import CommandError

from arrears.apps.cases.models import Case, CaseEvent
from arrears.apps.negotiation.models import Approval, PaymentPlan, PromiseToPay
from arrears.apps.negotiation.presentation import describe_desk_event
from arrears.apps.negotiation.selectors import events_facts
from arrears.apps.negotiation.services import (
    approval_decide,
    approval_withdraw,
    plan_create,
    promise_create,
)
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.apps.negotiation.services.withdrawals import requests_expire
from arrears.domain.promises import PromiseChannel
from tests import terminal
from tests.apps.negotiation.support import AS_OF, eur, pay
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()
NEXT_YEAR = date(2027, 11, 25)


def _run(*args: str, as_: Any = "admin") -> str:
    return terminal.run(*args, as_=as_)


def _waiting_promise(w) -> PromiseToPay:
    return promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(NEXT_YEAR, eur("1000"))],  # medium tier: the first payment within 14 days
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )


def _line(w, rule: str) -> str:
    e = next(e for e in CaseEvent.objects.filter(case=w.case) if e.reason.get("rule") == rule)
    said = describe_desk_event(e, events_facts([e]))
    assert said is not None
    return said


def test_a_promise_beyond_the_walk_away_point_reads_with_its_amount_and_request(w):
    p = _waiting_promise(w)
    a = Approval.objects.get(promise=p)
    said = _line(w, "promise_needs_approval")
    assert f"promise P{p.pk} given by Mr Weber" in said
    assert "EUR 1,000.00 on 2027-11-25" in said
    assert f"waits for approval A{a.pk}: beyond the walk-away point (first payment too late" in said
    assert "promise_needs_approval" not in said


def test_a_refused_promise_reads_as_a_decision_on_its_request(w):
    p = _waiting_promise(w)
    a = Approval.objects.get(promise=p)
    approval_decide(approval=a, actor=w.maria, approve=False, reason="too long", as_of=AS_OF)
    said = _line(w, "promise_refused")
    assert (
        f"approval: A{a.pk} (promise) refused by maria (asked by cora): promise P{p.pk} "
        "(EUR 1,000.00) refused: not counted in the promise-keeping record, the ladder goes on; "
        "reason: too long"
    ) in said


def test_an_approved_promise_reads_as_standing(w):
    p = _waiting_promise(w)
    a = Approval.objects.get(promise=p)
    approval_decide(approval=a, actor=w.maria, approve=True, reason="good client", as_of=AS_OF)
    said = _line(w, "promise_approved")
    assert f"A{a.pk} (promise) granted by maria" in said
    assert f"promise P{p.pk} (EUR 1,000.00) stands from now on; reason: good client" in said


def test_a_plan_waiting_for_approval_names_its_request_and_limits(w):
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[NEXT_YEAR, NEXT_YEAR + timedelta(days=30)]),
    )
    a = Approval.objects.get(plan=plan)
    said = _line(w, "plan_needs_approval")
    assert f"plan PL{plan.pk} (" in said
    assert f"waits for approval A{a.pk}: beyond the walk-away point (first payment too late" in said


def test_an_expired_request_reads_as_withdrawn_by_the_daily_run(w):
    p = _waiting_promise(w)
    a = Approval.objects.get(promise=p)
    requests_expire(w.company, on=NEXT_YEAR + timedelta(days=1))
    said = _line(w, "approval_expired")
    assert f"approval request A{a.pk} (promise) withdrawn by the daily run: its first" in said


def test_no_desk_event_falls_back_to_a_bare_rule_code(w):
    _waiting_promise(w)
    a = Approval.objects.get()
    approval_decide(approval=a, actor=w.maria, approve=False, reason="no", as_of=AS_OF)
    events = list(CaseEvent.objects.filter(case=w.case))
    facts = events_facts(events)
    for e in events:
        said = describe_desk_event(e, facts)
        if said is not None:
            assert e.reason["rule"] not in said.split(": ", 1)[1].split()


def test_a_history_s_desk_lines_read_nothing_once_its_facts_are_read(w, django_assert_num_queries):
    """The facts of a whole history are read in one query; the words then read nothing, so
    a long history costs no query per event (the approval a decision or a wait names). The
    events come as `cases.selectors.case_explain` reads them, with their run and actor."""
    _waiting_promise(w)
    a = Approval.objects.get()
    approval_decide(approval=a, actor=w.maria, approve=False, reason="no", as_of=AS_OF)
    events = list(CaseEvent.objects.filter(case=w.case).select_related("run", "actor"))
    with django_assert_num_queries(1):
        facts = events_facts(events)
    with django_assert_num_queries(0):
        said = [describe_desk_event(e, facts) for e in events]
    assert any(x and f"A{a.pk}" in x for x in said)


def test_explain_says_a_paid_case_is_closed_instead_of_a_live_step(w):
    pay(w.old, 600_00, AS_OF)
    pay(w.new, 400_00, AS_OF)
    run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=1))
    assert Case.objects.get(pk=w.case.pk).status == "closed"
    out = _run("explain", w.debtor.code)
    assert "closed on 2026-11-26 (paid in full)" in out
    assert "last step: reminder since 2026-11-25" in out
    assert "next action: none (closed)" in out
    assert "on None" not in out and "  step: " not in out
    assert "case closed: paid in full" in out


def test_explain_reads_the_run_s_own_events(w):
    out = _run("explain", w.debtor.code)
    assert "opened (run " in out and "case opened: EUR 1,000.00 open" in out
    assert ": balance" not in out


@pytest.mark.parametrize("given", ["A{n}", "a{n}", "{n}"])
def test_approve_takes_the_request_number_as_the_queue_shows_it(w, given):
    a = Approval.objects.get(promise=_waiting_promise(w))
    n = given.format(n=a.pk)
    out = _run("approve", n, "--refuse", "--reason", "no", "--user", "maria", "--as-of", DAY)
    assert f"A{a.pk} refused by maria" in out


def test_a_desk_number_with_another_record_s_prefix_is_refused_by_name(w):
    with pytest.raises(CommandError, match="names a plan, not a promise"):
        _run("promise-cancel", "PL3", "--reason", "x", "--user", "cora")
    with pytest.raises(CommandError, match="is not an approval request number"):
        _run("approval-withdraw", "X7", "--reason", "x", "--user", "cora")


def test_every_desk_command_taking_a_number_accepts_its_prefix(w):
    p = _waiting_promise(w)
    out = _run("promise-cancel", f"P{p.pk}", "--reason", "x", "--user", "cora", "--as-of", DAY)
    assert out.strip() == f"promise P{p.pk}: {PromiseToPay.objects.get(pk=p.pk).state}"
    assert PromiseToPay.objects.get(pk=p.pk).state != "pending_approval"
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[NEXT_YEAR]),
    )
    out = _run("plan-withdraw", f"PL{plan.pk}", "--reason", "x", "--user", "cora", "--as-of", DAY)
    assert f"plan PL{plan.pk}: withdrawn" in out
    assert PaymentPlan.objects.get(pk=plan.pk).status == "withdrawn"
    _run("writeoff", w.debtor.code, "--reason", "insolvent", "--user", "cora", "--as-of", DAY)
    wid = Approval.objects.get(kind="write_off").write_off_id
    out = _run("writeoff-cancel", f"W{wid}", "--reason", "x", "--user", "cora", "--as-of", DAY)
    assert f"write-off W{wid}:" in out


def test_withdrawing_a_withdrawn_request_says_nothing_changed(w):
    a = Approval.objects.get(promise=_waiting_promise(w))
    approval_withdraw(approval=a, actor=w.cora, as_of=AS_OF, reason="debtor called back")
    out = _run(
        "approval-withdraw", f"A{a.pk}", "--reason", "again", "--user", "cora", "--as-of", DAY
    )
    assert out.strip() == (
        f"A{a.pk} was already withdrawn on 2026-11-25 (reason: debtor called back); nothing changed"
    )
    assert Approval.objects.get(pk=a.pk).decision_reason == "debtor called back"
