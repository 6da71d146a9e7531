"""A person completes or cancels an action: states, outcomes, what an outcome books next, who
may do it, and what is recorded (services/actions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, Case, CaseEvent, ItemStep
from arrears.apps.cases.services import (
    action_cancel,
    action_complete,
    actions,
    strategies_install_defaults,
)
from arrears.apps.ledger.models import Company, OpenItem
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)  # a Wednesday
THU, FRI, MON = AS_OF + timedelta(days=1), AS_OF + timedelta(days=2), AS_OF + timedelta(days=5)


@dataclass
class World:
    company: Company
    cora: Any  # the debtor's owner
    carl: Any  # a collector of the same company who does not own the debtor
    maria: Any  # the company's credit manager
    olga: Any  # a collector of another company
    case: Case
    call: Action  # the high-risk ladder's call, open since AS_OF


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(actions, "today", lambda: AS_OF + timedelta(days=30))


@pytest.fixture
def w() -> World:
    company = factories.company()
    strategies_install_defaults(actor=admin(), company=company)
    other = factories.company("globex")
    strategies_install_defaults(actor=admin(), company=other)
    cora = factories.collector("cora", company)
    carl = factories.collector("carl", company)
    maria = user_ensure(username="maria", role=PersonRole.CREDIT_MANAGER, company=company)
    olga = factories.collector("olga", other)
    d = factories.debtor(company, owner=cora, risk_tier="high")  # jumps to the call
    item = factories.item(d, due=AS_OF - timedelta(days=6))
    # reminded three days ago (the first contact is written): the call is due today
    ItemStep.objects.create(
        item=item, strategy_code="high_risk", step=0, step_on=AS_OF - timedelta(3)
    )
    run_as_admin(company=company, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    return World(company, cora, carl, maria, olga, case, Action.objects.get(case=case))


_NEXT = ["next_action_on", "next_action_kind", "next_action_step_code", "next_action_role"]


def _written() -> tuple[int, int, int]:
    return Action.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count()


def _stored() -> tuple[object, ...]:
    """Actions, case events and next actions (a run writes its own audit record each time)."""
    return (*_written()[:2], list(Case.objects.values_list(*_NEXT)))


def _refused(code: str, fn: Any, **kw: Any) -> Refusal:
    before = _written()
    with pytest.raises(Refusal) as e:
        fn(**kw)
    assert e.value.code == code
    assert _written() == before
    return e.value


def test_a_call_done_records_outcome_note_day_and_person(w):
    done = action_complete(
        actor=w.cora, action_id=w.call.pk, outcome="reached", note="pays Friday", on=THU
    )
    a = Action.objects.get(pk=w.call.pk)
    assert (a.status, a.outcome, a.note, a.done_on, a.done_by) == (
        "done",
        "reached",
        "pays Friday",
        THU,
        w.cora,
    )
    assert done.follow_up is None


def test_a_call_done_is_written_to_the_case_history_and_the_audit_trail(w):
    action_complete(actor=w.cora, action_id=w.call.pk, outcome="refused", on=THU)
    e = CaseEvent.objects.get(case=w.case, kind="action")
    assert (e.on, e.actor, e.reason["rule"], e.reason["outcome"]) == (
        THU,
        w.cora,
        "action_done",
        "refused",
    )
    audit = AuditEvent.objects.get(action="cases.action_done")
    assert audit.object_id == str(w.call.pk) and audit.detail["outcome"] == "refused"


@pytest.mark.parametrize("outcome", ["no_answer", "left_message"])
def test_a_call_nobody_answered_is_tried_again_the_next_business_day(w, outcome):
    done = action_complete(actor=w.cora, action_id=w.call.pk, outcome=outcome, on=FRI)
    retry = done.follow_up
    assert retry is not None
    assert (retry.step_code, retry.channel, retry.role, retry.due_on, retry.status) == (
        "call",
        "phone",
        "collector",
        MON,
        "open",
    )
    e = CaseEvent.objects.get(case=w.case, kind="action")
    assert e.reason["follow_up"]["action"] == retry.pk


def test_the_retried_call_becomes_the_case_s_next_action_at_the_next_run(w):
    action_complete(actor=w.cora, action_id=w.call.pk, outcome="no_answer", on=THU)
    run_as_admin(company=w.company, as_of=THU)
    w.case.refresh_from_db()
    assert (w.case.next_action_kind, w.case.next_action_step_code, w.case.next_action_on) == (
        "call",
        "call",
        FRI,
    )


def test_completing_again_with_the_same_outcome_changes_nothing(w):
    action_complete(actor=w.cora, action_id=w.call.pk, outcome="no_answer", on=THU)
    before = _written()
    again = action_complete(actor=w.cora, action_id=w.call.pk, outcome="no_answer", on=THU)
    assert _written() == before and again.follow_up is None


def test_a_done_action_cannot_be_done_again_with_another_outcome(w):
    action_complete(actor=w.cora, action_id=w.call.pk, outcome="reached", on=THU)
    e = _refused(
        "action.not_open",
        action_complete,
        actor=w.cora,
        action_id=w.call.pk,
        outcome="promised",
        on=THU,
    )
    assert e.figures["status"] == "done" and e.figures["action"] == w.call.pk


def test_an_outcome_a_call_cannot_have_is_refused(w):
    e = _refused(
        "action.unknown_outcome",
        action_complete,
        actor=w.cora,
        action_id=w.call.pk,
        outcome="done",
        on=THU,
    )
    assert e.figures["kind"] == "call"


def test_a_letter_is_not_done_by_a_person(w):
    run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=10))  # climbs to the final notice
    letter = Action.objects.get(case=w.case, step_code="final_notice")
    assert letter.status == "queued"
    _refused(  # the credit manager's letter: even they do not mark it done by hand
        "action.wrong_state",
        action_complete,
        actor=w.maria,
        action_id=letter.pk,
        outcome="done",
        on=letter.due_on,
    )


def test_a_day_after_today_is_refused(w):
    _refused(
        "action.after_today",
        action_complete,
        actor=w.cora,
        action_id=w.call.pk,
        outcome="reached",
        on=actions.today() + timedelta(days=1),
    )


def test_a_day_more_than_a_month_before_the_action_fell_due_is_refused(w):
    e = _refused(
        "action.too_early",
        action_complete,
        actor=w.cora,
        action_id=w.call.pk,
        outcome="reached",
        on=AS_OF - timedelta(days=32),
    )
    assert e.figures["earliest"] == AS_OF - timedelta(days=31)


def test_an_unknown_action_is_refused(w):
    _refused(
        "action.unknown", action_complete, actor=w.cora, action_id=999_999, outcome="x", on=THU
    )


def test_an_action_on_a_closed_case_is_refused(w):
    Case.objects.filter(pk=w.case.pk).update(status="closed", closed_reason="paid")
    _refused(
        "action.case_closed",
        action_complete,
        actor=w.cora,
        action_id=w.call.pk,
        outcome="reached",
        on=THU,
    )


@pytest.mark.parametrize("who", ["olga", "carl", None])
def test_another_company_s_collector_a_non_owner_and_nobody_are_refused(w, who):
    person = getattr(w, who) if who else None
    before = _written()
    with pytest.raises(NotAllowed):
        action_complete(actor=person, action_id=w.call.pk, outcome="reached", on=THU)
    with pytest.raises(NotAllowed):
        action_cancel(actor=person, action_id=w.call.pk, reason="not needed", on=THU)
    assert _written() == before
    assert Action.objects.get(pk=w.call.pk).status == "open"


def test_the_credit_manager_may_complete_any_action_of_the_company(w):
    action_complete(actor=w.maria, action_id=w.call.pk, outcome="reached", on=THU)
    assert Action.objects.get(pk=w.call.pk).done_by == w.maria


def _task_for(w: World, role: str, step_code: str = "dispute_escalation") -> Action:
    """An open task the desk gave `role` on cora's case (an overdue dispute to decide...)."""
    return Action.objects.create(
        case=w.case, step_code=step_code, channel="task", role=role, due_on=AS_OF, status="open"
    )


