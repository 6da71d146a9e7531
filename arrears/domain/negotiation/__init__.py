"""§5 Refuse the first proposal; §6 persist, concede only on conditions and less each time.

A package because the rule has four parts, each readable on its own:

* `terms`: what is negotiated (`Terms`) and the walk-away point that bounds it (`WalkAway`);
* `config`: the credit manager's policy, with documented defaults (docs/negotiation.md);
* `engine`: `respond(proposal, context=..., history=...)` -> `Recommendation`;
* `history` and `recording`: the exchange as an immutable sequence of events, overrides and
  approvals, exportable as rows.
"""

from __future__ import annotations

from arrears.domain.negotiation.config import (
    CONDITION_ASKS,
    ConcessionPolicy,
    Condition,
    ConditionPolicy,
    CounterPolicy,
    CounterReason,
    NegotiationConfig,
    NegotiationConfigError,
    StrictnessPolicy,
    WalkAwayRule,
    choose_condition,
    tightening,
    walk_away_for,
)
from arrears.domain.negotiation.engine import (
    NegotiationContext,
    Recommendation,
    counter_terms,
    respond,
)
from arrears.domain.negotiation.history import (
    ROW_COLUMNS,
    Action,
    ApprovalDecision,
    ApprovalRequest,
    EventKind,
    NegotiationError,
    NegotiationEvent,
    NegotiationHistory,
    Override,
)
from arrears.domain.negotiation.recording import record_decision, record_exchange
from arrears.domain.negotiation.terms import Limit, Terms, TermsError, WalkAway

__all__ = [
    "CONDITION_ASKS",
    "ROW_COLUMNS",
    "Action",
    "ApprovalDecision",
    "ApprovalRequest",
    "ConcessionPolicy",
    "Condition",
    "ConditionPolicy",
    "CounterPolicy",
    "CounterReason",
    "EventKind",
    "Limit",
    "NegotiationConfig",
    "NegotiationConfigError",
    "NegotiationContext",
    "NegotiationError",
    "NegotiationEvent",
    "NegotiationHistory",
    "Override",
    "Recommendation",
    "StrictnessPolicy",
    "Terms",
    "TermsError",
    "WalkAway",
    "WalkAwayRule",
    "choose_condition",
    "counter_terms",
    "record_decision",
    "record_exchange",
    "respond",
    "tightening",
    "walk_away_for",
]
