"""§5-6 The record of a negotiation: an immutable sequence of events, exportable as rows.

Proposal, counter, concession, hold, acceptance, overrides and approvals are appended in order;
a history is never edited, only extended into a new value. The engine reads its state from the
history alone (the opening counter, the concessions made, the conditions asked, the reasons
given), so a negotiation spread over several calls resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from arrears.domain.money import Money
from arrears.domain.negotiation.config import Condition
from arrears.domain.negotiation.terms import Limit, Terms, WalkAway

CLOSED = "the negotiation ended with an acceptance on {on}: start a new one"
OUT_OF_ORDER = "event dated {on} comes after one dated {last}: a history only moves forward"
CONCESSION_WITHOUT_CONDITION = "a concession must buy something: name the condition it is tied to"
NO_OVERRIDE_REASON = "an override needs the reason the collector departs from the recommendation"
NO_DECISION_REASON = "an approval decision needs its reason"
OWN_APPROVAL = "{who} requested this approval and cannot decide it too"
DECIDED_BEFORE_ASKED = "the decision ({decided}) is dated before the request ({requested})"


class NegotiationError(ValueError):
    """A step the negotiation cannot take."""


class Action(StrEnum):
    """What the engine recommends the collector do with a proposal."""

    COUNTER = "counter"
    CONCEDE = "concede"
    ACCEPT = "accept"
    HOLD = "hold"
    NEEDS_APPROVAL = "needs_approval"


class EventKind(StrEnum):
    PROPOSAL = "proposal"
    COUNTER = "counter"
    CONCESSION = "concession"
    HOLD = "hold"
    ACCEPTANCE = "acceptance"
    OVERRIDE = "override"
    APPROVAL_REQUESTED = "approval_requested"
    APPROVAL_GRANTED = "approval_granted"
    APPROVAL_REFUSED = "approval_refused"
    APPROVAL_WITHDRAWN = "approval_withdrawn"  # a request taken back (e.g. replaced by a new one)


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """Terms beyond the walk-away point, put to a credit manager."""

    terms: Terms
    balance: Money
    risk_tier: str
    walk_away: WalkAway
    anchor: date
    exceeded: tuple[Limit, ...]
    requested_by: str
    requested_on: date


@dataclass(frozen=True, slots=True)
class ApprovalDecision:
    """The credit manager's answer; `terms` set when approving other terms than requested."""

    request: ApprovalRequest
    approved: bool
    decided_by: str
    decided_on: date
    reason: str
    terms: Terms | None = None

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise NegotiationError(NO_DECISION_REASON)
        if self.decided_by == self.request.requested_by:
            raise NegotiationError(OWN_APPROVAL.format(who=self.decided_by))
        if self.decided_on < self.request.requested_on:
            raise NegotiationError(
                DECIDED_BEFORE_ASKED.format(
                    decided=self.decided_on, requested=self.request.requested_on
                )
            )

    @property
    def approved_terms(self) -> Terms:
        return self.terms if self.terms is not None else self.request.terms


@dataclass(frozen=True, slots=True)
class Override:
    """The collector departs from the recommendation, and says why."""

    chosen: Action
    terms: Terms
    reason: str
    by: str
    on: date
    condition: Condition | None = None  # required when the chosen action is a concession

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise NegotiationError(NO_OVERRIDE_REASON)
        if self.chosen is Action.CONCEDE and self.condition is None:
            raise NegotiationError(CONCESSION_WITHOUT_CONDITION)


@dataclass(frozen=True, slots=True)
class NegotiationEvent:
    """One step of the exchange; fields a kind does not use stay empty."""

    kind: EventKind
    on: date
    by: str
    terms: Terms | None = None
    condition: Condition | None = None  # what a concession is tied to
    conditions: tuple[Condition, ...] = ()  # everything an acceptance requires
    reason: str = ""
    reason_code: str = ""
    recommended: Action | None = None  # for an override: what the engine had said

    def __post_init__(self) -> None:
        if self.kind is EventKind.CONCESSION and self.condition is None:
            raise NegotiationError(CONCESSION_WITHOUT_CONDITION)


