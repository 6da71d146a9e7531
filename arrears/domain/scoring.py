"""§3-4 Which of today's actions comes first: a transparent priority score for the worklist.

§4 ranks work by expected recovery: the balance times the probability that it is paid, which
falls with age and with broken promises (§3: the longer a customer owes, the likelier it never
pays; §7: a broken promise is a debtor less likely to pay). Until arrears measures that curve
on its own data, the probability is a plain formula anyone can check by hand. For one open
action on a case, with

* O: the case's overdue amount (dunnable: open less what is disputed, promised or in a plan,
  on items at least a day past due), converted into the company currency with the run's
  rule (`arrears.domain.fx`: half-up to the minor unit, on the case's sum);
* D: days overdue, the days past due of the case's oldest overdue item (0 if none);
* B: broken promises, the most any of the case's items carries (`OpenItem.broken_promises`,
  counted per item by the negotiation sweep);
* L: days late, how long ago the action fell due (0 if due today);
* A: the age factor (90 days by default: a debt that old counts half), and
  W: the lateness unit (7 days: each week an action waits counts its recovery once more, so
  that small accounts are not left at the bottom of the list for ever),

    expected recovery  E = O x A / ((A + D) x (1 + B))                 (rounded down)
    score              S = O x A x (W + L) / ((A + D) x (1 + B) x W)   (rounded down)

E and S are integers in company-currency minor units, computed from the integers above with
one division each (no floats, so every machine orders alike). Lines come highest score first;
ties go to the action waiting longest, then the larger overdue amount, then the older action.

Worked example (EUR company, A = 90, W = 7). Debtor X owes EUR 12,000.00 overdue, its oldest
item is 45 days past due, it broke one promise, and the call fell due 3 days ago:

    E = 1,200,000 x 90 / (135 x 2)           = 400,000  (EUR 4,000.00)
    S = 1,200,000 x 90 x 10 / (135 x 2 x 7)  = 571,428

Debtor Y owes EUR 5,000.00, 10 days past due, no broken promise, its reminder due today:

    E = 500,000 x 90 / (100 x 1)             = 450,000  (EUR 4,500.00)
    S = 500,000 x 90 x 7 / (100 x 1 x 7)     = 450,000

Y is likelier to pay more (E), but X's call has waited three days: X comes first.

`score_actions` is the batch version over Polars frames; rows depend only on their own case
(debtor and currency), so any partition of debtors scores to the same rows. `score_action` is
the one-action twin; a property test keeps them in agreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from arrears.domain.ageing import Buckets
from arrears.domain.batch.frames import conform
from arrears.domain.fx import SCALE, convert_minor
from arrears.domain.refusal import Refusal

CASE_KEY = ["debtor_id", "currency"]
NO_RATE = "worklist.no_rate"


@dataclass(frozen=True, slots=True)
class ScoreRule:
    """The two numbers of the formula (module docstring): sensible defaults, configurable."""

    age_factor_days: int = 90
    late_unit_days: int = 7

    def __post_init__(self) -> None:
        if self.age_factor_days < 1 or self.late_unit_days < 1:
            raise ValueError("the age factor and the lateness unit are at least one day")


DEFAULT_RULE = ScoreRule()

# §3-4 The worklist's overdue buckets: the ageing report's bands (`ageing.Buckets`) at 30, 60
# and 90 days, named by a short code a filter can take: not-due, 1-30, 31-60, 61-90, 90+.
BUCKETS = Buckets.of((30, 60, 90))


def _code(low: int | None, high: int | None, label: str) -> str:
    if low is None:
        return "not-due"
    return f"{low - 1}+" if high is None else label


BUCKET_CODES = tuple(_code(b.low, b.high, b.label) for b in BUCKETS.all)


def bucket_of(days_overdue: int) -> str:
    """The bucket code for a case's days overdue (`ageing.Buckets.index`)."""
    return BUCKET_CODES[BUCKETS.index(days_overdue)]


