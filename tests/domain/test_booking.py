"""§2, §8 One fall in an item's open amount books the decisions waiting on it in order, once."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.booking import Decided, unbooked

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
