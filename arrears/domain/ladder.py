"""§2-3 The escalation ladder: configurable steps, their triggers, and how an item climbs.

A *strategy* is an ordered list of *steps* (courtesy reminder, reminder, call, firm demand,
final notice, legal). A step is reached by an open item when

* the item is at least `min_days_past_due` days past due (negative: before the due date), and
* the case's overdue amount, in the company currency, is at least `min_overdue_amount`;

or, for a step with `min_broken_promises`, as soon as the item's case (same debtor and
currency) has that many broken promises that broke after the item fell due, and the item is
past due (§7: a broken promise moves what was overdue up at once, straight to that step even
on a sequential ladder, and without waiting for the gap; an invoice falling due later, or
another currency's case, is not dunned for it). The negotiation sweep stores that count per
item (`OpenItem.broken_promises`); here it is the `broken_promises` argument.

A step is taken only `min_gap_days` after the item's previous step, unless broken promises
trigger it: a broken promise escalates at once. Steps never go down.

Two modes decide how far an item may climb in one run (other tools leave this implicit, and
users trip over it, so we make it a named setting):

* ``sequential``: one step per run at most, even if the item's age implies a later step: a
  debtor always gets the reminder before the final notice.
* ``jump``: straight to the highest step whose trigger holds (the step the age implies),
  skipping steps that would no longer make sense.

In both modes a missed run is caught up once: the next run decides from the ledger as it is,
so a week without runs produces one action, not seven.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from arrears.domain.fees import FeeKind, StepFee


class Mode(StrEnum):
    SEQUENTIAL = "sequential"
    JUMP = "jump"


class Channel(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    TASK = "task"


# A person must act on these; letters and emails are sent by the system.
PERSON_CHANNELS = frozenset({Channel.PHONE, Channel.TASK})
# The first contact about an item is one of these (a reminder or a demand in writing).
WRITTEN_CHANNELS = frozenset({Channel.LETTER, Channel.EMAIL})


class Role(StrEnum):
    COLLECTOR = "collector"
    CREDIT_MANAGER = "credit_manager"
    LEGAL = "legal"
    AGENCY = "agency"  # an outside collection agency a case is handed over to


# Steps that hand the account to someone outside collections (§1 explicit hand-offs).
HANDOVER_ROLES = frozenset({Role.LEGAL, Role.AGENCY})


class LadderError(ValueError):
    """A strategy that cannot be run as configured."""


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the ladder."""

    code: str
    name: str
    min_days_past_due: int
    channel: Channel
    role: Role
    min_gap_days: int = 0
    min_overdue_amount: Decimal = Decimal(0)
    min_broken_promises: int | None = None
    follow_up_days: int = 7  # review cadence while the case waits at this step
    fee: StepFee | None = None  # what reaching this step costs the debtor (rule 9)
    attach_statement: bool = False  # its letter or email carries the statement of account


@dataclass(frozen=True, slots=True)
class Segment:
    """Which cases a strategy applies to; an empty field matches everything."""

    risk_tiers: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    min_amount: Decimal | None = None  # case open amount, company currency
    max_amount: Decimal | None = None

    def matches(self, *, risk_tier: str, country: str, amount: Decimal) -> bool:
        return (
            (not self.risk_tiers or risk_tier in self.risk_tiers)
            and (not self.countries or country in self.countries)
            and (self.min_amount is None or amount >= self.min_amount)
            and (self.max_amount is None or amount < self.max_amount)
        )


@dataclass(frozen=True, slots=True)
class Strategy:
    """A ladder and the segment of cases it applies to; lower `priority` is tried first."""

    code: str
    name: str
    mode: Mode
    steps: tuple[Step, ...]
    segment: Segment = field(default_factory=Segment)
    priority: int = 100

    def __post_init__(self) -> None:
        validate_steps(self.steps, self.code)


def validate_steps(steps: tuple[Step, ...], strategy: str) -> None:
    """Refuse ladders a run could not follow: empty, unordered, duplicate codes, bad gaps."""
    if not steps:
        raise LadderError(f"strategy {strategy}: a ladder needs at least one step")
    codes = [s.code for s in steps]
    if len(set(codes)) != len(codes):
        raise LadderError(f"strategy {strategy}: step codes must be unique: {codes}")
    for prev, nxt in zip(steps, steps[1:], strict=False):
        if nxt.min_days_past_due < prev.min_days_past_due:
            raise LadderError(
                f"strategy {strategy}: step {nxt.code} triggers earlier "
                f"({nxt.min_days_past_due} days) than the step before it ({prev.code})"
            )
    for s in steps:
        if s.min_gap_days < 0 or s.follow_up_days < 1:
            raise LadderError(
                f"strategy {strategy}: step {s.code}: gaps must be >= 0, follow-up >= 1"
            )
        if s.fee is not None:
            _validate_fee(s.fee, f"strategy {strategy}: step {s.code}")


