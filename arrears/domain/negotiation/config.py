"""§5-6 The negotiation policy a credit manager sets: counters, concessions, conditions, limits.

Every number here is a default documented in docs/negotiation.md; a company replaces any of
them by building its own `NegotiationConfig`. The choices the engine makes from the policy
(which walk-away point applies, how much stricter a poor promise record makes it, which
condition to ask for, which reason to give) are small pure functions beside the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from arrears.domain.money import Money, exponent
from arrears.domain.negotiation.terms import Terms, WalkAway
from arrears.domain.promises import PromiseRecord

NO_WALK_AWAY = "no walk-away rule matches risk tier {tier!r} and balance {balance}: add a catch-all"
BAD_SHARE = "{name} must be between 0 and 1, not {value}"


class NegotiationConfigError(ValueError):
    """A negotiation policy the engine cannot follow."""


class Condition(StrEnum):
    """What the debtor gives in return for a concession (§6)."""

    PAYMENT_TODAY = "payment_today"
    WRITTEN_ACKNOWLEDGEMENT = "written_acknowledgement"
    DIRECT_DEBIT_MANDATE = "direct_debit_mandate"
    POST_DATED_PAYMENT_ORDER = "post_dated_payment_order"
    GUARANTOR = "guarantor"
    ACCELERATION_CLAUSE = "acceleration_clause"


# What the collector asks, completing "I can agree to that if you ...".
CONDITION_ASKS: dict[Condition, str] = {
    Condition.PAYMENT_TODAY: "make a payment today",
    Condition.WRITTEN_ACKNOWLEDGEMENT: "confirm the debt in writing today",
    Condition.DIRECT_DEBIT_MANDATE: "sign a direct-debit mandate for the payments",
    Condition.POST_DATED_PAYMENT_ORDER: "send a post-dated payment order for each date",
    Condition.GUARANTOR: "name a guarantor who signs for the balance",
    Condition.ACCELERATION_CLAUSE: (
        "sign the plan with an acceleration clause: one missed date makes the whole balance due"
    ),
}


@dataclass(frozen=True, slots=True)
class CounterReason:
    """A reason the collector can say when refusing; `tiers` empty means any risk tier."""

    code: str
    text: str
    tiers: frozenset[str] = frozenset()


DEFAULT_REASONS: tuple[CounterReason, ...] = (
    CounterReason(
        "credit_carried",
        "We supplied you on credit in good faith, and that credit period is over.",
        frozenset({"high"}),
    ),
    CounterReason("cash_needs", "Our company needs this cash now to meet its own payments."),
    CounterReason(
        "overdue_policy", "Our policy on overdue accounts does not allow me to accept that."
    ),
    CounterReason(
        "management_decision",
        "Our management has ruled that overdue balances are cleared without further delay.",
    ),
    CounterReason("interest_cost", "Every week this stays open costs us interest at our bank."),
)


@dataclass(frozen=True, slots=True)
class CounterPolicy:
    """How the first proposal is countered (§5): earlier, larger, shorter."""

    earlier_share: Decimal = Decimal("0.5")  # ask for the first payment this much sooner
    raise_share: Decimal = Decimal("0.5")  # ask for this share of what the first payment leaves
    shorten_share: Decimal = Decimal("0.5")  # ask for the plan to end this much sooner
    round_up_to: Decimal = Decimal(1)  # counter amounts in whole currency units: easier to say


@dataclass(frozen=True, slots=True)
class ConcessionPolicy:
    """How concessions shrink (§6): the k-th may give up share * ratio**(k-1) of the room."""

    first_share: Decimal = Decimal("0.5")  # of the room between the counter and the walk-away
    ratio: Decimal = Decimal("0.5")  # each later concession at most half the one before
    max_concessions: int = 3


@dataclass(frozen=True, slots=True)
class WalkAwayRule:
    """The walk-away point for a risk tier ('' = any) from a balance upwards (case currency)."""

    risk_tier: str
    min_balance: Decimal
    walk_away: WalkAway


DEFAULT_WALK_AWAY: tuple[WalkAwayRule, ...] = (
    WalkAwayRule("low", Decimal(10_000), WalkAway(21, Decimal("0.20"), 120)),
    WalkAwayRule("low", Decimal(0), WalkAway(30, Decimal("0.10"), 180)),
    WalkAwayRule("medium", Decimal(10_000), WalkAway(10, Decimal("0.30"), 60)),
    WalkAwayRule("medium", Decimal(0), WalkAway(14, Decimal("0.25"), 90)),
    WalkAwayRule("", Decimal(0), WalkAway(7, Decimal("0.50"), 30)),  # high and unknown tiers
)


@dataclass(frozen=True, slots=True)
class StrictnessPolicy:
    """How a poor promise-keeping record tightens the next negotiation (§7)."""

    per_failed_promise: Decimal = Decimal("0.25")  # each broken or partly kept promise
    per_late_days: int = 10  # every this many days late ...
    per_late_step: Decimal = Decimal("0.10")  # ... tightens by this much
    max_tightening: Decimal = Decimal("0.75")


@dataclass(frozen=True, slots=True)
class ConditionPolicy:
    """Which condition to ask for first, by risk tier; rules below move some to the front."""

    order: tuple[Condition, ...] = (
        Condition.WRITTEN_ACKNOWLEDGEMENT,
        Condition.PAYMENT_TODAY,
        Condition.DIRECT_DEBIT_MANDATE,
        Condition.ACCELERATION_CLAUSE,
        Condition.POST_DATED_PAYMENT_ORDER,
        Condition.GUARANTOR,
    )
    high_risk_tiers: frozenset[str] = frozenset({"high"})
    guarantor_from: Decimal = Decimal(50_000)  # large balances of risky debtors need a guarantor
    # "a payment today" names its amount: this share of the balance (at most the first payment,
    # towards which it counts), rounded up to the minor unit
    payment_today_share: Decimal = Decimal("0.10")


def payment_today(terms: Terms, balance: Money, policy: ConditionPolicy) -> Money:
    """§6 The amount the condition "a payment today" asks for: the policy's share of the
    balance, rounded up to the minor unit, never more than the terms' first payment (the money
    paid today counts towards it, so the agreed dates stay)."""
    exp = exponent(balance.currency)
    share = (balance.amount * policy.payment_today_share).scaleb(exp)
    minor = int(share.to_integral_value(rounding=ROUND_CEILING))
    return min(Money.from_minor(max(minor, 1), balance.currency), terms.first_amount)


def condition_ask(
    condition: Condition, terms: Terms, balance: Money, policy: ConditionPolicy
) -> str:
    """What the collector asks for a condition, as said after "if you": a payment today with
    its amount (`payment_today`), any other as `CONDITION_ASKS` words it."""
    if condition is Condition.PAYMENT_TODAY:
        return f"pay {payment_today(terms, balance, policy)} today, towards the first payment"
    return CONDITION_ASKS[condition]


def conditions_ask(
    conditions: Sequence[Condition], terms: Terms, balance: Money, policy: ConditionPolicy
) -> str:
    """Every condition asked, joined: "make ..., and confirm ..."."""
    return ", and ".join(condition_ask(c, terms, balance, policy) for c in conditions)


@dataclass(frozen=True, slots=True)
class NegotiationConfig:
    """The whole policy; the defaults are sensible starting points, not law."""

    counter: CounterPolicy = field(default_factory=CounterPolicy)
    concessions: ConcessionPolicy = field(default_factory=ConcessionPolicy)
    walk_away: tuple[WalkAwayRule, ...] = DEFAULT_WALK_AWAY
    strictness: StrictnessPolicy = field(default_factory=StrictnessPolicy)
    conditions: ConditionPolicy = field(default_factory=ConditionPolicy)
    reasons: tuple[CounterReason, ...] = DEFAULT_REASONS

    def __post_init__(self) -> None:
        for name, value in (
            ("earlier_share", self.counter.earlier_share),
            ("raise_share", self.counter.raise_share),
            ("shorten_share", self.counter.shorten_share),
            ("first_share", self.concessions.first_share),
            ("ratio", self.concessions.ratio),
            ("max_tightening", self.strictness.max_tightening),
        ):
            if not Decimal(0) <= value <= Decimal(1):
                raise NegotiationConfigError(BAD_SHARE.format(name=name, value=value))
        if self.concessions.ratio == 1:
            raise NegotiationConfigError("ratio must be below 1: concessions must shrink")
        if not self.reasons:
            raise NegotiationConfigError("the list of counter reasons is empty")


def tightening(record: PromiseRecord, policy: StrictnessPolicy) -> Decimal:
    """0 for a clean record, growing with failed promises and days late, capped."""
    t = policy.per_failed_promise * record.failed
    if policy.per_late_days > 0:
        t += policy.per_late_step * (record.days_late // policy.per_late_days)
    return min(t, policy.max_tightening)


def walk_away_for(
    config: NegotiationConfig, *, risk_tier: str, balance: Money, record: PromiseRecord
) -> WalkAway:
    """The walk-away point for this case, pulled in by the debtor's promise record."""
    base = _base_walk_away(config.walk_away, risk_tier, balance)
    t = tightening(record, config.strictness)
    keep = 1 - t
    return WalkAway(
        max_days_to_first=_floor(base.max_days_to_first * keep),
        min_first_share=base.min_first_share + (1 - base.min_first_share) * t,
        max_days_to_last=_floor(base.max_days_to_last * keep),
    )