@dataclass(frozen=True, slots=True)
class CaseItem:
    """One open dunnable item of a case, as the score reads it."""

    due_date: date
    open_minor: int
    excluded_minor: int = 0
    broken_promises: int = 0


@dataclass(frozen=True, slots=True)
class Reasons:
    """The figures that placed a line, and the score they make (module docstring)."""

    overdue_minor: int  # O in the case's own currency
    overdue_company_minor: int  # O in the company currency
    days_overdue: int  # D
    broken_promises: int  # B
    days_late: int  # L
    expected_minor: int  # E, company currency
    score: int  # S
    bucket: str  # BUCKET_CODES, by D


def expected_recovery(overdue: int, days_overdue: int, broken: int, rule: ScoreRule) -> int:
    """§4 E: the overdue amount times the chance it is paid, falling with age and breaks."""
    return overdue * rule.age_factor_days // ((rule.age_factor_days + days_overdue) * (1 + broken))


def expected_recovery_expr(
    overdue: pl.Expr, days_overdue: pl.Expr, broken: pl.Expr, rule: ScoreRule
) -> pl.Expr:
    """`expected_recovery`'s batch twin over wide integer columns (E, rounded down)."""
    a = rule.age_factor_days
    return overdue * a // ((a + days_overdue) * (1 + broken))


def priority(overdue: int, days_overdue: int, broken: int, late: int, rule: ScoreRule) -> int:
    """§3-4 S: expected recovery, counted once more for every lateness unit the action waits."""
    a, w = rule.age_factor_days, rule.late_unit_days
    return overdue * a * (w + late) // ((a + days_overdue) * (1 + broken) * w)


def score_action(
    items: Iterable[CaseItem],
    *,
    due_on: date,
    on: date,
    factor: int,
    rule: ScoreRule = DEFAULT_RULE,
) -> Reasons:
    """One action on a case with these open items, on day `on` (`factor`: `fx` into the
    company currency). The one-action twin of `score_actions`."""
    overdue = days = broken = 0
    for it in items:
        dpd = (on - it.due_date).days
        dunnable = max(it.open_minor - it.excluded_minor, 0)
        broken = max(broken, it.broken_promises)
        if dpd >= 1:
            overdue += dunnable
            if dunnable > 0:
                days = max(days, dpd)
    company = convert_minor(overdue, factor)
    late = max((on - due_on).days, 0)
    return Reasons(
        overdue_minor=overdue,
        overdue_company_minor=company,
        days_overdue=days,
        broken_promises=broken,
        days_late=late,
        expected_minor=expected_recovery(company, days, broken, rule),
        score=priority(company, days, broken, late, rule),
        bucket=bucket_of(days),
    )


ACTIONS_SCHEMA: dict[str, pl.DataType] = {
    "action_id": pl.Int64(),
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "due_on": pl.Date(),
}
ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "due_date": pl.Date(),
    "open_minor": pl.Int64(),  # open dunnable items only (no credit notes)
    "excluded_minor": pl.Int64(),
    "broken_promises": pl.Int32(),
}
REASON_COLUMNS = [
    "overdue_minor",
    "overdue_company_minor",
    "days_overdue",
    "broken_promises",
    "days_late",
    "expected_minor",
    "score",
    "bucket",
]


def _wide(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Int128)


CASE_FIGURES_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "overdue_minor": pl.Int64(),
    "days_overdue": pl.Int64(),
    "broken_promises": pl.Int64(),
}


def case_figures(items: pl.DataFrame, on: date) -> pl.DataFrame:
    """Per case (debtor and currency) of open items (ITEMS_SCHEMA) on day `on`: O, D and B
    (module docstring), CASE_FIGURES_SCHEMA. They depend on the items and the day only, not on
    the actions: a caller may keep them for the day (`score_actions_on`)."""
    return conform(_case_figures(conform(items, ITEMS_SCHEMA), on), CASE_FIGURES_SCHEMA)


