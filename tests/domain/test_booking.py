"""§2, §8 One fall in an item's open amount books the decisions waiting on it in order, once."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.booking import BOOKING_SCHEMA, Decided, unbooked, unbooked_batch

D1, D2 = date(2026, 12, 1), date(2026, 12, 16)


def test_a_booked_credit_note_does_not_also_book_a_later_write_off():
    credit = Decided(D1, ("credit", 1), 500_00, 1000_00, 0)
    write_off = Decided(D2, ("write_off", 1), 500_00, 1000_00, 0)
    # the ledger shows the item at 500: the credit note is booked, the write-off is not
    assert unbooked([credit, write_off], open_now=500_00) == [0, 500_00]
    assert unbooked([credit, write_off], open_now=0) == [0, 0]


def test_payments_since_a_decision_are_not_bookings():
    off = Decided(D1, ("write_off", 1), 300_00, 1000_00, paid_since=200_00)
    assert unbooked([off], open_now=800_00) == [300_00]
    assert unbooked([off], open_now=600_00) == [100_00]


@given(
    st.lists(st.integers(1, 10_000), min_size=1, max_size=5),
    st.integers(0, 60_000),
    st.integers(0, 60_000),
)
def test_a_fall_books_no_more_than_was_decided_and_nothing_twice(amounts, start, fall):
    parts = [Decided(D1, ("x", k), a, start, 0) for k, a in enumerate(amounts)]
    left = unbooked(parts, open_now=max(0, start - fall))
    booked = sum(a - x for a, x in zip(amounts, left, strict=True))
    assert all(0 <= x <= a for a, x in zip(amounts, left, strict=True))
    assert booked == min(sum(amounts), min(fall, start))


part_st = st.fixed_dictionaries(
    {
        "item": st.integers(1, 4),
        "kind": st.sampled_from(["credit", "write_off"]),
        "day": st.integers(0, 20),
        "amount": st.integers(1, 10_000),
        "open_at": st.one_of(st.none(), st.integers(0, 30_000)),
        "paid_since": st.integers(0, 5_000),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(part_st, max_size=12), st.lists(st.integers(0, 30_000), min_size=4, max_size=4))
def test_the_batch_booking_agrees_with_the_one_item_rule(parts, open_now):
    rows = [
        {
            "item_id": p["item"],
            "kind": p["kind"],
            "part_id": k,
            "decided_on": D1 + timedelta(days=p["day"]),
            "minor": p["amount"],
            "open_at": p["open_at"],
            "open_now": open_now[p["item"] - 1],
            # payments since a decision: fewer since a later one
            "paid_since": max(0, p["paid_since"] - 100 * p["day"]),
        }
        for k, p in enumerate(parts)
    ]
    frame = pl.DataFrame(rows, schema=BOOKING_SCHEMA)
    batch = {r["part_id"]: r["minor"] for r in unbooked_batch(frame).iter_rows(named=True)}
    one = {}
    for item in {r["item_id"] for r in rows}:
        mine = [r for r in rows if r["item_id"] == item]
        decided = [
            Decided(
                r["decided_on"],
                (r["kind"], r["part_id"]),
                r["minor"],
                r["open_at"],
                r["paid_since"],
            )
            for r in mine
        ]
        for r, left in zip(mine, unbooked(decided, open_now[item - 1]), strict=True):
            one[r["part_id"]] = left
    assert batch == one