def _validate_fee(fee: StepFee, where: str) -> None:
    """A fixed fee needs a positive amount and a currency; a percentage between 0.01% and
    100%; the statutory compensation takes no figure (the regime says it)."""
    if fee.kind is FeeKind.FIXED:
        if fee.amount_minor <= 0 or not fee.currency or len(fee.currency) != 3:
            raise LadderError(f"{where}: a fixed fee needs an amount above 0 and a currency")
    elif fee.kind is FeeKind.PERCENT:
        if not 0 < fee.basis_points <= 10_000:
            raise LadderError(f"{where}: a percentage fee must be above 0% and at most 100%")
    elif fee.amount_minor or fee.currency or fee.basis_points:
        raise LadderError(
            f"{where}: the statutory compensation takes no amount: its regime sets it"
        )


def choose_strategy(
    strategies: tuple[Strategy, ...], *, risk_tier: str, country: str, amount: Decimal
) -> Strategy:
    """The first strategy (by priority) whose segment matches the case."""
    for s in sorted(strategies, key=lambda s: s.priority):
        if s.segment.matches(risk_tier=risk_tier, country=country, amount=amount):
            return s
    raise LadderError("no strategy matches this case: add a catch-all strategy")


def step_triggered(
    step: Step, *, days_past_due: int, overdue_amount: Decimal, broken_promises: int
) -> bool:
    """The level test: does this step's trigger hold for the item (a pure predicate)?"""
    if days_past_due >= 1 and _urgent(step, broken_promises):
        return True
    return days_past_due >= step.min_days_past_due and overdue_amount >= step.min_overdue_amount


@dataclass(frozen=True, slots=True)
class ItemState:
    """Where an item stands on the ladder: `step` is an index into the steps, or None."""

    due_date: date
    step: int | None = None
    step_on: date | None = None


def first_rung(strategy: Strategy, days_past_due: int) -> int:
    """§3 The first step an item without a step may take. The courtesy reminder (any step
    meant for before the due date, `min_days_past_due` < 1) is for items not yet overdue: an
    item first seen overdue starts at the first real reminder. The first contact about an item
    is written: steps by phone or task (a call, the hand-over to legal) come after a letter or
    an email (on a ladder without written steps, any step)."""
    written = [i for i, st in enumerate(strategy.steps) if st.channel in WRITTEN_CHANNELS]
    for i in written or range(len(strategy.steps)):
        if days_past_due < 1 or strategy.steps[i].min_days_past_due >= 1:
            return i
    return len(strategy.steps)


def may_take_first(strategy: Strategy, index: int, days_past_due: int) -> bool:
    """May an item without a step take step `index` as its first (`first_rung`)?"""
    step = strategy.steps[index]
    written = any(st.channel in WRITTEN_CHANNELS for st in strategy.steps)
    if written and step.channel not in WRITTEN_CHANNELS:
        return False
    return index >= first_rung(strategy, days_past_due)


def next_step(
    strategy: Strategy,
    item: ItemState,
    *,
    as_of: date,
    overdue_amount: Decimal,
    broken_promises: int,
) -> int | None:
    """The step the item should be at after today's run (its current one if nothing changes)."""
    current = -1 if item.step is None else item.step
    if item.step_on is not None and item.step_on >= as_of:
        return item.step  # already decided today (or later): a repeated run changes nothing
    dpd = (as_of - item.due_date).days
    rung = current + 1 if item.step is not None else first_rung(strategy, dpd)
    target = current
    for i in range(current + 1, len(strategy.steps)):
        step = strategy.steps[i]
        if item.step is None and not may_take_first(strategy, i, dpd):
            continue
        reachable = (
            strategy.mode is Mode.JUMP or i == rung or (dpd >= 1 and _urgent(step, broken_promises))
        )
        if reachable and step_triggered(
            step, days_past_due=dpd, overdue_amount=overdue_amount, broken_promises=broken_promises
        ):
            target = i
    if target == current:
        return item.step
    step = strategy.steps[target]
    too_soon = item.step_on is not None and (as_of - item.step_on).days < step.min_gap_days
    if too_soon and not (dpd >= 1 and _urgent(step, broken_promises)):
        return item.step
    return target


def _urgent(step: Step, broken_promises: int) -> bool:
    """§7 A broken promise moves the case up at once: to the step it triggers, even past the
    next rung of a sequential ladder and without waiting for the gap."""
    return step.min_broken_promises is not None and broken_promises >= step.min_broken_promises


