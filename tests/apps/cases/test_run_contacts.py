"""What the run says to a debtor and when (#13 §3, as other dunning tools' scenarios showed):
one contact per case and step, nothing stale after what reached a step was paid, an overdue
item starts at the real reminder and in writing, legal waits for a credit manager, next-action
dates that neither lag nor stay in the past, and every action the run creates counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Action, Case, ItemStep
from arrears.apps.cases.services import (
    action_cancel,
    actions,
    strategies_install_defaults,
)
from arrears.apps.cases.services.strategies import strategies_install
from arrears.apps.ledger.models import OpenItem
from arrears.domain.ladder import DEFAULT_STRATEGIES, Channel, Mode, Role, Step, Strategy
from tests import factories
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 25)


@pytest.fixture
def company():
    c = factories.company()
    strategies_install_defaults(actor=factories.admin(), company=c)
    other = factories.company("globex")  # a second company, its own collector and case
    strategies_install_defaults(actor=factories.admin(), company=other)
    olga = factories.collector("olga", other)
    factories.item(factories.debtor(other, owner=olga), due=AS_OF - timedelta(days=40))
    return c


@pytest.fixture
def cora(company):
    factories.collector("carl", company)  # a second collector of the company
    return factories.collector("cora", company)


def _day(n: int) -> date:
    return AS_OF + timedelta(days=n)


def _actions(debtor) -> list[tuple[str, str, str]]:
    rows = Action.objects.filter(case__debtor=debtor).order_by("id")
    return list(rows.values_list("step_code", "status", "cancelled_reason"))


def _reminded(item, strategy="high_risk", step=0, days_ago=3):
    ItemStep.objects.create(
        item=item, strategy_code=strategy, step=step, step_on=AS_OF - timedelta(days=days_ago)
    )


def test_a_call_whose_invoice_was_paid_is_cancelled_when_a_new_invoice_keeps_the_case_open(
    company, cora
):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    old = factories.item(d, due=AS_OF - timedelta(days=6))
    _reminded(old)
    run_as_admin(company=company, as_of=AS_OF)  # the call
    OpenItem.objects.filter(pk=old.pk).update(open_minor=0)  # paid
    factories.item(d, due=_day(10))  # a new invoice, not due: the case never closed
    result = run_as_admin(company=company, as_of=_day(1))
    case = Case.objects.get(debtor=d)
    assert _actions(d) == [("call", "cancelled", "step_left")]
    assert (case.status, case.step_code, case.next_action_kind) == ("open", "", "step")
    assert case.next_action_step_code == "reminder" and result.counts["actions_cancelled"] == 1


def test_a_closed_case_cancels_its_open_actions_and_reopens_without_them(company, cora):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    old = factories.item(d, due=AS_OF - timedelta(days=6))
    _reminded(old)
    run_as_admin(company=company, as_of=AS_OF)
    OpenItem.objects.filter(pk=old.pk).update(open_minor=0)
    run_as_admin(company=company, as_of=_day(1))  # closed as paid
    factories.item(d, due=_day(1))
    run_as_admin(company=company, as_of=_day(3))  # reopened by the new invoice
    assert _actions(d) == [("call", "cancelled", "case_closed"), ("reminder", "queued", "")]


def test_an_item_catching_up_with_its_case_s_step_sends_no_second_letter(company, cora):
    d = factories.debtor(company, owner=cora)  # the default, sequential ladder
    factories.item(d, due=AS_OF - timedelta(days=1))
    run_as_admin(company=company, as_of=AS_OF)  # the reminder
    factories.item(d, due=_day(5))  # courtesy reminder due today: the case is past it
    factories.item(d, due=_day(2))
    for n in range(1, 8):
        run_as_admin(company=company, as_of=_day(n))
    assert [a[0] for a in _actions(d) if a[0] != "review"] == ["reminder"]
    assert set(ItemStep.objects.filter(item__debtor=d).values_list("step", flat=True)) == {1}


def test_a_case_reaching_a_higher_step_still_gets_its_contact(company, cora):
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=1))
    run_as_admin(company=company, as_of=AS_OF)  # reminder
    run_as_admin(company=company, as_of=_day(9))  # call (10 days past due)
    assert [a[0] for a in _actions(d)] == ["reminder", "call"]


def test_an_item_first_seen_long_overdue_starts_at_the_reminder_not_the_courtesy(company, cora):
    d = factories.debtor(company, owner=cora)
    item = factories.item(d, due=AS_OF - timedelta(days=40))
    run_as_admin(company=company, as_of=AS_OF)
    assert ItemStep.objects.get(item=item).step == 1
    assert [a[0] for a in _actions(d)] == ["reminder"]
    soon = factories.item(factories.debtor(company, owner=cora), due=_day(4))
    run_as_admin(company=company, as_of=_day(1))  # before its due date: the courtesy reminder
    assert ItemStep.objects.get(item=soon).step == 0


def test_a_jump_ladder_s_first_contact_is_written_and_legal_waits_for_a_credit_manager(
    company, cora
):
    d = factories.debtor(company, owner=cora, risk_tier="high")
    factories.item(d, due=AS_OF - timedelta(days=40), amount=1000_00)
    run_as_admin(company=company, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    assert case.step_code == "final_notice"  # a letter, not legal
    assert Action.objects.get(case=case).channel == Channel.LETTER
    run_as_admin(company=company, as_of=_day(5))  # the final notice's gap (5) to legal is 7 days
    assert Case.objects.get(debtor=d).step_code == "final_notice"
    run_as_admin(company=company, as_of=_day(7))
    legal = Action.objects.get(case=case, step_code="legal")
    assert (legal.channel, legal.role) == ("task", Role.CREDIT_MANAGER)  # approve the hand-over
    d.refresh_from_db()
    assert d.owner == cora  # nobody is handed the account until a credit manager does it


def _no_gap_ladder(company):
    strategies_install(
        actor=factories.credit_manager("maria", company),
        company=company,
        strategies=(
            *DEFAULT_STRATEGIES,
            Strategy(
                "fast",
                "Fast",
                Mode.SEQUENTIAL,
                (
                    Step("reminder", "Reminder", 1, Channel.EMAIL, Role.COLLECTOR),
                    Step("demand", "Demand", 5, Channel.LETTER, Role.COLLECTOR),
                    Step("call", "Call", 8, Channel.PHONE, Role.COLLECTOR, follow_up_days=30),
                ),
                priority=1,
            ),
        ),
    )


def test_a_climb_due_at_the_next_run_is_the_next_action_with_its_own_step(company, cora):
    _no_gap_ladder(company)
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=30))
    run_as_admin(company=company, as_of=AS_OF)  # reminder today; demand at the next run
    case = Case.objects.get(debtor=d)
    assert (case.next_action_kind, case.next_action_step_code, case.next_action_on) == (
        "step",
        "demand",
        _day(1),
    )
    run_as_admin(company=company, as_of=_day(1))
    case.refresh_from_db()
    assert case.step_code == "demand"


def test_the_next_step_named_is_the_one_the_case_climbs_to_not_a_lagging_item_s(company, cora):
    d = factories.debtor(company, owner=cora)
    old = factories.item(d, due=AS_OF - timedelta(days=5))
    run_as_admin(company=company, as_of=AS_OF)  # reminder; the call at 10 days past due (day 5)
    factories.item(d, due=_day(7))  # its courtesy reminder (day 2) contacts nobody
    run_as_admin(company=company, as_of=_day(1))
    case = Case.objects.get(debtor=d)
    assert (case.next_action_kind, case.next_action_step_code, case.next_action_on) == (
        "step",
        "call",
        old.due_date + timedelta(days=10),
    )


def test_a_review_cancelled_on_a_disputed_case_comes_back_at_the_cadence_not_in_the_past(
    company, cora, monkeypatch
):
    monkeypatch.setattr(actions, "today", lambda: _day(60))
    maria = factories.credit_manager("maria", company)  # the final notice's role reviews it
    d = factories.debtor(company, owner=cora, risk_tier="high")
    item = factories.item(d, due=AS_OF - timedelta(days=40), amount=1000_00)
    run_as_admin(company=company, as_of=AS_OF)  # final notice, reviewed after 7 days
    from arrears.apps.negotiation.services import dispute_open
    from arrears.domain.money import Money

    case = Case.objects.get(debtor=d)
    dispute_open(
        case=case,
        actor=cora,
        parts=[(item.number, Money.of("1000", "EUR"))],
        reason="wrong_price",
        as_of=_day(1),
        deadline=_day(50),
    )
    run_as_admin(company=company, as_of=_day(7))  # the review falls due
    review = Action.objects.get(case=case, step_code="review")
    assert review.due_on == _day(7)
    action_cancel(actor=maria, action_id=review.pk, reason="waiting for the dispute", on=_day(8))
    for n in (9, 12, 15):
        run_as_admin(company=company, as_of=_day(n))
        case.refresh_from_db()
        assert case.next_action_on == _day(15), n  # 7 days after the cancelled review


def test_the_run_counts_the_follow_ups_it_booked_for_broken_promises(company, cora):
    from arrears.apps.negotiation.services import promise_create
    from arrears.domain.money import Money
    from arrears.domain.promises import PromiseChannel

    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=2), amount=500_00)
    run_as_admin(company=company, as_of=AS_OF)  # reminder
    promise_create(
        case=Case.objects.get(debtor=d),
        actor=cora,
        parts=[(_day(1), Money.of("500", "EUR"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    before = Action.objects.count()
    result = run_as_admin(company=company, as_of=_day(9))  # broken: follow-up, firm demand
    created = Action.objects.count() - before
    assert created >= 2
    assert result.counts["actions_created"] + result.counts["reviews_due"] == created
    assert sum(result.actions_by_channel.values()) == result.counts["actions_created"]


def test_explain_says_why_a_sequential_case_climbed_several_steps_in_one_run(company, cora):
    from arrears.apps.negotiation.services import promise_create
    from arrears.domain.money import Money
    from arrears.domain.promises import PromiseChannel
    from tests import terminal

    d = factories.debtor(company, owner=cora)
    factories.item(d, due=AS_OF - timedelta(days=2), amount=500_00)
    run_as_admin(company=company, as_of=AS_OF)  # the reminder
    promise_create(
        case=Case.objects.get(debtor=d),
        actor=cora,
        parts=[(_day(1), Money.of("500", "EUR"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    run_as_admin(company=company, as_of=_day(9))  # broken: the firm demand, past the call
    out = terminal.run("explain", d.code, as_=cora)
    line = next(x for x in out.splitlines() if "-> firm demand" in x)
    assert "step reminder -> firm demand" in line
    assert "a broken promise moves the case straight to the step it triggers" in line
    reminder = next(x for x in out.splitlines() if "-> reminder" in x)
    assert "broken promise moves" not in reminder
