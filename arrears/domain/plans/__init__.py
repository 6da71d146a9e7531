"""§6-7 Payment plans: a debt turned into dated instalments, with an acceleration clause.

A plan covers a principal (part or all of the open balance of some items) as an optional down
payment plus dated instalments. Optional interest is *simple* interest on the principal still
outstanding, counted in actual days over 365 (ACT/365 fixed; ACT/360 on request), exact in
`Decimal`. Rounding is explicit and happens twice, both half-up to the currency's minor unit:

* principal: each instalment gets financed / n rounded half-up; the last takes the remainder;
* interest: each instalment carries the running total of exact interest rounded half-up, less
  what the instalments before it carry; the last takes what remains.

So the instalments add up exactly to the principal plus the rounded total interest, and no
instalment's interest is negative. A plan whose instalments do not add up to its principal is
refused (`PlanError`), whatever built it.

Instalments are matched against payments like items (`arrears.domain.matching`). While a plan
is in good standing the ladder skips what it covers (`plan_exclusions`). An instalment not fully
paid by its due date plus the grace defaults the plan: with the acceleration clause the whole
remaining balance falls due at once, and the case is followed up the next business day and
moves up the ladder (`plan_default`). Plans beyond the walk-away point need approval.
"""

from __future__ import annotations

from arrears.domain.plans.model import (
    DayCount,
    Instalment,
    InterestTerms,
    PaymentPlan,
    PlanError,
    PlanState,
)
from arrears.domain.plans.schedule import (
    approval_request,
    build_plan,
    monthly_dates,
    on_business_days,
    plan_from_parts,
    validate_plan,
)
from arrears.domain.plans.standing import (
    InstalmentStatus,
    PlanDefault,
    PlanStatus,
    plan_default,
    plan_exclusions,
    plan_status,
)

__all__ = [
    "DayCount",
    "Instalment",
    "InstalmentStatus",
    "InterestTerms",
    "PaymentPlan",
    "PlanDefault",
    "PlanError",
    "PlanState",
    "PlanStatus",
    "approval_request",
    "build_plan",
    "monthly_dates",
    "on_business_days",
    "plan_default",
    "plan_exclusions",
    "plan_from_parts",
    "plan_status",
    "validate_plan",
]
