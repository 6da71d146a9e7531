"""§5-6 Writing an exchange into the history: the proposal, then what the collector did.

The collector follows the recommendation or overrides it with a reason. An override is free
within the collector's authority and recorded as such; it can never take terms past the
walk-away point without a credit manager's approval. Terms entered directly (a promise or a
plan typed in) while our offer stands are an override too when they fall below that offer or
leave out a concession's condition (`direct_entry`): they need a reason and close the
negotiation with an override and an acceptance (`record_direct_entry`).
"""

from __future__ import annotations

from datetime import date

from arrears.domain.negotiation.config import Condition
from arrears.domain.negotiation.engine import (
    Recommendation,
    condition_applies,
    fitting_conditions,
    previous_proposal,
)
from arrears.domain.negotiation.history import (
    NO_OVERRIDE_REASON,
    Action,
    ApprovalDecision,
    EventKind,
    NegotiationError,
    NegotiationEvent,
    NegotiationHistory,
    Override,
)
from arrears.domain.negotiation.terms import Terms

BEYOND_WALK_AWAY = "{terms} go beyond the walk-away point ({limits}): request approval"
NOTHING_TO_HOLD = "no offer of ours stands yet: there is nothing to hold (counter instead)"
OWN_TERMS = (
    "a {action} with the debtor's own terms is an acceptance: choose accept, or give the terms "
    "we offer"
)
SAME_AS_RECOMMENDED = "the override chooses what the engine recommended: follow it instead"
CONDITION_MISFIT = (
    "the {condition} does not apply to {terms}: an acceleration clause binds only a plan (the rest "
    "falls due at once); ask for another condition"
)


def record_exchange(
    history: NegotiationHistory,
    rec: Recommendation,
    *,
    proposed_by: str,
    collector: str,
    on: date,
    override: Override | None = None,
) -> NegotiationHistory:
    """The history extended by the debtor's proposal and the collector's answer."""
    proposal = NegotiationEvent(EventKind.PROPOSAL, on, proposed_by, rec.proposal)
    if override is None:
        return history.append(proposal, *_followed(rec, collector, on))
    _check_override(history, rec, override)
    marker = NegotiationEvent(
        EventKind.OVERRIDE,
        override.on,
        override.by,
        override.terms,
        override.condition,
        reason=override.reason,
        recommended=rec.action,
    )
    return history.append(proposal, marker, _chosen(history, override))


def _followed(rec: Recommendation, by: str, on: date) -> tuple[NegotiationEvent, ...]:
    code = rec.reason.code if rec.reason else ""
    text = rec.reason.text if rec.reason else ""
    match rec.action:
        case Action.COUNTER:
            return (
                NegotiationEvent(
                    EventKind.COUNTER, on, by, rec.terms, reason=text, reason_code=code
                ),
            )
        case Action.CONCEDE:
            return (NegotiationEvent(EventKind.CONCESSION, on, by, rec.terms, rec.condition),)
        case Action.HOLD:
            return (
                NegotiationEvent(EventKind.HOLD, on, by, rec.terms, reason=text, reason_code=code),
            )
        case Action.ACCEPT:
            return (
                NegotiationEvent(
                    EventKind.ACCEPTANCE, on, by, rec.terms, conditions=rec.conditions
                ),
            )
        case Action.NEEDS_APPROVAL:
            limits = ", ".join(rec.approval.exceeded) if rec.approval else ""
            asked = NegotiationEvent(
                EventKind.APPROVAL_REQUESTED, on, by, rec.proposal, reason=limits
            )
            if rec.condition is None:
                return (asked,)
            offer = NegotiationEvent(EventKind.CONCESSION, on, by, rec.terms, rec.condition)
            return (asked, offer)


