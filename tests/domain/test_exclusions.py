"""§1, §5-8 What the ladder does not dun: held-back parts capped at the open amount; all of a
handed-over case."""

from __future__ import annotations

import polars as pl

from arrears.domain.exclusions import ITEM_MINOR, ITEMS_SCHEMA, excluded


def test_held_back_parts_add_up_to_at_most_the_open_amount():
    items = pl.DataFrame([(1, 500, False), (2, 500, False)], schema=ITEMS_SCHEMA, orient="row")
    disputed = pl.DataFrame([(1, 200), (2, 400)], schema=ITEM_MINOR, orient="row")
    promised = pl.DataFrame([(1, 100), (2, 400)], schema=ITEM_MINOR, orient="row")
    assert excluded(items, [disputed, promised]).sort("item_id").rows() == [(1, 300), (2, 500)]


def test_every_open_item_of_a_handed_over_case_is_excluded_whole():
    items = pl.DataFrame([(1, 500, True), (2, 0, True)], schema=ITEMS_SCHEMA, orient="row")
    assert excluded(items, []).sort("item_id").rows() == [(1, 500), (2, 0)]


def test_an_item_nothing_holds_back_is_dunned_in_full():
    items = pl.DataFrame([(1, 500, False)], schema=ITEMS_SCHEMA, orient="row")
    assert excluded(items, []).rows() == [(1, 0)]
