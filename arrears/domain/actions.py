"""§1-2 An action has a life: every open case carries a dated next action, and what a person did
about it is recorded (DOMAIN.md: a collector "works a daily list of calls, emails and letters,
records what the debtor said").

A person's action (a call, a task, a review of the case) is *open*, then *done* with an
outcome (reached, no answer, promised...) or *cancelled* with a reason. A message (letter,
email) is *queued*, then *sent* or *failed* (the sending is the communications app's), or
cancelled before it goes. What follows from an outcome is a rule here too: a done review
schedules the next one at the step's follow-up cadence (§2 a case is never left without a
dated next action), and a call nobody answered is tried again the next business day (§2
insist). The services only store what these functions decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

from arrears.domain.dates import next_business_day
from arrears.domain.ladder import Channel
from arrears.domain.refusal import Refusal

REVIEW = "review"  # the step code of a case review: look at the case at the step's cadence


class ActionState(StrEnum):
    OPEN = "open"  # a person's action still to do
    DONE = "done"  # a person did it; the outcome says what came of it
    QUEUED = "queued"  # a message waiting to be sent
    SENT = "sent"
    FAILED = "failed"  # a message that could not be sent (bounced, no address)
    CANCELLED = "cancelled"  # no longer to do: overtaken by a step, the case closed, by hand


class ActionKind(StrEnum):
    """What an action is, from its channel and step code: who does it and what it can end in."""

    CALL = "call"  # a phone call a person makes
    TASK = "task"  # a task a person does (verify a mandate, decide an overdue dispute...)
    REVIEW = "review"  # look at the case again (the step's follow-up cadence)
    MESSAGE = "message"  # a letter or an email the system sends


class NextActionKind(StrEnum):
    """What a case's next action is (`Case.next_action_kind`)."""

    STEP = "step"  # the next ladder step is due on that day
    REVIEW = "review"  # review the case at its step
    CALL = "call"  # an open call a person must make
    TASK = "task"  # an open task a person must do


class Outcome(StrEnum):
    """What came of a person's action."""

    REACHED = "reached"  # spoke to the debtor
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    WRONG_NUMBER = "wrong_number"
    PROMISED = "promised"  # a promise to pay was taken (§7)
    REFUSED = "refused"  # the debtor refused to pay
    DISPUTED = "disputed"  # the debtor contests the debt (§8)
    DONE = "done"  # a task or review done as asked


OUTCOMES: dict[ActionKind, tuple[Outcome, ...]] = {
    ActionKind.CALL: (
        Outcome.REACHED,
        Outcome.NO_ANSWER,
        Outcome.LEFT_MESSAGE,
        Outcome.WRONG_NUMBER,
        Outcome.PROMISED,
        Outcome.REFUSED,
        Outcome.DISPUTED,
    ),
    ActionKind.TASK: (Outcome.DONE, Outcome.PROMISED, Outcome.REFUSED, Outcome.DISPUTED),
    ActionKind.REVIEW: (Outcome.DONE,),
    ActionKind.MESSAGE: (),  # a message is sent or failed, not done with an outcome
}

_S = ActionState
# The allowed moves. A state that is not a key here is final.
TRANSITIONS: dict[ActionKind, dict[ActionState, frozenset[ActionState]]] = {
    ActionKind.CALL: {_S.OPEN: frozenset({_S.DONE, _S.CANCELLED})},
    ActionKind.TASK: {_S.OPEN: frozenset({_S.DONE, _S.CANCELLED})},
    ActionKind.REVIEW: {_S.OPEN: frozenset({_S.DONE, _S.CANCELLED})},
    ActionKind.MESSAGE: {_S.QUEUED: frozenset({_S.SENT, _S.FAILED, _S.CANCELLED})},
}

# A case with no ladder step yet is reviewed at this cadence (as the run looks at it again).
NO_STEP_REVIEW_DAYS = 7

# A call whose debtor did not pick up is tried again the next business day.
RETRY = frozenset({Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE})

# How long before its due date an action may be recorded done: a call made early, a review
# done ahead of its day. Further back is a typo, or belongs to an earlier action. A month
# covers every follow-up cadence the shipped ladders use (at most 14 days).
EARLIEST_BEFORE_DUE = timedelta(days=31)

PERSON_KINDS = frozenset({ActionKind.CALL, ActionKind.TASK, ActionKind.REVIEW})
MESSAGE_CHANNELS = frozenset({Channel.LETTER, Channel.EMAIL})
# The states an action is still to be done in (a person's, or a message's).
PENDING = frozenset({ActionState.OPEN, ActionState.QUEUED})

CASE_CLOSED = "case_closed"  # the reason an action is cancelled when its case closes
OVERTAKEN = "overtaken"  # the reason when the case climbs past the step it belonged to
# the reason when the case is no longer at the action's step: what reached it was paid (or the
# case closed and a new invoice reopened it before a run saw it closed)
STEP_LEFT = "step_left"
CASE_KEY = ["debtor_id", "currency"]


def kind_of(channel: str, step_code: str) -> ActionKind:
    """The kind of an action with this channel and step code."""
    if channel in MESSAGE_CHANNELS:
        return ActionKind.MESSAGE
    if step_code == REVIEW:
        return ActionKind.REVIEW
    return ActionKind.CALL if channel == Channel.PHONE else ActionKind.TASK


def first_state(channel: str) -> ActionState:
    """The state a new action starts in: queued for a message, open for a person."""
    return ActionState.QUEUED if channel in MESSAGE_CHANNELS else ActionState.OPEN


