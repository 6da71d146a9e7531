"""§7 Payment plans, keeping one: instalments matched against payments; default, acceleration.

Receipts since the plan was agreed are matched against the instalments like items (oldest
first). An instalment not fully paid by its *deadline* (its due date plus the grace, the last day
a payment still keeps it) defaults the plan. The default is dated the day after that deadline,
the first day the debtor is late beyond the grace (as a promise is broken from the day after its
deadline): with the acceleration clause the remaining balance falls due at once on that day
(interest of periods that have not run is not charged), the case is followed up the next
business day after the deadline and climbs the ladder. While the plan is in good standing the
ladder skips what it covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from arrears.domain.dates import add_business_days, next_business_day
from arrears.domain.matching import (
    Receipt,
    counts_towards,
    items_as_obligations,
    match_receipts,
    spread,
)
from arrears.domain.money import Money
from arrears.domain.plans.model import Instalment, PaymentPlan, PlanState, sum_money


@dataclass(frozen=True, slots=True)
class InstalmentStatus:
    instalment: Instalment
    deadline: date
    paid: Money
    settled_on: date | None

    @property
    def open(self) -> Money:
        return self.instalment.amount - self.paid


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """Where a plan stands on `as_of`."""

    plan: PaymentPlan
    as_of: date
    state: PlanState
    instalments: tuple[InstalmentStatus, ...]
    defaulted_on: date | None  # the day after the deadline of the first instalment missed

    @property
    def paid(self) -> Money:
        return sum_money((s.paid for s in self.instalments), self.plan.currency)

    @property
    def remaining(self) -> Money:
        return self.plan.total - self.paid

    @property
    def remaining_principal(self) -> Money:
        """Open principal, counting each payment to an instalment's interest first."""
        return sum_money(
            (
                s.open if s.open < s.instalment.principal else s.instalment.principal
                for s in self.instalments
            ),
            self.plan.currency,
        )

    @property
    def principal_not_yet_due(self) -> Money:
        """Open principal of the instalments whose deadline has not passed."""
        return sum_money(
            (
                s.open if s.open < s.instalment.principal else s.instalment.principal
                for s in self.instalments
                if s.deadline >= self.as_of
            ),
            self.plan.currency,
        )

    @property
    def due_now(self) -> Money:
        """What the debtor owes today: overdue instalments, or everything once accelerated."""
        cur = self.plan.currency
        if self.state is PlanState.DEFAULTED and self.plan.acceleration_clause:
            assert self.defaulted_on is not None
            return sum_money(
                (_accelerated(s, self.defaulted_on, cur) for s in self.instalments), cur
            )
        late = [s.open for s in self.instalments if s.deadline < self.as_of]
        return sum_money(late, cur)


def _accelerated(s: InstalmentStatus, defaulted_on: date, currency: str) -> Money:
    """An instalment's part of the accelerated balance: interest of periods that have not run
    is not charged, so instalments due after the missed deadline fall due for their open
    principal only (those due by it, the missed one included, in full)."""
    if s.instalment.due_on < defaulted_on:
        return s.open
    principal = s.instalment.principal.to_minor() - s.paid.to_minor()
    return Money.from_minor(max(0, principal), currency)


def plan_status(
    plan: PaymentPlan,
    receipts: Iterable[Receipt],
    *,
    as_of: date,
    holidays: frozenset[date] = frozenset(),
) -> PlanStatus:
    """Match the receipts counting towards the plan (`counts_towards`: any dated by `as_of` but
    those already in the balance it was agreed on) against its instalments, oldest first."""
    counted = [
        r
        for r in receipts
        if r.received_on <= as_of
        and counts_towards(r, given_on=plan.agreed_on, already_counted=plan.already_counted)
    ]
    m = match_receipts(plan.obligations(), counted, currency=plan.currency)
    statuses = tuple(
        InstalmentStatus(
            i,
            add_business_days(i.due_on, plan.grace_business_days, holidays),
            s.matched,
            s.settled_on,
        )
        for i, s in zip(plan.instalments, m.obligations, strict=True)
    )
    missed = _first_missed(statuses, as_of)
    defaulted = None if missed is None else missed.deadline + timedelta(days=1)
    if defaulted is not None:
        state = PlanState.DEFAULTED
    elif all(s.settled_on is not None for s in statuses):
        state = PlanState.COMPLETED
    else:
        state = PlanState.GOOD_STANDING
    return PlanStatus(plan, as_of, state, statuses, defaulted)


def _first_missed(statuses: Iterable[InstalmentStatus], as_of: date) -> InstalmentStatus | None:
    """The first instalment whose deadline passed (before `as_of`) without it fully paid by it."""
    return next(
        (
            s
            for s in statuses
            if s.deadline < as_of and (s.settled_on is None or s.settled_on > s.deadline)
        ),
        None,
    )


@dataclass(frozen=True, slots=True)
class PlanDefault:
    """What a defaulted plan sets off: the balance due at once, a call, a climb up the ladder."""

    plan_key: str
    defaulted_on: date  # the first day after the missed instalment's grace
    follow_up_on: date  # the next business day after that grace (= on or after defaulted_on)
    due_at_once: Money
    missed_seq: int
    escalate: bool = True  # counts as a broken promise for the ladder's triggers


def plan_default(
    status: PlanStatus, *, holidays: frozenset[date] = frozenset()
) -> PlanDefault | None:
    """The consequences of a default (None while the plan stands or once it is completed)."""
    if status.state is not PlanState.DEFAULTED or status.defaulted_on is None:
        return None
    missed = _first_missed(status.instalments, status.as_of)
    assert missed is not None  # a defaulted plan always has its missed instalment
    return PlanDefault(
        status.plan.key,
        status.defaulted_on,
        next_business_day(missed.deadline, holidays),
        status.due_now,
        missed.instalment.seq,
    )


def plan_exclusions(
    status: PlanStatus, open_items: Mapping[str, tuple[date, Money]]
) -> dict[str, Money]:
    """Per covered item, the part the ladder skips: the plan's open principal while in good
    standing, laid over the items oldest first. Once defaulted, nothing with the acceleration
    clause (everything is due); without it, the open principal of the instalments not yet due
    (only the overdue ones are dunned). Nothing once completed."""
    covered = items_as_obligations(open_items, status.plan.item_keys)
    if status.state is PlanState.GOOD_STANDING:
        return spread(status.remaining_principal, covered)
    if status.state is PlanState.DEFAULTED and not status.plan.acceleration_clause:
        return spread(status.principal_not_yet_due, covered)
    return {o.key: Money.from_minor(0, o.amount.currency) for o in covered}
