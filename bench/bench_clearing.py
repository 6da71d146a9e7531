"""Time multilateral clearing (`arrears.domain.clearing.multilateral.clear`) and measure how
much debt it clears, against two references on the same graphs.

    .venv/bin/python -m bench.bench_clearing [--obligations N] [--firms F] [--seed S]
        [--repeat R] [--no-plain] [--shape uniform|hub_and_spoke|two_groups] [--workers W]
        [--steps]

- **Speed**: `clear` (prune to strongly connected components, then one min-cost circulation
  by LEMON's cost scaling, big components side by side in `--workers` processes) against the plain computation it refines: one OR-Tools min-cost flow on the whole graph, no
  pruning, in the supplies form (each firm supplies its net position, each unit left costs 1;
  `bench.clearing_solvers` compares the solvers and forms on their own).
  Median of 3 each, on a uniform random graph (every firm equally likely to owe any other)
  and on a hub-and-spoke graph (most debt runs between many small firms and a few large ones:
  1% of the firms are hubs; each obligation links a spoke and a hub, either way, and one in
  ten links two spokes). Both must give the same debt left. `--shape two_groups` (not run
  unless named) is two uniform graphs of half the firms each, the first owing into the second
  and never back: two big components, to time solving them side by side (`--workers 1`: one
  after the other). CPU counts the worker processes too. `--steps` also prints the CPU of each
  step of `clear` (checking, numbering and summing, components, the solver, the proofs, the
  per-firm table), run once more on one process.
- **Debt cleared**: the share of all debt cleared by `clear` against greedy cycle cancelling
  (find any cycle, cancel its smallest debt, repeat), on smaller graphs of the same two shapes
  (greedy is written here in plain Python and is quadratic; it is the baseline, not a rival).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections import defaultdict

import numpy as np
import polars as pl
from ortools.graph.python import min_cost_flow

from arrears.domain.clearing import multilateral as m
from arrears.domain.clearing.multilateral import Clearing, clear


def uniform(n_obl: int, n_firms: int, rng: np.random.Generator) -> pl.DataFrame:
    d = rng.integers(0, n_firms, n_obl)
    c = (d + rng.integers(1, n_firms, n_obl)) % n_firms  # never the debtor itself
    amounts = rng.lognormal(11, 1.2, n_obl).astype(np.int64) + 1  # minor units, ~EUR 600 median
    return pl.DataFrame({"debtor": d, "creditor": c, "amount_minor": amounts})


def hub_and_spoke(n_obl: int, n_firms: int, rng: np.random.Generator) -> pl.DataFrame:
    hubs = max(2, n_firms // 100)
    spoke = rng.integers(hubs, n_firms, n_obl)
    hub = rng.integers(0, hubs, n_obl)
    to_hub = rng.random(n_obl) < 0.5
    d, c = np.where(to_hub, spoke, hub), np.where(to_hub, hub, spoke)
    between = rng.random(n_obl) < 0.1
    other = (spoke + rng.integers(1, n_firms - hubs, n_obl) - hubs) % (n_firms - hubs) + hubs
    d, c = np.where(between, spoke, d), np.where(between, other, c)
    keep = d != c
    amounts = rng.lognormal(11, 1.2, n_obl).astype(np.int64) + 1
    return pl.DataFrame({"debtor": d[keep], "creditor": c[keep], "amount_minor": amounts[keep]})


def two_groups(n_obl: int, n_firms: int, rng: np.random.Generator) -> pl.DataFrame:
    """Two uniform groups of half the firms each (two industries, two supply chains), where
    the first group also owes into the second one, never back: two big strongly connected
    components, which `clear` solves side by side on two cores."""
    half = n_firms // 2
    first, second = uniform(n_obl // 2, half, rng), uniform(n_obl - n_obl // 2, half, rng)
    second = second.with_columns(pl.col("debtor", "creditor") + half)
    across = n_obl // 100
    d, c = rng.integers(0, half, across), rng.integers(half, 2 * half, across)
    links = pl.DataFrame(
        {"debtor": d, "creditor": c, "amount_minor": rng.integers(1, 10**6, across)}
    )
    return pl.concat([first, second, links])


def plain_min_cost_flow(frame: pl.DataFrame) -> int:
    """The reference: one min-cost flow on the whole graph (pairs summed, no pruning)."""
    edges = frame.group_by("debtor", "creditor").agg(pl.col("amount_minor").sum())
    firms = pl.concat([edges["debtor"], edges["creditor"]]).unique().sort()
    index = pl.DataFrame({"firm": firms, "node": np.arange(len(firms), dtype=np.int32)})
    edges = edges.join(index.rename({"firm": "debtor", "node": "t"}), on="debtor").join(
        index.rename({"firm": "creditor", "node": "h"}), on="creditor"
    )
    t, h = edges["t"].to_numpy(), edges["h"].to_numpy()
    cap = edges["amount_minor"].to_numpy().astype(np.int64)
    supply = np.zeros(len(firms), dtype=np.int64)
    np.add.at(supply, t, cap)
    np.add.at(supply, h, -cap)
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(t, h, cap, np.ones(len(t), np.int64))
    nodes = np.nonzero(supply)[0].astype(np.int32)
    solver.set_nodes_supplies(nodes, supply[nodes])
    assert solver.solve() == solver.OPTIMAL
    return int(np.asarray(solver.flows(arcs)).sum())


def greedy_cycle_cancelling(frame: pl.DataFrame) -> int:
    """Debt left after cancelling cycles one at a time until none is left (the baseline)."""
    owed: dict[int, dict[int, int]] = defaultdict(dict)
    for d, c, a in frame.group_by("debtor", "creditor").agg(pl.col("amount_minor").sum()).rows():
        owed[d][c] = a
    while True:
        cycle = _find_cycle(owed)
        if cycle is None:
            return sum(a for out in owed.values() for a in out.values())
        least = min(owed[a][b] for a, b in cycle)
        for a, b in cycle:
            owed[a][b] -= least
            if owed[a][b] == 0:
                del owed[a][b]


def _find_cycle(owed: dict[int, dict[int, int]]) -> list[tuple[int, int]] | None:
    state: dict[int, int] = {}  # 1 on the path, 2 done
    for root in list(owed):
        if state.get(root):
            continue
        path, stack = [root], [iter(list(owed[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                at = path.index(nxt)
                ring = path[at:] + [nxt]
                return list(zip(ring, ring[1:], strict=False))
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(list(owed.get(nxt, {}))))
    return None


def steps(frame: pl.DataFrame) -> dict[str, float]:
    """CPU seconds of each step of `clear` on one process, in its order and by its own
    functions (what `--steps` prints): where the time goes."""
    took: dict[str, float] = {}
    c0 = cpu_seconds()

    def step(name: str) -> None:
        nonlocal c0
        took[name] = took.get(name, 0.0) + cpu_seconds() - c0
        c0 = cpu_seconds()

    checked = m._checked(frame)
    step("checking")
    firm, tails, heads, amounts = m._pairs(checked)
    n = len(firm)
    step("numbering firms, summing pairs")
    graph = m.coo_matrix((np.ones(len(tails), np.int8), (tails, heads)), shape=(n, n)).tocsr()
    _, component = m.connected_components(graph, directed=True, connection="strong")
    inside = component[tails] == component[heads]
    t, h, c = tails[inside], heads[inside], amounts[inside]
    step("strongly connected components")
    narrow = m._fits_32_bits(n, t, h, c)
    step("choosing 32 or 64 bits")
    flows, potentials = m._cost_scaling(n, t, h, c, np.int32 if narrow else np.int64)
    step(f"LEMON cost scaling ({'int32' if narrow else 'int64'}), potentials")
    assert m._circulation_within(n, t, h, c, flows)
    m.prove_optimal(t, h, c, np.full(len(t), -1, np.int64), flows, potentials)
    step("proving the circulation optimal")
    after = amounts.copy()
    after[inside] = c - flows
    edges = pl.DataFrame(
        {
            "debtor": firm.gather(tails),
            "creditor": firm.gather(heads),
            "before_minor": amounts,
            "after_minor": after,
        }
    )
    firms = pl.DataFrame({"firm": firm, "node": np.arange(n, dtype=np.int64)})
    result = Clearing(
        obligations=edges,
        firms=m._per_firm(firms, edges.with_columns(tail=pl.Series(tails), head=pl.Series(heads))),
        before_minor=int(amounts.sum()),
        after_minor=int(after.sum()),
    )
    step("the per-firm table")
    m.prove_net_positions_unchanged(result)
    step("proving net positions unchanged")
    return took


def cpu_seconds() -> float:
    """User+sys CPU seconds of this process and of the child processes it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def median_seconds(fn, *args, repeat: int = 3, **kwargs) -> tuple[float, float, object]:
    """Median wall seconds and median CPU seconds (user+sys of this process and its worker
    processes: on a shared machine the wall time counts the others' work too, the CPU time
    does not) of `repeat` runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), cpu_seconds()
        result = fn(*args, **kwargs)
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds() - c0)
    return statistics.median(walls), statistics.median(cpus), result


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--obligations", type=int, default=1_000_000)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument(
        "--small", type=int, default=3_000, help="obligations for the greedy comparison"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-plain", action="store_true", help="skip the unpruned reference")
    parser.add_argument(
        "--shape", choices=["uniform", "hub_and_spoke", "two_groups"], action="append"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="processes for big components (default: cores)"
    )
    parser.add_argument(
        "--steps", action="store_true", help="also print the CPU of each step of clear"
    )
    o = parser.parse_args()
    shapes = [s for s in (uniform, hub_and_spoke, two_groups) if s.__name__ in (o.shape or [])]
    shapes = shapes or [uniform, hub_and_spoke]
    for shape in shapes:
        rng = np.random.default_rng(o.seed)
        frame = shape(o.obligations, o.firms, rng)
        ours_s, ours_cpu, ours = median_seconds(clear, frame, repeat=o.repeat, workers=o.workers)
        assert isinstance(ours, Clearing)
        line = (
            f"{shape.__name__}: {frame.height:,} obligations, {o.firms:,} firms: clear "
            f"{ours_s:.2f} s wall, {ours_cpu:.2f} s CPU"
        )
        if not o.no_plain:
            plain_s, plain_cpu, plain_left = median_seconds(
                plain_min_cost_flow, frame, repeat=o.repeat
            )
            assert ours.after_minor == plain_left, (ours.after_minor, plain_left)
            line += (
                f"; plain min-cost flow {plain_s:.2f} s wall, {plain_cpu:.2f} s CPU "
                f"(CPU ratio {ours_cpu / plain_cpu:.2f})"
            )
        print(
            f"{line}; cleared {ours.cleared_minor / ours.before_minor:.1%} of the debt; "
            f"peak memory {peak_mib():,.0f} MiB",
            flush=True,
        )
        if o.steps:
            took = steps(frame)
            print(
                "  steps (CPU s): " + ", ".join(f"{k} {v:.2f}" for k, v in took.items()),
                f"(load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        small = shape(o.small, max(10, o.small // 10), np.random.default_rng(o.seed))
        best = clear(small)
        greedy_left = greedy_cycle_cancelling(small)
        print(
            f"  on {small.height:,} obligations: optimum clears {best.cleared_minor / best.before_minor:.1%}, "
            f"greedy cycle cancelling {(best.before_minor - greedy_left) / best.before_minor:.1%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
