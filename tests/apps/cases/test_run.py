from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from arrears.apps.cases.models import (
    Action,
    Case,
    CaseEvent,
    HoldChange,
    ItemStep,
    Run,
    RunLock,
)
from arrears.apps.cases.services import RunLocked, RunRefused, strategies_install_defaults
from arrears.apps.ledger.models import OpenItem
from arrears.apps.ledger.services import exchange_rate_set
from tests import factories
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def company():
    c = factories.company()
    strategies_install_defaults(actor=admin(), company=c)
    return c


@pytest.fixture
def cora(company):
    return factories.collector("cora", company)


def _next(case):
    """The case's typed next action: kind, step code, channel, role, date."""
    return (
        case.next_action_kind,
        case.next_action_step_code,
        case.next_action_channel,
        case.next_action_role,
        case.next_action_on,
    )


def _counts():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Action.objects.count(),
        HoldChange.objects.count(),
        list(ItemStep.objects.order_by("item_id").values_list("item_id", "step", "step_on")),
        list(Case.objects.order_by("id").values_list("step_code", "next_action_on", "status")),
    )


def test_first_run_opens_one_case_per_debtor_and_currency_with_a_dated_next_action(company, cora):
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=15))
    factories.item(d, due=AS_OF - timedelta(days=3))
    factories.item(d, due=AS_OF + timedelta(days=20), currency="USD")
    exchange_rate_set(
        actor=factories.admin(),
        company=company,
        currency="USD",
        rate=__import__("decimal").Decimal("0.9"),
        valid_from=AS_OF,
    )
    result = run_as_admin(company=company, as_of=AS_OF)
    cases = Case.objects.filter(debtor=d).order_by("currency")
    assert [c.currency for c in cases] == ["EUR", "USD"]
    assert all(c.status == "open" and c.next_action_on for c in cases)
    assert result.counts["cases_opened"] == 2
    assert result.counts["without_next_action"] == 0


def test_repeating_a_run_for_the_same_date_changes_nothing(company, cora):
    d = factories.debtor(company, owner=cora, credit_limit_minor=50_00)
    factories.item(d, due=AS_OF - timedelta(days=70))
    factories.item(d, due=AS_OF - timedelta(days=2))
    first = run_as_admin(company=company, as_of=AS_OF)
    before = _counts()
    again = run_as_admin(company=company, as_of=AS_OF)
    assert _counts() == before
    assert first.counts["items_stepped"] == 2
    assert again.counts["items_stepped"] == 0
    assert again.counts["actions_created"] == 0 and again.counts["holds_set"] == 0


def test_sequential_ladder_takes_one_step_per_run_even_after_missed_runs(company, cora):
    d = factories.debtor(company, owner=cora)
    item = factories.item(d, due=AS_OF + timedelta(days=3))
    run_as_admin(company=company, as_of=AS_OF)  # courtesy reminder (sequential: first rung)
    # 40 days without a run: the item's age implies final notice, but one step is taken.
    later = AS_OF + timedelta(days=40)
    result = run_as_admin(company=company, as_of=later)
    step = ItemStep.objects.get(item=item)
    assert step.step == 1 and step.step_on == later
    assert result.counts["actions_created"] == 1
    assert Action.objects.filter(case__debtor=d, due_on=later).count() == 1


