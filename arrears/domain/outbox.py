"""The outbox's rules (issue #14, "exactly once"): the life of a message the run decided on,
when a failed send is tried again, and when the next written step of a case waits.

A message is written by the daily run in its own transaction (`queued`), then sent by a worker:

    queued -> sending (committed before the send) -> sent
                      -> queued again (the send failed: retried after a backoff)
                      -> failed (the last attempt failed)
    sending, found by a restarted worker -> uncertain (perhaps sent: a person confirms)
    uncertain -> sent (a person confirms it arrived) | queued (a person resends it)
    failed | uncertain -> handled (a person dealt with it another way, with a reason)
    queued -> cancelled (its action was cancelled: the case climbed past it or closed)

A crash between the send and the mark leaves the row `sending`; nobody resends it blindly, so
nothing is sent twice and nothing is lost (a person sees it as `uncertain`).

§2 The next written step waits: a case whose last message is not yet sent (nor handled by a
person) does not climb to another letter or email. `waits` for one message, `waiting_cases`
for the run's frame of messages; the run's ladder (`daily_run.decide`) keeps such items where
they are when their next step is written. `desk_step`: the same rule for a person who
queues a letter or an email from the desk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import polars as pl

from arrears.domain.access import PersonRole, decide_action
from arrears.domain.outbox_attempts import BACKOFF_FIRST, BACKOFF_MOST, MAX_ATTEMPTS
from arrears.domain.refusal import Refusal


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    HANDLED = "handled"
    CANCELLED = "cancelled"


S = OutboxState
TRANSITIONS: dict[OutboxState, frozenset[OutboxState]] = {
    S.QUEUED: frozenset({S.SENDING, S.SENT, S.CANCELLED}),  # a letter: sent when posted
    S.SENDING: frozenset({S.SENT, S.QUEUED, S.FAILED, S.UNCERTAIN}),
    S.UNCERTAIN: frozenset({S.SENT, S.QUEUED, S.HANDLED}),
    S.FAILED: frozenset({S.HANDLED, S.QUEUED}),  # retried by hand, or dealt with otherwise
    S.SENT: frozenset(),
    S.HANDLED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Not yet out, and nobody said it need not be: the case's next written step waits for these.
BLOCKING = frozenset({S.QUEUED, S.SENDING, S.FAILED, S.UNCERTAIN})


def transition(message_id: int, now: str, to: OutboxState) -> OutboxState:
    """`to` if a message in state `now` may move there, else `outbox.wrong_state`."""
    here = OutboxState(now)
    if to not in TRANSITIONS[here]:
        raise Refusal("outbox.wrong_state", message=message_id, state=here.value, to=to.value)
    return to


def backoff(attempts: int, *, first: timedelta = BACKOFF_FIRST) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones (1, 2, ...):
    doubling from `first`, never more than `BACKOFF_MOST`."""
    if attempts < 1:
        raise ValueError("backoff follows a failed attempt")
    wait: timedelta = first * (2 ** (attempts - 1))
    return min(wait, BACKOFF_MOST)


def after_failure(
    attempts: int, now: datetime, *, most: int = MAX_ATTEMPTS, first: timedelta = BACKOFF_FIRST
) -> tuple[OutboxState, datetime | None]:
    """The state and next attempt time after the `attempts`-th failed attempt: queued again
    after the backoff, or failed once `most` attempts have failed."""
    if attempts >= most:
        return S.FAILED, None
    return S.QUEUED, now + backoff(attempts, first=first)


def waits(state: str) -> bool:
    """§2 Whether a case whose last message is in `state` waits before its next written step."""
    return OutboxState(state) in BLOCKING


def waiting_cases(messages: pl.DataFrame) -> pl.DataFrame:
    """`waits`, columnar: from messages (debtor_id, currency, state), the cases (debtor_id,
    currency) that wait, each once."""
    blocking = [s.value for s in BLOCKING]
    return (
        messages.filter(pl.col("state").is_in(blocking))
        .select("debtor_id", "currency")
        .unique(maintain_order=True)
    )


# Why the desk may not queue a step ahead of the case (`desk_step`).
AHEAD_NOT_YOUR_ROLE = "not_your_role"
AHEAD_WAITING = "waiting"


def desk_step(
    *,
    written: Sequence[tuple[str, str]],
    current: str,
    asked: str,
    role: PersonRole,
    waiting: bool,
) -> str | None:
    """§1-2 Whether a person holding `role` may queue the written step `asked` from the desk:
    None if they may, else why not. `written`: the ladder's letters and emails in order, each
    (code, the step's role); `current`: the case's own written step; `waiting`: the case's
    last message is not out yet (`waits`).

    The case's step or an earlier one (a copy, a re-send) anyone acting on the case may queue.
    A step ahead of it skips the ladder: only the step's own role (a credit manager any, as
    `access.decide_action` says) may send it, and only once the last message went out or was
    handled: the next written step waits for it, as it does in the run."""
    codes = [code for code, _ in written]
    if codes.index(asked) <= codes.index(current):
        return None
    if decide_action(role, dict(written)[asked], owns=True) is not None:
        return AHEAD_NOT_YOUR_ROLE
    if waiting:
        return AHEAD_WAITING
    return None
