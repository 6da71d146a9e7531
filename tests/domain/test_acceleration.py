"""§6-7 An accelerated item is due from the default, if earlier; batch and one item agree."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.plans.acceleration import due_after_acceleration, effective_due

D = date(2026, 11, 25)


def test_an_item_accelerated_before_its_due_date_is_due_from_the_default():
    assert effective_due(D, D - timedelta(days=10)) == D - timedelta(days=10)


def test_an_acceleration_after_the_due_date_changes_nothing():
    assert effective_due(D, D + timedelta(days=3)) == D
    assert effective_due(D, None) == D


day_st = st.integers(-400, 400).map(lambda n: D + timedelta(days=n))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(day_st, st.one_of(st.none(), day_st)), max_size=30))
def test_the_batch_due_date_agrees_with_the_one_item_rule(rows):
    frame = pl.DataFrame(
        {
            "item_id": list(range(len(rows))),
            "due_date": [r[0] for r in rows],
            "accelerated_on": [r[1] for r in rows],
        },
        schema={"item_id": pl.Int64, "due_date": pl.Date, "accelerated_on": pl.Date},
    )
    got = due_after_acceleration(frame)
    assert got.columns == ["item_id", "due_date"]
    assert got["due_date"].to_list() == [effective_due(d, a) for d, a in rows]
