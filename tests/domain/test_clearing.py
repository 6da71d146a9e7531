"""Multilateral clearing (rule 11): every firm's net position stays exactly as it was, no
obligation grows, and the debt left equals the linear-programming optimum found independently
(SciPy's HiGHS) on small random graphs."""

from __future__ import annotations

import pickle

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from arrears.domain.clearing import multilateral
from arrears.domain.clearing.multilateral import clear, prove_optimal
from arrears.domain.refusal import Refusal


def obligations(rows) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"debtor": pl.String, "creditor": pl.String, "amount_minor": pl.Int64},
        orient="row",
    )


def left(result) -> dict[tuple[str, str], int]:
    return {(d, c): a for d, c, _, a in result.obligations.rows()}


def test_a_ring_of_equal_debts_clears_entirely():
    got = clear(obligations([("A", "B", 100), ("B", "C", 100), ("C", "A", 100)]))
    assert (got.before_minor, got.after_minor) == (300, 0)


def test_a_ring_clears_its_smallest_debt_and_a_firm_outside_the_ring_keeps_its_own():
    # A owes B 100, B owes C 60, C owes A 80: 60 goes round the ring; D -> A is on no cycle
    got = clear(obligations([("A", "B", 100), ("B", "C", 60), ("C", "A", 80), ("D", "A", 5)]))
    assert left(got) == {("A", "B"): 40, ("B", "C"): 0, ("C", "A"): 20, ("D", "A"): 5}
    firms = {r["firm"]: r for r in got.firms.iter_rows(named=True)}
    assert firms["A"]["cleared_minor"] == 60 and firms["D"]["cleared_minor"] == 0
    assert got.cleared_minor == 180


def test_the_optimum_beats_clearing_one_cycle_at_a_time():
    # B owes C 10, on two cycles: the long B-C-D-E-B (4 debts of 10) and the short B-C-B.
    # Cancelling the short one first clears 20 and blocks the long one (30 left of 50); the
    # optimum takes the long one: 40 cleared, 10 left (C owes B).
    rows = [("B", "C", 10), ("C", "D", 10), ("D", "E", 10), ("E", "B", 10), ("C", "B", 10)]
    got = clear(obligations(rows))
    assert got.after_minor == 10 == _lp_optimum(rows)
    assert left(got)[("C", "B")] == 10


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([("A", "A", 5)], "clearing.owes_itself"),
        ([("A", "B", 0)], "clearing.not_positive"),
        ([("A", "B", -3)], "clearing.not_positive"),
        ([("A", "B", 2**62), ("B", "A", 2**62)], "clearing.too_large"),
    ],
)
def test_impossible_obligations_are_refused_by_name(rows, code):
    with pytest.raises(Refusal) as refused:
        clear(obligations(rows))
    assert refused.value.code == code


# A owes B 5, B owes A 5, B owes C 5, C owes A 5 (nodes 0, 1, 2): the best circulation runs
# round A-B-C-A (15 cleared), not round A-B-A (10 cleared, which leaves B-C-A on no cycle).
TAILS, HEADS = np.array([0, 1, 1, 2]), np.array([1, 0, 2, 0])
CAPS, COSTS = np.array([5, 5, 5, 5]), np.full(4, -1)


def test_the_best_circulation_is_proved_optimal_by_its_potentials():
    prove_optimal(TAILS, HEADS, CAPS, COSTS, np.array([5, 0, 5, 5]), np.array([-1, 0, 0]))


@pytest.mark.parametrize("potentials", [[-1, 0, 0], [0, 0, 0], [-2, 0, -1], [0, -1, -1]])
def test_a_circulation_that_clears_less_is_proved_by_no_potentials(potentials):
    with pytest.raises(Refusal) as refused:
        prove_optimal(TAILS, HEADS, CAPS, COSTS, np.array([5, 5, 0, 0]), np.array(potentials))
    assert refused.value.code == "clearing.not_optimal"


def test_bilateral_netting_first_would_clear_less_than_the_optimum():
    rows = [("A", "B", 5), ("B", "A", 5), ("B", "C", 5), ("C", "A", 5)]
    got = clear(obligations(rows))
    assert got.cleared_minor == 15 and left(got) == {
        ("A", "B"): 0,
        ("B", "A"): 5,
        ("B", "C"): 0,
        ("C", "A"): 0,
    }


