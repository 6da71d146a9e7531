"""Exact solvers for multilateral clearing side by side, on the graphs `bench_clearing` makes
(pairs summed, pruned to strongly connected components as `clear` prunes them): each must
leave the same debt; prints CPU and wall seconds per solver.

    .venv/bin/python -m bench.clearing_solvers uniform|hub_and_spoke OBLIGATIONS FIRMS SOLVER...

Solvers: `lemon_circulation` (what `clear` uses: the cleared amounts as a circulation of
cost -1, no supplies, by LEMON's cost scaling through pylmcf; `lemon_circulation_int32` the
same in 32-bit integers, as `clear` solves when every firm's debts add up to under 2**30), `ortools_circulation` (the same
form by OR-Tools' cost scaling, what `clear` used before), `ortools_supplies` (the remaining
amounts as a flow of cost 1 meeting each firm's net position, as `clear` did before that),
`highs` (the LP by SciPy's HiGHS dual simplex), `lemon_supplies` (LEMON's network simplex, which
refuses negative costs), `lemon_cost_scaling_supplies` (LEMON's cost scaling on the supplies
form) and `lct_supplies` (pylmcf's link-cut-tree network simplex).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import polars as pl
import pylmcf  # type: ignore[import-untyped]
from ortools.graph.python import min_cost_flow
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bench.bench_clearing import hub_and_spoke, uniform

Graph = tuple[int, np.ndarray, np.ndarray, np.ndarray]


def graph(shape, n_obl: int, n_firms: int, seed: int = 42) -> Graph:
    frame = shape(n_obl, n_firms, np.random.default_rng(seed))
    e = (
        frame.group_by("debtor", "creditor")
        .agg(pl.col("amount_minor").sum())
        .sort("debtor", "creditor")
    )
    t, h = e["debtor"].to_numpy().astype(np.int64), e["creditor"].to_numpy().astype(np.int64)
    c = e["amount_minor"].to_numpy().astype(np.int64)
    n = int(max(t.max(), h.max())) + 1
    g = coo_matrix((np.ones(len(t), np.int8), (t, h)), shape=(n, n)).tocsr()
    _, comp = connected_components(g, directed=True, connection="strong")
    inside = comp[t] == comp[h]
    return n, t[inside], h[inside], c[inside]


def _supplies(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> np.ndarray:
    out = np.zeros(n, np.int64)
    np.add.at(out, t, c)
    np.add.at(out, h, -c)
    return out


def ortools_supplies(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    out = _supplies(n, t, h, c)
    s = min_cost_flow.SimpleMinCostFlow()
    arcs = s.add_arcs_with_capacity_and_unit_cost(
        t.astype(np.int32), h.astype(np.int32), c, np.ones(len(t), np.int64)
    )
    nodes = np.nonzero(out)[0]
    s.set_nodes_supplies(nodes.astype(np.int32), out[nodes])
    assert s.solve() == s.OPTIMAL
    return int(np.asarray(s.flows(arcs)).sum())


def ortools_circulation(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    s = min_cost_flow.SimpleMinCostFlow()
    arcs = s.add_arcs_with_capacity_and_unit_cost(
        t.astype(np.int32), h.astype(np.int32), c, np.full(len(t), -1, np.int64)
    )
    assert s.solve() == s.OPTIMAL
    return int(c.sum() - np.asarray(s.flows(arcs)).sum())


def lemon_supplies(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    g = pylmcf.Graph(n, t.astype(np.int32), h.astype(np.int32))
    g.set_node_supply(_supplies(n, t, h, c))
    g.set_edge_capacities(c)
    g.set_edge_costs(np.ones(len(t), np.int64))  # pylmcf refuses negative costs
    g.solve()
    return int(np.asarray(g.result()).sum())


def lemon_circulation(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    flows = pylmcf.pylmcf_cpp.lmcf_cost_scaling(
        np.zeros(n, np.int64), t, h, c, np.full(len(t), -1, np.int64)
    )
    return int(c.sum() - np.asarray(flows).sum())


def lemon_circulation_int32(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    """`lemon_circulation` in 32-bit integers, as `clear` solves when every firm's debts fit."""
    flows = pylmcf.pylmcf_cpp.lmcf_cost_scaling(
        np.zeros(n, np.int32),
        t.astype(np.int32),
        h.astype(np.int32),
        c.astype(np.int32),
        np.full(len(t), -1, np.int32),
    )
    return int(c.sum() - np.asarray(flows, np.int64).sum())


def lemon_cost_scaling_supplies(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    flows = pylmcf.pylmcf_cpp.lmcf_cost_scaling(
        _supplies(n, t, h, c), t, h, c, np.ones(len(t), np.int64)
    )
    return int(np.asarray(flows).sum())


def lct_supplies(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    return int(
        np.asarray(pylmcf.lmcf_lct(_supplies(n, t, h, c), t, h, c, np.ones(len(t), np.int64))).sum()
    )


def highs(n: int, t: np.ndarray, h: np.ndarray, c: np.ndarray) -> int:
    m = len(t)
    rows, cols = np.r_[t, h], np.r_[np.arange(m), np.arange(m)]
    a = coo_matrix((np.r_[np.ones(m), -np.ones(m)], (rows, cols)), shape=(n, m)).tocsr()
    r = linprog(
        -np.ones(m), A_eq=a, b_eq=np.zeros(n), bounds=np.c_[np.zeros(m), c], method="highs-ds"
    )
    cleared = np.rint(r.x).astype(np.int64)  # a vertex of a network LP is integral
    return int(c.sum() - cleared.sum())


SOLVERS = {
    f.__name__: f
    for f in (
        lemon_circulation,
        lemon_circulation_int32,
        ortools_circulation,
        ortools_supplies,
        highs,
        lemon_supplies,
        lemon_cost_scaling_supplies,
        lct_supplies,
    )
}


def main() -> None:
    shape = {"uniform": uniform, "hub_and_spoke": hub_and_spoke}[sys.argv[1]]
    n, t, h, c = graph(shape, int(sys.argv[2]), int(sys.argv[3]))
    print(f"{sys.argv[1]}: {len(t):,} pairs on cycles, {int(c.sum()):,} owed", flush=True)
    for name in sys.argv[4:]:
        c0, w0 = time.process_time(), time.perf_counter()
        left = SOLVERS[name](n, t, h, c)
        print(
            f"  {name}: {left:,} left, {time.process_time() - c0:.2f} s CPU, "
            f"{time.perf_counter() - w0:.2f} s wall",
            flush=True,
        )


if __name__ == "__main__":
    main()