def _base_walk_away(rules: Sequence[WalkAwayRule], risk_tier: str, balance: Money) -> WalkAway:
    for rule in rules:
        if rule.risk_tier in ("", risk_tier) and balance.amount >= rule.min_balance:
            return rule.walk_away
    raise NegotiationConfigError(NO_WALK_AWAY.format(tier=risk_tier, balance=balance))


def _floor(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_FLOOR))


def choose_condition(
    policy: ConditionPolicy,
    *,
    risk_tier: str,
    record: PromiseRecord,
    balance: Money,
    is_plan: bool,
    asked: Sequence[Condition],
) -> Condition | None:
    """The condition to ask for next, or None when every condition that fits has been asked.

    The tier's order, then: a plan needs its acceleration clause first; after a failed promise,
    money and payment orders come before words; a large balance of a risky debtor needs a
    guarantor early. Each concession buys something new, so a condition is asked only once.
    `is_plan` describes the terms the condition binds: an acceleration clause makes the rest of
    a plan due at once, so it is never asked for a single payment.
    """
    order = list(policy.order)
    front: list[Condition] = []
    if risk_tier in policy.high_risk_tiers and balance.amount >= policy.guarantor_from:
        front.append(Condition.GUARANTOR)
    if record.failed or risk_tier in policy.high_risk_tiers:
        front += [Condition.PAYMENT_TODAY, Condition.POST_DATED_PAYMENT_ORDER]
    if is_plan:
        front.insert(0, Condition.ACCELERATION_CLAUSE)
    ranked = list(dict.fromkeys(front + order))
    if not is_plan:
        ranked = [c for c in ranked if c is not Condition.ACCELERATION_CLAUSE]
    return next((c for c in ranked if c not in asked), None)


def choose_reason(
    reasons: Sequence[CounterReason], *, risk_tier: str, used: Sequence[str]
) -> CounterReason:
    """The first reason for this tier not yet given in this negotiation (then start over)."""
    fitting = [r for r in reasons if not r.tiers or risk_tier in r.tiers] or list(reasons)
    fresh = [r for r in fitting if r.code not in used]
    return fresh[0] if fresh else fitting[len(used) % len(fitting)]
