"""Bilateral set-off (rule 11): due claims only, oldest first against our earliest debts, never
more than either side; the columnar version agrees with the one-case version."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.clearing.setoff import Open, Pair, proposals, propose

AS_OF = date(2026, 12, 4)


def test_due_claims_are_set_off_oldest_first_against_our_earliest_debts():
    ours = [
        Open(1, date(2026, 10, 1), 50_000),
        Open(2, date(2026, 9, 1), 30_000),
        Open(3, date(2027, 1, 1), 99_000),
    ]
    theirs = [Open(10, date(2026, 12, 20), 60_000), Open(11, date(2026, 11, 30), 10_000)]
    # claims in order: 2 (300, Sep), 1 (500, Oct); 3 is not due. Our debts: 11 (100), 10 (600)
    # 2 vs 11: 100; 2 vs 10: 200; 1 vs 10: 400 -> 700 in all, the whole of what we owe
    assert propose(ours, theirs, AS_OF) == [
        Pair(2, 11, 10_000),
        Pair(2, 10, 20_000),
        Pair(1, 10, 40_000),
    ]


def test_a_set_off_never_exceeds_the_smaller_side():
    pairs = propose([Open(1, date(2026, 1, 1), 10_000)], [Open(9, date(2026, 1, 1), 25_000)], AS_OF)
    assert pairs == [Pair(1, 9, 10_000)]
    assert (
        propose([Open(1, date(2027, 1, 1), 10_000)], [Open(9, date(2026, 1, 1), 25_000)], AS_OF)
        == []
    )


side = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(["EUR", "USD"]),
        st.integers(-60, 60),
        st.integers(0, 5_000),
    ),
    max_size=12,
)


@given(side, side)
def test_the_columnar_proposals_agree_with_the_one_case_version(rs, ps):
    def frame(rows, key: str) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "debtor_id": [r[0] for r in rows],
                "currency": [r[1] for r in rows],
                "due_on": [AS_OF + timedelta(days=r[2]) for r in rows],
                "open_minor": [r[3] for r in rows],
                key: list(range(len(rows))),
            },
            schema={
                "debtor_id": pl.Int64,
                "currency": pl.String,
                "due_on": pl.Date,
                "open_minor": pl.Int64,
                key: pl.Int64,
            },
        )

    got = proposals(frame(rs, "receivable"), frame(ps, "payable"), AS_OF)
    for debtor in range(3):
        for currency in ("EUR", "USD"):
            mine = [
                Open(k, AS_OF + timedelta(days=r[2]), r[3])
                for k, r in enumerate(rs)
                if r[:2] == (debtor, currency)
            ]
            theirs = [
                Open(k, AS_OF + timedelta(days=p[2]), p[3])
                for k, p in enumerate(ps)
                if p[:2] == (debtor, currency)
            ]
            want = [(p.receivable, p.payable, p.amount_minor) for p in propose(mine, theirs, AS_OF)]
            rows = got.filter((pl.col("debtor_id") == debtor) & (pl.col("currency") == currency))
            assert rows.select("receivable", "payable", "amount_minor").rows() == want
