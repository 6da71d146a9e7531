"""The demo ledger: seeded, sized as asked, consistent, shaped by payment behaviour."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from arrears.demo import DemoLedger, generate_ledger, write_csv
from arrears.demo.decision import decision_frames, run_config
from arrears.domain.batch.daily_run import decide
from tests.demo.conftest import AS_OF, with_minor


def _bytes(ledger: DemoLedger, out: Path) -> dict[str, bytes]:
    return {kind: path.read_bytes() for kind, path in write_csv(ledger, out).items()}


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = generate_ledger(items=500, seed=3, as_of=AS_OF)
    again = generate_ledger(items=500, seed=3, as_of=AS_OF)
    assert _bytes(first, tmp_path / "a") == _bytes(again, tmp_path / "b")


def test_different_seed_gives_a_different_ledger(tmp_path: Path) -> None:
    one = _bytes(generate_ledger(items=500, seed=3, as_of=AS_OF), tmp_path / "a")
    other = _bytes(generate_ledger(items=500, seed=4, as_of=AS_OF), tmp_path / "b")
    assert all(one[kind] != other[kind] for kind in one)


@pytest.mark.parametrize(("items", "debtors"), [(10, 1), (1_000, 100), (12_345, 1_234)])
def test_gives_the_requested_items_and_a_tenth_as_many_debtors(items: int, debtors: int) -> None:
    ledger = generate_ledger(items=items, seed=1, as_of=AS_OF)
    assert ledger.items.height == items
    assert ledger.debtors.height == debtors
    assert ledger.items["number"].n_unique() == items
    assert ledger.debtors["debtor_code"].n_unique() == debtors


@pytest.mark.parametrize("items", [9, 1_000_001])
def test_refuses_sizes_outside_ten_to_a_million(items: int) -> None:
    with pytest.raises(ValueError, match="between 10 and 1,000,000"):
        generate_ledger(items=items, seed=1, as_of=AS_OF)


def test_every_item_and_payment_belongs_to_a_debtor_in_the_file(ledger: DemoLedger) -> None:
    codes = set(ledger.debtors["debtor_code"])
    assert set(ledger.items["debtor_code"]) <= codes
    assert set(ledger.payments["debtor_code"]) <= codes
    assert set(ledger.items["debtor_code"]) == codes  # and every debtor has something open


def test_open_amount_is_between_zero_and_original(ledger: DemoLedger) -> None:
    items = with_minor(ledger.items, original="original_amount", open="open_amount")
    assert (items["original"] > 0).all()
    assert (items["open"] >= 0).all()
    assert (items["open"] <= items["original"]).all()
    assert (items["open"] < items["original"]).any()  # some are partly or fully paid


def test_payments_allocate_exactly_original_minus_open_of_each_item(ledger: DemoLedger) -> None:
    items = with_minor(ledger.items, original="original_amount", open="open_amount")
    allocated = (
        with_minor(ledger.payments.drop_nulls("item_number"), alloc="allocated_amount")
        .group_by("item_number")
        .agg(pl.col("alloc").sum())
    )
    paid = items.join(allocated, left_on="number", right_on="item_number", how="left")
    paid = paid.with_columns(pl.col("alloc").fill_null(0))
    assert (paid["alloc"] == paid["original"] - paid["open"]).all()
    partly = paid.filter((pl.col("open") > 0) & (pl.col("open") < pl.col("original")))
    assert partly.height > 10


def test_a_payment_repeats_its_whole_amount_on_each_row_and_allocates_all_of_it(
    ledger: DemoLedger,
) -> None:
    pays = with_minor(ledger.payments, amount_minor="amount", alloc="allocated_amount")
    per_payment = pays.group_by("reference").agg(
        amounts=pl.col("amount_minor").n_unique(),
        dates=pl.col("received_on").n_unique(),
        amount=pl.col("amount_minor").first(),
        allocated=pl.col("alloc").sum(),
        unapplied=pl.col("item_number").is_null().any(),
    )
    assert (per_payment["amounts"] == 1).all() and (per_payment["dates"] == 1).all()
    applied = per_payment.filter(~pl.col("unapplied"))
    assert (applied["allocated"] == applied["amount"]).all()
    assert per_payment["unapplied"].any()
    assert (per_payment.filter("unapplied")["allocated"] == 0).all()
    assert pays.select("reference", "item_number").is_unique().all()


def test_dates_are_ordered_issue_due_and_payments_not_after_as_of(ledger: DemoLedger) -> None:
    assert (ledger.items["due_date"] >= ledger.items["issue_date"]).all()
    assert (ledger.items["issue_date"] <= AS_OF).all()
    pays = ledger.payments.join(
        ledger.items.select("number", "issue_date"), left_on="item_number", right_on="number"
    )
    assert (pays["received_on"] <= AS_OF).all()
    assert (pays["received_on"] >= pays["issue_date"]).all()


def test_amounts_are_plain_text_with_exactly_the_currency_decimals(ledger: DemoLedger) -> None:
    shape = {"JPY": r"\d+", "EUR": r"\d+\.\d\d", "USD": r"\d+\.\d\d", "GBP": r"\d+\.\d\d"}
    for row in ledger.items.select("currency", "original_amount", "open_amount").iter_rows():
        currency, *amounts = row
        assert all(re.fullmatch(shape[currency], a) for a in amounts), row
    limits = ledger.debtors["credit_limit"].drop_nulls()
    assert limits.str.contains(r"^\d+\.00$").all()


def test_items_are_not_yet_due_as_well_as_overdue_up_to_two_years(ledger: DemoLedger) -> None:
    dpd = (pl.lit(AS_OF) - ledger.items["due_date"]).dt.total_days()
    dpd = ledger.items.select(dpd.alias("dpd"))["dpd"]
    assert (dpd < 0).sum() > 50
    assert (dpd > 90).sum() > 20
    assert dpd.max() <= 730


def test_a_minority_is_in_usd_gbp_and_a_few_in_jpy(big_ledger: DemoLedger) -> None:
    share = big_ledger.items["currency"].value_counts(normalize=True)
    by = dict(zip(share["currency"], share["proportion"], strict=True))
    assert by["EUR"] > 0.6
    assert by["USD"] > 0.05 and by["GBP"] > 0.03
    assert 0.002 < by["JPY"] < 0.05
    assert set(big_ledger.rates) == {"EUR", "USD", "GBP", "JPY"}


def test_credit_notes_are_a_few_percent_and_stay_open(big_ledger: DemoLedger) -> None:
    items = with_minor(big_ledger.items, original="original_amount", open="open_amount")
    notes = items.filter(pl.col("kind") == "credit_note")
    assert 0.01 < notes.height / items.height < 0.06
    assert (notes["open"] == notes["original"]).all()
    assert set(items["kind"]) == {"invoice", "debit_note", "instalment", "credit_note"}


def _dunnable_open(ledger: DemoLedger) -> pl.DataFrame:
    items = with_minor(ledger.items, open="open_amount")
    return (
        items.filter((pl.col("kind") != "credit_note") & (pl.col("open") > 0))
        .join(ledger.behaviours, on="debtor_code")
        .with_columns(dpd=(pl.lit(AS_OF) - pl.col("due_date")).dt.total_days())
    )


def test_prompt_debtors_have_few_items_over_30_days_past_due_and_insolvent_ones_many(
    big_ledger: DemoLedger,
) -> None:
    over_30 = (
        _dunnable_open(big_ledger)
        .group_by("behaviour")
        .agg(share=(pl.col("dpd") > 30).mean(), over_year=(pl.col("dpd") > 365).mean())
    )
    share = dict(over_30.select("behaviour", "share").iter_rows())
    assert share["prompt"] < 0.05
    assert share["prompt"] < share["slow"] < share["chronic_late"] < share["insolvent"]
    assert share["insolvent"] > 0.7
    over_year = dict(over_30.select("behaviour", "over_year").iter_rows())
    assert over_year["prompt"] == 0 and over_year["insolvent"] > 0.2


def test_bad_payers_leave_more_partly_paid_items_than_prompt_ones(big_ledger: DemoLedger) -> None:
    items = with_minor(big_ledger.items, original="original_amount", open="open_amount")
    items = items.join(big_ledger.behaviours, on="debtor_code")
    partly = items.group_by("behaviour").agg(
        share=((pl.col("open") > 0) & (pl.col("open") < pl.col("original"))).mean()
    )
    share = dict(partly.iter_rows())
    assert share["prompt"] < share["slow"] < share["disputing"]


def test_risk_tier_follows_behaviour(big_ledger: DemoLedger) -> None:
    tiers = big_ledger.debtors.join(big_ledger.behaviours, on="debtor_code")
    high = dict(tiers.group_by("behaviour").agg((pl.col("risk_tier") == "high").mean()).iter_rows())
    assert high["prompt"] < 0.1 and high["insolvent"] > 0.6
    assert set(tiers["risk_tier"]) == {"low", "medium", "high"}


def test_some_debtors_are_over_their_credit_limit_and_some_have_none(
    big_ledger: DemoLedger,
) -> None:
    decisions = decide(*decision_frames(big_ledger), run_config(big_ledger))
    over = decisions.holds.filter(pl.col("over_limit")).height
    assert 0.02 < over / big_ledger.debtors.height < 0.3
    assert big_ledger.debtors["credit_limit"].null_count() > 0


def test_group_parents_are_debtors_in_the_file_without_a_parent_themselves(
    big_ledger: DemoLedger,
) -> None:
    deb = big_ledger.debtors
    members = deb.drop_nulls("parent_code")
    assert members.height > 20
    parents = deb.filter(pl.col("debtor_code").is_in(members["parent_code"].implode()))
    assert parents.height == members["parent_code"].n_unique()
    assert parents["parent_code"].null_count() == parents.height  # one level: no cycles
    assert (members["parent_code"] != members["debtor_code"]).all()


def test_countries_languages_and_owners_are_mixed(big_ledger: DemoLedger) -> None:
    deb = big_ledger.debtors
    assert {"DE", "FR", "NL", "GB", "US", "CN", "JP"} <= set(deb["country"])
    assert {"de", "fr", "nl", "en", "zh"} <= set(deb["language"])
    owners = deb["owner"].drop_nulls().value_counts(normalize=True)
    assert set(owners["owner"]) == {"alice", "bob", "carol", "dave"}
    assert (owners["proportion"] > 0.2).all()


def test_contacts_have_plausible_emails_and_phones(ledger: DemoLedger) -> None:
    deb = ledger.debtors
    assert deb["contact_name"].str.contains(r"^\w[\w ]+ \w+$").all()
    emails = deb["contact_email"].drop_nulls()
    assert emails.str.contains(r"^[a-z]+\.[a-z]+@[a-z]+-[a-z]+\.[a-z.]+$").all()
    phones = deb["contact_phone"].drop_nulls()
    assert phones.str.contains(r"^\+\d{1,2} \d{2} \d{7}$").all()
    assert emails.len() > 0.8 * deb.height and phones.len() > 0.8 * deb.height


def test_collectors_and_company_currency_can_be_chosen() -> None:
    ledger = generate_ledger(
        items=200, seed=5, as_of=date(2026, 1, 31), company_currency="USD", collectors=["zoe"]
    )
    assert set(ledger.debtors["owner"].drop_nulls()) == {"zoe"}
    assert ledger.rates["USD"] == 1
    assert "USD" in set(ledger.items["currency"])