def test_jump_ladder_goes_straight_to_the_step_the_age_implies(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")  # high-risk ladder jumps
    item = factories.item(d, due=AS_OF - timedelta(days=20))
    run_as_admin(company=company, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    step = ItemStep.objects.get(item=item)
    assert (step.strategy_code, case.strategy_code, case.step_code) == (
        "high_risk",
        "high_risk",
        "final_notice",
    )


def test_a_run_before_the_last_run_is_refused(company, cora):
    factories.item(factories.debtor(company, owner=cora), due=AS_OF)
    run_as_admin(company=company, as_of=AS_OF)
    with pytest.raises(RunRefused, match="runs go forward"):
        run_as_admin(company=company, as_of=AS_OF - timedelta(days=1))


def test_a_second_run_is_refused_while_the_lock_is_held_and_writes_nothing(company, cora):
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    RunLock.objects.create(
        company=company, run_id=999, holder="other host", acquired_at=timezone.now()
    )
    with pytest.raises(RunLocked, match="other host"):
        run_as_admin(company=company, as_of=AS_OF)
    assert Case.objects.count() == 0
    assert not Run.objects.exists()  # a run refused by the lock leaves no run behind
    result = run_as_admin(company=company, as_of=AS_OF, break_lock=True)
    assert result.counts["cases_opened"] == 1
    assert not RunLock.objects.exists()


def test_breaking_a_dead_run_s_lock_ends_that_run_as_failed(company, cora):
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    dead = Run.objects.create(company=company, as_of=AS_OF, started_at=timezone.now())
    RunLock.objects.create(
        company=company, run_id=dead.pk, holder="host pid 1", acquired_at=timezone.now()
    )
    result = run_as_admin(company=company, as_of=AS_OF, break_lock=True)
    dead.refresh_from_db()
    assert (dead.status, dead.finished_at is not None) == ("failed", True)
    assert Run.objects.get(pk=result.run_id).status == "done"


def test_a_run_interrupted_by_ctrl_c_ends_failed_as_interrupted_and_the_rerun_acts_once(
    company, cora, monkeypatch
):
    from arrears.apps.cases.services import run as run_module

    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    real_insert = run_module.insert_frame

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "insert_frame", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        run_as_admin(company=company, as_of=AS_OF)
    run = Run.objects.get()
    assert (run.status, run.summary, run.finished_at is not None) == (
        "failed",
        {"failed": "interrupted"},
        True,
    )
    assert not RunLock.objects.exists() and Case.objects.count() == 0
    monkeypatch.setattr(run_module, "insert_frame", real_insert)
    assert run_as_admin(company=company, as_of=AS_OF).counts["cases_opened"] == 1


def test_breaking_the_lock_ends_a_run_left_running_whose_lock_is_gone(company, cora):
    """A process killed after its lock was released but before its run row was marked: the
    run stays "running" (and the worklist keeps no figures while a run is under way) until
    `--break-lock`, which has no lock to break but ends that run as failed."""
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    other = factories.company("globex")
    stale = Run.objects.create(company=company, as_of=AS_OF, started_at=timezone.now())
    elsewhere = Run.objects.create(company=other, as_of=AS_OF, started_at=timezone.now())
    result = run_as_admin(company=company, as_of=AS_OF, break_lock=True)
    stale.refresh_from_db()
    assert (stale.status, stale.summary) == ("failed", {"failed": "lock_broken"})
    assert stale.finished_at is not None
    assert Run.objects.get(pk=result.run_id).status == "done"
    assert Run.objects.get(pk=elsewhere.pk).status == "running"  # another company's run


def test_a_database_another_writer_holds_refuses_the_run_in_words(company, cora, monkeypatch):
    from django.db import OperationalError

    from arrears.apps.cases.services import run as run_module

    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    with monkeypatch.context() as m, pytest.raises(RunLocked, match="the database is busy"):
        m.setattr(RunLock.objects, "create", busy)  # taking the lock: a writer holds it
        run_as_admin(company=company, as_of=AS_OF)
    assert not Run.objects.exists()
    monkeypatch.setattr(run_module, "insert_frame", busy)  # mid-run
    with pytest.raises(RunLocked, match="the database is busy"):
        run_as_admin(company=company, as_of=AS_OF)
    assert Run.objects.get().status == "failed" and not RunLock.objects.exists()
    assert Case.objects.count() == 0


def test_dry_run_shows_what_would_change_and_changes_nothing(company, cora):
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    before = _counts()
    result = run_as_admin(company=company, as_of=AS_OF, dry_run=True)
    assert result.dry_run and result.counts["cases_opened"] == 1
    assert result.counts["actions_created"] == 1
    assert _counts() == before and not Run.objects.exists()


def test_every_step_change_is_recorded_with_its_rule_and_inputs(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    item = factories.item(d, due=AS_OF - timedelta(days=20), amount=1234_56)
    run = run_as_admin(company=company, as_of=AS_OF)
    (event,) = [e for e in CaseEvent.objects.filter(case__debtor=d) if e.took_step]
    assert event.run_id == run.run_id and event.to_step == "final_notice"
    assert event.reason["strategy"] == "high_risk" and event.reason["mode"] == "jump"
    assert event.reason["inputs"]["driving_item_id"] == item.pk
    assert event.reason["inputs"]["days_past_due"] == 20
    assert event.reason["inputs"]["overdue_minor"] == 1234_56
    assert event.reason["trigger"]["min_days_past_due"] == 15


def test_a_paid_case_closes_and_reopens_when_a_new_item_falls_due(company, cora):
    d = factories.debtor(company, owner=cora)
    item = factories.item(d, due=AS_OF - timedelta(days=5))
    run_as_admin(company=company, as_of=AS_OF)
    OpenItem.objects.filter(pk=item.pk).update(open_minor=0)
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))
    case = Case.objects.get(debtor=d)
    assert (case.status, case.closed_reason, case.next_action_on) == ("closed", "paid", None)
    factories.item(d, due=AS_OF + timedelta(days=3))
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=2))
    case.refresh_from_db()
    assert case.status == "open" and case.next_action_on is not None
    assert list(case.events.values_list("kind", flat=True)).count("reopened") == 1


