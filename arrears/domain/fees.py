"""Dunning fees (rule 9): what reaching a ladder step costs the debtor, charged exactly once.

A step may carry a fee of one kind:
- `fixed`: an amount per item, in the item's currency (a step priced in another currency
  charges nothing on that item: fees are never converted silently);
- `percent`: basis points of the item's open amount when it reaches the step (150 = 1.5%),
  rounded half-up to the minor unit, in exact integers;
- `compensation`: the statutory fixed compensation of the item's late-interest regime (EUR 40
  under the EU directive, GBP 40/70/100 by size in the UK), due once per invoice, however
  many steps carry it and however many runs see it.
A fixed or percentage fee is due once per item and step; none is charged again on a later
run, nor for steps an item skipped (only the step it stands on is priced).

`fees_due` is the run's columnar version; `fee_due` the one-item version the desk shows; a
property test keeps them in agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from arrears.domain.interest.regimes import Regime
from arrears.domain.money import Money


class FeeKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"
    COMPENSATION = "compensation"


@dataclass(frozen=True)
class StepFee:
    kind: FeeKind
    amount_minor: int = 0  # fixed: the amount
    currency: str | None = None  # fixed: its currency
    basis_points: int = 0  # percent: 150 = 1.5%


@dataclass(frozen=True)
class Charged:
    """A fee already charged on an item: at which step, of which kind."""

    step: int
    kind: FeeKind


def _percent(open_minor: int, basis_points: int) -> int:
    return (open_minor * basis_points + 5_000) // 10_000  # half-up, open amounts are positive


def fee_due(
    *,
    currency: str,
    amount_minor: int,
    open_minor: int,
    step: int,
    charged: frozenset[Charged],
    fees: Mapping[int, StepFee],
    regime: Regime | None,
    consumer: bool = False,
) -> int:
    """The fee (minor units, in the item's currency) to charge on one item now: 0 if none.
    The statutory compensation is owed by businesses only: never charged to a consumer."""
    fee = fees.get(step)
    if fee is None or open_minor <= 0:
        return 0
    if fee.kind is FeeKind.COMPENSATION:
        if regime is None or any(c.kind is FeeKind.COMPENSATION for c in charged):
            return 0
        due = regime.compensation_for(Money.from_minor(amount_minor, currency), consumer=consumer)
        return due.to_minor() if due is not None and due.currency == currency else 0
    if Charged(step, fee.kind) in charged:
        return 0
    if fee.kind is FeeKind.FIXED:
        return fee.amount_minor if fee.currency == currency else 0
    return _percent(open_minor, fee.basis_points)


def _compensation_minor(regime: Regime | None) -> pl.Expr:
    """The regime's compensation band per item, in minor units; 0 in another currency, and 0
    for a consumer (columnar `Regime.compensation_for`: business debts only)."""
    if regime is None or not regime.compensation or regime.compensation_currency is None:
        return pl.lit(0, dtype=pl.Int64)
    cur = regime.compensation_currency
    expr = pl.lit(0, dtype=pl.Int64)
    for band in reversed(regime.compensation):
        amount = Money(band.amount, cur).to_minor()
        if band.below is None:
            expr = pl.lit(amount, dtype=pl.Int64)
        else:
            below = Money(band.below, cur).to_minor()
            expr = pl.when(pl.col("amount_minor") < below).then(pl.lit(amount)).otherwise(expr)
    return pl.when((pl.col("currency") == cur) & ~pl.col("consumer")).then(expr).otherwise(0)


def fees_due(
    items: pl.DataFrame,
    charged: pl.DataFrame,
    fees: Mapping[int, StepFee],
    regime: Regime | None,
) -> pl.DataFrame:
    """Columnar `fee_due`. `items`: item_id, currency, amount_minor, open_minor, step;
    optionally consumer (bool; absent: businesses); `charged`: item_id, step, kind. Returns item_id, step, kind, fee_minor for every item
    that owes a fee now (fee_minor > 0)."""
    rules = pl.DataFrame(
        [
            {
                "step": step,
                "kind": str(f.kind),
                "fixed_minor": f.amount_minor,
                "fixed_currency": f.currency,
                "basis_points": f.basis_points,
            }
            for step, f in fees.items()
        ],
        schema={
            "step": pl.Int64,
            "kind": pl.String,
            "fixed_minor": pl.Int64,
            "fixed_currency": pl.String,
            "basis_points": pl.Int64,
        },
    )
    compensated = (
        charged.filter(pl.col("kind") == str(FeeKind.COMPENSATION)).select("item_id").unique()
    )
    already = charged.select("item_id", "step", "kind").unique()
    if "consumer" not in items.columns:
        items = items.with_columns(consumer=pl.lit(False))
    priced = (
        items.filter(pl.col("open_minor") > 0)
        .join(rules, on="step")
        .join(already, on=["item_id", "step", "kind"], how="anti")
        .with_columns(was_compensated=pl.col("item_id").is_in(compensated["item_id"].implode()))
        .with_columns(
            fee_minor=pl.when(pl.col("kind") == str(FeeKind.FIXED))
            .then(
                pl.when(pl.col("fixed_currency") == pl.col("currency"))
                .then("fixed_minor")
                .otherwise(0)
            )
            .when(pl.col("kind") == str(FeeKind.PERCENT))
            .then((pl.col("open_minor") * pl.col("basis_points") + 5_000) // 10_000)
            .otherwise(
                pl.when(pl.col("was_compensated")).then(0).otherwise(_compensation_minor(regime))
            )
        )
    )
    return (
        priced.filter(pl.col("fee_minor") > 0)
        .select("item_id", "step", "kind", "fee_minor")
        .sort("item_id")
    )
