from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import CaseEvent
from arrears.apps.negotiation.presentation import describe_desk_event, negotiation_lines
from arrears.apps.negotiation.selectors import (
    approval_queue,
    case_negotiation,
    events_facts,
    open_disputes,
    promise_record_for,
)
from arrears.apps.negotiation.services import (
    PlanIn,
    dispute_open,
    plan_create,
    promise_create,
    writeoff_cancel,
    writeoff_request,
)
from arrears.domain.disputes import DisputeReason
from arrears.domain.promises import PromiseChannel
from tests import factories
from tests.apps.negotiation.support import AS_OF, eur, pay
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
FRI = date(2026, 11, 27)


def _promise(w, amount="150", item="INV-OLD"):  # within the walk-away point (25 %)
    return promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(FRI, eur(amount))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        item_numbers=[item],
    )


def test_the_promise_record_counts_states_and_days_late(w):
    _promise(w, item="INV-OLD")
    _promise(w, item="INV-NEW")
    pay(w.old, 150_00, date(2026, 11, 30))  # 3 days after the promised date, within grace
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    record = promise_record_for(debtor=w.debtor, as_of=date(2026, 12, 3))
    assert (record.given, record.kept, record.broken, record.days_late) == (2, 1, 1, 3)
    assert record.summary().startswith("2 promises: 1 kept")


def test_the_record_forgets_promises_older_than_the_window(w):
    _promise(w)
    assert promise_record_for(debtor=w.debtor, as_of=AS_OF + timedelta(days=366)).given == 0


def test_the_case_summary_shows_record_commitments_disputes_and_approvals(w):
    _promise(w)
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-NEW", eur("50"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    writeoff_request(  # beside the promise on INV-OLD
        case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[("INV-NEW", eur("50"))]
    )
    summary = case_negotiation(actor=w.cora, case=w.case, as_of=AS_OF)
    assert len(summary.promises) == len(summary.disputes) == len(summary.approvals) == 1
    assert any(line.startswith("promise record") for line in negotiation_lines(summary))


def test_the_approval_queue_is_two_queries_however_long(w, django_assert_num_queries):
    for _ in range(3):
        d = factories.debtor(w.company, owner=w.cora)
        factories.item(d, due=AS_OF - timedelta(days=9))
    run_as_admin(company=w.company, as_of=AS_OF)
    for case in w.company.cases.all():
        writeoff_request(case=case, actor=w.cora, reason="x", as_of=AS_OF)
    with django_assert_num_queries(2):  # maria's membership, then the queue
        queue = approval_queue(actor=w.maria, company=w.company)
        assert [a.case.debtor.code for a in queue]
    assert len(queue) == 4


def test_open_disputes_of_an_owner_include_those_escalated_to_them(w):
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-NEW", eur("50"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    assert len(open_disputes(company=w.company, owner=w.maria)) == 1
    assert open_disputes(company=w.company, owner=w.carl) == []


def test_desk_events_read_as_sentences_with_amounts(w):
    _promise(w, amount="250")
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    events = list(w.case.events.order_by("id"))
    facts = events_facts(events)
    lines = [describe_desk_event(e, facts) for e in events]
    assert any(
        line and "promise P" in line and "EUR 250.00 on 2026-11-27" in line for line in lines
    )
    assert any(line and "broken: EUR 0.00 of EUR 250.00" in line for line in lines)
    opened = w.case.events.filter(kind="opened").first()
    assert describe_desk_event(opened, facts) is None


def test_the_negotiation_record_counts_a_defaulted_plan_as_a_broken_promise(w):
    plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2027, 1, 4)]),
    )
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    on = date(2026, 12, 10)
    assert promise_record_for(debtor=w.debtor, as_of=on).broken == 0
    assert promise_record_for(debtor=w.debtor, as_of=on, with_plans=True).broken == 1


def test_withdrawals_read_as_sentences(w):
    wo = writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    writeoff_cancel(write_off=wo, actor=w.cora, as_of=AS_OF, reason="debtor paid")
    events = list(CaseEvent.objects.filter(case=w.case).order_by("id"))
    facts = events_facts(events)
    lines = [describe_desk_event(e, facts) for e in events]
    assert f"{AS_OF} write-off: write-off W{wo.pk} cancelled: debtor paid" in lines
    assert any(
        "approval request A" in (x or "") and "withdrawn: debtor paid" in (x or "") for x in lines
    )