def _lp_optimum(rows) -> int:
    """The least total debt left, by linear programming (independent of the flow solver)."""
    frame = obligations(rows).group_by("debtor", "creditor").agg(pl.col("amount_minor").sum())
    firms = sorted(set(frame["debtor"]) | set(frame["creditor"]))
    index = {f: i for i, f in enumerate(firms)}
    caps = frame["amount_minor"].to_numpy()
    a = np.zeros((len(firms), frame.height))
    for k, (d, c, _) in enumerate(frame.rows()):
        a[index[d], k] += 1
        a[index[c], k] -= 1
    solved = linprog(
        np.ones(frame.height),
        A_eq=a,
        b_eq=a @ caps,
        bounds=list(zip([0] * len(caps), caps, strict=True)),
        method="highs",
    )
    assert solved.status == 0
    return round(solved.fun)


firm = st.sampled_from("ABCDEFG")
edge = st.tuples(firm, firm, st.integers(1, 1000)).filter(lambda e: e[0] != e[1])


@given(st.lists(edge, min_size=1, max_size=25))
def test_on_random_graphs_net_positions_never_change_and_the_result_is_the_lp_optimum(rows):
    got = clear(obligations(rows))
    firms = got.firms
    assert (firms["owed_after_minor"] - firms["owes_after_minor"]).to_list() == firms[
        "net_minor"
    ].to_list()
    assert all(0 <= after <= before for _, _, before, after in got.obligations.rows())
    assert got.after_minor == _lp_optimum(rows)


def test_components_solved_side_by_side_in_processes_clear_what_one_solve_clears():
    # two rings of debt with no cycle between them (X only owes into the second one), and a
    # small third ring left to this process
    rows = [("A", "B", 100), ("B", "C", 60), ("C", "A", 80), ("B", "A", 7)]
    rows += [("P", "Q", 50), ("Q", "R", 50), ("R", "S", 20), ("S", "P", 30), ("R", "P", 30)]
    rows += [("X", "Y", 9), ("Y", "X", 4), ("A", "P", 11), ("X", "P", 5)]
    alone = clear(obligations(rows), workers=1)
    side_by_side = clear(obligations(rows), workers=2, parallel_min_arcs=4)
    assert side_by_side.obligations.equals(alone.obligations)
    assert side_by_side.firms.equals(alone.firms)
    assert alone.after_minor == _lp_optimum(rows)


def test_a_refusal_raised_in_a_worker_process_arrives_with_its_figures():
    again = pickle.loads(pickle.dumps(Refusal("clearing.solver", status="INFEASIBLE")))
    assert (type(again), again.code, again.figures) == (
        Refusal,
        "clearing.solver",
        {"status": "INFEASIBLE"},
    )


@given(st.lists(edge, min_size=1, max_size=25), st.sampled_from([1, 3, 2**31, 10**12]))
def test_every_amount_scaled_scales_the_clearing_below_and_above_32_bits(rows, factor):
    # the solver works in 32-bit integers when every firm's debts fit there, else in 64 bits:
    # the same optimum either way (the LP is homogeneous)
    got = clear(obligations(rows))
    scaled = clear(obligations([(d, c, a * factor) for d, c, a in rows]))
    assert (scaled.before_minor, scaled.after_minor) == (
        got.before_minor * factor,
        got.after_minor * factor,
    )
    assert scaled.after_minor == _lp_optimum([(d, c, a * factor) for d, c, a in rows])


def test_a_32_bit_answer_that_fails_its_proof_is_solved_again_in_64_bits(monkeypatch):
    solve = multilateral._cost_scaling
    asked = []

    def wrong_in_32_bits(n, tails, heads, capacities, dtype):
        asked.append(dtype)
        flows, potentials = solve(n, tails, heads, capacities, dtype)
        return (flows // 2 if dtype is np.int32 else flows), potentials

    monkeypatch.setattr(multilateral, "_cost_scaling", wrong_in_32_bits)
    got = clear(obligations([("A", "B", 100), ("B", "C", 60), ("C", "A", 80), ("B", "A", 7)]))
    assert asked == [np.int32, np.int64]
    assert got.after_minor == _lp_optimum(
        [("A", "B", 100), ("B", "C", 60), ("C", "A", 80), ("B", "A", 7)]
    )


def test_pairs_given_several_times_in_any_order_are_summed_once():
    rows = [("C", "A", 30), ("A", "B", 60), ("B", "C", 60), ("C", "A", 50), ("A", "B", 40)]
    got = clear(obligations(rows))
    assert got.obligations.select("debtor", "creditor", "before_minor").rows() == [
        ("A", "B", 100),
        ("B", "C", 60),
        ("C", "A", 80),
    ]
    assert left(got) == {("A", "B"): 40, ("B", "C"): 0, ("C", "A"): 20}
