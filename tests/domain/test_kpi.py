"""KPIs on a small ledger computed by hand (the arithmetic is written beside each figure).

November 2026 (30 days), EUR:
  A issued 15 Sep, due 15 Oct, 1,000; 400 paid 10 Nov
  B issued 10 Oct, due  9 Nov, 2,000; unpaid
  C issued  5 Nov, due  5 Dec, 3,000; 1,000 paid 20 Nov
  D issued 20 Nov, due 20 Dec, 1,500; unpaid
  E issued  1 Aug, due 31 Aug,   500; 500 paid 25 Nov
and a second currency that must never be added in: F issued 1 Nov, due 1 Dec, GBP 100.
AR at the start (end of 31 Oct): A 1,000 + B 2,000 + E 500 = 3,500
credit sales in November: C 3,000 + D 1,500 = 4,500
AR at the end (30 Nov): A 600 + B 2,000 + C 2,000 + D 1,500 = 6,100; current: C + D = 3,500
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.kpi import (
    ACTIONS,
    CASH,
    CREDITS,
    ITEMS,
    OPEN_ITEMS,
    PAYMENTS,
    PROMISES,
    SNAPSHOT,
    NotKept,
    cleared_without_payment,
    collectability,
    collectability_by_segment,
    collector_figures,
    day_ageing,
    expected_cash,
    outstanding_parts,
    period_figures,
    period_figures_from_snapshots,
    promise_figures,
    roll_and_cure,
    roll_and_cure_from,
    roll_rows,
    shown,
    snapshot_rows,
    totals_on,
)

D = date
ITEM_ROWS = [
    (1, "EUR", D(2026, 9, 15), D(2026, 10, 15), 100_000),
    (2, "EUR", D(2026, 10, 10), D(2026, 11, 9), 200_000),
    (3, "EUR", D(2026, 11, 5), D(2026, 12, 5), 300_000),
    (4, "EUR", D(2026, 11, 20), D(2026, 12, 20), 150_000),
    (5, "EUR", D(2026, 8, 1), D(2026, 8, 31), 50_000),
    (6, "GBP", D(2026, 11, 1), D(2026, 12, 1), 10_000),
]
PAYMENT_ROWS = [
    (1, D(2026, 11, 10), 40_000),
    (3, D(2026, 11, 20), 100_000),
    (5, D(2026, 11, 25), 50_000),
]
ITEMS_FRAME = pl.DataFrame(ITEM_ROWS, schema=ITEMS, orient="row")
PAYMENTS_FRAME = pl.DataFrame(PAYMENT_ROWS, schema=PAYMENTS, orient="row")


def november():
    return {
        f.currency: f
        for f in period_figures(ITEMS_FRAME, PAYMENTS_FRAME, D(2026, 11, 1), D(2026, 11, 30))
    }


def test_dso_bpdso_and_add_of_a_month():
    eur = november()["EUR"]
    assert (eur.ar_start_minor, eur.sales_minor, eur.ar_end_minor, eur.current_end_minor) == (
        350_000,
        450_000,
        610_000,
        350_000,
    )
    assert shown(eur.dso) == "40.7"  # 6,100 / 4,500 x 30 = 40.67
    assert shown(eur.bpdso) == "23.3"  # 3,500 / 4,500 x 30 = 23.33
    assert shown(eur.add) == "17.3"  # 40.67 - 23.33 = 17.33


def test_countback_dso_walks_back_month_by_month():
    # 6,100 - November's 4,500 = 1,600 left after 30 days; October's sales 2,000 (B):
    # 1,600 / 2,000 x 31 = 24.8 days -> 54.8
    assert november()["EUR"].countback_dso == Decimal("54.8")


def test_the_collection_effectiveness_index():
    # (3,500 + 4,500 - 6,100) / (3,500 + 4,500 - 3,500) x 100 = 1,900 / 4,500 = 42.2%
    assert shown(november()["EUR"].cei) == "42.2"


def test_currencies_are_never_added_together():
    gbp = november()["GBP"]
    assert (gbp.sales_minor, gbp.ar_end_minor, gbp.current_end_minor) == (10_000, 10_000, 10_000)
    assert shown(gbp.add) == "0.0" and shown(gbp.cei) == "-"  # CEI: 0 / 0, no figure


def test_roll_and_cure_rates_between_the_ends_of_october_and_november():
    got = {
        (r["currency"], r["bucket"]): r
        for r in roll_and_cure(
            ITEMS_FRAME, PAYMENTS_FRAME, D(2026, 10, 31), D(2026, 11, 30)
        ).iter_rows(named=True)
    }
    # on 31 Oct: B current (2,000), A 16 days (1-30: 1,000), E 61 days (61-90: 500)
    # on 30 Nov: B 21 days (1-30: rolled 2,000), A 46 days (31-60: 600 rolled), E paid (cured)
    assert (got["EUR", 0]["from_minor"], got["EUR", 0]["rolled_minor"]) == (
        200_000,
        200_000,
    )  # 100%
    assert (got["EUR", 1]["from_minor"], got["EUR", 1]["rolled_minor"]) == (100_000, 60_000)  # 60%
    assert (got["EUR", 3]["from_minor"], got["EUR", 3]["rolled_minor"]) == (50_000, 0)  # 0%
    # cure: of the two overdue items (A, E: 1,500), E is paid: 1 of 2 items, 500 of 1,500
    assert got["EUR", 1]["cured_items"] + got["EUR", 3]["cured_items"] == 1
    assert got["EUR", 3]["cured_minor"] == 50_000 and got["EUR", 1]["cured_minor"] == 0


def test_the_promise_kept_rate_by_count_and_by_amount():
    promises = pl.DataFrame(
        {
            "currency": ["EUR"] * 4,
            "status": ["kept", "partly_kept", "broken", "open"],
            "amount_minor": [50_000, 100_000, 30_000, 20_000],
            "paid_minor": [50_000, 40_000, 0, 0],
        }
    )
    eur = promise_figures(promises)["EUR"]
    assert shown(eur.kept_rate) == "33.3"  # 1 kept of 3 resolved (the open one not yet)
    assert shown(eur.amount_rate) == "50.0"  # (500 + 400 + 0) / (500 + 1,000 + 300)


def test_cash_expected_from_promises_and_plans_by_week():
    commitments = pl.DataFrame(
        {
            "due_on": [
                D(2026, 12, 1),
                D(2026, 12, 3),
                D(2026, 12, 9),
                D(2026, 11, 20),
                D(2027, 3, 1),
            ],
            "currency": ["EUR"] * 5,
            "outstanding_minor": [10_000, 5_000, 7_000, 2_000, 9_000],
        }
    )
    got = expected_cash(commitments, D(2026, 12, 4), weeks=2).rows()
    # week of Mon 30 Nov: 100 + 50 + the overdue 20 = 170; week of 7 Dec: 70; March: later
    assert got == [("EUR", D(2026, 11, 30), 17_000), ("EUR", D(2026, 12, 7), 7_000)]


def test_cash_expected_in_the_calendar_s_last_weeks_ends_with_the_calendar():
    """The weeks after 31 Dec 9999 do not exist: the last week counted ends that day (an
    as-of date typed on the figures page or at the terminal, never a crash)."""
    commitments = pl.DataFrame(
        {"due_on": [D(9999, 12, 30)], "currency": ["EUR"], "outstanding_minor": [1_000]}
    )
    got = expected_cash(commitments, D(9999, 12, 31)).rows()
    assert got == [("EUR", D(9999, 12, 27), 1_000)]


def test_the_collectability_curve_measures_what_was_recovered_after_each_age():
    """Three items due 31 Jan 2026: X 1,000 paid at 20 days; Y 2,000, 500 paid at 45 days and
    1,500 at 100 days; Z 1,000 never paid; and a GBP item kept apart."""
    due = D(2026, 1, 31)
    items = pl.DataFrame(
        [
            (1, "EUR", due, due, 100_000),
            (2, "EUR", due, due, 200_000),
            (3, "EUR", due, due, 100_000),
            (4, "GBP", due, due, 5_000),
        ],
        schema=ITEMS,
        orient="row",
    )
    payments = pl.DataFrame(
        [(1, D(2026, 2, 20), 100_000), (2, D(2026, 3, 17), 50_000), (2, D(2026, 5, 11), 150_000)],
        schema=PAYMENTS,
        orient="row",
    )
    curve = collectability(
        items, payments, D(2026, 12, 31), ages=(0, 30, 60), horizons=(30, 90, 180)
    )
    got = {
        (r["currency"], r["age"], r["horizon"]): (r["open_minor"], r["recovered_minor"])
        for r in curve.iter_rows(named=True)
    }
    # age 0: all three open (4,000); by day 30 X (1,000) = 25%; by 90 + Y's 500 = 37.5%;
    # by 180 + Y's 1,500 = 75%
    assert [got["EUR", 0, h] for h in (30, 90, 180)] == [
        (400_000, 100_000),
        (400_000, 150_000),
        (400_000, 300_000),
    ]
    # age 30: Y and Z open (3,000); by 60 Y's 500 (16.7%); by 120 and 210 all of Y (66.7%)
    assert [got["EUR", 30, h] for h in (30, 90, 180)] == [
        (300_000, 50_000),
        (300_000, 200_000),
        (300_000, 200_000),
    ]
    # age 60: Y's 1,500 and Z (2,500); by 90 nothing; by 150 Y's 1,500 (60%)
    assert [got["EUR", 60, h] for h in (30, 90)] == [(250_000, 0), (250_000, 150_000)]
    assert got["GBP", 0, 30] == (5_000, 0)


def test_the_collectability_curve_per_segment_splits_the_whole_by_the_debtors_segment():
    """The ledger of the test above, segmented: X (1,000, paid at 20 days) is a low-risk
    debtor's, Y (2,000: 500 at 45 days, 1,500 at 100) and Z (1,000, never) a high-risk one's;
    the GBP item has no segment."""
    due = D(2026, 1, 31)
    items = pl.DataFrame(
        [
            (1, "EUR", due, due, 100_000, "low"),
            (2, "EUR", due, due, 200_000, "high"),
            (3, "EUR", due, due, 100_000, "high"),
            (4, "GBP", due, due, 5_000, None),
        ],
        schema={**ITEMS, "risk": pl.String},
        orient="row",
    )
    payments = pl.DataFrame(
        [(1, D(2026, 2, 20), 100_000), (2, D(2026, 3, 17), 50_000), (2, D(2026, 5, 11), 150_000)],
        schema=PAYMENTS,
        orient="row",
    )
    curve = collectability_by_segment(
        items, payments, D(2026, 12, 31), segment="risk", ages=(0, 30), horizons=(30, 90, 180)
    )
    got = {
        (r["currency"], r["segment"], r["age"], r["horizon"]): (
            r["items"],
            r["open_minor"],
            r["recovered_minor"],
        )
        for r in curve.iter_rows(named=True)
    }
    # low at age 0: X's 1,000 open, all of it paid by day 20: 100 % within 30, 90 and 180;
    # X is paid before day 30, so low has no line at age 30
    assert [got["EUR", "low", 0, h] for h in (30, 90, 180)] == [(1, 100_000, 100_000)] * 3
    assert ("EUR", "low", 30, 30) not in got
    # high at age 0: Y + Z 3,000; nothing by day 30; Y's 500 by 90 (16.7 %); all Y's 2,000
    # by 180 (66.7 %). At age 30 the same 3,000 open: 500 by day 60; 2,000 by 120 and 210
    assert [got["EUR", "high", 0, h] for h in (30, 90, 180)] == [
        (2, 300_000, 0),
        (2, 300_000, 50_000),
        (2, 300_000, 200_000),
    ]
    assert [got["EUR", "high", 30, h] for h in (30, 90, 180)] == [
        (2, 300_000, 50_000),
        (2, 300_000, 200_000),
        (2, 300_000, 200_000),
    ]
    # the whole is the sum of its segments: at age 0, 4,000 open; 1,000 / 1,500 / 3,000
    assert [got["EUR", "all", 0, h] for h in (30, 90, 180)] == [
        (3, 400_000, 100_000),
        (3, 400_000, 150_000),
        (3, 400_000, 300_000),
    ]
    # an item without a segment is counted under "none", and currencies stay apart
    assert got["GBP", "none", 0, 30] == got["GBP", "all", 0, 30] == (1, 5_000, 0)
    # per currency the whole comes first, then the segments alphabetically
    eur = curve.filter(pl.col("currency") == "EUR")["segment"].unique(maintain_order=True)
    assert eur.to_list() == ["all", "high", "low"]


def test_the_collectability_curve_never_reads_a_window_past_the_as_of_date():
    due = D(2026, 1, 31)
    items = pl.DataFrame([(1, "EUR", due, due, 100_000)], schema=ITEMS, orient="row")
    payments = pl.DataFrame([(1, D(2026, 7, 1), 100_000)], schema=PAYMENTS, orient="row")
    # on 1 May (day 90) the 90-day window from day 0 is complete, the 180-day one is not
    curve = collectability(items, payments, D(2026, 5, 1), ages=(0,), horizons=(90, 180))
    assert curve.select("horizon", "recovered_minor").rows() == [(90, 0)]


def test_what_the_erp_cleared_beyond_the_payments_is_settled_on_the_day_it_was_learned():
    # A: 1,000 less 400 allocated, and the ERP says 100 is open: 500 cleared otherwise;
    # B: 2,000 with nothing allocated, all still open: nothing; E: 500 allocated, 0 open:
    # nothing; C: more open than its payments explain (1,000 allocated, 2,500 open): nothing.
    items = ITEMS_FRAME.with_columns(
        open_minor=pl.Series([10_000, 200_000, 250_000, 150_000, 0, 10_000])
    )
    cleared = cleared_without_payment(items, PAYMENTS_FRAME, D(2026, 12, 1))
    assert cleared.rows() == [(1, D(2026, 12, 1), 50_000)]


def test_a_commitments_payments_settle_its_earliest_parts_first():
    # p1 promises 100 on 1 Dec, 15 Dec and 1 Jan, and 150 was paid: the first part is
    # settled, 50 of the second is left, the third is whole; i2 (an instalment) is unpaid.
    parts = pl.DataFrame(
        {
            "commitment_id": ["p1", "p1", "p1", "i2"],
            "currency": ["EUR"] * 4,
            "due_on": [D(2026, 12, 1), D(2026, 12, 15), D(2027, 1, 1), D(2026, 12, 20)],
            "amount_minor": [100, 100, 100, 50],
        }
    )
    paid = pl.DataFrame({"commitment_id": ["p1"], "paid_minor": [150]})
    left = outstanding_parts(parts, paid).sort("due_on").rows()
    assert left == [
        (D(2026, 12, 15), "EUR", 50),
        (D(2026, 12, 20), "EUR", 50),
        (D(2027, 1, 1), "EUR", 100),
    ]


def test_collector_figures_count_each_persons_work_promises_and_cash_in_the_period():
    actions = pl.DataFrame(
        [
            ("cora", 1, "phone", D(2026, 11, 3)),
            ("cora", 1, "email", D(2026, 11, 4)),  # the same case: worked once
            ("cora", 2, "phone", D(2026, 11, 5)),
            ("olaf", 3, "phone", D(2026, 10, 1)),  # before the period
        ],
        schema=ACTIONS,
        orient="row",
    )
    promises = pl.DataFrame(
        [
            ("cora", "EUR", D(2026, 11, 1), "kept", D(2026, 11, 10), 100, 100),
            ("cora", "EUR", D(2026, 10, 20), "broken", D(2026, 11, 2), 200, 0),  # taken before
            ("olaf", "USD", D(2026, 11, 2), "open", None, 300, 0),
        ],
        schema=PROMISES,
        orient="row",
    )
    cash = pl.DataFrame(
        [
            ("cora", "EUR", D(2026, 11, 10), 100),
            ("olaf", "EUR", D(2026, 11, 11), 50),
            ("olaf", "USD", D(2026, 12, 1), 7),  # after the period
        ],
        schema=CASH,
        orient="row",
    )
    got = collector_figures(actions, promises, cash, D(2026, 11, 1), D(2026, 11, 30)).rows()
    # person, currency, cases worked, calls, taken, resolved, kept, cash
    assert got == [
        ("cora", "EUR", 2, 2, 1, 2, 1, 100),
        ("olaf", "EUR", 0, 0, 0, 0, 0, 50),
        ("olaf", "USD", 0, 0, 1, 0, 0, 0),
    ]


def test_a_credit_lowers_the_ar_and_the_sales_and_is_never_counted_as_collected():
    # B (EUR 2,000) credited in full on 15 Nov: AR at the end 6,100 - 2,000 = 4,100; credit
    # sales 4,500 - 2,000 = 2,500; collected (3,500 + 2,500 - 4,100) = 1,900, the payments alone
    credits = pl.DataFrame([(2, D(2026, 11, 15), 200_000)], schema=CREDITS, orient="row")
    eur = {
        f.currency: f
        for f in period_figures(
            ITEMS_FRAME, PAYMENTS_FRAME, D(2026, 11, 1), D(2026, 11, 30), credits=credits
        )
    }["EUR"]
    assert (eur.ar_end_minor, eur.sales_minor, eur.current_end_minor) == (
        410_000,
        250_000,
        350_000,
    )
    assert eur.ar_start_minor + eur.sales_minor - eur.ar_end_minor == 190_000
    assert shown(eur.cei) == "76.0"  # 1,900 / (3,500 + 2,500 - 3,500)


def test_a_credit_is_no_recovery_on_the_collectability_curve():
    items = pl.DataFrame(
        [(9, "EUR", D(2026, 1, 1), D(2026, 1, 31), 100_000)], schema=ITEMS, orient="row"
    )
    credits = pl.DataFrame([(9, D(2026, 2, 10), 100_000)], schema=CREDITS, orient="row")
    none = pl.DataFrame(schema=PAYMENTS)
    got = collectability(items, none, D(2026, 12, 31), ages=(0,), horizons=(30,), credits=credits)
    assert got.select("open_minor", "recovered_minor").row(0) == (100_000, 0)
    paid = pl.DataFrame([(9, D(2026, 2, 10), 100_000)], schema=PAYMENTS, orient="row")
    got = collectability(items, paid, D(2026, 12, 31), ages=(0,), horizons=(30,))
    assert got.select("open_minor", "recovered_minor").row(0) == (100_000, 100_000)


def test_the_daily_snapshot_sums_and_counts_per_currency_bucket_and_owner():
    """On 30 Nov, owners 7 (cora) and 8 (olaf), one unowned debtor (None):
    - cora EUR: due 20 Dec 300 (current), due 30 Nov 200 (current: 0 days past due), due
      15 Nov 100 (15 days: 1-30), due 1 Jul 50 (152 days: 90+), paid off 0 (left out);
    - olaf EUR: due 10 Oct 400 (51 days: 31-60); olaf GBP: due 31 Aug 70 (91 days: 90+);
    - unowned EUR: due 1 Sep 60 (90 days: 61-90) and due 31 Aug 5 (91 days: 90+)."""
    items = pl.DataFrame(
        [
            (7, "EUR", D(2026, 12, 20), 300),
            (7, "EUR", D(2026, 11, 30), 200),
            (7, "EUR", D(2026, 11, 15), 100),
            (7, "EUR", D(2026, 7, 1), 50),
            (7, "EUR", D(2026, 7, 1), 0),
            (8, "EUR", D(2026, 10, 10), 400),
            (8, "GBP", D(2026, 8, 31), 70),
            (None, "EUR", D(2026, 9, 1), 60),
            (None, "EUR", D(2026, 8, 31), 5),
        ],
        schema=OPEN_ITEMS,
        orient="row",
    )
    rows = snapshot_rows(items, D(2026, 11, 30))
    assert rows.schema == pl.Schema(SNAPSHOT)
    # one order (currency, bucket by age, owner, unowned last): the same items, the same rows
    assert rows.rows() == [
        ("EUR", "current", 7, 500, 2),
        ("EUR", "1-30", 7, 100, 1),
        ("EUR", "31-60", 8, 400, 1),
        ("EUR", "61-90", None, 60, 1),
        ("EUR", "90+", 7, 50, 1),
        ("EUR", "90+", None, 5, 1),
        ("GBP", "90+", 8, 70, 1),
    ]
    assert snapshot_rows(items.reverse(), D(2026, 11, 30)).equals(rows)


def test_a_snapshot_of_no_open_items_is_no_rows():
    empty = pl.DataFrame(schema=OPEN_ITEMS)
    assert snapshot_rows(empty, D(2026, 11, 30)).height == 0


# The columnar curve against the cross join it replaced (`bench.reference_kpi`), on ledgers
# drawn at random: items due around a year, paid, part-paid, credited, in two currencies and
# three segments, read as of a day that cuts some windows short.
_DUE = st.dates(D(2025, 1, 1), D(2025, 12, 31))
_ITEM = st.tuples(
    st.sampled_from(["EUR", "GBP"]),
    _DUE,
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(["low", "high", None]),
)
_LOWERED = st.tuples(
    st.integers(min_value=0, max_value=11),  # which item
    st.integers(min_value=-40, max_value=500),  # days after its due date
    st.integers(min_value=1, max_value=6_000),
)


def _random_ledger(rows, paid, credited):
    items = pl.DataFrame(
        [
            (n, cur, due - timedelta(days=30), due, amount, seg)
            for n, (cur, due, amount, seg) in enumerate(rows)
        ],
        schema={**ITEMS, "segment": pl.String},
        orient="row",
    )
    due = dict(enumerate(r[1] for r in rows))

    def dated(picks, schema):
        return pl.DataFrame(
            [(i, due[i] + timedelta(days=d), a) for i, d, a in picks if i in due],
            schema=schema,
            orient="row",
        )

    return items, dated(paid, PAYMENTS), dated(credited, CREDITS)


@settings(max_examples=60)
@given(
    st.lists(_ITEM, min_size=0, max_size=12),
    st.lists(_LOWERED, max_size=20),
    st.lists(_LOWERED, max_size=4),
    st.dates(D(2025, 6, 1), D(2027, 1, 1)),
)
def test_the_columnar_curve_has_the_figures_of_the_cross_join_it_replaced(
    rows, paid, credited, as_of
):
    from bench.reference_kpi import (
        collectability_by_segment_cross_join,
        collectability_cross_join,
    )

    items, payments, credits = _random_ledger(rows, paid, credited)
    ages, horizons = (0, 30, 90, 365), (30, 180)
    for by in ((), ("segment",)):
        got = collectability(items, payments, as_of, ages, horizons, by=by, credits=credits)
        want = collectability_cross_join(
            items, payments, as_of, ages, horizons, by=by, credits=credits
        )
        assert got.equals(want), (got, want)
    got = collectability_by_segment(items, payments, as_of, ages=ages, horizons=horizons)
    want = collectability_by_segment_cross_join(
        items, payments, as_of, ages=ages, horizons=horizons
    )
    assert got.equals(want), (got, want)


def _kept(days, items=ITEMS_FRAME, payments=PAYMENTS_FRAME, credits=None):
    """The daily snapshots' ageing and totals on `days`, as the run keeps them from a ledger
    complete on each of those days."""
    return (
        {d: day_ageing(items, payments, d, credits) for d in days},
        {d: totals_on(items, d, credits) for d in days},
    )


def test_november_read_from_the_snapshots_is_november_worked_by_hand():
    # totals: billed by 30 Sep A + E = 1,500; by 31 Oct + B = 3,500; by 30 Nov + C + D = 8,000
    ageing, totals = _kept([D(2026, 9, 30), D(2026, 10, 31), D(2026, 11, 30)])
    assert totals[D(2026, 11, 30)].rows() == [("EUR", 800_000, 0), ("GBP", 10_000, 0)]
    got = {
        f.currency: f
        for f in period_figures_from_snapshots(ageing, totals, D(2026, 11, 1), D(2026, 11, 30))
    }
    eur = got["EUR"]
    # sales 8,000 - 3,500 = 4,500; AR 3,500 -> 6,100, current 3,500: as the ledger's figures
    assert (eur.ar_start_minor, eur.sales_minor, eur.ar_end_minor, eur.current_end_minor) == (
        350_000,
        450_000,
        610_000,
        350_000,
    )
    assert (shown(eur.dso), shown(eur.bpdso), shown(eur.add), shown(eur.cei)) == (
        "40.7",
        "23.3",
        "17.3",
        "42.2",
    )
    # countback: 6,100 - 4,500 = 1,600 after 30 days; October's sales 3,500 - 1,500 = 2,000:
    # 1,600 / 2,000 x 31 = 24.8 -> 54.8
    assert eur.countback_dso == Decimal("54.8")
    assert got == november()


def test_a_figure_needing_a_day_without_a_snapshot_says_so():
    ageing, totals = _kept([D(2026, 10, 31), D(2026, 11, 30)])  # no 30 Sep: countback needs it
    with pytest.raises(NotKept):
        period_figures_from_snapshots(ageing, totals, D(2026, 11, 1), D(2026, 11, 30))
    with pytest.raises(NotKept):  # nor the day before the period
        period_figures_from_snapshots(ageing, totals, D(2026, 11, 2), D(2026, 11, 30))


def test_roll_and_cure_from_the_kept_rows_are_the_ledgers():
    rows = roll_rows(ITEMS_FRAME, PAYMENTS_FRAME, D(2026, 10, 31), D(2026, 11, 30))
    # B current -> 1-30 (2,000 -> 2,000); A 1-30 -> 31-60 (1,000 -> 600); E 61-90 -> paid
    assert rows.rows() == [
        ("EUR", 0, 1, 200_000, 200_000, 1),
        ("EUR", 1, 2, 100_000, 60_000, 1),
        ("EUR", 3, None, 50_000, 0, 1),
    ]
    assert roll_and_cure_from(rows).equals(
        roll_and_cure(ITEMS_FRAME, PAYMENTS_FRAME, D(2026, 10, 31), D(2026, 11, 30))
    )


@settings(max_examples=40)
@given(
    st.lists(_ITEM, min_size=1, max_size=10),
    st.lists(_LOWERED, max_size=12),
    st.lists(_LOWERED, max_size=3),
    st.dates(D(2025, 2, 1), D(2026, 6, 30)),
    st.integers(min_value=0, max_value=70),
)
def test_the_figures_read_from_the_snapshots_are_the_ledgers_on_the_same_days(
    rows, paid, credited, end, length
):
    """Snapshots kept of a ledger (on the day before the period, its last day and every month
    end back to the first sale) give the figures the ledger gives: DSO, BPDSO, ADD, countback
    DSO and CEI; and the roll rows kept on the last day the ledger's roll and cure rates."""
    rows = [(c, due, max(amount, 1), seg) for c, due, amount, seg in rows]
    items, payments, credits = _random_ledger(rows, paid, credited)
    start = end - timedelta(days=length)
    days = {start - timedelta(days=1), end}
    month_end = end.replace(day=1) - timedelta(days=1)
    while month_end >= D(2024, 11, 30):
        days.add(month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    ageing, totals = _kept(sorted(days), items, payments, credits)
    got = period_figures_from_snapshots(ageing, totals, start, end)
    assert got == period_figures(items, payments, start, end, credits)
    first = start - timedelta(days=1)
    kept = roll_rows(items, payments, first, end, credits=credits)
    assert roll_and_cure_from(kept).equals(
        roll_and_cure(items, payments, first, end, credits=credits)
    )