def test_the_owning_collector_may_not_complete_or_cancel_the_credit_manager_s_task(w):
    task = _task_for(w, "credit_manager")
    e = _refused(
        "action.not_your_role",
        action_complete,
        actor=w.cora,
        action_id=task.pk,
        outcome="done",
        on=THU,
    )
    assert (e.figures["action"], e.figures["action_role"], e.figures["role"]) == (
        task.pk,
        "credit_manager",
        "collector",
    )
    assert isinstance(e, NotAllowed)
    _refused(
        "action.not_your_role", action_cancel, actor=w.cora, action_id=task.pk, reason="x", on=THU
    )
    assert Action.objects.get(pk=task.pk).status == "open"


def test_the_credit_manager_completes_the_task_given_to_their_role(w):
    task = _task_for(w, "credit_manager")
    action_complete(actor=w.maria, action_id=task.pk, outcome="done", on=THU)
    assert Action.objects.get(pk=task.pk).done_by == w.maria


def test_legal_completes_legal_s_task_on_a_debtor_it_does_not_own_but_not_the_collector(w):
    lena = user_ensure(username="lena", role=PersonRole.LEGAL, company=w.company)
    task = _task_for(w, "legal", step_code="legal")
    _refused(
        "action.not_your_role",
        action_complete,
        actor=w.cora,
        action_id=task.pk,
        outcome="done",
        on=THU,
    )
    _refused(
        "action.not_your_role",
        action_complete,
        actor=lena,
        action_id=w.call.pk,
        outcome="reached",
        on=THU,
    )
    action_complete(actor=lena, action_id=task.pk, outcome="done", on=THU)
    assert Action.objects.get(pk=task.pk).done_by == lena