def test_credit_hold_is_set_over_limit_and_lifted_when_paid_down(company, cora):
    d = factories.debtor(company, owner=cora, credit_limit_minor=100_00)
    item = factories.item(d, due=AS_OF + timedelta(days=10), amount=150_00)
    run_as_admin(company=company, as_of=AS_OF)
    assert factories.on_hold(d)
    change = HoldChange.objects.get(debtor=d)
    assert change.reason["rules"] == ["exposure_over_credit_limit"]
    assert change.reason["exposure_minor"] == 150_00
    OpenItem.objects.filter(pk=item.pk).update(open_minor=90_00)
    result = run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))
    assert not factories.on_hold(d) and result.counts["holds_lifted"] == 1


def test_a_credit_note_issued_after_the_as_of_date_does_not_lower_the_exposure(company, cora):
    d = factories.debtor(company, owner=cora, credit_limit_minor=100_00)
    factories.item(d, due=AS_OF + timedelta(days=10), amount=150_00)
    note = dict(due=AS_OF, amount=100_00, kind="credit_note")
    factories.item(d, issue_date=AS_OF + timedelta(days=1), **note)
    other = factories.company("bolt")  # its credit, held long since, is not ours to count
    strategies_install_defaults(actor=factories.admin(), company=other)
    theirs = factories.debtor(other, owner=factories.collector("carl", other), code=d.code)
    factories.item(theirs, issue_date=AS_OF - timedelta(days=9), **note)
    run_as_admin(company=company, as_of=AS_OF)
    assert factories.on_hold(d)
    assert HoldChange.objects.get(debtor=d).reason["exposure_minor"] == 150_00
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))  # the note is held from today
    assert not factories.on_hold(d)


def test_a_manual_hold_is_never_lifted_by_the_run(company, cora):
    d = factories.debtor(company, owner=cora, on_hold=True, manual_hold=True)
    factories.item(d, due=AS_OF + timedelta(days=10))
    run_as_admin(company=company, as_of=AS_OF)
    assert factories.on_hold(d)


def test_credit_hold_is_set_when_the_oldest_item_is_past_the_hold_age(company, cora):
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=61))
    result = run_as_admin(company=company, as_of=AS_OF)
    assert factories.on_hold(d) and result.counts["holds_set"] == 1


def test_the_run_reports_open_cases_without_an_owner(company, cora):
    d = factories.debtor(company, code="NOBODY")
    factories.item(d, due=AS_OF - timedelta(days=5))
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    result = run_as_admin(company=company, as_of=AS_OF)
    assert result.counts["without_owner"] == 1 and result.orphans == ["NOBODY"]


def test_an_item_in_a_currency_without_exchange_rate_is_refused_clearly(company, cora):
    factories.item(factories.debtor(company, owner=cora), due=AS_OF, currency="CHF")
    with pytest.raises(RunRefused, match="no exchange rate into EUR for CHF"):
        run_as_admin(company=company, as_of=AS_OF)
    assert Case.objects.count() == 0
    # refused as it read, nothing written: no failed run row left behind, and no lock
    assert not Run.objects.exists() and not RunLock.objects.exists()


def test_runs_of_one_company_never_touch_another(company, cora):
    other = factories.company("globex")
    strategies_install_defaults(actor=admin(), company=other)
    theirs = factories.item(factories.debtor(other, owner=cora), due=AS_OF - timedelta(days=5))
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    run_as_admin(company=company, as_of=AS_OF)
    assert not ItemStep.objects.filter(item=theirs).exists()
    assert not Case.objects.filter(company=other).exists()


