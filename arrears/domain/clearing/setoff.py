"""Bilateral set-off (rule 11): where we also owe a debtor (they are our supplier too), settle
what they owe us against what we owe them.

Only what the debtor owes us that is due may be set off (our claim must be due; our own debt
need only be payable). Within one debtor and currency, our claims are taken oldest due date
first and our debts earliest due date first, and each pair is the overlap of the two in that
order: never more than either side's open amount, and the total is the smaller of the two
sides. Amounts are integer minor units.

`propose` is the one-case version the desk shows; `proposals` the columnar one over all cases
(pure, partitionable by debtor); a property test keeps them in agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl


@dataclass(frozen=True)
class Open:
    """One open item on either side: our receivable or our payable."""

    key: int
    due_on: date
    open_minor: int


@dataclass(frozen=True)
class Pair:
    receivable: int
    payable: int
    amount_minor: int


def _order(side: Sequence[Open]) -> list[Open]:
    return sorted((o for o in side if o.open_minor > 0), key=lambda o: (o.due_on, o.key))


def propose(receivables: Sequence[Open], payables: Sequence[Open], as_of: date) -> list[Pair]:
    """The set-off for one debtor and currency, pair by pair."""
    ours = _order([r for r in receivables if r.due_on <= as_of])
    theirs = _order(payables)
    pairs: list[Pair] = []
    i = j = 0
    left_r = ours[0].open_minor if ours else 0
    left_p = theirs[0].open_minor if theirs else 0
    while i < len(ours) and j < len(theirs):
        amount = min(left_r, left_p)
        pairs.append(Pair(ours[i].key, theirs[j].key, amount))
        left_r, left_p = left_r - amount, left_p - amount
        if left_r == 0:
            i += 1
            left_r = ours[i].open_minor if i < len(ours) else 0
        if left_p == 0:
            j += 1
            left_p = theirs[j].open_minor if j < len(theirs) else 0
    return pairs


def _ranges(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """Each item's interval [lo, hi) along its side's order, within (debtor, currency)."""
    return (
        frame.filter(pl.col("open_minor") > 0)
        .sort("debtor_id", "currency", "due_on", key)
        .with_columns(hi=pl.col("open_minor").cum_sum().over("debtor_id", "currency"))
        .with_columns(lo=pl.col("hi") - pl.col("open_minor"))
    )


def proposals(receivables: pl.DataFrame, payables: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Columnar `propose`. Both frames: debtor_id, currency, due_on, open_minor, and
    `receivable` / `payable` (the item's key). Returns debtor_id, currency, receivable,
    payable, amount_minor, in the order `propose` gives them."""
    ours = _ranges(receivables.filter(pl.col("due_on") <= as_of), "receivable")
    theirs = _ranges(payables, "payable")
    return (
        ours.select("debtor_id", "currency", "receivable", "lo", "hi")
        .join(
            theirs.select("debtor_id", "currency", "payable", p_lo="lo", p_hi="hi"),
            on=["debtor_id", "currency"],
        )
        .with_columns(
            amount_minor=pl.min_horizontal("hi", "p_hi") - pl.max_horizontal("lo", "p_lo"),
            start=pl.max_horizontal("lo", "p_lo"),
        )
        .filter(pl.col("amount_minor") > 0)
        .sort("debtor_id", "currency", "start")
        .select("debtor_id", "currency", "receivable", "payable", "amount_minor")
    )
