"""Matching receipts to obligations: oldest first, nothing counted twice, nothing lost."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.matching import (
    DUPLICATE_OBLIGATION,
    MatchingError,
    Obligation,
    Receipt,
    items_as_obligations,
    match_receipts,
    spread,
    total_excluded,
)
from arrears.domain.money import Money

D0 = date(2025, 3, 3)


def eur(minor: int) -> Money:
    return Money.from_minor(minor, "EUR")


def test_receipts_fill_the_oldest_obligation_first():
    obligations = [
        Obligation("b", D0 + timedelta(days=10), eur(500)),
        Obligation("a", D0, eur(300)),
    ]
    m = match_receipts(obligations, [Receipt("p1", D0, eur(400))])
    assert [(s.obligation.key, s.matched) for s in m.obligations] == [
        ("a", eur(300)),
        ("b", eur(100)),
    ]
    assert m.obligations[0].settled_on == D0
    assert m.obligations[1].settled_on is None


def test_a_payment_split_across_several_items_is_counted_once_per_allocation():
    obligations = [Obligation("part", D0, eur(1000))]
    allocations = [
        Receipt("pay-1", D0, eur(600), item_key="inv-1"),
        Receipt("pay-1", D0, eur(400), item_key="inv-2"),
    ]
    m = match_receipts(obligations, allocations)
    assert m.matched_total == eur(1000)
    assert m.unmatched == ()


def test_money_beyond_the_obligations_stays_unmatched():
    m = match_receipts([Obligation("a", D0, eur(100))], [Receipt("p", D0, eur(250))])
    assert m.unmatched == (Receipt("p", D0, eur(150)),)


def test_a_receipt_in_another_currency_is_refused():
    with pytest.raises(MatchingError, match="is in USD, but this case is in EUR"):
        match_receipts([Obligation("a", D0, eur(100))], [Receipt("p", D0, Money.of("1", "USD"))])


def test_non_positive_receipts_and_duplicate_keys_are_refused():
    with pytest.raises(MatchingError, match="must be a positive amount"):
        match_receipts([Obligation("a", D0, eur(100))], [Receipt("p", D0, eur(0))])
    with pytest.raises(MatchingError, match=DUPLICATE_OBLIGATION.format(key="a")):
        match_receipts([Obligation("a", D0, eur(1)), Obligation("a", D0, eur(2))], [])


def test_spread_lays_an_amount_over_items_oldest_first_and_drops_the_excess():
    items = items_as_obligations({"x": (D0, eur(300)), "y": (D0 - timedelta(days=1), eur(200))})
    assert spread(eur(350), items) == {"y": eur(200), "x": eur(150)}
    assert spread(eur(900), items) == {"y": eur(200), "x": eur(300)}


def test_exclusions_add_up_per_item_but_never_beyond_what_is_open():
    open_items = {"x": eur(300), "y": eur(100)}
    got = total_excluded(open_items, {"x": eur(200)}, {"x": eur(200), "y": eur(50)})
    assert got == {"x": eur(300), "y": eur(50)}


obligation_lists = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 100_000)), min_size=0, max_size=8
).map(
    lambda rows: [
        Obligation(f"o{i}", D0 + timedelta(days=d), eur(a)) for i, (d, a) in enumerate(rows)
    ]
)
receipt_lists = st.lists(
    st.tuples(st.integers(0, 60), st.sampled_from(["r1", "r2", "r3"]), st.integers(1, 100_000)),
    max_size=10,
).map(lambda rows: [Receipt(ref, D0 + timedelta(days=d), eur(a)) for d, ref, a in rows])


@given(obligation_lists, receipt_lists)
def test_no_money_is_created_or_lost(obligations, receipts):
    m = match_receipts(obligations, receipts, currency="EUR")
    received = sum(r.amount.to_minor() for r in receipts)
    assert m.matched_total.to_minor() + m.unmatched_total.to_minor() == received
    assert sum(s.matched.to_minor() for s in m.obligations) == m.matched_total.to_minor()


@given(obligation_lists, receipt_lists)
def test_no_obligation_is_matched_beyond_its_amount(obligations, receipts):
    m = match_receipts(obligations, receipts, currency="EUR")
    for s in m.obligations:
        assert 0 <= s.matched.to_minor() <= s.obligation.amount.to_minor()
        assert (s.settled_on is not None) == (s.matched == s.obligation.amount)


@given(obligation_lists, receipt_lists)
def test_money_is_left_unmatched_only_once_every_obligation_is_paid(obligations, receipts):
    m = match_receipts(obligations, receipts, currency="EUR")
    if m.unmatched:
        assert all(s.open.to_minor() == 0 for s in m.obligations)


@given(obligation_lists, receipt_lists, st.randoms(use_true_random=False))
def test_the_outcome_does_not_depend_on_the_order_of_the_inputs(obligations, receipts, rnd):
    first = match_receipts(obligations, receipts, currency="EUR")
    shuffled_o, shuffled_r = list(obligations), list(receipts)
    rnd.shuffle(shuffled_o)
    rnd.shuffle(shuffled_r)
    assert match_receipts(shuffled_o, shuffled_r, currency="EUR") == first


def test_randomised_orders_agree_on_a_larger_example():
    rnd = random.Random(7)
    obligations = [
        Obligation(f"o{i}", D0 + timedelta(days=i % 9), eur(1000 + i)) for i in range(30)
    ]
    receipts = [Receipt(f"r{i}", D0 + timedelta(days=i % 5), eur(777 * (i + 1))) for i in range(12)]
    base = match_receipts(obligations, receipts)
    for _ in range(5):
        rnd.shuffle(obligations)
        rnd.shuffle(receipts)
        assert match_receipts(obligations, receipts) == base
