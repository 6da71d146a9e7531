"""The ageing report: bucket edges, credits, currencies, conversion, grouping, bucket specs."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain import ageing as ag
from arrears.domain.ageing import (
    DEFAULT_BUCKETS,
    AgeingError,
    Buckets,
    Conversion,
    ageing,
    ageing_top,
    amount_columns,
)
from arrears.domain.fx import conversion_factor, convert_minor

AS_OF = date(2026, 3, 31)
EUR_PER = {"EUR": Decimal(1), "USD": Decimal("0.5"), "JPY": Decimal("0.006123")}
TO_EUR = Conversion("EUR", {c: conversion_factor(c, "EUR", r) for c, r in EUR_PER.items()})


def items(*rows: dict[str, Any]) -> pl.DataFrame:
    """Items frame from short rows: `dpd` sets the due date; debtor 1, EUR invoice by default."""
    out = []
    for r in rows:
        debtor_id = r.get("debtor_id", 1)
        out.append(
            {
                "debtor_id": debtor_id,
                "debtor_code": f"D{debtor_id}",
                "debtor_name": f"Debtor {debtor_id}",
                "owner": r.get("owner", "cora"),
                "currency": r.get("currency", "EUR"),
                "due_date": AS_OF - timedelta(days=int(r.get("dpd", 0))),
                "open_minor": r["open_minor"],
                "kind": r.get("kind", "invoice"),
            }
        )
    return pl.DataFrame(out, schema=ag.ITEMS_SCHEMA)


def groups(report: pl.DataFrame) -> pl.DataFrame:
    return report.filter(pl.col("row") == "group")


def totals(report: pl.DataFrame) -> dict[str, dict[str, int]]:
    rows = report.filter(pl.col("row") == "total")
    return {r["currency"]: {c: r[c] for c in amount_columns(report)} for r in rows.to_dicts()}


def bucket_of(dpd: int, buckets: Buckets = DEFAULT_BUCKETS) -> str:
    report = ageing(items({"dpd": dpd, "open_minor": 1}), as_of=AS_OF, buckets=buckets)
    row = totals(report)["EUR"]
    return next(label for label in buckets.labels if row[label] == 1)


def test_default_buckets_run_from_not_due_to_over_365():
    assert DEFAULT_BUCKETS.labels == (
        "not due",
        "1-30",
        "31-60",
        "61-90",
        "91-180",
        "181-365",
        "over 365",
    )


def test_item_due_today_is_not_due():
    assert bucket_of(0) == "not due"


def test_item_due_in_the_future_is_not_due():
    assert bucket_of(-10) == "not due"


def test_one_day_past_due_goes_to_the_first_overdue_bucket():
    assert bucket_of(1) == "1-30"


def test_exactly_30_days_past_due_stays_in_1_30_and_31_moves_on():
    assert (bucket_of(30), bucket_of(31)) == ("1-30", "31-60")


def test_bucket_edges_hold_at_every_boundary():
    assert [bucket_of(d) for d in (90, 91, 180, 181, 365, 366, 5000)] == [
        "61-90",
        "91-180",
        "91-180",
        "181-365",
        "181-365",
        "over 365",
        "over 365",
    ]


def test_spec_is_parsed_into_labelled_buckets():
    assert Buckets.parse("0,30,60,90").labels == ("not due", "1-30", "31-60", "61-90", "over 90")


def test_spec_without_zero_still_keeps_not_due_apart():
    assert Buckets.parse(" 15, 45 ") == Buckets((0, 15, 45))
    assert Buckets.parse("15,45").labels == ("not due", "1-15", "16-45", "over 45")


def test_one_day_bucket_is_labelled_by_its_day_and_zero_alone_splits_not_due_from_overdue():
    assert Buckets.parse("0,1,30").labels == ("not due", "1", "2-30", "over 30")
    assert Buckets.parse("0").labels == ("not due", "overdue")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("30,0,60", ag.UNORDERED.format(value=0, previous=30)),
        ("0,30,30", ag.DUPLICATE.format(value=30)),
        ("-5,30", ag.NEGATIVE.format(value=-5)),
        ("0,thirty", ag.NOT_A_NUMBER.format(text="thirty")),
        ("0,30.5", ag.NOT_A_NUMBER.format(text="30.5")),
        ("0,,30", ag.NOT_A_NUMBER.format(text="")),
        ("", ag.NO_BOUNDARIES),
    ],
)
def test_bad_bucket_specs_are_refused_with_a_clear_message(spec, message):
    with pytest.raises(AgeingError, match=re.escape(message)):
        Buckets.parse(spec)


def test_credit_notes_are_shown_apart_and_netted_in_the_total():
    frame = items(
        {"dpd": 45, "open_minor": 1000_00},
        {"dpd": 10, "open_minor": 300_00, "kind": "credit_note"},
        {"dpd": 10, "open_minor": -50_00, "kind": "credit_note"},  # either sign reduces
        {"dpd": 0, "open_minor": 20_00, "kind": "unapplied_payment"},
    )
    row = groups(ageing(frame, as_of=AS_OF)).to_dicts()[0]
    assert (row["31-60"], row["1-30"], row["credits"], row["total"]) == (
        1000_00,
        0,
        -370_00,
        630_00,
    )


def test_currencies_are_never_added_together():
    frame = items(
        {"dpd": 5, "open_minor": 100_00},
        {"dpd": 5, "open_minor": 7_00, "currency": "USD"},
        {"dpd": 5, "open_minor": 900, "currency": "JPY", "debtor_id": 2},
    )
    report = ageing(frame, as_of=AS_OF, by=["debtor"])
    assert groups(report).select("debtor_id", "currency", "total").rows() == [
        (1, "EUR", 100_00),
        (2, "JPY", 900),
        (1, "USD", 7_00),
    ]
    assert {c: t["total"] for c, t in totals(report).items()} == {
        "EUR": 100_00,
        "JPY": 900,
        "USD": 7_00,
    }


def test_conversion_into_company_currency_is_exact_and_rounds_half_up_per_item():
    frame = items(
        {"dpd": 5, "open_minor": 1001, "currency": "USD"},  # 10.01 USD at 0.5 = 5.005 -> 5.01
        {"dpd": 5, "open_minor": 1003, "currency": "USD", "kind": "credit_note"},  # -> -5.02
        {"dpd": 40, "open_minor": 123_457, "currency": "JPY"},
        {"dpd": 40, "open_minor": 2_00},
    )
    report = ageing(frame, as_of=AS_OF, conversion=TO_EUR)
    jpy = 755_93  # 123,457 JPY x 0.006123 = EUR 755.927211 -> 755.93
    assert totals(report) == {
        "EUR": {
            **dict.fromkeys(DEFAULT_BUCKETS.labels, 0),
            "1-30": 501,
            "31-60": jpy + 2_00,
            "credits": -502,
            "total": 501 + jpy + 2_00 - 502,
        }
    }


def test_converted_report_grouped_by_currency_keeps_the_original_currency_apart():
    frame = items({"open_minor": 1001, "currency": "USD"}, {"open_minor": 1_00})
    report = ageing(frame, as_of=AS_OF, by=["currency"], conversion=TO_EUR)
    assert groups(report).select("original_currency", "currency", "total").rows() == [
        ("USD", "EUR", 501),
        ("EUR", "EUR", 1_00),
    ]


def test_conversion_without_a_rate_for_a_currency_is_refused():
    frame = items({"open_minor": 1_00, "currency": "GBP"})
    message = ag.MISSING_RATES.format(company="EUR", names="GBP")
    with pytest.raises(AgeingError, match=re.escape(message)):
        ageing(frame, as_of=AS_OF, conversion=TO_EUR)


def test_grouping_by_owner_sums_each_owners_debtors_and_keeps_owner_less_ones_apart():
    frame = items(
        {"debtor_id": 1, "owner": "cora", "open_minor": 1_00},
        {"debtor_id": 2, "owner": "cora", "open_minor": 2_00, "dpd": 70},
        {"debtor_id": 3, "owner": "olaf", "open_minor": 4_00},
        {"debtor_id": 4, "owner": None, "open_minor": 8_00},
    )
    report = ageing(frame, as_of=AS_OF, by=["owner"])
    assert groups(report).select("owner", "not due", "61-90", "total").rows() == [
        (None, 8_00, 0, 8_00),
        ("olaf", 4_00, 0, 4_00),
        ("cora", 1_00, 2_00, 3_00),
    ]


def test_grouping_by_debtor_and_owner_carries_code_and_name():
    frame = items({"debtor_id": 7, "owner": "olaf", "open_minor": 1_00})
    row = groups(ageing(frame, as_of=AS_OF, by=["debtor", "owner"])).to_dicts()[0]
    assert (row["debtor_code"], row["debtor_name"], row["owner"]) == ("D7", "Debtor 7", "olaf")


def test_grouping_only_by_currency_gives_one_total_row_per_currency():
    frame = items({"open_minor": 1_00}, {"open_minor": 2_00, "debtor_id": 2})
    report = ageing(frame, as_of=AS_OF, by=["currency"])
    assert report.select("currency", "total", "row").rows() == [("EUR", 3_00, "total")]


def test_unknown_grouping_is_refused():
    with pytest.raises(AgeingError, match=re.escape(ag.UNKNOWN_DIMENSION.format(name="country"))):
        ageing(items({"open_minor": 1}), as_of=AS_OF, by=["country"])


def test_items_frame_without_the_contract_columns_is_refused():
    frame = items({"open_minor": 1}).drop("owner", "kind")
    with pytest.raises(
        AgeingError, match=re.escape(ag.MISSING_COLUMNS.format(names="owner, kind"))
    ):
        ageing(frame, as_of=AS_OF)


def test_top_keeps_the_largest_groups_and_sums_the_rest_so_totals_still_add_up():
    frame = items(*({"debtor_id": d, "open_minor": d * 100, "dpd": d * 20} for d in range(1, 6)))
    report = ageing_top(ageing(frame, as_of=AS_OF), 2)
    assert report.select("debtor_id", "total", "row").rows() == [
        (5, 500, "group"),
        (4, 400, "group"),
        (None, 600, "others"),
        (None, 1500, "total"),
    ]
    assert report.filter(pl.col("row") != "total")["61-90"].sum() == totals(report)["EUR"]["61-90"]


# The property: whatever the bucket spec, each group's buckets plus credits is its open amount.
rows_st = st.lists(
    st.fixed_dictionaries(
        {
            "debtor_id": st.integers(1, 4),
            "owner": st.sampled_from(["cora", "olaf", None]),
            "currency": st.sampled_from(["EUR", "USD", "JPY"]),
            "dpd": st.integers(-60, 800),
            "open_minor": st.integers(-1_000_00, 10_000_00),
            "kind": st.sampled_from(["invoice", "debit_note", "instalment", "credit_note"]),
        }
    ),
    max_size=40,
)
bounds_st = st.lists(st.integers(0, 1000), min_size=1, max_size=8, unique=True).map(sorted)
by_st = st.lists(st.sampled_from(["debtor", "owner", "currency"]), unique=True, max_size=3)


@settings(max_examples=150, deadline=None)
@given(rows=rows_st, bounds=bounds_st, by=by_st, convert=st.booleans())
def test_buckets_and_credits_always_add_up_to_the_open_amount_of_each_group(
    rows, bounds, by, convert
):
    buckets = Buckets.of(bounds)
    conversion = TO_EUR if convert else None
    report = ageing(items(*rows), as_of=AS_OF, buckets=buckets, by=by, conversion=conversion)
    parts = [*buckets.labels, "credits"]
    assert report.select((pl.sum_horizontal(parts) == pl.col("total")).all()).item()
    # The group rows add up to the total row, column by column, in each currency.
    if ag.group_columns(by, converted=convert):
        sums = groups(report).group_by("currency").agg(pl.col([*parts, "total"]).sum())
        for r in sums.to_dicts():
            assert {k: v for k, v in r.items() if k != "currency"} == totals(report)[r["currency"]]
    # And the totals equal the signed open amounts, item by item (converted if asked).
    expected: dict[str, int] = {}
    for r in rows:
        signed = -abs(r["open_minor"]) if r["kind"] == "credit_note" else r["open_minor"]
        cur = r["currency"]
        if convert:
            signed, cur = convert_minor(signed, TO_EUR.factors[cur]), "EUR"
        expected[cur] = expected.get(cur, 0) + signed
    assert {c: t["total"] for c, t in totals(report).items()} == expected


@settings(max_examples=150, deadline=None)
@given(dpd=st.integers(-400, 3000), bounds=bounds_st)
def test_batch_bucket_agrees_with_the_scalar_bucket_of_a_dpd(dpd, bounds):
    buckets = Buckets.of(bounds)
    assert bucket_of(dpd, buckets) == buckets.labels[buckets.index(dpd)]
