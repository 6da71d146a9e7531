"""Multilateral clearing (rule 11): every firm's net position stays exactly as it was, no
obligation grows, and the debt left equals the linear-programming optimum found independently
(SciPy's HiGHS) on small random graphs."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from arrears.domain.clearing.multilateral import clear
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
