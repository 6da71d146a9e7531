"""§3, §7 The credit we hold on a day: the run's batch and the desk's one case agree."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.credit_held import CREDIT_ROWS_SCHEMA, credit_held, credit_held_one

AS_OF = date(2026, 11, 25)


def test_a_credit_note_issued_after_the_as_of_date_is_not_held_yet():
    rows = [(AS_OF - timedelta(days=3), 100_00), (AS_OF + timedelta(days=1), 40_00)]
    assert credit_held_one(rows, AS_OF) == 100_00
    assert credit_held_one(rows, AS_OF + timedelta(days=1)) == 140_00


def test_a_used_up_credit_holds_nothing():
    assert credit_held_one([(AS_OF, 0)], AS_OF) == 0


row_st = st.tuples(
    st.integers(1, 4),
    st.sampled_from(["EUR", "USD"]),
    st.integers(-30, 30).map(lambda n: AS_OF + timedelta(days=n)),
    st.integers(0, 10_000),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(row_st, max_size=30))
def test_the_batch_credit_agrees_with_the_one_case_rule(rows):
    frame = pl.DataFrame(rows, schema=CREDIT_ROWS_SCHEMA, orient="row")
    batch = {
        (r["debtor_id"], r["currency"]): r["credit_minor"]
        for r in credit_held(frame, AS_OF).iter_rows(named=True)
    }
    one = {}
    for key in {(d, c) for d, c, _, _ in rows}:
        held = credit_held_one([(on, m) for d, c, on, m in rows if (d, c) == key], AS_OF)
        if held:
            one[key] = held
    assert batch == one
