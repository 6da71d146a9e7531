"""Multilateral clearing of chains of debt (rule 11).

Firms that owe each other in chains hold back payment because they are owed. Given who owes
whom how much (one currency), find the obligations that may remain so that every firm's net
position (what it is owed less what it owes) is exactly what it was, no obligation grows or
appears, and the total debt left is as small as possible. The rest is cleared at once, without
anyone paying anything.

This is a minimum-cost flow problem (Fleischman and Dini, multilateral trade credit set-off):
the remaining amount x on each obligation is a flow between 0 and the amount owed, each firm
must send out, net, what it sent out before, and each unit left costs 1. Put the other way
round, the amount cleared y = amount - x is a circulation (every firm's inflow equals its
outflow) within the amounts, and the most debt is cleared by the circulation of least cost when
each unit cleared costs -1; that form has no supplies, which spares OR-Tools the feasibility
max-flow it runs first when there are (1.7 times less CPU at 1M obligations: bench/README.md).
Only debt on a cycle can be cleared, so the graph is first pruned to its strongly connected
components (SciPy); obligations between components stay as they are. The flow is solved by
OR-Tools' cost-scaling min-cost flow in exact integers (minor units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from ortools.graph.python import min_cost_flow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from arrears.domain.refusal import Refusal

_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Clearing:
    obligations: pl.DataFrame  # debtor, creditor, before_minor, after_minor (pairs summed)
    firms: pl.DataFrame  # firm, owes/owed before and after, cleared_minor, net_minor
    before_minor: int  # all debt before
    after_minor: int  # all debt left

    @property
    def cleared_minor(self) -> int:
        return self.before_minor - self.after_minor


def _checked(obligations: pl.DataFrame) -> pl.DataFrame:
    missing = {"debtor", "creditor", "amount_minor"} - set(obligations.columns)
    if missing:
        raise Refusal("clearing.columns", missing=", ".join(sorted(missing)))
    frame = obligations.select("debtor", "creditor", "amount_minor")
    if (
        frame["amount_minor"].null_count()
        or frame["debtor"].null_count()
        or frame["creditor"].null_count()
    ):
        raise Refusal("clearing.empty_cell")
    if not frame["amount_minor"].dtype.is_integer():
        raise Refusal("clearing.not_minor_units", dtype=str(frame["amount_minor"].dtype))
    bad = frame.filter(pl.col("amount_minor") <= 0)
    if bad.height:
        raise Refusal("clearing.not_positive", row=bad.row(0))
    own = frame.filter(pl.col("debtor") == pl.col("creditor"))
    if own.height:
        raise Refusal("clearing.owes_itself", firm=own["debtor"][0])
    if frame["amount_minor"].cast(pl.Int128).sum() > _INT64_MAX:
        raise Refusal("clearing.too_large")
    return frame.group_by("debtor", "creditor").agg(before_minor=pl.col("amount_minor").sum())


def clear(obligations: pl.DataFrame) -> Clearing:
    """The optimal clearing of `obligations` (columns debtor, creditor, amount_minor > 0;
    pairs given several times are summed)."""
    edges = _checked(obligations)
    firms = (
        pl.concat([edges.select(firm="debtor"), edges.select(firm="creditor")])
        .unique()
        .sort("firm")
        .with_row_index("node")
        .with_columns(pl.col("node").cast(pl.Int64))
    )
    edges = (
        edges.join(firms.rename({"firm": "debtor", "node": "tail"}), on="debtor")
        .join(firms.rename({"firm": "creditor", "node": "head"}), on="creditor")
        .sort("tail", "head")
    )
    n = firms.height
    tails, heads = edges["tail"].to_numpy(), edges["head"].to_numpy()
    amounts = edges["before_minor"].to_numpy()
    graph = coo_matrix((np.ones(len(tails), dtype=np.int8), (tails, heads)), shape=(n, n)).tocsr()
    _, component = connected_components(graph, directed=True, connection="strong")
    inside = component[tails] == component[heads]

    after = amounts.copy()
    if inside.any():
        after[inside] = _min_flow(n, tails[inside], heads[inside], amounts[inside])
    edges = edges.with_columns(after_minor=pl.Series(after, dtype=pl.Int64))
    result = Clearing(
        obligations=edges.select("debtor", "creditor", "before_minor", "after_minor"),
        firms=_per_firm(firms, edges),
        before_minor=int(amounts.sum()),
        after_minor=int(after.sum()),
    )
    prove_net_positions_unchanged(result)
    return result


def _min_flow(n: int, tails: np.ndarray, heads: np.ndarray, capacities: np.ndarray) -> np.ndarray:
    """The least total flow within `capacities` that leaves every node's net outflow as it is
    when every arc is full: `capacities` less the greatest circulation within them (each unit
    on an arc costs -1, no node supplies anything)."""
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        capacities,
        np.full(len(tails), -1, np.int64),
    )
    status = solver.solve()
    if status != solver.OPTIMAL:  # the empty circulation is always feasible: a solver fault
        raise Refusal("clearing.solver", status=int(status))
    return capacities - np.asarray(solver.flows(arcs), dtype=np.int64)


def _per_firm(firms: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    owes = edges.group_by(node="tail").agg(
        owes_before_minor=pl.col("before_minor").sum(), owes_after_minor=pl.col("after_minor").sum()
    )
    owed = edges.group_by(node="head").agg(
        owed_before_minor=pl.col("before_minor").sum(), owed_after_minor=pl.col("after_minor").sum()
    )
    sums = ["owes_before_minor", "owes_after_minor", "owed_before_minor", "owed_after_minor"]
    return (
        firms.join(owes, on="node", how="left")
        .join(owed, on="node", how="left")
        .with_columns(pl.col(sums).fill_null(0))
        .with_columns(
            cleared_minor=pl.col("owes_before_minor") - pl.col("owes_after_minor"),
            net_minor=pl.col("owed_before_minor") - pl.col("owes_before_minor"),
        )
        .select("firm", *sums, "cleared_minor", "net_minor")
        .sort("firm")
    )


def prove_net_positions_unchanged(result: Clearing) -> None:
    """Every firm's net position after the clearing equals the one before, in exact integers,
    and no obligation grew; otherwise a refusal naming the first firm that differs."""
    firms = result.firms.with_columns(
        net_after=pl.col("owed_after_minor") - pl.col("owes_after_minor")
    )
    wrong = firms.filter(pl.col("net_after") != pl.col("net_minor"))
    if wrong.height:
        raise Refusal("clearing.net_changed", firm=wrong["firm"][0])
    grown = result.obligations.filter(
        (pl.col("after_minor") > pl.col("before_minor")) | (pl.col("after_minor") < 0)
    )
    if grown.height:
        raise Refusal(
            "clearing.obligation_grew", debtor=grown["debtor"][0], creditor=grown["creditor"][0]
        )