def _reminded(item, days_ago=3):
    """The item had its first, written contact (the high-risk reminder) `days_ago` days ago."""
    ItemStep.objects.create(
        item=item, strategy_code="high_risk", step=0, step_on=AS_OF - timedelta(days=days_ago)
    )


def test_a_call_to_make_is_the_next_action_until_it_is_done(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")  # jumps to the call at 5-14 days
    _reminded(factories.item(d, due=AS_OF - timedelta(days=6)))
    run_as_admin(company=company, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    assert _next(case) == ("call", "call", "phone", "collector", AS_OF)
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))
    case.refresh_from_db()
    assert _next(case) == ("call", "call", "phone", "collector", AS_OF)  # still owed: overdue
    Action.objects.filter(case=case).update(status="done")
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=2))
    case.refresh_from_db()
    assert case.next_action_kind in ("step", "review") and case.next_action_on > AS_OF


def test_an_email_step_does_not_wait_for_a_person(company, cora):
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF + timedelta(days=5))  # courtesy reminder by email today
    run_as_admin(company=company, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    # No call or task: the next thing is the courtesy step's review (5 days), before the reminder.
    assert _next(case) == ("review", "review", "task", "collector", AS_OF + timedelta(days=5))


def test_an_item_keeps_its_place_when_its_debtor_moves_to_another_ladder(company, cora):
    d = factories.debtor(company, owner=cora)
    item = factories.item(d, due=AS_OF + timedelta(days=3))
    run_as_admin(company=company, as_of=AS_OF)  # courtesy
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=11))  # reminder (default ladder)
    assert ItemStep.objects.get(item=item).step == 1
    d.risk_tier = "high"
    d.save()
    # The high-risk ladder has its own reminder (index 0); from there it jumps to what the
    # age implies once the gap allows: 13 days past due is a call on the high-risk ladder.
    result = run_as_admin(company=company, as_of=AS_OF + timedelta(days=13))
    step = ItemStep.objects.get(item=item)
    assert (step.strategy_code, step.step) == ("high_risk", 1)
    assert Case.objects.get(debtor=d).step_code == "call"
    assert result.counts["items_stepped"] == 1


