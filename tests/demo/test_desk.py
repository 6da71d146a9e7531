"""The desk's past behind the demo ledger (`arrears.demo.desk`): dated across the ledger's
history, consistent with its payments, a pure function of the seed."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from arrears.demo import DemoLedger, generate_ledger
from arrears.demo.desk import RECENT_DAYS
from tests.demo.conftest import AS_OF


def _payments(ledger: DemoLedger) -> pl.DataFrame:
    return ledger.payments.filter(pl.col("item_number").is_not_null()).select(
        number="item_number", received_on="received_on"
    )


def test_the_same_seed_gives_the_same_past_and_another_seed_another() -> None:
    a = generate_ledger(items=1_000, seed=7, as_of=AS_OF).desk
    b = generate_ledger(items=1_000, seed=7, as_of=AS_OF).desk
    c = generate_ledger(items=1_000, seed=8, as_of=AS_OF).desk
    for kind in ("promises", "disputes", "excuses"):
        assert getattr(a, kind).equals(getattr(b, kind))
    assert not a.promises.equals(c.promises)


def test_a_kept_promise_is_kept_by_its_item_s_payment_and_a_broken_one_sees_none(
    big_ledger: DemoLedger,
) -> None:
    promises = big_ledger.desk.promises.with_row_index("promise")
    assert set(promises["state"]) == {"kept", "broken"}
    paid_in_time = (
        promises.join(_payments(big_ledger), on="number", how="left")
        .with_columns(
            in_time=pl.col("received_on").is_between(pl.col("given_on"), pl.col("deadline"))
        )
        .group_by("promise", "state")
        .agg(pl.col("in_time").fill_null(False).any())
    )
    assert paid_in_time.filter(pl.col("state") == "kept")["in_time"].all()
    assert not paid_in_time.filter(pl.col("state") == "broken")["in_time"].any()
    assert (promises["given_on"] < promises["deadline"]).all()
    kept = promises.filter(pl.col("state") == "kept")
    assert (kept["closed_on"] == kept["deadline"]).all()


def test_the_past_spans_the_ledger_s_history_and_leaves_the_last_weeks_to_the_stories(
    big_ledger: DemoLedger,
) -> None:
    desk = big_ledger.desk
    last = AS_OF - timedelta(days=RECENT_DAYS + 1)
    for frame, columns in (
        (desk.promises, ["given_on", "closed_on"]),
        (desk.disputes, ["opened_on", "resolved_on"]),
        (desk.excuses, ["logged_on"]),
    ):
        assert frame.height > 0
        for column in columns:
            assert frame[column].max() <= last  # type: ignore[operator]
    given = desk.promises["given_on"]
    assert given.min() < AS_OF - timedelta(days=365)  # type: ignore[operator]
    quarters = {(d.year, (d.month - 1) // 3) for d in given.to_list()}
    # every quarter of the year and a half before the stories' weeks has promises
    day, wanted = last, set()
    while day > last - timedelta(days=540):
        wanted.add((day.year, (day.month - 1) // 3))
        day -= timedelta(days=30)
    assert wanted <= quarters


def test_a_dispute_is_resolved_before_its_item_is_paid(big_ledger: DemoLedger) -> None:
    disputes = big_ledger.desk.disputes
    assert (disputes["opened_on"] < disputes["resolved_on"]).all()
    paid_during = disputes.join(_payments(big_ledger), on="number").filter(
        pl.col("received_on").is_between(pl.col("opened_on"), pl.col("resolved_on"))
    )
    assert paid_during.is_empty()


def test_promises_and_disputes_name_items_of_their_debtor_and_currency(
    big_ledger: DemoLedger,
) -> None:
    items = big_ledger.items.select("number", "debtor_code", "currency")
    for frame in (big_ledger.desk.promises, big_ledger.desk.disputes):
        joined = frame.join(items, on="number", suffix="_item")
        assert joined.height == frame.height
        assert (joined["debtor_code"] == joined["debtor_code_item"]).all()
        assert (joined["currency"] == joined["currency_item"]).all()