def carry_over(old: Strategy | None, step: int | None, new: Strategy) -> int | None:
    """An item whose case moves to another strategy (say, its debtor became high-risk) keeps
    its place: the new step with the same code, else the highest new step that triggers no
    later than the old one did. A step of a strategy that no longer exists starts over."""
    if step is None or old is None or step >= len(old.steps):
        return None
    if old.code == new.code:
        return step
    was = old.steps[step]
    for i, st in enumerate(new.steps):
        if st.code == was.code:
            return i
    earlier = [i for i, st in enumerate(new.steps) if st.min_days_past_due <= was.min_days_past_due]
    return earlier[-1] if earlier else None


def next_climb(
    strategy: Strategy, item: ItemState, *, as_of: date, overdue_amount: Decimal
) -> tuple[int, date] | None:
    """§2 The step an item climbs to next and the day, on age, gaps and the overdue amount as
    they stand (`item` as today's run left it): the first day after `as_of` (the next run) on
    which `next_step` moves it. None: it cannot climb on those alone (at the top, or the
    amount is short). A broken promise escalates too, but cannot be foreseen.

    The one-item twin of `daily_run`'s columnar dates: it simply asks `next_step` day by day,
    up to the day after which nothing changes any more."""
    steps = strategy.steps
    last = [item.due_date + timedelta(days=max(st.min_days_past_due for st in steps) + 1)]
    if item.step_on is not None:
        last.append(item.step_on + timedelta(days=max(st.min_gap_days for st in steps)))
    day, horizon = as_of + timedelta(days=1), max([*last, as_of + timedelta(days=1)])
    while day <= horizon:
        got = next_step(strategy, item, as_of=day, overdue_amount=overdue_amount, broken_promises=0)
        if got != item.step and got is not None:
            return got, day
        day += timedelta(days=1)
    return None


def acting_role(step: Step) -> Role:
    """§1 Who acts when a case reaches `step`: its role, except that reaching the legal or
    agency step asks a credit manager to approve the hand-over (`arrears handover`, which
    then gives the account its new owner): the collector's case is never handed on silently."""
    return Role.CREDIT_MANAGER if step.role in HANDOVER_ROLES else step.role


# The statutory fixed compensation of the company's late-interest regime (EUR 40 under the EU
# directive, § 288(5) BGB, L441-10; GBP 40/70/100 in the UK; none for a consumer, none where
# the regime has none), charged once per invoice from the demand on: every step from the
# demand carries it, so an item that skipped the demand (a broken promise, a jump) is charged
# at the step it reaches, and never twice (`arrears.domain.fees`).
COMPENSATION = StepFee(FeeKind.COMPENSATION)

DEFAULT_STEPS: tuple[Step, ...] = (
    Step("courtesy", "Courtesy reminder", -5, Channel.EMAIL, Role.COLLECTOR, follow_up_days=5),
    Step("reminder", "Reminder", 1, Channel.EMAIL, Role.COLLECTOR, min_gap_days=3),
    Step("call", "Phone call", 10, Channel.PHONE, Role.COLLECTOR, min_gap_days=5, follow_up_days=3),
    Step(
        "firm_demand",
        "Firm demand",
        20,
        Channel.LETTER,
        Role.COLLECTOR,
        min_gap_days=7,
        min_broken_promises=1,
        fee=COMPENSATION,
    ),
    Step(
        "final_notice",
        "Final notice",
        35,
        Channel.LETTER,
        Role.CREDIT_MANAGER,
        min_gap_days=10,
        min_broken_promises=2,
        fee=COMPENSATION,
    ),
    Step(
        "legal",
        "Hand-over to legal",
        60,
        Channel.TASK,
        Role.LEGAL,
        min_gap_days=14,
        min_overdue_amount=Decimal(250),
        follow_up_days=14,
        fee=COMPENSATION,
    ),
)

DEFAULT_STRATEGY = Strategy("default", "Standard ladder", Mode.SEQUENTIAL, DEFAULT_STEPS)

HIGH_RISK_STRATEGY = Strategy(
    "high_risk",
    "High-risk debtors: shorter, jumps to the step the age implies",
    Mode.JUMP,
    (
        Step("reminder", "Reminder", 1, Channel.EMAIL, Role.COLLECTOR),
        Step(
            "call", "Phone call", 5, Channel.PHONE, Role.COLLECTOR, min_gap_days=2, follow_up_days=2
        ),
        Step(
            "final_notice",
            "Final notice",
            15,
            Channel.LETTER,
            Role.CREDIT_MANAGER,
            min_gap_days=5,
            min_broken_promises=1,
            fee=COMPENSATION,
        ),
        Step(
            "legal",
            "Hand-over to legal",
            30,
            Channel.TASK,
            Role.LEGAL,
            min_gap_days=7,
            follow_up_days=14,
            fee=COMPENSATION,
        ),
    ),
    segment=Segment(risk_tiers=frozenset({"high"})),
    priority=10,
)

DEFAULT_STRATEGIES: tuple[Strategy, ...] = (HIGH_RISK_STRATEGY, DEFAULT_STRATEGY)
