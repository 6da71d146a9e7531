"""§6 Payment plans, making one: equal instalments, simple interest, explicit rounding.

Principal: each instalment gets financed / n rounded half-up to the minor unit; the last takes
the remainder. Interest (optional): simple, on the principal still outstanding, actual days over
365 (ACT/365 fixed) or 360; each instalment carries the running total of exact interest rounded
half-up, less what the instalments before it carry, so the last takes what remains and no
instalment's interest is negative. Interest never runs on money not yet due: an invoice the
plan finances before its due date bears interest from the day after it falls due (instalments
pay what was due first). A plan is then checked against the case (not in the past,
not above the balance it covers) and against the walk-away point (beyond it: approval).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from arrears.domain.dates import on_business_day
from arrears.domain.money import Money
from arrears.domain.negotiation.history import ApprovalRequest
from arrears.domain.negotiation.terms import WalkAway
from arrears.domain.plans.model import (
    ABOVE_BALANCE,
    DOWN_TOO_LARGE,
    IN_PAST,
    INSTALMENT_CURRENCY,
    NO_INSTALMENTS,
    TOO_FINE,
    UNKNOWN_ITEM,
    Instalment,
    InterestTerms,
    PaymentPlan,
    PlanError,
    sum_money,
)
from arrears.domain.promises import net_of_credit


def _half_up(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_HALF_UP))


def build_plan(
    *,
    key: str,
    principal: Money,
    agreed_on: date,
    due_dates: Sequence[date],
    down_payment: Money | None = None,
    interest: InterestTerms | None = None,
    item_keys: frozenset[str] = frozenset(),
    acceleration_clause: bool = True,
    grace_business_days: int = 3,
    not_yet_due: Sequence[tuple[date, Money]] = (),
) -> PaymentPlan:
    """A plan of equal principal instalments on `due_dates`, after an optional down payment
    due the day the plan is agreed; interest (if any) as the module docstring describes.
    `not_yet_due`: the (due date, amount) of covered invoices not yet due when it is agreed."""
    cur = principal.currency
    down = down_payment.to_minor() if down_payment is not None else 0
    financed = principal.to_minor() - down
    n = len(due_dates)
    if n == 0:
        raise PlanError(NO_INSTALMENTS)
    if financed <= 0:
        raise PlanError(DOWN_TOO_LARGE.format(down=down_payment, principal=principal))
    parts = _principal_parts(financed, n, cur)
    later = [(d, a.to_minor()) for d, a in not_yet_due]
    rates = _interest(parts, agreed_on, due_dates, interest, later) if interest else [0] * n
    zero = Money.from_minor(0, cur)
    out = [Instalment(0, agreed_on, Money.from_minor(down, cur), zero)] if down else []
    for k, (on, p, r) in enumerate(zip(due_dates, parts, rates, strict=True), start=1):
        out.append(Instalment(k, on, Money.from_minor(p, cur), Money.from_minor(r, cur)))
    return PaymentPlan(
        key,
        agreed_on,
        principal,
        tuple(out),
        interest,
        item_keys,
        acceleration_clause,
        grace_business_days,
    )


def _principal_parts(financed: int, n: int, currency: str) -> list[int]:
    """financed / n rounded half-up for each instalment; the last takes the remainder."""
    each = _half_up(Decimal(financed) / n)
    parts = [each] * (n - 1) + [financed - each * (n - 1)]
    if min(parts) <= 0:
        raise PlanError(TOO_FINE.format(principal=Money.from_minor(financed, currency), n=n))
    return parts


def _interest(
    parts: Sequence[int],
    agreed_on: date,
    due_dates: Sequence[date],
    terms: InterestTerms,
    not_yet_due: Sequence[tuple[date, int]] = (),
) -> list[int]:
    """Interest per instalment in minor units: cumulative half-up rounding (module docstring)."""
    outstanding = sum(parts)
    running = Decimal(0)
    carried = 0
    out = []
    start = agreed_on
    for part, on in zip(parts, due_dates, strict=True):
        days = _bearing_days(outstanding, start, on, not_yet_due)
        running += Decimal(days) * terms.annual_rate / terms.year_days
        share = _half_up(running) - carried
        out.append(share)
        carried += share
        outstanding -= part
        start = on
    return out


def _bearing_days(
    outstanding: int, start: date, end: date, not_yet_due: Sequence[tuple[date, int]]
) -> int:
    """Sum over the days t in (start, end] of the principal bearing interest on t: what is
    outstanding less what is not yet due on t (an invoice due on d bears from d + 1)."""
    cuts = sorted({d for d, _ in not_yet_due if start <= d < end})
    total, a = 0, start
    for c in [*cuts, end]:
        later = sum(amount for d, amount in not_yet_due if d >= c)  # not due on (a, c]
        total += max(0, outstanding - later) * max(0, (c - a).days)
        a = c
    return total


def plan_from_parts(
    *,
    key: str,
    principal: Money,
    agreed_on: date,
    parts: Sequence[tuple[date, Money]],
    item_keys: frozenset[str] = frozenset(),
    acceleration_clause: bool = True,
    grace_business_days: int = 3,
) -> PaymentPlan:
    """A plan entered by hand, without interest; refused if the parts do not add up."""
    zero = Money.from_minor(0, principal.currency)
    instalments = tuple(Instalment(k, on, amount, zero) for k, (on, amount) in enumerate(parts, 1))
    return PaymentPlan(
        key,
        agreed_on,
        principal,
        instalments,
        None,
        item_keys,
        acceleration_clause,
        grace_business_days,
    )


def monthly_dates(first: date, count: int) -> tuple[date, ...]:
    """`count` dates a month apart from `first`, on the same day or the month's last day."""
    out = []
    for k in range(count):
        y, m = divmod(first.month - 1 + k, 12)
        year, month = first.year + y, m + 1
        day = min(first.day, _month_days(year, month))
        out.append(date(year, month, day))
    return tuple(out)