def _check_override(history: NegotiationHistory, rec: Recommendation, ov: Override) -> None:
    if ov.chosen is rec.action and ov.terms == rec.terms and ov.condition == rec.condition:
        raise NegotiationError(SAME_AS_RECOMMENDED)
    if ov.chosen is Action.HOLD and not history.positions:
        raise NegotiationError(NOTHING_TO_HOLD)
    if ov.chosen in (Action.COUNTER, Action.CONCEDE) and ov.terms == rec.proposal:
        raise NegotiationError(OWN_TERMS.format(action=ov.chosen))
    if ov.condition is not None and not condition_applies(ov.condition, ov.terms):
        raise NegotiationError(
            CONDITION_MISFIT.format(
                condition=str(ov.condition).replace("_", " "), terms=ov.terms.describe()
            )
        )
    if ov.chosen in (Action.NEEDS_APPROVAL, Action.HOLD):
        return
    limits = rec.walk_away.exceeded(ov.terms, anchor=rec.anchor, balance=rec.balance)
    if limits and not any(ov.terms.at_least_as_good_as(t) for t in history.approved):
        raise NegotiationError(
            BEYOND_WALK_AWAY.format(
                terms=ov.terms.describe(),
                limits=", ".join(str(x).replace("_", " ") for x in limits),
            )
        )


def _chosen(history: NegotiationHistory, ov: Override) -> NegotiationEvent:
    kind = {
        Action.COUNTER: EventKind.COUNTER,
        Action.CONCEDE: EventKind.CONCESSION,
        Action.HOLD: EventKind.HOLD,
        Action.ACCEPT: EventKind.ACCEPTANCE,
        Action.NEEDS_APPROVAL: EventKind.APPROVAL_REQUESTED,
    }[ov.chosen]
    if ov.chosen is Action.HOLD:  # a hold repeats our standing offer, whatever was typed
        return NegotiationEvent(EventKind.HOLD, ov.on, ov.by, history.positions[-1])
    conditions = fitting_conditions(history.conditions_for(ov.terms), ov.terms)
    if ov.chosen is Action.ACCEPT and ov.condition is not None and ov.condition not in conditions:
        conditions = (*conditions, ov.condition)
    condition = ov.condition if ov.chosen is Action.CONCEDE else None
    return NegotiationEvent(
        kind, ov.on, ov.by, ov.terms, condition, conditions if kind is EventKind.ACCEPTANCE else ()
    )


# §5-6 Why terms entered directly (a promise or plan typed in, not through the engine) while our
# offer stands in an open negotiation are an override of it.
BELOW_OUR_OFFER = "below_our_offer"  # e.g. the debtor's own terms recorded right after a counter
CONDITION_MISSING = "condition_missing"  # a concession taken without what it was offered for


def direct_entry(
    history: NegotiationHistory, terms: Terms, conditions: tuple[Condition, ...]
) -> str | None:
    """Whether terms entered directly override the negotiation: a commitment for what was
    negotiated (at least the total the debtor last proposed) worse for us than the offer that
    stands (`BELOW_OUR_OFFER`), or as good only through concessions whose conditions are not
    all given (`CONDITION_MISSING`). None: no offer stands, the terms keep to it, or they
    commit to a part only (a promise on one invoice: the rest stays on the ladder)."""
    if history.accepted is not None or not history.positions:
        return None
    asked = previous_proposal(history)
    if asked is not None and terms.total < asked.total:
        return None
    if not terms.at_least_as_good_as(history.positions[-1]):
        return BELOW_OUR_OFFER
    needed = fitting_conditions(history.conditions_for(terms), terms)
    if any(c not in conditions for c in needed):
        return CONDITION_MISSING
    return None


def record_direct_entry(
    history: NegotiationHistory,
    terms: Terms,
    conditions: tuple[Condition, ...],
    *,
    why: str,
    reason: str,
    by: str,
    on: date,
) -> NegotiationHistory:
    """The history closed by terms entered directly that override it (`direct_entry`): an
    override (with the collector's reason, instead of our standing offer) and the acceptance of
    the terms on the conditions given."""
    if not reason.strip():
        raise NegotiationError(NO_OVERRIDE_REASON)
    marker = NegotiationEvent(
        EventKind.OVERRIDE, on, by, terms, reason=reason, reason_code=why, recommended=Action.HOLD
    )
    accepted = NegotiationEvent(EventKind.ACCEPTANCE, on, by, terms, conditions=conditions)
    return history.append(marker, accepted)


def record_decision(history: NegotiationHistory, decision: ApprovalDecision) -> NegotiationHistory:
    """The history extended by a credit manager's decision on an approval request."""
    kind = EventKind.APPROVAL_GRANTED if decision.approved else EventKind.APPROVAL_REFUSED
    terms: Terms = decision.approved_terms
    event = NegotiationEvent(
        kind, decision.decided_on, decision.decided_by, terms, reason=decision.reason
    )
    return history.append(event)