ROW_COLUMNS = (
    "seq",
    "on",
    "kind",
    "by",
    "currency",
    "first_on",
    "first_amount",
    "last_on",
    "total",
    "instalments",
    "condition",
    "conditions",
    "reason",
    "reason_code",
    "recommended",
)


@dataclass(frozen=True, slots=True)
class NegotiationHistory:
    """The events of one negotiation, oldest first."""

    events: tuple[NegotiationEvent, ...] = ()

    def append(self, *events: NegotiationEvent) -> NegotiationHistory:
        """A new history with `events` added (the old value is unchanged)."""
        out = self.events
        for e in events:
            last = out[-1] if out else None
            if last is not None and last.kind is EventKind.ACCEPTANCE:
                raise NegotiationError(CLOSED.format(on=last.on))
            if last is not None and e.on < last.on:
                raise NegotiationError(OUT_OF_ORDER.format(on=e.on, last=last.on))
            out = out + (e,)
        return NegotiationHistory(out)

    def _of(self, *kinds: EventKind) -> list[NegotiationEvent]:
        return [e for e in self.events if e.kind in kinds]

    @property
    def started_on(self) -> date | None:
        return self.events[0].on if self.events else None

    @property
    def accepted(self) -> Terms | None:
        done = self._of(EventKind.ACCEPTANCE)
        return done[-1].terms if done else None

    @property
    def positions(self) -> tuple[Terms, ...]:
        """The creditor's positions so far: the opening counter, then each concession."""
        return tuple(e.terms for e in self._of(EventKind.COUNTER, EventKind.CONCESSION) if e.terms)

    @property
    def concessions(self) -> int:
        return len(self._of(EventKind.CONCESSION))

    @property
    def conditions_asked(self) -> tuple[Condition, ...]:
        return tuple(e.condition for e in self._of(EventKind.CONCESSION) if e.condition)

    def conditions_for(self, terms: Terms) -> tuple[Condition, ...]:
        """§6 What the debtor gives for `terms`: the conditions of every concession up to the
        first position (the opening counter, then each concession) they are at least as good
        as, since reaching them took each of those concessions. Nothing for terms as good as
        the counter; a concession's condition binds only terms that needed it, never terms the
        debtor reached without it. Terms worse than every position need all of them."""
        needed: list[Condition] = []
        for e in self._of(EventKind.COUNTER, EventKind.CONCESSION):
            if e.condition is not None and e.condition not in needed:
                needed.append(e.condition)
            if e.terms is not None and terms.at_least_as_good_as(e.terms):
                return tuple(needed)
        return tuple(needed)

    @property
    def reasons_used(self) -> tuple[str, ...]:
        return tuple(e.reason_code for e in self.events if e.reason_code)

    @property
    def approved(self) -> tuple[Terms, ...]:
        return tuple(e.terms for e in self._of(EventKind.APPROVAL_GRANTED) if e.terms)

    def rows(self) -> list[dict[str, object]]:
        """One flat row per event (ROW_COLUMNS), for CSV, spreadsheets or a Polars frame."""
        return [_row(i + 1, e) for i, e in enumerate(self.events)]


def _row(seq: int, e: NegotiationEvent) -> dict[str, object]:
    t = e.terms
    return {
        "seq": seq,
        "on": e.on,
        "kind": str(e.kind),
        "by": e.by,
        "currency": t.currency if t else None,
        "first_on": t.first_on if t else None,
        "first_amount": t.first_amount.amount if t else None,
        "last_on": t.last_on if t else None,
        "total": t.total.amount if t else None,
        "instalments": t.instalments if t else None,
        "condition": str(e.condition) if e.condition else None,
        "conditions": ";".join(e.conditions),
        "reason": e.reason,
        "reason_code": e.reason_code,
        "recommended": str(e.recommended) if e.recommended else None,
    }
