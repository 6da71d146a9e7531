from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from arrears.domain.ladder import (
    DEFAULT_STRATEGIES,
    DEFAULT_STRATEGY,
    HIGH_RISK_STRATEGY,
    Channel,
    ItemState,
    LadderError,
    Mode,
    Role,
    Step,
    Strategy,
    acting_role,
    carry_over,
    choose_strategy,
    next_climb,
    next_step,
    step_triggered,
)

AS_OF = date(2026, 11, 25)


def _next(strategy, due_days_ago, step=None, step_days_ago=None, amount="100", broken=0):
    state = ItemState(
        due_date=AS_OF - timedelta(days=due_days_ago),
        step=step,
        step_on=None if step_days_ago is None else AS_OF - timedelta(days=step_days_ago),
    )
    return next_step(
        strategy, state, as_of=AS_OF, overdue_amount=Decimal(amount), broken_promises=broken
    )


def test_courtesy_reminder_is_due_before_the_due_date():
    assert _next(DEFAULT_STRATEGY, due_days_ago=-5) == 0
    assert _next(DEFAULT_STRATEGY, due_days_ago=-6) is None


def test_sequential_ladder_climbs_one_step_even_when_age_implies_more():
    assert _next(DEFAULT_STRATEGY, due_days_ago=90, step=0, step_days_ago=30) == 1


def test_jump_ladder_goes_to_the_highest_triggered_step():
    assert _next(HIGH_RISK_STRATEGY, due_days_ago=20) == 2
    assert _next(HIGH_RISK_STRATEGY, due_days_ago=8, step=0, step_days_ago=3) == 1


def test_a_step_waits_for_its_minimum_gap_after_the_previous_step():
    assert _next(DEFAULT_STRATEGY, due_days_ago=15, step=1, step_days_ago=4) == 1
    assert _next(DEFAULT_STRATEGY, due_days_ago=15, step=1, step_days_ago=5) == 2


def test_an_item_decided_today_is_left_alone_so_a_repeat_run_changes_nothing():
    assert _next(DEFAULT_STRATEGY, due_days_ago=90, step=1, step_days_ago=0) == 1


def test_broken_promises_trigger_a_step_whatever_the_age():
    firm = DEFAULT_STRATEGY.steps[3]
    assert not step_triggered(firm, days_past_due=12, overdue_amount=Decimal(1), broken_promises=0)
    assert step_triggered(firm, days_past_due=12, overdue_amount=Decimal(1), broken_promises=1)


def test_legal_hand_over_needs_the_minimum_overdue_amount():
    legal = DEFAULT_STRATEGY.steps[5]
    assert not step_triggered(
        legal, days_past_due=90, overdue_amount=Decimal("249.99"), broken_promises=0
    )
    assert step_triggered(legal, days_past_due=90, overdue_amount=Decimal(250), broken_promises=0)


def test_steps_never_go_down():
    assert _next(DEFAULT_STRATEGY, due_days_ago=-30, step=3, step_days_ago=10) == 3


def _climb(strategy, state, amount="100"):
    return next_climb(strategy, state, as_of=AS_OF, overdue_amount=Decimal(amount))


def test_the_next_climb_is_the_later_of_age_and_gap():
    state = ItemState(due_date=AS_OF - timedelta(days=1), step=0, step_on=AS_OF)
    assert _climb(DEFAULT_STRATEGY, state) == (1, AS_OF + timedelta(days=3))
    top = ItemState(due_date=AS_OF, step=5, step_on=AS_OF)
    assert _climb(DEFAULT_STRATEGY, top) is None


def test_a_climb_due_at_the_next_run_is_dated_the_next_day():
    no_gap = Strategy(
        "g",
        "No gaps",
        Mode.SEQUENTIAL,
        (
            Step("reminder", "Reminder", 1, Channel.EMAIL, Role.COLLECTOR),
            Step("demand", "Demand", 5, Channel.LETTER, Role.COLLECTOR),
        ),
    )
    # climbed to the reminder today, 30 days past due: the demand comes with the next run
    state = ItemState(due_date=AS_OF - timedelta(days=30), step=0, step_on=AS_OF)
    assert _climb(no_gap, state) == (1, AS_OF + timedelta(days=1))


def test_a_jump_climb_names_the_step_it_reaches_and_waits_for_that_step_s_gap():
    # at the call (1) since yesterday, 40 days past due: the age implies legal (gap 7), so the
    # final notice (gap 5) never comes first
    state = ItemState(due_date=AS_OF - timedelta(days=40), step=1, step_on=AS_OF - timedelta(1))
    assert _climb(HIGH_RISK_STRATEGY, state) == (3, AS_OF + timedelta(days=6))


