from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.negotiation.models import Approval, ItemAcceleration, PaymentPlan
from arrears.apps.negotiation.services import (
    NotAllowed,
    approval_decide,
    plan_create,
)
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.money import Money
from arrears.domain.plans import PlanError
from tests import factories
from tests.apps.negotiation.support import AS_OF, eur, pay, refused
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
DEC, JAN = date(2026, 12, 4), date(2027, 1, 4)


def _not_yet_due(w, number, due=date(2027, 2, 1), amount=300_00):
    """An invoice issued today, due in February: not in arrears yet."""
    return factories.item(w.debtor, due=due, amount=amount, number=number, issue_date=AS_OF)


def _plan(w, **kw):
    kw.setdefault("due_dates", [DEC, JAN])
    actor = kw.pop("actor", w.cora)
    return plan_create(case=w.case, actor=actor, as_of=AS_OF, schedule=PlanIn(**kw))


def test_a_plan_covers_the_undisputed_balance_in_equal_instalments(w):
    plan = _plan(w)
    rows = list(plan.instalments.values_list("seq", "due_on", "principal_minor"))
    assert rows == [(1, DEC, 500_00), (2, JAN, 500_00)]
    assert plan.status == "good_standing" and plan.acceleration_clause
    assert CaseEvent.objects.filter(case=w.case, kind="plan").count() == 1


def test_a_plan_with_a_down_payment_and_interest_adds_up_exactly(w):
    plan = _plan(w, down_payment=eur("100"), annual_rate=Decimal("0.08"))
    rows = list(plan.instalments.values_list("seq", "principal_minor", "interest_minor"))
    assert rows[0] == (0, 100_00, 0)
    assert sum(r[1] for r in rows) == 1000_00 and all(r[2] >= 0 for r in rows[1:])
    assert sum(r[2] for r in rows) > 0


def test_hand_entered_instalments_that_do_not_add_up_are_refused(w):
    with pytest.raises(PlanError, match="adds up to"):
        _plan(w, due_dates=(), parts=[(DEC, eur("500")), (JAN, eur("400"))], principal=eur("1000"))
    assert not PaymentPlan.objects.exists()


def test_a_plan_starting_in_the_past_is_refused(w):
    with pytest.raises(PlanError, match="before the plan was agreed"):
        _plan(w, due_dates=[date(2026, 11, 1), DEC])


def test_a_plan_above_the_balance_is_refused(w):
    with pytest.raises(PlanError, match="more than the balance"):
        _plan(w, principal=eur("1200"))


def test_the_same_plan_entered_twice_is_stored_once(w):
    assert _plan(w) == _plan(w)


def test_a_plan_beyond_the_walk_away_point_waits_for_approval(w):
    plan = _plan(w, due_dates=[date(2027, 3, 1), date(2027, 6, 1)])
    assert plan.status == "pending_approval"
    approval = Approval.objects.get(plan=plan)
    with pytest.raises(NotAllowed):
        approval_decide(approval=approval, actor=w.cora, approve=True, reason="x", as_of=AS_OF)
    approval_decide(approval=approval, actor=w.maria, approve=True, reason="seasonal", as_of=AS_OF)
    plan.refresh_from_db()
    assert plan.status == "good_standing"


def test_a_plan_pending_approval_keeps_nothing_off_the_ladder(w):
    _plan(w, due_dates=[date(2027, 3, 1), date(2027, 6, 1)])
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (0, 0)


def test_a_plan_in_good_standing_keeps_its_open_principal_off_the_ladder(w):
    _plan(w)
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (600_00, 400_00)


def test_instalments_are_matched_against_payments_like_items(w):
    plan = _plan(w)
    pay(w.old, 500_00, DEC)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    first = plan.instalments.get(seq=1)
    assert (first.paid_minor, first.settled_on) == (500_00, DEC)
    w.refresh()
    assert w.old.excluded_minor + w.new.excluded_minor == 500_00  # what the plan still covers


def test_a_missed_instalment_defaults_the_plan_and_accelerates_the_rest(w):
    plan = _plan(w)
    pay(w.old, 200_00, DEC)
    run_as_admin(company=w.company, as_of=date(2026, 12, 10))  # grace 3 business days: 9 Dec
    plan.refresh_from_db()
    w.refresh()
    assert (plan.status, plan.defaulted_on, plan.due_at_once_minor) == (
        "defaulted",
        date(2026, 12, 10),  # the first day after grace
        800_00,
    )
    assert (w.old.broken_promises, w.new.broken_promises) == (1, 1)
    assert (w.old.excluded_minor, w.new.excluded_minor) == (0, 0)
    assert Action.objects.filter(
        case=w.case, step_code="plan_default_follow_up", due_on=date(2026, 12, 10)
    ).exists()


def test_a_second_collector_may_not_agree_a_plan(w):
    with pytest.raises(NotAllowed):
        _plan(w, actor=w.carl)


def test_a_plan_needs_either_dates_or_instalments(w):
    got = refused("plan.schedule", _plan, w=w, due_dates=(), parts=())
    assert got.figures == {}


