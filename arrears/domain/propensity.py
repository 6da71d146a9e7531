"""Payment propensity and expected recovery (rules 3-4), learned from the ledger's history.

For each item open on a day, the features known on that day (nothing dated later is ever
read), the probability that it is paid in full within `HORIZON` days, and the expected amount
recovered: open balance x probability. The worklist ranks by expected recovery.

- `snapshot`: one row per item open at the end of `as_of`, with `FEATURES` and, where the
  history reaches far enough, what happened next (`paid_within`, `recovered_minor`: the
  targets, read only for training and backtests, never as features). Besides the ledger, the
  desk's dated history (`Desk`: promises, disputes, excuses, the ladder's step events) gives
  what the negotiation and the ladder knew on the day, each row read only as of its dates;
- `train`: gradient boosting (scikit-learn) calibrated with isotonic regression on a later
  slice of the training window (a time split: never trained on the future of what it is
  checked on); the model keeps its window, features and metrics;
- `probabilities`: refuses a frame whose features are not the model's;
- `evaluate`: AUC and Brier score on a held-out period;
- `backtest`: on each day, a collector works the top `k` open cases (`by_case`: debtor and
  currency) by a ranking; what their items recovered within the horizon is summed per
  ranking (expected recovery, oldest first, largest first, the worklist's rule-based score).
  It measures how well a ranking finds the money, not the effect of working it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import brier_score_loss, roc_auc_score

from arrears.domain.refusal import Refusal
from arrears.domain.scoring import CASE_KEY, DEFAULT_RULE, ScoreRule, expected_recovery_expr

HORIZON = 30
# The version of what `FEATURES` mean: a model trained on another set is refused, even where
# the names agree (set 1 read `disputed` as today's flag, not the dispute open on the day).
FEATURE_SET = 2
FEATURES = (
    "dpd",  # days past due on the day
    "days_since_issue",
    "log_open",  # log10 of the open balance in minor units
    "share_open",  # open / original amount (1.0: nothing paid yet)
    "disputed",  # the item is in a dispute open at the end of the day
    "debtor_open_items",
    "debtor_overdue_items",
    "debtor_paid_items",  # items of the debtor paid in full before the day
    "debtor_mean_days_late",  # their mean days late (null: no history)
    "debtor_share_late",
    "debtor_recent_days_late",  # days late of the debtor's last item paid before the day
    "debtor_disputes_open",  # the debtor's disputes open at the end of the day
    "debtor_promises_given",  # the debtor's promises to pay given by the day
    "debtor_promises_kept",  # ... kept in full by the day
    "debtor_promises_broken",  # ... broken or partly kept: their deadline passed before the day
    "debtor_excuses",  # excuses the debtor gave by the day
    "step_reached",  # the case's rung on its ladder at the end of the day (0: none)
    "risk_tier",  # the debtor's segment: 0 low, 1 medium, 2 high (null: none known)
)
RISK_TIERS = ("low", "medium", "high")
# The learner: 100 trees at a learning rate of 0.1 (measured 2026-12-05 on the IBM held-out
# days: AUC 0.895, Brier 0.0643, against 0.892 / 0.0642 with 200 at 0.05; half the trees
# to walk for each item scored, bench_propensity)
BOOSTING: dict[str, Any] = {"max_iter": 100, "learning_rate": 0.1}
BROKEN = ("broken", "partly_kept")  # a partly kept promise failed its deadline too

# The desk's dated history, one frame each (debtor_id's type as the items'):
PROMISES: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "given_on": pl.Date(),
    "state": pl.String(),  # today's state (`promises.PromiseState`)
    "closed_on": pl.Date(),  # kept on, or the deadline it failed on (null: still open)
}
DISPUTES: dict[str, pl.DataType] = {
    "dispute_id": pl.Int64(),
    "debtor_id": pl.Int64(),
    "item_id": pl.Int64(),  # one row per disputed item; null: the whole case
    "opened_on": pl.Date(),
    "resolved_on": pl.Date(),  # null: not resolved
}
EXCUSES: dict[str, pl.DataType] = {"debtor_id": pl.Int64(), "logged_on": pl.Date()}
STEPS: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),  # the case's (optional: without it, the debtor's highest rung)
    "on": pl.Date(),
    "step": pl.Int32(),  # the rung reached that day; 0 when the case opened or closed
}


def _empty(schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(schema))


@dataclass(frozen=True)
class Desk:
    """What the negotiation desk and the ladder recorded, with the dates that say when it was
    known (`PROMISES`, `DISPUTES`, `EXCUSES`, `STEPS`; several step events of one day: the
    last in the frame's order holds). A snapshot reads a row only as of those dates:

    - a promise counts as given from `given_on`; as kept once `closed_on` has come; as broken
      the day after its deadline (`closed_on`), when the sweep first knows it failed;
    - a dispute is open from `opened_on` until `resolved_on`;
    - an excuse counts from `logged_on`; a step holds from its event's day.

    A promise's state is today's: one failed and later judged kept (a payment dated by its
    deadline, imported late) reads as kept from the day it was kept."""

    promises: pl.DataFrame = field(default_factory=lambda: _empty(PROMISES))
    disputes: pl.DataFrame = field(default_factory=lambda: _empty(DISPUTES))
    excuses: pl.DataFrame = field(default_factory=lambda: _empty(EXCUSES))
    steps: pl.DataFrame = field(default_factory=lambda: _empty(STEPS))


NO_DESK = Desk()


def _paid_by(payments: pl.DataFrame, day: date) -> pl.DataFrame:
    return (
        payments.filter(pl.col("paid_on") <= day)
        .group_by("item_id")
        .agg(paid_minor=pl.col("amount_minor").sum(), last_paid_on=pl.col("paid_on").max())
    )


def snapshot(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    horizon: int = HORIZON,
    desk: Desk = NO_DESK,
) -> pl.DataFrame:
    """The items open at the end of `as_of` with their features, and (when known) targets.

    `items`: item_id, debtor_id, issued_on, due_on, amount_minor, and optionally currency
    (the case's: which ladder step is the item's) and segment (the debtor's risk tier);
    `payments`: item_id, paid_on, amount_minor; `desk`: the dated history (`Desk`)."""
    known = items.filter(pl.col("issued_on") <= as_of).join(
        _paid_by(payments, as_of), on="item_id", how="left"
    )
    known = known.with_columns(
        open_minor=pl.col("amount_minor") - pl.col("paid_minor").fill_null(0),
        dpd=(pl.lit(as_of) - pl.col("due_on")).dt.total_days(),
    )
    settled = known.filter(pl.col("open_minor") <= 0).with_columns(
        days_late=(pl.col("last_paid_on") - pl.col("due_on")).dt.total_days()
    )
    history = (
        settled.sort("last_paid_on")
        .group_by("debtor_id")
        .agg(
            debtor_paid_items=pl.len(),
            debtor_mean_days_late=pl.col("days_late").mean(),
            debtor_share_late=(pl.col("days_late") > 0).mean(),
            debtor_recent_days_late=pl.col("days_late").last(),
        )
    )
    open_now = known.filter(pl.col("open_minor") > 0)
    per_debtor = open_now.group_by("debtor_id").agg(
        debtor_open_items=pl.len(), debtor_overdue_items=(pl.col("dpd") > 0).sum()
    )
    frame = (
        open_now.join(per_debtor, on="debtor_id", how="left")
        .join(history, on="debtor_id", how="left")
        .with_columns(
            as_of=pl.lit(as_of),
            days_since_issue=(pl.lit(as_of) - pl.col("issued_on")).dt.total_days(),
            log_open=pl.col("open_minor").cast(pl.Float64).log10(),
            share_open=pl.col("open_minor") / pl.col("amount_minor"),
            debtor_paid_items=pl.col("debtor_paid_items").fill_null(0),
        )
    )
    frame = _with_desk(frame, desk, as_of)
    later = _paid_by(payments, as_of + timedelta(days=horizon)).rename(
        {"paid_minor": "paid_later", "last_paid_on": "_last"}
    )
    frame = frame.join(later, on="item_id", how="left").with_columns(
        recovered_minor=pl.min_horizontal(
            pl.col("paid_later").fill_null(0) - pl.col("paid_minor").fill_null(0),
            pl.col("open_minor"),
        ),
    )
    frame = frame.with_columns(
        paid_within=(pl.col("recovered_minor") >= pl.col("open_minor")).cast(pl.Int8)
    )
    return frame.select(
        "as_of",
        "item_id",
        "debtor_id",
        "due_on",
        "open_minor",
        *FEATURES,
        "paid_within",
        "recovered_minor",
    )


def _with_desk(frame: pl.DataFrame, desk: Desk, as_of: date) -> pl.DataFrame:
    """The open items' features from the desk's history and the debtor's segment, as of the
    end of `as_of` (`Desk` says when each row counts)."""
    key = frame.schema["debtor_id"]
    day = pl.lit(as_of)
    promises = (
        desk.promises.filter(pl.col("given_on") <= day)
        .group_by(pl.col("debtor_id").cast(key))
        .agg(
            debtor_promises_given=pl.len(),
            debtor_promises_kept=((pl.col("state") == "kept") & (pl.col("closed_on") <= day))
            .fill_null(False)
            .sum(),
            debtor_promises_broken=(pl.col("state").is_in(BROKEN) & (pl.col("closed_on") < day))
            .fill_null(False)
            .sum(),
        )
    )
    open_disputes = desk.disputes.filter(
        (pl.col("opened_on") <= day)
        & (pl.col("resolved_on").is_null() | (pl.col("resolved_on") > day))
    ).with_columns(pl.col("debtor_id").cast(key))
    per_debtor = open_disputes.group_by("debtor_id").agg(
        debtor_disputes_open=pl.col("dispute_id").n_unique(),
        _whole_case=pl.col("item_id").is_null().any(),
    )
    disputed_items = (
        open_disputes.filter(pl.col("item_id").is_not_null())
        .select(pl.col("item_id").cast(frame.schema["item_id"]))
        .unique()
        .with_columns(_item_disputed=pl.lit(True))
    )
    excuses = (
        desk.excuses.filter(pl.col("logged_on") <= day)
        .group_by(pl.col("debtor_id").cast(key))
        .agg(debtor_excuses=pl.len())
    )
    steps, on = _steps_on(desk.steps, frame, as_of)
    counts = [
        "debtor_disputes_open",
        "debtor_promises_given",
        "debtor_promises_kept",
        "debtor_promises_broken",
        "debtor_excuses",
        "step_reached",
    ]
    tier = (
        pl.col("segment").replace_strict(
            {t: i for i, t in enumerate(RISK_TIERS)}, default=None, return_dtype=pl.Int8
        )
        if "segment" in frame.columns
        else pl.lit(None, pl.Int8)
    )
    return (
        frame.join(promises, on="debtor_id", how="left")
        .join(per_debtor, on="debtor_id", how="left")
        .join(disputed_items, on="item_id", how="left")
        .join(excuses, on="debtor_id", how="left")
        .join(steps, on=on, how="left")
        .with_columns(
            *(pl.col(c).fill_null(0).cast(pl.Int32) for c in counts),
            disputed=(
                pl.col("_item_disputed").fill_null(False) | pl.col("_whole_case").fill_null(False)
            ).cast(pl.Int8),
            risk_tier=tier,
        )
    )


def _steps_on(
    steps: pl.DataFrame, frame: pl.DataFrame, as_of: date
) -> tuple[pl.DataFrame, list[str]]:
    """Each case's rung at the end of `as_of` (the last event on or before it), keyed by
    debtor and currency where both frames have one, else the debtor's highest rung."""
    by_currency = "currency" in steps.columns and "currency" in frame.columns
    cases = ["debtor_id", "currency"] if "currency" in steps.columns else ["debtor_id"]
    last = (
        steps.filter(pl.col("on") <= as_of)
        .with_columns(pl.col("debtor_id").cast(frame.schema["debtor_id"]))
        .sort("on", maintain_order=True)
        .group_by(cases, maintain_order=True)
        .agg(step_reached=pl.col("step").last())
    )
    if by_currency:
        return last.with_columns(pl.col("currency").cast(frame.schema["currency"])), cases
    return last.group_by("debtor_id").agg(pl.col("step_reached").max()), ["debtor_id"]


def snapshots(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    days: Sequence[date],
    horizon: int = HORIZON,
    desk: Desk = NO_DESK,
) -> pl.DataFrame:
    return pl.concat([snapshot(items, payments, d, horizon, desk) for d in days])


@dataclass
class Model:
    estimator: Any
    features: tuple[str, ...]
    trained_from: date
    trained_until: date  # the last as-of day whose horizon ends on or before the split
    horizon: int
    metrics: dict[str, float] = field(default_factory=dict)
    # each feature's median over the rows it was fitted on (None: never known there): what
    # `drivers` sets a feature to, to see how much it moved a probability
    medians: dict[str, float | None] = field(default_factory=dict)
    feature_set: int = FEATURE_SET  # what its features meant when it was trained


def _matrix(frame: pl.DataFrame, features: Sequence[str]) -> np.ndarray:
    return frame.select([pl.col(f).cast(pl.Float64) for f in features]).to_numpy()


CALIBRATION_FOLDS = 5  # the calibration's stratified folds: each outcome must fill them


def train(frame: pl.DataFrame, until: date, horizon: int = HORIZON, seed: int = 0) -> Model:
    """Learn from the snapshots whose outcome is known by `until` (as_of + horizon <= until).
    The last fifth of those days calibrates the probabilities (isotonic), the rest trains."""
    usable = frame.filter(pl.col("as_of") + pl.duration(days=horizon) <= until).sort("as_of")
    days = usable["as_of"].unique().sort()
    if days.len() < 5 or usable["paid_within"].n_unique() < 2:
        raise Refusal("propensity.too_little_history", days=days.len(), rows=usable.height)
    cut = days[int(days.len() * 0.8)]
    fit, calib = usable.filter(pl.col("as_of") < cut), usable.filter(pl.col("as_of") >= cut)
    # A feature that never varies in the training slice teaches nothing (and cannot be
    # binned): the model is trained without it and says so in its features.
    used = tuple(f for f in FEATURES if fit[f].drop_nulls().n_unique() > 1)
    if not used:
        raise Refusal("propensity.too_little_history", days=days.len(), rows=usable.height)
    # The calibration folds (`CalibratedClassifierCV`, stratified) need every outcome in each.
    outcomes: list[int] = calib["paid_within"].value_counts()["count"].to_list()
    if fit["paid_within"].n_unique() < 2 or len(outcomes) < 2 or min(outcomes) < CALIBRATION_FOLDS:
        raise Refusal("propensity.too_little_history", days=days.len(), rows=usable.height)
    booster = HistGradientBoostingClassifier(**BOOSTING, random_state=seed)
    booster.fit(_matrix(fit, used), fit["paid_within"].to_numpy())
    calibrated = CalibratedClassifierCV(
        FrozenEstimator(booster), method="isotonic", cv=CALIBRATION_FOLDS
    )
    calibrated.fit(_matrix(calib, used), calib["paid_within"].to_numpy())
    medians = {f: _median(fit[f]) for f in used}
    return Model(calibrated, used, days[0], days[-1], horizon, medians=medians)


def _median(column: pl.Series) -> float | None:
    known = column.cast(pl.Float64).drop_nulls()
    return None if known.is_empty() else float(known.median())  # type: ignore[arg-type]


def probabilities(model: Model, frame: pl.DataFrame) -> pl.Series:
    """P(paid in full within the model's horizon) per row; a frame without the model's
    features is refused (a model is never used on features it was not trained on)."""
    missing = [f for f in model.features if f not in frame.columns]
    if missing or not set(model.features) <= set(FEATURES) or model.feature_set != FEATURE_SET:
        raise Refusal(
            "propensity.features_differ",
            missing=", ".join(missing) or "-",
            model=", ".join(model.features),
        )
    p = model.estimator.predict_proba(_matrix(frame, model.features))[:, 1]
    return pl.Series("p_paid", p)


def drivers(model: Model, frame: pl.DataFrame) -> pl.DataFrame:
    """`p_paid` per row and, per feature, how much it moved it: `pts_<feature>`, the change
    in percentage points when that feature alone is set to its training median (a simple,
    honest attribution: what this row's value did against a typical one). One prediction
    per feature, of only the rows whose value is not already the median (the others moved
    nothing: most rows, for the desk's counts)."""
    p = probabilities(model, frame).to_numpy()
    x = _matrix(frame, model.features)
    moved = {}
    for j, f in enumerate(model.features):
        median = model.medians.get(f)
        value = x[:, j]
        differs = ~np.isnan(value) if median is None else ~(value == median)
        pts = np.zeros(len(p))
        if differs.any():
            typical = x[differs]  # a copy (boolean indexing)
            typical[:, j] = np.nan if median is None else median
            pts[differs] = 100 * (p[differs] - model.estimator.predict_proba(typical)[:, 1])
        moved[f"pts_{f}"] = pts
    return frame.with_columns(pl.Series("p_paid", p), *(pl.Series(k, v) for k, v in moved.items()))


def expected_recovery(model: Model, frame: pl.DataFrame) -> pl.DataFrame:
    """The rows with their `p_paid` and `expected_minor` (open balance x p, each item's: what
    it may bring in; a case's expected recovery is `case_expected_recovery`)."""
    p = probabilities(model, frame)
    return frame.with_columns(p, expected_minor=expected_of(pl.col("open_minor"), p))


def expected_of(chased: pl.Expr, p: pl.Expr | pl.Series) -> pl.Expr:
    """Expected recovery E = balance x p, rounded to the minor unit (half to even, as
    Python's `round`), p null read as 0: the one formula, for an item or a case
    (`case_expected_recovery`)."""
    p_expr = pl.lit(p) if isinstance(p, pl.Series) else p
    return (chased.cast(pl.Float64) * p_expr.fill_null(0.0)).round(0).cast(pl.Int64)


def chased_minor() -> pl.Expr:
    """What a case may bring in from an item: its open balance less what is excluded from
    dunning (disputed, promised, in a plan: `excluded_minor`), never below 0. Due or not yet:
    the probability is of the item being paid in full within the horizon, and an item falling
    due within it is money the case brings in (the backtest measures all its items)."""
    return (pl.col("open_minor") - pl.col("excluded_minor")).clip(0)


def case_expected_recovery(items: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    """The one definition of a case's expected recovery (rules 3-4), which the worklist ranks
    by and the backtest judges:

        E = B x p

    B (`chased_minor`): the case's balance, the sum of its items' `chased_minor` (open less
    what is disputed, promised or in a plan); p (`p_paid`): the probability that its items
    are paid in full within the horizon, their mean weighted by what each adds to B (by their
    open balance where B is 0: E is 0 then); E (`expected_minor`): `expected_of(B, p)`, which
    is the sum of each item's balance x its own p. In the case's currency; the worklist, which
    ranks across currencies, applies `expected_of` to B in the company's currency with this p.

    `items`: the `key` columns, open_minor, p_paid, and optionally excluded_minor."""
    if "excluded_minor" not in items.columns:
        items = items.with_columns(excluded_minor=pl.lit(0, pl.Int64))
    weight = chased_minor().cast(pl.Float64)
    open_ = pl.col("open_minor").cast(pl.Float64)
    p = pl.col("p_paid").cast(pl.Float64).fill_null(0.0)
    cases = items.group_by(list(key)).agg(
        chased_minor=chased_minor().sum().cast(pl.Int64),
        _pw=(p * weight).sum(),
        _w=weight.sum(),
        _po=(p * open_).sum(),
        _o=open_.sum(),
    )
    mean = (
        pl.when(pl.col("_w") > 0)
        .then(pl.col("_pw") / pl.col("_w"))
        .when(pl.col("_o") > 0)
        .then(pl.col("_po") / pl.col("_o"))
    )
    return (
        cases.with_columns(p_paid=mean)
        .with_columns(expected_minor=expected_of(pl.col("chased_minor"), pl.col("p_paid")))
        .select(*key, "chased_minor", "p_paid", "expected_minor")
    )


def brier_of_base_rate(base_rate: float) -> float:
    """The Brier score of always saying the base rate (the share paid): the bar a model's
    probabilities must beat to be worth more than that one number."""
    return base_rate * (1 - base_rate)


def worse_than_base_rate(metrics: Mapping[str, float]) -> bool:
    """Whether a model's held-out Brier score is above the base rate's (its ranking may still
    help; its probabilities say less than the one number)."""
    if "brier" not in metrics or "base_rate" not in metrics:
        return False
    return float(metrics["brier"]) > brier_of_base_rate(float(metrics["base_rate"]))


def evaluate(model: Model, frame: pl.DataFrame) -> dict[str, float]:
    y = frame["paid_within"].to_numpy()
    p = probabilities(model, frame).to_numpy()
    return {
        "rows": float(len(y)),
        "base_rate": float(y.mean()),
        "auc": float(roc_auc_score(y, p)) if len(set(y)) > 1 else math.nan,
        "brier": float(brier_score_loss(y, p)),
    }


def by_case(frame: pl.DataFrame, rule: ScoreRule = DEFAULT_RULE) -> pl.DataFrame:
    """Per day and case (`scoring.CASE_KEY`: debtor and currency; the debtor alone when the
    frame has no currency, as the backtest's one-currency ledger) of the open items, what
    each ranking reads and what the case recovered:

    - `expected_minor`: its expected recovery, `case_expected_recovery` of its items (their
      `p_paid`, from `expected_recovery`; an item in a dispute open on the day excluded in
      full, as the worklist excludes it; 0 where the frame has no `p_paid`);
    - `dpd`: its most days past due (oldest first); `open_minor`: its open balance;
    - `rule_minor`: the worklist's rule-based expected recovery of the case
      (`scoring.case_figures`, `scoring.expected_recovery`): O, the open balance of its items
      at least a day past due and not in a dispute open on the day; D, the days past due of
      the oldest of those; B, the debtor's promises broken by the day (the worklist counts
      them per item; no lateness: a past day has no action waiting);
    - `recovered_minor`: what its items recovered within the horizon; `items`: how many."""
    key = [c for c in CASE_KEY if c in frame.columns]
    disputed = pl.col("disputed") == 1 if "disputed" in frame.columns else pl.lit(False)
    broken = (
        pl.col("debtor_promises_broken").fill_null(0)
        if "debtor_promises_broken" in frame.columns
        else pl.lit(0)
    )
    counted = (pl.col("dpd") >= 1) & ~disputed & (pl.col("open_minor") > 0)
    cases = (
        frame.group_by(["as_of", *key])
        .agg(
            dpd=pl.col("dpd").max(),
            open_minor=pl.col("open_minor").sum(),
            overdue=pl.col("open_minor").filter(counted).sum(),
            days_overdue=pl.col("dpd").filter(counted).max(),
            broken=broken.max(),
            recovered_minor=pl.col("recovered_minor").sum(),
            items=pl.len(),
        )
        .with_columns(
            rule_minor=expected_recovery_expr(
                pl.col("overdue").cast(pl.Int128),
                pl.col("days_overdue").fill_null(0).cast(pl.Int128),
                pl.col("broken").cast(pl.Int128),
                rule,
            ).cast(pl.Int64)
        )
    )
    if "p_paid" in frame.columns:
        chased = frame.with_columns(
            excluded_minor=pl.when(disputed).then(pl.col("open_minor")).otherwise(0)
        )
        expected = case_expected_recovery(chased, ["as_of", *key])
        cases = cases.join(expected.select("as_of", *key, "expected_minor"), on=["as_of", *key])
    else:
        cases = cases.with_columns(expected_minor=pl.lit(0, pl.Int64))
    return cases.select(
        "as_of",
        *key,
        "expected_minor",
        "dpd",
        "open_minor",
        "rule_minor",
        "recovered_minor",
        "items",
    ).sort(["as_of", *key])


RANKINGS: Mapping[str, tuple[str, bool]] = {
    "expected recovery": ("expected_minor", True),
    "oldest first": ("dpd", True),
    "largest first": ("open_minor", True),
}
WITH_RULE: Mapping[str, tuple[str, bool]] = {**RANKINGS, "rule-based score": ("rule_minor", True)}


def backtest(
    frame: pl.DataFrame,
    k: int,
    rankings: Mapping[str, tuple[str, bool]] = RANKINGS,
    rule: ScoreRule = DEFAULT_RULE,
) -> dict[str, int]:
    """Per ranking, the amount recovered within the horizon by the items of the top `k`
    cases of each day (`by_case` of the open items `frame`; ties broken by the case's key,
    so every ranking is deterministic): a collector works cases, not items."""
    cases = by_case(frame, rule)
    key = [c for c in CASE_KEY if c in cases.columns]
    result = {}
    for name, (column, descending) in rankings.items():
        worked = (
            cases.sort(
                ["as_of", column, *key],
                descending=[False, descending, *(False for _ in key)],
                nulls_last=True,
            )
            .group_by("as_of", maintain_order=True)
            .head(k)
        )
        result[name] = int(worked["recovered_minor"].sum())
    return result