def first_state_expr(channel: str = "channel") -> pl.Expr:
    """`first_state` over a column of channels (the run creates actions in bulk)."""
    messages = sorted(str(c) for c in MESSAGE_CHANNELS)
    return (
        pl.when(pl.col(channel).is_in(messages))
        .then(pl.lit(ActionState.QUEUED.value))
        .otherwise(pl.lit(ActionState.OPEN.value))
    )


def next_kind(channel: str, step_code: str) -> NextActionKind:
    """A case's next-action kind when the next action is this open call, task or review."""
    return NextActionKind(kind_of(channel, step_code).value)


def next_kind_expr(channel: str, step_code: str) -> pl.Expr:
    """`next_kind` over columns (the run decides next actions in bulk); a property test keeps
    the two in agreement."""
    return (
        pl.when(pl.col(step_code) == REVIEW)
        .then(pl.lit(NextActionKind.REVIEW.value))
        .when(pl.col(channel) == Channel.PHONE.value)
        .then(pl.lit(NextActionKind.CALL.value))
        .otherwise(pl.lit(NextActionKind.TASK.value))
    )


def transition(kind: ActionKind, state: ActionState | str, to: ActionState) -> ActionState:
    """`to` if an action of `kind` may move from `state` to it; else a refusal:
    `action.not_open` (it is already done, sent, cancelled...) or `action.wrong_state`."""
    state = ActionState(state)
    allowed = TRANSITIONS[kind].get(state)
    if allowed is None:
        raise Refusal("action.not_open", status=state.value)
    if to not in allowed:
        raise Refusal("action.wrong_state", kind=kind.value, status=state.value, to=to.value)
    return to


def outcome_for(kind: ActionKind, outcome: str) -> Outcome:
    """The outcome if an action of `kind` can end in it; else `action.unknown_outcome`."""
    allowed = OUTCOMES[kind]
    if outcome not in {o.value for o in allowed}:
        raise Refusal(
            "action.unknown_outcome",
            outcome=outcome,
            kind=kind.value,
            allowed=", ".join(o.value for o in allowed) or "none",
        )
    return Outcome(outcome)


def check_done_on(day: date, *, due_on: date, today: date) -> date:
    """The day an action was done, if it can be: not after today (the desk records what
    happened), nor more than `EARLIEST_BEFORE_DUE` before the action fell due."""
    if day > today:
        raise Refusal("action.after_today", day=day, today=today)
    earliest = due_on - EARLIEST_BEFORE_DUE
    if day < earliest:
        raise Refusal("action.too_early", day=day, earliest=earliest, due_on=due_on)
    return day


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The action an outcome calls for next."""

    step_code: str
    channel: Channel
    due_on: date


def follow_up_after(
    kind: ActionKind,
    outcome: Outcome,
    *,
    step_code: str,
    done_on: date,
    follow_up_days: int,
    holidays: frozenset[date] = frozenset(),
) -> FollowUp | None:
    """What a done action schedules: a review, the next review at the step's cadence
    (`follow_up_days`); a call nobody answered, the same call the next business day; else
    nothing (the ladder and the desk decide what comes next)."""
    if kind is ActionKind.REVIEW:
        return FollowUp(REVIEW, Channel.TASK, done_on + timedelta(days=max(follow_up_days, 1)))
    if kind is ActionKind.CALL and outcome in RETRY:
        return FollowUp(step_code, Channel.PHONE, next_business_day(done_on, holidays))
    return None


def cancellations(
    pending: pl.DataFrame,
    *,
    cases: pl.DataFrame,
    steps: pl.DataFrame,
    ladder_codes: list[str],
    as_of: date,
) -> pl.DataFrame:
    """§1-2 The pending actions the run cancels (id, status, cancelled_reason, cancelled_on).

    `pending`: id, debtor_id, currency, due_on, step_code; `cases`: every case after the run
    (debtor_id, currency, strategy, step, open, moved: its step changed today, up: it climbed);
    `steps`: strategy, step, step_code of the ladders.

    A case that closes (paid, written off, or closed before and still closed) cancels every
    pending action (`case_closed`). A ladder action of a step above the one the case is at now
    is stale (`step_left`): the items that reached it were paid, so a debtor who owes nothing
    overdue is not called about them. A case that climbs today cancels its older ladder
    actions (a call never made, a reminder never sent) and its review, which was of the step it
    left (`overtaken`); a case that fell back cancels its review (`step_left`). The desk's own
    tasks (a promise follow-up, a dispute escalation) stay while the case is open."""
    open_cases = cases.filter(pl.col("open")).select(CASE_KEY)
    closed = pending.join(open_cases, on=CASE_KEY, how="anti").select(
        "id", reason=pl.lit(CASE_CLOSED)
    )
    ranked = (
        pending.join(closed, on="id", how="anti")
        .join(cases.select(*CASE_KEY, "strategy", "moved", "up", case_step="step"), on=CASE_KEY)
        .join(
            steps.select("strategy", "step_code", action_step="step"),
            on=["strategy", "step_code"],
            how="left",
        )
    )
    above = pl.col("action_step") > pl.col("case_step").fill_null(-1)
    review = pl.col("step_code") == REVIEW
    older = (pl.col("due_on") < as_of) & pl.col("step_code").is_in(ladder_codes)
    gone = ranked.select(
        "id",
        reason=pl.when(above.fill_null(False))
        .then(pl.lit(STEP_LEFT))
        .when(pl.col("moved") & pl.col("up") & (older | review))
        .then(pl.lit(OVERTAKEN))
        .when(pl.col("moved") & review)
        .then(pl.lit(STEP_LEFT)),
    ).drop_nulls("reason")
    return (
        pl.concat([closed, gone])
        .select(
            "id",
            status=pl.lit(ActionState.CANCELLED.value),
            cancelled_reason="reason",
            cancelled_on=pl.lit(as_of),
        )
        .sort("id")
    )