def test_instalments_in_another_currency_are_refused(w):
    got = refused(
        "plan.instalment_currency",
        _plan,
        w=w,
        due_dates=(),
        parts=[(DEC, Money.of("500", "USD"))],
        principal=eur("500"),
    )
    assert got.figures == {"amount": Decimal("500"), "currency": "USD", "want": "EUR"}


def test_without_acceleration_a_default_duns_only_the_missed_instalment(w):
    plan = _plan(w, acceleration_clause=False)
    run_as_admin(company=w.company, as_of=date(2026, 12, 10))
    plan.refresh_from_db()
    w.refresh()
    assert (plan.status, plan.due_at_once_minor) == ("defaulted", 500_00)
    assert w.old.excluded_minor + w.new.excluded_minor == 500_00  # January's instalment waits
    run_as_admin(company=w.company, as_of=date(2026, 12, 10))
    w.refresh()
    assert w.old.excluded_minor + w.new.excluded_minor == 500_00


def test_a_payment_already_in_the_balance_when_the_plan_was_agreed_does_not_count(w):
    pay(w.old, 200_00, AS_OF)  # imported before the plan: the plan covers the 800 left
    plan = _plan(
        w,
        due_dates=(),
        parts=[(date(2026, 11, 30), eur("400")), (date(2026, 12, 30), eur("400"))],
    )
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 7))
    plan.refresh_from_db()
    assert plan.status == "defaulted"
    assert plan.instalments.get(seq=1).paid_minor == 0


def test_plan_parts_with_a_down_payment_or_a_rate_are_refused(w):
    parts = [(DEC, eur("1000"))]
    refused("plan.parts_and_terms", _plan, w=w, due_dates=(), parts=parts, down_payment=eur("100"))
    refused(
        "plan.parts_and_terms", _plan, w=w, due_dates=(), parts=parts, annual_rate=Decimal("0.08")
    )
    assert not PaymentPlan.objects.exists()


def test_an_accelerated_default_makes_covered_items_not_yet_due_due_at_once(w):
    later = _not_yet_due(w, "INV-LATER")
    plan = _plan(w, item_numbers=["INV-OLD", "INV-NEW", "INV-LATER"])  # financed early
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))  # grace ends 9 Dec
    plan.refresh_from_db()
    assert plan.status == "defaulted"
    acc = ItemAcceleration.objects.get()
    # due at once from the default, the first day after grace (10 Dec), not its last day
    assert (acc.item_id, acc.plan_id, acc.accelerated_on) == (later.pk, plan.pk, date(2026, 12, 10))
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 11))
    assert ItemAcceleration.objects.count() == 1


def test_a_plan_without_items_covers_what_is_due_and_its_default_accelerates_nothing_else(w):
    _not_yet_due(w, "INV-BEFORE")
    plan = _plan(w)  # what is due today: not the invoice not yet due
    assert plan.covered_items == ["INV-NEW", "INV-OLD"] and plan.principal_minor == 1000_00
    factories.item(w.debtor, due=date(2027, 3, 1), amount=700_00, number="INV-AFTER")
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    plan.refresh_from_db()
    assert plan.status == "defaulted"
    assert not ItemAcceleration.objects.exists()
    event = CaseEvent.objects.get(case=w.case, reason__rule="plan_defaulted")
    assert event.reason["accelerated_items"] == []


def test_an_accelerated_default_leaves_invoices_booked_after_the_plan_alone(w):
    before = _not_yet_due(w, "INV-BEFORE")
    plan = _plan(w, item_numbers=["INV-OLD", "INV-NEW", "INV-BEFORE"])
    factories.item(w.debtor, due=date(2027, 3, 1), amount=700_00, number="INV-AFTER")
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    plan.refresh_from_db()
    assert plan.status == "defaulted"
    assert list(ItemAcceleration.objects.values_list("item_id", flat=True)) == [before.pk]


def test_an_accelerated_plan_on_some_items_reaches_only_those(w):
    inside = _not_yet_due(w, "INV-IN")
    _not_yet_due(w, "INV-OUT")
    plan = _plan(w, item_numbers=["INV-OLD", "INV-IN"], principal=eur("900"))
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    plan.refresh_from_db()
    assert plan.status == "defaulted"
    assert list(ItemAcceleration.objects.values_list("item_id", flat=True)) == [inside.pk]


def test_without_acceleration_no_item_is_made_due_early(w):
    _not_yet_due(w, "INV-LATER")
    _plan(w, acceleration_clause=False, item_numbers=["INV-OLD", "INV-NEW", "INV-LATER"])
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    assert not ItemAcceleration.objects.exists()


def test_a_plan_stored_before_covered_items_accelerates_only_items_issued_by_its_day(w):
    before = factories.item(w.debtor, due=date(2026, 12, 20), amount=300_00, number="INV-BEFORE")
    plan = _plan(w)
    PaymentPlan.objects.filter(pk=plan.pk).update(covered_items=[])  # as an older row
    factories.item(w.debtor, due=date(2027, 3, 1), amount=700_00, number="INV-AFTER")  # 30 Jan
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 10))
    assert list(ItemAcceleration.objects.values_list("item_id", flat=True)) == [before.pk]