def test_the_other_company_s_collector_may_not_complete_a_task_of_any_role(w):
    task = _task_for(w, "credit_manager")
    e = _refused(
        "access.not_a_member",
        action_complete,
        actor=w.olga,
        action_id=task.pk,
        outcome="done",
        on=THU,
    )
    assert e.figures["person"] == "olga"


def test_a_done_review_books_the_next_at_the_step_s_cadence(w):
    # The high-risk call step reviews every 2 days: the run books the review when it falls due.
    Action.objects.filter(pk=w.call.pk).update(status="done", outcome="reached", done_on=AS_OF)
    run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=2))
    review = Action.objects.get(case=w.case, step_code="review")
    assert (review.channel, review.due_on, review.status) == ("task", AS_OF + timedelta(2), "open")
    done = action_complete(actor=w.cora, action_id=review.pk, outcome="done", on=FRI)
    assert done.follow_up is not None
    assert (done.follow_up.step_code, done.follow_up.due_on) == ("review", FRI + timedelta(2))


def test_an_action_cancelled_keeps_the_reason_and_is_recorded(w):
    a = action_cancel(actor=w.cora, action_id=w.call.pk, reason="paid at the counter", on=THU)
    assert (a.status, a.cancelled_reason, a.cancelled_on, a.done_by) == (
        "cancelled",
        "paid at the counter",
        THU,
        w.cora,
    )
    e = CaseEvent.objects.get(case=w.case, kind="action")
    assert (e.reason["rule"], e.reason["reason"]) == ("action_cancelled", "paid at the counter")
    assert AuditEvent.objects.filter(action="cases.action_cancelled").count() == 1


def test_cancelling_again_for_the_same_reason_changes_nothing(w):
    action_cancel(actor=w.cora, action_id=w.call.pk, reason="not needed", on=THU)
    before = _written()
    action_cancel(actor=w.cora, action_id=w.call.pk, reason="not needed", on=THU)
    assert _written() == before


def test_a_cancel_without_a_reason_is_refused(w):
    _refused(
        "action.no_reason", action_cancel, actor=w.cora, action_id=w.call.pk, reason=" ", on=THU
    )


def test_a_done_action_cannot_be_cancelled(w):
    action_complete(actor=w.cora, action_id=w.call.pk, outcome="reached", on=THU)
    _refused(
        "action.not_open", action_cancel, actor=w.cora, action_id=w.call.pk, reason="x", on=THU
    )


def test_a_case_paid_in_full_cancels_its_pending_actions_as_case_closed(w):
    OpenItem.objects.filter(debtor=w.case.debtor).update(open_minor=0)
    result = run_as_admin(company=w.company, as_of=THU)
    call = Action.objects.get(pk=w.call.pk)
    assert (call.status, call.cancelled_reason, call.cancelled_on) == (
        "cancelled",
        "case_closed",
        THU,
    )
    assert result.counts["actions_cancelled"] == 1
    w.case.refresh_from_db()
    assert (w.case.status, w.case.next_action_kind, w.case.next_action_on) == ("closed", "", None)


def test_an_action_left_open_on_a_closed_case_is_cancelled_by_the_next_run(w):
    OpenItem.objects.filter(debtor=w.case.debtor).update(open_minor=0)
    run_as_admin(company=w.company, as_of=THU)
    stray = Action.objects.create(
        case=w.case, step_code="promise_follow_up", channel="phone", role="collector", due_on=THU
    )
    run_as_admin(company=w.company, as_of=FRI)
    stray.refresh_from_db()
    assert (stray.status, stray.cancelled_reason) == ("cancelled", "case_closed")


def test_a_case_that_climbs_cancels_its_booked_review_as_overtaken(w):
    Action.objects.filter(pk=w.call.pk).update(status="done", outcome="reached", done_on=AS_OF)
    run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=2))
    review = Action.objects.get(case=w.case, step_code="review")
    run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=10))  # final notice
    review.refresh_from_db()
    assert (review.status, review.cancelled_reason) == ("cancelled", "overtaken")


def test_a_run_that_books_a_review_writes_nothing_when_repeated(w):
    Action.objects.filter(pk=w.call.pk).update(status="done", outcome="reached", done_on=AS_OF)
    day = AS_OF + timedelta(days=2)
    first = run_as_admin(company=w.company, as_of=day)
    assert first.counts["reviews_due"] == 1
    w.case.refresh_from_db()
    stored = (w.case.next_action_kind, w.case.next_action_step_code, w.case.next_action_on)
    assert stored == ("review", "review", day)
    before = _stored()
    again = run_as_admin(company=w.company, as_of=day)
    after = _stored()
    assert after == before and again.counts["reviews_due"] == 0
