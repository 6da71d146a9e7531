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
they are when their next step is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import polars as pl

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

MAX_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MOST = timedelta(hours=6)


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
