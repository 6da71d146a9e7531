"""§7 Which breaks count for an item: on its own case, after it fell due, within the window."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.broken_promises import (
    COMMITMENTS_SCHEMA,
    ITEMS_SCHEMA,
    PLAN,
    PROMISE,
    broken_counts,
)
from arrears.domain.promises import PromisePolicy

AS_OF = date(2026, 12, 10)
DEADLINE = date(2026, 12, 1)  # the promise failed on this deadline: broken from the 2nd
POLICY = PromisePolicy()


def _items(*rows):
    return pl.DataFrame(rows, schema=ITEMS_SCHEMA, orient="row")


def _breaks(*rows):
    return pl.DataFrame(rows, schema=COMMITMENTS_SCHEMA, orient="row")


def _promise(state="broken", debtor=1, currency="EUR", failed_on=DEADLINE, given_on=None):
    given = given_on or failed_on - timedelta(days=10)
    return (debtor, currency, PROMISE, state, failed_on, None, AS_OF, given)


def _counts(items, breaks, policy=POLICY):
    got = broken_counts(items, breaks, as_of=AS_OF, policy=policy)
    return dict(got.iter_rows())


def test_a_break_counts_for_items_overdue_when_it_broke_and_not_for_later_ones():
    items = _items(
        (1, 1, "EUR", "invoice", 100, DEADLINE),  # a day overdue on the 2nd: counts
        (2, 1, "EUR", "invoice", 100, DEADLINE + timedelta(days=1)),  # due the day it broke
    )
    assert _counts(items, _breaks(_promise())) == {1: 1, 2: 0}


def test_a_break_counts_only_on_its_own_case_and_never_for_credit_notes_or_closed_items():
    items = _items(
        (1, 1, "USD", "invoice", 100, DEADLINE - timedelta(days=9)),
        (2, 2, "EUR", "invoice", 100, DEADLINE - timedelta(days=9)),
        (3, 1, "EUR", "credit_note", 100, DEADLINE - timedelta(days=9)),
        (4, 1, "EUR", "invoice", 0, DEADLINE - timedelta(days=9)),
    )
    assert _counts(items, _breaks(_promise())) == {1: 0, 2: 0, 3: 0, 4: 0}


def test_partly_kept_counts_as_broken_only_by_policy_and_old_promises_are_forgotten():
    items = _items((1, 1, "EUR", "invoice", 100, DEADLINE - timedelta(days=500)))
    partly = _breaks(_promise("partly_kept"))
    assert _counts(items, partly) == {1: 1}
    assert _counts(items, partly, PromisePolicy(partly_kept_counts_as_broken=False)) == {1: 0}
    old = _promise(given_on=AS_OF - timedelta(days=366), failed_on=AS_OF - timedelta(days=360))
    assert _counts(items, _breaks(old, _promise("kept"))) == {1: 0}


def test_a_defaulted_plan_counts_from_the_day_it_defaulted():
    plan = (1, "EUR", PLAN, "defaulted", None, DEADLINE, AS_OF, DEADLINE - timedelta(days=40))
    items = _items(
        (1, 1, "EUR", "invoice", 100, DEADLINE - timedelta(days=1)),
        (2, 1, "EUR", "invoice", 100, DEADLINE),
    )
    assert _counts(items, _breaks(plan)) == {1: 1, 2: 0}


day_st = st.integers(-60, 10).map(lambda n: AS_OF + timedelta(days=n))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["EUR", "USD"]), day_st), max_size=12),
    st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["broken", "kept"]), day_st), max_size=6),
)
def test_any_partition_of_debtors_counts_the_same(items, promises):
    items_f = _items(*[(k, d, c, "invoice", 100, due) for k, (d, c, due) in enumerate(items)])
    breaks_f = _breaks(*[_promise(s, debtor=d, failed_on=on) for d, s, on in promises])
    whole = _counts(items_f, breaks_f)
    parts = {}
    for ids in ([1, 3], [2, 4]):
        mine = pl.col("debtor_id").is_in(ids)
        parts.update(_counts(items_f.filter(mine), breaks_f.filter(mine)))
    assert parts == whole
