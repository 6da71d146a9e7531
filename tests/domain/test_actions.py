from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.actions import (
    EARLIEST_BEFORE_DUE,
    OUTCOMES,
    REVIEW,
    ActionKind,
    ActionState,
    FollowUp,
    NextActionKind,
    Outcome,
    check_done_on,
    first_state,
    first_state_expr,
    follow_up_after,
    kind_of,
    next_kind,
    next_kind_expr,
    outcome_for,
    transition,
)
from arrears.domain.ladder import Channel
from arrears.domain.refusal import Refusal

THURSDAY = date(2026, 3, 5)
FRIDAY = date(2026, 3, 6)


def test_a_letter_or_email_is_a_message_and_starts_queued():
    assert kind_of("letter", "final_notice") is ActionKind.MESSAGE
    assert kind_of("email", "reminder") is ActionKind.MESSAGE
    assert first_state("letter") is ActionState.QUEUED
    assert first_state("phone") is ActionState.OPEN


def test_a_phone_action_is_a_call_a_task_is_a_task_and_the_review_code_is_a_review():
    assert kind_of("phone", "promise_follow_up") is ActionKind.CALL
    assert kind_of("task", "verify_guarantor") is ActionKind.TASK
    assert kind_of("task", REVIEW) is ActionKind.REVIEW


@pytest.mark.parametrize("kind", [ActionKind.CALL, ActionKind.TASK, ActionKind.REVIEW])
def test_a_person_s_open_action_may_be_done_or_cancelled(kind):
    assert transition(kind, "open", ActionState.DONE) is ActionState.DONE
    assert transition(kind, "open", ActionState.CANCELLED) is ActionState.CANCELLED


@pytest.mark.parametrize("to", [ActionState.SENT, ActionState.FAILED, ActionState.QUEUED])
def test_a_person_s_action_is_never_sent_or_queued(to):
    with pytest.raises(Refusal) as e:
        transition(ActionKind.CALL, "open", to)
    assert e.value.code == "action.wrong_state"


@pytest.mark.parametrize("state", ["done", "cancelled"])
def test_a_done_or_cancelled_action_is_final(state):
    with pytest.raises(Refusal) as e:
        transition(ActionKind.CALL, state, ActionState.DONE)
    assert (e.value.code, e.value.figures["status"]) == ("action.not_open", state)


def test_a_queued_message_is_sent_failed_or_cancelled_but_never_done():
    for to in (ActionState.SENT, ActionState.FAILED, ActionState.CANCELLED):
        assert transition(ActionKind.MESSAGE, "queued", to) is to
    with pytest.raises(Refusal) as e:
        transition(ActionKind.MESSAGE, "queued", ActionState.DONE)
    assert e.value.code == "action.wrong_state"
    for state in ("sent", "failed", "cancelled"):
        with pytest.raises(Refusal):
            transition(ActionKind.MESSAGE, state, ActionState.CANCELLED)


def test_a_call_can_end_in_no_answer_but_a_review_only_in_done():
    assert outcome_for(ActionKind.CALL, "no_answer") is Outcome.NO_ANSWER
    with pytest.raises(Refusal) as e:
        outcome_for(ActionKind.REVIEW, "no_answer")
    assert e.value.code == "action.unknown_outcome"
    assert e.value.figures["allowed"] == "done"


def test_an_outcome_that_is_no_outcome_is_refused_with_the_ones_allowed():
    with pytest.raises(Refusal) as e:
        outcome_for(ActionKind.CALL, "maybe")
    assert e.value.figures["outcome"] == "maybe"
    assert "wrong_number" in e.value.figures["allowed"]


def test_every_outcome_belongs_to_some_kind_of_action():
    assert {o for outs in OUTCOMES.values() for o in outs} == set(Outcome)


def test_an_action_is_not_done_after_today():
    with pytest.raises(Refusal) as e:
        check_done_on(FRIDAY, due_on=THURSDAY, today=THURSDAY)
    assert e.value.code == "action.after_today"