def test_a_case_that_climbs_cancels_its_older_undone_actions(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    _reminded(factories.item(d, due=AS_OF - timedelta(days=6)))
    run_as_admin(company=company, as_of=AS_OF)  # high-risk: straight to the call
    call = Action.objects.get(case__debtor=d, step_code="call")
    later = AS_OF + timedelta(days=10)  # 16 days past due: final notice, the call never made
    run_as_admin(company=company, as_of=later)
    call.refresh_from_db()
    case = Case.objects.get(debtor=d)
    assert call.status == "cancelled" and case.step_code == "final_notice"
    assert (case.next_action_kind, case.next_action_step_code) != ("call", "call")
    assert Action.objects.get(case=case, step_code="final_notice").status == "queued"  # a letter


def test_climbing_leaves_tasks_that_are_not_ladder_steps_open(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    factories.item(d, due=AS_OF - timedelta(days=6))
    run_as_admin(company=company, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    follow_up = Action.objects.create(
        case=case, step_code="promise_follow_up", channel="phone", role="collector", due_on=AS_OF
    )
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=10))  # climbs to final notice
    follow_up.refresh_from_db()
    case.refresh_from_db()
    assert follow_up.status == "open"
    assert _next(case) == ("call", "promise_follow_up", "phone", "collector", AS_OF)


def test_a_broken_promise_takes_a_sequential_case_straight_to_the_firm_demand(company, cora):
    from arrears.apps.negotiation.services import promise_create
    from arrears.domain.money import Money
    from arrears.domain.promises import PromiseChannel

    d = factories.debtor(company, owner=cora)  # the default ladder climbs one rung per run
    factories.item(d, due=AS_OF - timedelta(days=2), amount=500_00)
    run_as_admin(company=company, as_of=AS_OF)  # courtesy
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=3))  # reminder
    case = Case.objects.get(debtor=d)
    promise_create(
        case=case,
        actor=cora,
        parts=[(AS_OF + timedelta(days=4), Money.of("500", "EUR"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF + timedelta(days=3),
    )
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=12))  # unpaid, past the grace
    case.refresh_from_db()
    assert case.step_code == "firm_demand"  # not just the next rung (the call)


def test_a_run_that_crashes_midway_leaves_nothing_and_the_rerun_acts_once(
    company, cora, monkeypatch
):
    from arrears.apps.cases.services import run as run_module

    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    real_delete = run_module.delete_ids

    def crash_on_holds(table, ids, key="id"):
        if table == "cases_credithold":  # the last write: cases, events, actions are done
            raise RuntimeError("power cut")
        return real_delete(table, ids, key=key)

    monkeypatch.setattr(run_module, "delete_ids", crash_on_holds)
    with pytest.raises(RuntimeError, match="power cut"):
        run_as_admin(company=company, as_of=AS_OF)
    assert (Case.objects.count(), CaseEvent.objects.count(), Action.objects.count()) == (0, 0, 0)
    assert Run.objects.get().status == "failed" and not RunLock.objects.exists()

    monkeypatch.setattr(run_module, "delete_ids", real_delete)
    run_as_admin(company=company, as_of=AS_OF)
    run_as_admin(company=company, as_of=AS_OF)
    assert Action.objects.count() == 1


def test_items_a_defaulted_plan_accelerated_are_dunned_as_due_at_once():
    from arrears.apps.negotiation.services import plan_create
    from arrears.apps.negotiation.services.plans import PlanIn
    from tests.apps.negotiation.support import world

    w = world()  # a case with two overdue items, run on 25 Nov
    later = factories.item(
        w.debtor, due=date(2027, 2, 1), amount=300_00, number="INV-LATER", issue_date=AS_OF
    )
    plan_create(  # the plan finances the February invoice too
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(
            due_dates=[date(2026, 12, 4), date(2027, 1, 4)],
            item_numbers=["INV-OLD", "INV-NEW", "INV-LATER"],
        ),
    )
    run_as_admin(company=w.company, as_of=date(2026, 12, 14))  # first instalment missed: default
    run_as_admin(company=w.company, as_of=date(2026, 12, 21))
    step = ItemStep.objects.get(item=later)  # due in February, yet on the ladder already
    assert step.step is not None and step.step >= 1  # past the courtesy reminder: overdue


def test_a_case_handed_over_to_legal_is_no_longer_dunned_by_the_ladder():
    from arrears.apps.negotiation.services import case_handover
    from tests.apps.negotiation.support import world

    w = world()  # two overdue items, run on 25 Nov
    case_handover(
        case=w.case, actor=w.maria, to="legal", new_owner=w.lena, reason="ignored", as_of=AS_OF
    )
    before = Action.objects.filter(case=w.case).exclude(step_code="handover_legal").count()
    for days in (7, 14, 21, 28, 35):
        run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=days))
    w.refresh()
    after = Action.objects.filter(case=w.case).exclude(step_code="handover_legal").count()
    assert after == before  # no more letters, emails or calls of our own
    assert (w.old.excluded_minor, w.new.excluded_minor) == (600_00, 400_00)
    case = Case.objects.get(pk=w.case.pk)
    assert case.status == "open" and case.next_action_on is not None  # still owned, still dated


def test_a_case_gets_one_action_a_day_for_the_firmest_step_reached(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")  # jump ladder
    factories.item(d, due=AS_OF - timedelta(days=20))  # final notice
    factories.item(d, due=AS_OF - timedelta(days=6))  # the call
    factories.item(d, due=AS_OF - timedelta(days=2))  # a reminder
    result = run_as_admin(company=company, as_of=AS_OF)
    assert list(Action.objects.filter(case__debtor=d).values_list("step_code", flat=True)) == [
        "final_notice"
    ]
    assert result.counts["items_stepped"] == 3 and result.counts["actions_created"] == 1


def test_an_old_item_held_back_by_a_plan_or_promise_keeps_the_credit_hold(company, cora):
    d = factories.debtor(company, owner=cora)
    item = factories.item(d, due=AS_OF - timedelta(days=61))
    run_as_admin(company=company, as_of=AS_OF)
    factories.desk_input_set(item, excluded_minor=item.open_minor)  # in a plan
    result = run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))
    assert factories.on_hold(d) and result.counts["holds_lifted"] == 0


