"""§1-2 A case's life: closed as written off, staying closed, and cases without an owner."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.cases import (
    SETTLEMENT_SCHEMA,
    active_owners,
    closed_reason,
    closed_reasons,
    closes_written_off,
    credited_of,
    stays_closed,
    without_owner,
)

KEY = {"debtor_id": pl.Int64, "currency": pl.String}


def _cases(*rows):
    return pl.DataFrame(rows, schema={"case_id": pl.Int64, **KEY}, orient="row")


def _items(*rows):
    schema = {"item_id": pl.Int64, **KEY, "open_minor": pl.Int64, "kind": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _off(*rows):
    return pl.DataFrame(rows, schema={"item_id": pl.Int64, "minor": pl.Int64}, orient="row")


def test_a_case_closes_as_written_off_only_when_its_whole_dunnable_balance_is():
    cases = _cases((10, 1, "EUR"), (20, 2, "EUR"), (30, 3, "EUR"))
    items = _items(
        (1, 1, "EUR", 500, "invoice"),
        (2, 1, "EUR", 80, "credit_note"),  # a credit note is not owed: it keeps nothing open
        (3, 2, "EUR", 500, "invoice"),
        (4, 2, "USD", 900, "invoice"),  # another currency is another case
    )
    got = closes_written_off(cases, items, _off((1, 500), (3, 300)))
    # case 30 has nothing open left: it closes too
    assert sorted(got["case_id"]) == [10, 30]


def test_a_written_off_case_stays_closed_while_nothing_on_it_is_dunnable():
    decided = pl.DataFrame(
        [(1, "EUR", 0), (2, "EUR", 100), (3, "EUR", 0)],
        schema={**KEY, "dunnable_minor": pl.Int64},
        orient="row",
    )
    stored = pl.DataFrame(
        [(1, "EUR", "written_off"), (2, "EUR", "written_off"), (3, "EUR", "paid")],
        schema={**KEY, "closed_reason": pl.String},
        orient="row",
    )
    assert stays_closed(decided, stored).rows() == [(1, "EUR")]


def test_an_open_case_whose_owner_left_has_no_owner():
    debtors = pl.DataFrame(
        [(1, 7), (2, 8), (3, None)],
        schema={"debtor_id": pl.Int64, "owner_id": pl.Int64},
        orient="row",
    )
    debtors = active_owners(debtors, pl.Series([7, 9]))
    cases = pl.DataFrame([(1, "EUR"), (2, "EUR"), (3, "USD")], schema=KEY, orient="row")
    assert sorted(without_owner(cases, debtors)["debtor_id"]) == [2, 3]


def test_a_case_closes_as_paid_credited_or_settled_by_what_settled_it():
    assert closed_reason(100, 0) == "paid"
    assert closed_reason(0, 0) == "paid"  # settled in the ERP, nothing says a credit did
    assert closed_reason(0, 100) == "credited"
    assert closed_reason(60, 40) == "settled"


def test_a_dispute_s_credit_booked_as_a_credit_note_counts_once():
    got = closed_reasons(
        pl.DataFrame(
            {
                "debtor_id": [1],
                "currency": ["EUR"],
                "paid_minor": [0],
                "credit_notes_minor": [400],
                "dispute_credits_minor": [400],
            }
        )
    )
    assert got.row(0, named=True)["credited_minor"] == 400 == credited_of(400, 400)


@given(
    st.lists(
        st.tuples(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12)),
        max_size=30,
    )
)
def test_the_run_s_closing_reasons_agree_with_the_one_case_rule(rows):
    frame = pl.DataFrame(
        {
            "debtor_id": list(range(len(rows))),
            "currency": ["EUR"] * len(rows),
            "paid_minor": [r[0] for r in rows],
            "credit_notes_minor": [r[1] for r in rows],
            "dispute_credits_minor": [r[2] for r in rows],
        },
        schema=SETTLEMENT_SCHEMA,
    )
    got = closed_reasons(frame)
    for (paid, notes, disputes), row in zip(rows, got.iter_rows(named=True), strict=True):
        credited = credited_of(notes, disputes)
        assert row["credited_minor"] == credited
        assert row["closed_reason"] == closed_reason(paid, credited)
