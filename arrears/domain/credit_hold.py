"""§3 Credit holds: exposure and age drive holds. A debtor is put on hold when its exposure
(open items less credits, in company currency) exceeds its credit limit, or when its oldest
open item is more than `hold_after_days_past_due` days past due (an item covered by a plan or
a promise is still owed, so it still counts). The run lifts only holds
it set itself; a hold a credit manager set by hand stays until a person lifts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HoldRule(StrEnum):
    OVER_LIMIT = "exposure_over_credit_limit"
    TOO_OLD = "oldest_item_past_hold_age"
    CLEARED = "exposure_within_limit_and_no_old_items"


@dataclass(frozen=True, slots=True)
class HoldPolicy:
    """When the run puts a debtor on credit hold."""

    hold_when_over_limit: bool = True
    hold_after_days_past_due: int | None = 60


def hold_reasons(
    policy: HoldPolicy,
    *,
    exposure_minor: int,
    credit_limit_minor: int | None,
    oldest_dpd: int | None,
) -> list[HoldRule]:
    """The rules that call for a hold right now (empty: no hold needed)."""
    reasons = []
    limit = credit_limit_minor
    if policy.hold_when_over_limit and limit is not None and exposure_minor > limit:
        reasons.append(HoldRule.OVER_LIMIT)
    age = policy.hold_after_days_past_due
    if age is not None and oldest_dpd is not None and oldest_dpd > age:
        reasons.append(HoldRule.TOO_OLD)
    return reasons