def test_an_action_may_be_done_early_but_not_a_month_before_it_falls_due():
    due = date(2026, 4, 30)
    assert check_done_on(due - EARLIEST_BEFORE_DUE, due_on=due, today=due) == due - (
        EARLIEST_BEFORE_DUE
    )
    with pytest.raises(Refusal) as e:
        check_done_on(due - EARLIEST_BEFORE_DUE - timedelta(days=1), due_on=due, today=due)
    assert e.value.code == "action.too_early"


def test_a_done_review_schedules_the_next_at_the_step_s_cadence():
    got = follow_up_after(
        ActionKind.REVIEW, Outcome.DONE, step_code=REVIEW, done_on=THURSDAY, follow_up_days=7
    )
    assert got == FollowUp(REVIEW, Channel.TASK, THURSDAY + timedelta(days=7))


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE])
def test_a_call_nobody_answered_is_tried_again_the_next_business_day(outcome):
    got = follow_up_after(
        ActionKind.CALL, outcome, step_code="call", done_on=FRIDAY, follow_up_days=3
    )
    assert got == FollowUp("call", Channel.PHONE, date(2026, 3, 9))  # Monday


@pytest.mark.parametrize("outcome", [Outcome.REACHED, Outcome.PROMISED, Outcome.WRONG_NUMBER])
def test_a_call_that_got_an_answer_schedules_nothing(outcome):
    assert (
        follow_up_after(
            ActionKind.CALL, outcome, step_code="call", done_on=FRIDAY, follow_up_days=3
        )
        is None
    )


def test_a_done_task_schedules_nothing():
    assert (
        follow_up_after(
            ActionKind.TASK,
            Outcome.DONE,
            step_code="verify_guarantor",
            done_on=FRIDAY,
            follow_up_days=3,
        )
        is None
    )


@settings(deadline=None)  # Polars' first call in a process is slow
@given(
    channel=st.sampled_from(["phone", "task"]),
    step_code=st.sampled_from([REVIEW, "call", "promise_follow_up", "verify_guarantor"]),
)
def test_the_batch_next_kind_agrees_with_the_one_action_version(channel, step_code):
    frame = pl.DataFrame({"channel": [channel], "step_code": [step_code]})
    batch = frame.select(k=next_kind_expr("channel", "step_code"))["k"][0]
    assert NextActionKind(batch) is next_kind(channel, step_code)


@settings(deadline=None)
@given(channel=st.sampled_from([c.value for c in Channel]))
def test_the_batch_first_state_agrees_with_the_one_action_version(channel):
    frame = pl.DataFrame({"channel": [channel]})
    assert frame.select(s=first_state_expr())["s"][0] == first_state(channel).value


def test_the_run_cancels_actions_of_closed_cases_of_steps_left_and_of_steps_overtaken():
    from arrears.domain.actions import cancellations

    steps = pl.DataFrame(
        {"strategy": ["s"] * 3, "step": [0, 1, 2], "step_code": ["reminder", "call", "demand"]},
        schema_overrides={"step": pl.Int32},
    )
    day = date(2026, 11, 25)
    pending = pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "debtor_id": [1, 2, 2, 3, 3, 4],
            "currency": ["EUR"] * 6,
            "due_on": [day, day, day, day - timedelta(1), day, day],
            "step_code": ["call", "call", "promise_follow_up", "reminder", "review", "call"],
        }
    )
    cases = pl.DataFrame(
        {
            "debtor_id": [1, 2, 3, 4],
            "currency": ["EUR"] * 4,
            "strategy": ["s"] * 4,
            "step": [1, None, 2, 1],
            "open": [False, True, True, True],
            "moved": [False, True, True, False],
            "up": [False, False, True, False],
        },
        schema_overrides={"step": pl.Int32},
    )
    got = cancellations(
        pending, cases=cases, steps=steps, ladder_codes=["reminder", "call", "demand"], as_of=day
    )
    assert dict(zip(got["id"], got["cancelled_reason"], strict=True)) == {
        1: "case_closed",  # its case closed
        2: "step_left",  # the case has no step now: what reached the call was paid
        4: "overtaken",  # an older reminder of a case that climbed
        5: "overtaken",  # the review of the step it left
    }  # 3, the desk's follow-up, and 6, the call of the case's own step, stay