def on_business_days(
    dates: Sequence[date], *, after: date, holidays: frozenset[date] = frozenset()
) -> tuple[date, ...]:
    """Instalment dates moved onto business days (no weekend, none of the company's
    `holidays`): each to the last business day on or before it that is still after the one
    before (the first: after `after`, the day before the plan is agreed), else to the next
    business day (`dates.on_business_day`): a date we set moves earlier, never later."""
    out: list[date] = []
    for d in dates:
        out.append(on_business_day(d, after=out[-1] if out else after, holidays=holidays))
    return tuple(out)


def _month_days(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - date(year, month, 1)).days


def validate_plan(
    plan: PaymentPlan,
    *,
    as_of: date,
    open_items: Mapping[str, Money],
    credit: Money | None = None,
) -> None:
    """Refuse a new plan that starts in the past or covers more than is open on its items
    (on the whole case: less the `credit` we hold, as for promises)."""
    first = plan.instalments[0].due_on
    if first < as_of:
        raise PlanError(IN_PAST.format(on=first, as_of=as_of))
    for key in plan.item_keys:
        if key not in open_items:
            raise PlanError(UNKNOWN_ITEM.format(key=key))
    covered = [m for k, m in open_items.items() if not plan.item_keys or k in plan.item_keys]
    for m in covered:
        if m.currency != plan.currency:
            raise PlanError(INSTALMENT_CURRENCY.format(seq="-", got=m.currency, want=plan.currency))
    balance = net_of_credit(sum_money(covered, plan.currency), plan.item_keys, credit)
    if balance < plan.principal:
        raise PlanError(ABOVE_BALANCE.format(principal=plan.principal, balance=balance))


def approval_request(
    plan: PaymentPlan,
    *,
    walk_away: WalkAway,
    anchor: date,
    balance: Money,
    risk_tier: str,
    requested_by: str,
    requested_on: date,
) -> ApprovalRequest | None:
    """The approval a plan beyond the walk-away point needs (None: the collector may agree)."""
    terms = plan.terms()
    exceeded = walk_away.exceeded(terms, anchor=anchor, balance=balance)
    if not exceeded:
        return None
    return ApprovalRequest(
        terms, balance, risk_tier, walk_away, anchor, exceeded, requested_by, requested_on
    )