def test_a_climb_the_amount_does_not_allow_is_no_climb():
    state = ItemState(due_date=AS_OF - timedelta(days=40), step=4, step_on=AS_OF)
    assert _climb(DEFAULT_STRATEGY, state, amount="249.99") is None
    assert _climb(DEFAULT_STRATEGY, state, amount="250")[0] == 5


def test_an_item_first_seen_overdue_starts_at_the_first_real_reminder():
    # §3 the courtesy reminder is for before the due date
    assert _next(DEFAULT_STRATEGY, due_days_ago=40) == 1
    assert _next(DEFAULT_STRATEGY, due_days_ago=1) == 1
    assert _next(DEFAULT_STRATEGY, due_days_ago=0) == 0
    assert _next(DEFAULT_STRATEGY, due_days_ago=-5) == 0


def test_the_first_contact_about_an_item_is_written_even_on_a_jump_ladder():
    # 40 days past due on the high-risk ladder implies legal: the first contact is the final
    # notice, a letter; legal comes after it, once its gap has passed
    assert _next(HIGH_RISK_STRATEGY, due_days_ago=40, amount="1000") == 2
    assert _next(HIGH_RISK_STRATEGY, due_days_ago=6) == 0  # the reminder, not the call
    assert _next(HIGH_RISK_STRATEGY, due_days_ago=40, step=2, step_days_ago=7) == 3


def test_reaching_legal_or_an_agency_asks_a_credit_manager_to_approve_the_hand_over():
    assert acting_role(HIGH_RISK_STRATEGY.steps[3]) == Role.CREDIT_MANAGER
    assert acting_role(HIGH_RISK_STRATEGY.steps[1]) == Role.COLLECTOR
    agency = Step("agency", "Agency", 90, Channel.TASK, Role.AGENCY)
    assert acting_role(agency) == Role.CREDIT_MANAGER


def test_strategy_is_chosen_by_segment_and_priority():
    pick = choose_strategy(DEFAULT_STRATEGIES, risk_tier="high", country="DE", amount=Decimal(1))
    assert pick.code == "high_risk"
    pick = choose_strategy(DEFAULT_STRATEGIES, risk_tier="low", country="DE", amount=Decimal(1))
    assert pick.code == "default"


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ((), "at least one step"),
        (
            (
                Step("a", "A", 5, Channel.EMAIL, Role.COLLECTOR),
                Step("b", "B", 1, Channel.EMAIL, Role.COLLECTOR),
            ),
            "triggers earlier",
        ),
        (
            (
                Step("a", "A", 1, Channel.EMAIL, Role.COLLECTOR),
                Step("a", "A2", 5, Channel.EMAIL, Role.COLLECTOR),
            ),
            "unique",
        ),
    ],
)
def test_ladders_that_cannot_be_run_are_refused(steps, message):
    with pytest.raises(LadderError, match=message):
        Strategy("x", "X", Mode.SEQUENTIAL, steps)


def test_a_step_carries_over_by_code_into_another_strategy():
    # default "call" (2) is "call" (1) on the high-risk ladder
    assert carry_over(DEFAULT_STRATEGY, 2, HIGH_RISK_STRATEGY) == 1
    # default "firm_demand" (3, 20 days) has no twin: the highest high-risk step by then
    assert carry_over(DEFAULT_STRATEGY, 3, HIGH_RISK_STRATEGY) == 2
    # courtesy (-5 days) has nothing as early on the high-risk ladder: start over
    assert carry_over(DEFAULT_STRATEGY, 0, HIGH_RISK_STRATEGY) is None
    assert carry_over(None, 3, DEFAULT_STRATEGY) is None
    assert carry_over(DEFAULT_STRATEGY, 4, DEFAULT_STRATEGY) == 4


def test_a_broken_promise_escalates_without_waiting_for_the_gap():
    # firm demand waits 7 days after the call, unless a promise was broken
    assert _next(DEFAULT_STRATEGY, due_days_ago=12, step=2, step_days_ago=1) == 2
    assert _next(DEFAULT_STRATEGY, due_days_ago=12, step=2, step_days_ago=1, broken=1) == 3


def test_a_broken_promise_moves_a_sequential_ladder_straight_to_the_step_it_triggers():
    # at the reminder (1), 3 days past due: one broken promise means firm demand (3) at once
    assert _next(DEFAULT_STRATEGY, due_days_ago=3, step=1, step_days_ago=2) == 1
    assert _next(DEFAULT_STRATEGY, due_days_ago=3, step=1, step_days_ago=2, broken=1) == 3
    assert _next(DEFAULT_STRATEGY, due_days_ago=3, step=1, step_days_ago=2, broken=2) == 4


def test_a_broken_promise_never_escalates_an_invoice_not_yet_due():
    assert _next(DEFAULT_STRATEGY, due_days_ago=-3, broken=2) == 0  # only the courtesy reminder
    assert _next(HIGH_RISK_STRATEGY, due_days_ago=-3, broken=2) is None