def _case_figures(items: pl.DataFrame, on: date) -> pl.DataFrame:
    dpd = (pl.lit(on) - pl.col("due_date")).dt.total_days()
    dunnable = (pl.col("open_minor") - pl.col("excluded_minor")).clip(0)
    return (
        items.with_columns(dpd=dpd, dunnable=dunnable)
        .group_by(CASE_KEY)
        .agg(
            overdue_minor=pl.col("dunnable").filter(pl.col("dpd") >= 1).sum(),
            days_overdue=pl.col("dpd")
            .filter((pl.col("dpd") >= 1) & (pl.col("dunnable") > 0))
            .max(),
            broken_promises=pl.col("broken_promises").max(),
        )
    )


def _check_rates(actions: pl.DataFrame, factors: Mapping[str, int]) -> None:
    missing = sorted(set(actions["currency"].unique().to_list()) - set(factors))
    if missing:
        raise Refusal(NO_RATE, currencies=", ".join(missing))


def score_actions(
    actions: pl.DataFrame,
    items: pl.DataFrame,
    *,
    on: date,
    factors: Mapping[str, int],
    rule: ScoreRule = DEFAULT_RULE,
) -> pl.DataFrame:
    """§3-4 Every action (ACTIONS_SCHEMA) with the reasons and score of its case's open items
    (ITEMS_SCHEMA) on day `on`; `factors`: currency -> `fx.conversion_factor`. Rows in the
    actions' order; `in_priority_order` sorts them."""
    cases = _case_figures(conform(items, ITEMS_SCHEMA), on)
    return score_actions_on(actions, cases, on=on, factors=factors, rule=rule)


def score_actions_on(
    actions: pl.DataFrame,
    cases: pl.DataFrame,
    *,
    on: date,
    factors: Mapping[str, int],
    rule: ScoreRule = DEFAULT_RULE,
) -> pl.DataFrame:
    """`score_actions` from the cases' figures (`case_figures` of their items on `on`) rather
    than the items: the same rows. A case without figures has nothing overdue."""
    actions = conform(actions, ACTIONS_SCHEMA)
    _check_rates(actions, factors)
    rates = pl.DataFrame(
        {"currency": list(factors), "factor": list(factors.values())},
        schema={"currency": pl.String, "factor": pl.Int64},
    )
    x = _wide("overdue_minor") * _wide("factor")
    o, d, b, lt = (
        _wide("overdue_company_minor"),
        _wide("days_overdue"),
        _wide("broken_promises"),
        _wide("days_late"),
    )
    a, w = rule.age_factor_days, rule.late_unit_days
    bounds = list(BUCKETS.bounds)
    return (
        actions.join(cases, on=CASE_KEY, how="left", maintain_order="left")
        .join(rates, on="currency", how="left", maintain_order="left")
        .with_columns(
            pl.col("overdue_minor").fill_null(0),
            pl.col("days_overdue").fill_null(0).cast(pl.Int64),
            pl.col("broken_promises").fill_null(0).cast(pl.Int64),
            days_late=(pl.lit(on) - pl.col("due_on")).dt.total_days().clip(0),
        )
        .with_columns(overdue_company_minor=((x + SCALE // 2) // SCALE).cast(pl.Int64))
        .with_columns(
            expected_minor=expected_recovery_expr(o, d, b, rule).cast(pl.Int64),
            score=(o * a * (w + lt) // ((a + d) * (1 + b) * w)).cast(pl.Int64),
            bucket=pl.lit(pl.Series(BUCKET_CODES)).get(
                pl.sum_horizontal([(pl.col("days_overdue") > k).cast(pl.Int64) for k in bounds])
            ),
        )
        .select(*ACTIONS_SCHEMA, *REASON_COLUMNS)
    )


PRIORITY_ORDER = ["score", "days_late", "overdue_company_minor", "action_id"]
_DESCENDING = [True, True, True, False]


def in_priority_order(scored: pl.DataFrame) -> pl.DataFrame:
    """Highest score first; ties: the longest waiting, the larger overdue, the older action."""
    return scored.sort(PRIORITY_ORDER, descending=_DESCENDING)
