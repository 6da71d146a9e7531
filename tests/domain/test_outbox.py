"""The outbox's rules: its states' moves, the backoff, and when a case's next written step
waits (one message and the run's frame agree)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.access import PersonRole
from arrears.domain.outbox import (
    BACKOFF_MOST,
    MAX_ATTEMPTS,
    OutboxState,
    after_failure,
    backoff,
    desk_step,
    transition,
    waiting_cases,
    waits,
)
from arrears.domain.payment_details import bic_clean, iban_clean, reference_check
from arrears.domain.refusal import Refusal


def test_a_sent_message_never_moves_again_and_a_queued_one_is_never_uncertain():
    for to in OutboxState:
        with pytest.raises(Refusal):
            transition(1, "sent", to)
    with pytest.raises(Refusal):
        transition(1, "queued", OutboxState.UNCERTAIN)
    assert transition(1, "sending", OutboxState.UNCERTAIN) is OutboxState.UNCERTAIN


def test_the_backoff_doubles_from_the_first_wait_up_to_its_ceiling():
    first = timedelta(minutes=1)
    assert [backoff(n, first=first) for n in (1, 2, 3, 4)] == [first * k for k in (1, 2, 4, 8)]
    assert backoff(40) == BACKOFF_MOST


def test_a_message_fails_after_its_last_attempt_and_is_queued_again_before():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert after_failure(1, now, most=3) == (OutboxState.QUEUED, now + timedelta(minutes=1))
    assert after_failure(3, now, most=3) == (OutboxState.FAILED, None)


def test_a_case_waits_while_its_last_message_is_not_out_nor_handled():
    assert [s.value for s in OutboxState if waits(s)] == [
        "queued",
        "sending",
        "failed",
        "uncertain",
    ]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5), st.sampled_from(["EUR", "GBP"]), st.sampled_from(list(OutboxState))
        ),
        max_size=30,
    )
)
def test_the_run_frame_of_waiting_cases_agrees_with_one_message_at_a_time(rows):
    frame = pl.DataFrame(
        [{"debtor_id": d, "currency": c, "state": s.value} for d, c, s in rows],
        schema={"debtor_id": pl.Int64, "currency": pl.String, "state": pl.String},
    )
    got = set(waiting_cases(frame).iter_rows())
    assert got == {(d, c) for d, c, s in rows if waits(s)}


def test_payment_details_refuse_a_wrong_iban_a_wrong_bic_and_an_unknown_reference_field():
    assert iban_clean("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    with pytest.raises(Refusal):
        iban_clean("DE88 3704 0044 0532 0130 00")
    assert bic_clean("cobadeffxxx") == "COBADEFFXXX"
    with pytest.raises(Refusal):
        bic_clean("COBA")
    assert reference_check("{debtor}/{case}") == "{debtor}/{case}"
    for bad in ("{invoice}", "no field", "{debtor"):
        with pytest.raises(Refusal):
            reference_check(bad)


# --- the desk follows the ladder (`desk_step`) ---------------------------------------------------

LADDER = [
    ("reminder", "collector"),
    ("firm_demand", "collector"),
    ("final_notice", "credit_manager"),
]


def _desk(asked: str, role: PersonRole, *, current: str = "reminder", waiting: bool = False):
    return desk_step(written=LADDER, current=current, asked=asked, role=role, waiting=waiting)


def test_the_desk_may_queue_the_case_s_step_or_an_earlier_one_whoever_acts_and_whatever_waits():
    for role in (PersonRole.COLLECTOR, PersonRole.CREDIT_MANAGER, PersonRole.AGENCY):
        assert _desk("reminder", role, waiting=True) is None
        assert _desk("reminder", role, current="firm_demand", waiting=True) is None


def test_a_step_ahead_is_for_its_own_role_or_a_credit_manager_only():
    assert _desk("final_notice", PersonRole.COLLECTOR) == "not_your_role"
    assert _desk("firm_demand", PersonRole.AGENCY) == "not_your_role"
    assert _desk("firm_demand", PersonRole.COLLECTOR) is None
    assert _desk("final_notice", PersonRole.CREDIT_MANAGER) is None
    assert _desk("firm_demand", PersonRole.CREDIT_MANAGER) is None


def test_a_step_ahead_waits_until_the_last_message_went_out():
    assert _desk("final_notice", PersonRole.CREDIT_MANAGER, waiting=True) == "waiting"
    assert _desk("firm_demand", PersonRole.COLLECTOR, waiting=True) == "waiting"


def test_with_the_default_attempts_a_message_outlives_a_working_day_of_mail_relay_outage():
    # 1, 2, 4 ... minutes, at most six hours: the twelfth failure comes about 20 hours after
    # the first, so a relay down for a working day (eight hours) fails no message
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    at, state = start, None
    for attempts in range(1, MAX_ATTEMPTS):
        state, at = after_failure(attempts, at)
        assert state is OutboxState.QUEUED
    assert at - start > timedelta(hours=12)
    assert after_failure(MAX_ATTEMPTS, at) == (OutboxState.FAILED, None)