def test_a_lifted_hold_says_why(company, cora):
    d = factories.debtor(company, owner=cora, credit_limit_minor=100_00)
    item = factories.item(d, due=AS_OF + timedelta(days=10), amount=150_00)
    run_as_admin(company=company, as_of=AS_OF)
    OpenItem.objects.filter(pk=item.pk).update(open_minor=50_00)
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))
    lifted = HoldChange.objects.get(debtor=d, hold=False)
    assert lifted.reason["rules"] == ["exposure_within_limit_and_no_old_items"]


def test_a_case_keeps_its_step_while_its_items_are_held_back(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    item = factories.item(d, due=AS_OF - timedelta(days=20))
    run_as_admin(company=company, as_of=AS_OF)  # final notice
    factories.desk_input_set(item, excluded_minor=item.open_minor)  # promised
    run_as_admin(company=company, as_of=AS_OF + timedelta(days=1))
    case = Case.objects.get(debtor=d)
    assert case.step_code == "final_notice"
    assert [e.to_step for e in case.events.order_by("id") if e.took_step] == ["final_notice"]
    assert case.next_action_kind == "review"  # nothing to climb while the promise stands


def test_an_item_imported_after_today_s_run_that_reaches_a_step_already_pending_adds_nothing(
    company, cora
):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    _reminded(factories.item(d, due=AS_OF - timedelta(days=6)))
    run_as_admin(company=company, as_of=AS_OF)  # the call, due today
    late = factories.item(d, due=AS_OF - timedelta(days=7))  # imported later the same day
    _reminded(late)  # at the reminder too: it reaches the call
    again = run_as_admin(company=company, as_of=AS_OF)
    assert again.counts["actions_created"] == 0
    assert Action.objects.filter(case__debtor=d, step_code="call").count() == 1


def test_a_dry_run_on_postgresql_leaves_every_sequence_where_it_was(company, cora):
    from django.db import connection

    from arrears.apps.negotiation.services import promise_create
    from arrears.domain.money import Money
    from arrears.domain.promises import PromiseChannel

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no sequences: a rollback restores its ids")
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=2), amount=500_00)
    run_as_admin(company=company, as_of=AS_OF)
    promise_create(
        case=Case.objects.get(debtor=d),
        actor=cora,
        parts=[(AS_OF + timedelta(days=1), Money.of("500", "EUR"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    query = (
        "SELECT sequencename, last_value FROM pg_sequences "
        "WHERE schemaname = current_schema() ORDER BY 1"
    )
    with connection.cursor() as c:
        c.execute(query)
        before = c.fetchall()
    result = run_as_admin(company=company, as_of=AS_OF + timedelta(days=9), dry_run=True)
    assert result.counts["actions_created"] >= 2  # the broken promise's follow-up, firm demand
    with connection.cursor() as c:
        c.execute(query)
        assert c.fetchall() == before


def test_a_run_that_waited_while_another_ran_is_refused_and_leaves_nothing(company, cora):
    factories.item(factories.debtor(company, owner=cora), due=AS_OF - timedelta(days=5))
    asked = timezone.now()
    first = run_as_admin(company=company, as_of=AS_OF)  # ran while the second waited (SQLite)
    before = _counts()
    with pytest.raises(RunLocked, match=f"run {first.run_id}\\) ran while this one waited"):
        run_as_admin(company=company, as_of=AS_OF, asked_at=asked)
    assert _counts() == before
    assert list(Run.objects.values_list("id", flat=True)) == [first.run_id]
    assert not RunLock.objects.exists()


def test_a_run_that_adds_many_rows_refreshes_the_planner_statistics_and_a_quiet_one_not(
    company, cora, monkeypatch
):
    from arrears.apps.cases.services import run as run_module

    refreshed: list[tuple[str, ...]] = []
    monkeypatch.setattr(run_module, "statistics_refresh", lambda t: refreshed.append(tuple(t)))
    monkeypatch.setattr(run_module, "LARGE_WRITE", 2)
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=15))
    factories.item(d, due=AS_OF - timedelta(days=40))
    run_as_admin(company=company, as_of=AS_OF)  # two item steps, a case, an action
    assert refreshed == [run_module.RUN_TABLES]
    run_as_admin(company=company, as_of=AS_OF)  # the same day again writes nothing
    assert refreshed == [run_module.RUN_TABLES]
