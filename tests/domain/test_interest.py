"""Late interest by regime (rules 9 and 12): worked examples checked by hand arithmetic
written beside each, refusals for a day outside the rate table, and properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.interest import (
    Debt,
    accrue,
    debt_on_open,
    rate_table_from_text,
    regimes_from_text,
    shipped_regimes,
    shipped_tables,
)
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

REGIMES = shipped_regimes()


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def gbp(text: str) -> Money:
    return Money.of(text, "GBP")


def rows(accrual) -> list[tuple[date, date, int, str, str, str]]:
    return [
        (p.first, p.last, p.days, str(p.principal.amount), str(p.rate), str(p.interest.amount))
        for p in accrual.periods
    ]


def test_german_business_interest_follows_the_base_rate_across_its_change_on_1_july():
    # §288(2) BGB: base rate + 9 points. Base rate 3.62 from 1 Jan 2024, 3.37 from 1 Jul 2024.
    # 16 Mar - 30 Jun 2024: 107 days x 10,000 x 12.62% / 365 = 369.956 -> 369.96
    # 1 Jul - 30 Sep 2024:   92 days x 10,000 x 12.37% / 365 = 311.79  -> 311.79
    got = accrue(Debt(eur("10000.00"), date(2024, 3, 15)), REGIMES["de_bgb"], date(2024, 9, 30))
    assert rows(got) == [
        (date(2024, 3, 16), date(2024, 6, 30), 107, "10000.00", "12.62", "369.96"),
        (date(2024, 7, 1), date(2024, 9, 30), 92, "10000.00", "12.37", "311.79"),
    ]
    assert got.interest == eur("681.75")
    assert got.compensation == eur("40.00")


def test_german_consumer_interest_is_five_points_over_the_base_rate():
    # §288(1): 2.27 + 5 = 7.27% for the first half of 2025; 1 Feb - 2 Mar: 30 days on 1,000:
    # 1,000 x 7.27% x 30 / 365 = 5.9753 -> 5.98
    got = accrue(
        Debt(eur("1000.00"), date(2025, 1, 31), consumer=True),
        REGIMES["de_bgb"],
        date(2025, 3, 2),
    )
    assert rows(got) == [(date(2025, 2, 1), date(2025, 3, 2), 30, "1000.00", "7.27", "5.98")]
    assert got.compensation is None  # § 288(5) BGB: the EUR 40 is owed by businesses only


def test_a_partial_payment_stops_interest_on_the_part_paid_from_the_day_after_it():
    # Directive 2011/7/EU: ECB rate on the first day of the half-year + 8 points:
    # 1 Jan 2024: 4.50 -> 12.50%; 1 Jul 2024: 4.25 -> 12.25%. 4,000 paid on 20 June.
    # 1 Jun - 20 Jun: 20 days x 10,000 x 12.50% / 365 = 68.493 -> 68.49 (payment day bears it)
    # 21 Jun - 30 Jun: 10 days x 6,000 x 12.50% / 365 = 20.548 -> 20.55
    # 1 Jul - 31 Aug:  62 days x 6,000 x 12.25% / 365 = 124.849 -> 124.85
    debt = Debt(eur("10000.00"), date(2024, 5, 31), payments=((date(2024, 6, 20), eur("4000")),))
    got = accrue(debt, REGIMES["eu_directive"], date(2024, 8, 31))
    assert rows(got) == [
        (date(2024, 6, 1), date(2024, 6, 20), 20, "10000.00", "12.50", "68.49"),
        (date(2024, 6, 21), date(2024, 6, 30), 10, "6000.00", "12.50", "20.55"),
        (date(2024, 7, 1), date(2024, 8, 31), 62, "6000.00", "12.25", "124.85"),
    ]
    assert got.interest == eur("213.89")
    assert got.principal_owed == eur("6000.00")


def test_where_the_payment_day_bears_no_interest_the_part_paid_stops_on_that_day():
    no_day = regimes_from_text(
        '[x]\nname="x"\nsource="s"\nseries="ecb_mro"\nfixing="half_year"\n'
        'margin_business="8"\npayment_day_bears_interest=false\n'
    )["x"]
    debt = Debt(eur("10000.00"), date(2024, 5, 31), payments=((date(2024, 6, 20), eur("4000")),))
    got = accrue(debt, no_day, date(2024, 6, 30))
    # 1 Jun - 19 Jun: 19 days x 10,000 x 12.5% / 365 = 65.068 -> 65.07
    # 20 Jun - 30 Jun: 11 days x 6,000 x 12.5% / 365 = 22.603 -> 22.60
    assert [p.interest for p in got.periods] == [eur("65.07"), eur("22.60")]


def test_a_uk_debt_keeps_the_rate_fixed_when_due_across_the_half_year():
    # Late Payment Act: Bank Rate on 31 Dec 2022 (3.50) + 8 = 11.50%, fixed for the debt's life
    # though Bank Rate was 5.00 on 30 June 2023. 11 Mar - 30 Sep 2023: 204 days:
    # 5,000 x 11.50% x 204 / 365 = 321.369 -> 321.37; compensation: 1,000 to 9,999.99 -> GBP 70
    got = accrue(
        Debt(gbp("5000.00"), date(2023, 3, 10)), REGIMES["uk_late_payment"], date(2023, 9, 30)
    )
    assert rows(got) == [(date(2023, 3, 11), date(2023, 9, 30), 204, "5000.00", "11.50", "321.37")]
    assert got.compensation == gbp("70.00")


@pytest.mark.parametrize(
    ("amount", "compensation"),
    [("999.99", "40.00"), ("1000.00", "70.00"), ("9999.99", "70.00"), ("10000.00", "100.00")],
)
def test_uk_fixed_compensation_goes_by_the_size_of_the_debt(amount, compensation):
    got = accrue(Debt(gbp(amount), date(2024, 1, 10)), REGIMES["uk_late_payment"], date(2024, 2, 1))
    assert got.compensation == gbp(compensation)


def test_a_dutch_debt_older_than_a_year_adds_the_year_s_interest_to_the_principal():
    # 6:119a BW: ECB + 8 by half-year: 10.50% (H1 2023), 12.00% (H2 2023), 12.50% (H1 2024).
    # Default starts 1 Feb 2023; the year's interest is capitalised on 1 Feb 2024.
    # 1 Feb - 30 Jun 2023: 150 days x 10,000 x 10.50% / 365 = 431.507 -> 431.51
    # 1 Jul - 31 Dec 2023: 184 days x 10,000 x 12.00% / 365 = 604.932 -> 604.93
    # 1 Jan - 31 Jan 2024:  31 days x 10,000 x 12.50% / 365 = 106.164 -> 106.16
    # capitalised: 431.51 + 604.93 + 106.16 = 1,142.60 -> principal 11,142.60
    # 1 Feb - 31 Mar 2024:  60 days x 11,142.60 x 12.50% / 365 = 228.957 -> 228.96
    got = accrue(
        Debt(eur("10000.00"), date(2023, 1, 31)), REGIMES["nl_handelsrente"], date(2024, 3, 31)
    )
    assert rows(got) == [
        (date(2023, 2, 1), date(2023, 6, 30), 150, "10000.00", "10.50", "431.51"),
        (date(2023, 7, 1), date(2023, 12, 31), 184, "10000.00", "12.00", "604.93"),
        (date(2024, 1, 1), date(2024, 1, 31), 31, "10000.00", "12.50", "106.16"),
        (date(2024, 2, 1), date(2024, 3, 31), 60, "11142.60", "12.50", "228.96"),
    ]
    assert got.interest == eur("1371.56")


def test_a_dutch_payment_pays_the_interest_first_then_the_principal():
    # 1 Feb - 2 Mar 2023: 30 days x 10,000 x 10.50% / 365 = 86.301 -> 86.30; 1,000 paid on
    # 2 Mar pays 86.30 of interest and 913.70 of principal: 9,086.30 bears interest after.
    # 3 Mar - 1 Apr: 30 days x 9,086.30 x 10.50% / 365 = 78.416 -> 78.42
    debt = Debt(eur("10000.00"), date(2023, 1, 31), payments=((date(2023, 3, 2), eur("1000")),))
    got = accrue(debt, REGIMES["nl_handelsrente"], date(2023, 4, 1))
    assert rows(got) == [
        (date(2023, 2, 1), date(2023, 3, 2), 30, "10000.00", "10.50", "86.30"),
        (date(2023, 3, 3), date(2023, 4, 1), 30, "9086.30", "10.50", "78.42"),
    ]
    assert got.interest_paid == eur("86.30")
    assert got.interest_owed == eur("78.42")
    assert got.principal_owed == eur("9086.30")


def test_french_penalties_are_ten_points_over_the_ecb_rate_of_1_july():
    # L441-10: ECB rate on 1 July 2025 (2.15) + 10 = 12.15%; 1 Aug - 30 Aug: 30 days on 2,000:
    # 2,000 x 12.15% x 30 / 365 = 19.972 -> 19.97
    got = accrue(Debt(eur("2000.00"), date(2025, 7, 31)), REGIMES["fr_commerce"], date(2025, 8, 30))
    assert rows(got) == [(date(2025, 8, 1), date(2025, 8, 30), 30, "2000.00", "12.15", "19.97")]


def test_chinese_interest_without_an_agreed_rate_is_the_lpr_with_the_courts_markup():
    # one-year LPR 3.10 (from 21 Oct 2024) x 1.5 = 4.65%; 1 Jan - 30 Jan 2025, 30 days on
    # CNY 100,000: 100,000 x 4.65% x 30 / 365 = 382.191 -> 382.19; no fixed compensation
    got = accrue(
        Debt(Money.of("100000.00", "CNY"), date(2024, 12, 31)), REGIMES["cn_lpr"], date(2025, 1, 30)
    )
    assert [(str(p.rate), str(p.interest.amount)) for p in got.periods] == [("4.650", "382.19")]
    assert got.compensation is None


def test_a_contractual_rate_needs_the_contract_s_rate():
    debt = Debt(eur("1200.00"), date(2025, 1, 31), contract_rate=Decimal("12"))
    # 12% a year (1% a month): 1 Feb - 2 Mar, 30 days: 1,200 x 12% x 30 / 365 = 11.835 -> 11.84
    assert accrue(debt, REGIMES["contract"], date(2025, 3, 2)).interest == eur("11.84")
    with pytest.raises(Refusal) as refused:
        accrue(Debt(eur("1200.00"), date(2025, 1, 31)), REGIMES["contract"], date(2025, 3, 2))
    assert refused.value.code == "interest.no_contract_rate"


def test_a_day_beyond_the_rate_table_is_refused_by_name_never_a_silent_zero():
    table = shipped_tables()["de_base_rate"]
    with pytest.raises(Refusal) as refused:
        accrue(
            Debt(eur("100.00"), date(2025, 11, 30)),
            REGIMES["de_bgb"],
            table.covers_until + timedelta(days=1),
        )
    assert refused.value.code == "interest.no_rate"
    assert refused.value.figures["series"] == "de_base_rate"
    assert refused.value.figures["covers_until"] == table.covers_until


def test_a_newer_rate_table_is_read_from_text_without_a_code_change():
    newer = rate_table_from_text(
        "# series: de_base_rate\n# source: Bundesbank\n# covers_until: 2026-06-30\n"
        "effective_from,rate_percent\n2025-07-01,1.27\n2026-01-01,1.50\n"
    )
    got = accrue(
        Debt(eur("10000.00"), date(2025, 12, 31)),
        REGIMES["de_bgb"],
        date(2026, 1, 30),
        {"de_base_rate": newer},
    )
    # 1 Jan - 30 Jan 2026: 30 days x 10,000 x 10.50% / 365 = 86.301 -> 86.30
    assert rows(got) == [(date(2026, 1, 1), date(2026, 1, 30), 30, "10000.00", "10.50", "86.30")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "# series: x\n# source: s\n# covers_until: 2025-01-01\nday,rate\n",
            "interest.table_header",
        ),
        (
            "# series: x\n# source: s\n# covers_until: 2025-01-01\neffective_from,rate_percent\n2024-13-01,1\n",
            "interest.table_line",
        ),
        (
            "# series: x\n# source: s\n# covers_until: 2025-01-01\neffective_from,rate_percent\n2024-01-01,1e3\n",
            "interest.table_line",
        ),
        (
            "# series: x\n# source: s\n# covers_until: 2025-01-01\neffective_from,rate_percent\n2024-02-01,1\n2024-01-01,2\n",
            "interest.table_order",
        ),
        (
            "# series: x\n# covers_until: 2025-01-01\neffective_from,rate_percent\n2024-01-01,1\n",
            "interest.table_meta",
        ),
        (
            "# series: x\n# source: s\n# covers_until: 2025-01-01\neffective_from,rate_percent\n",
            "interest.table_empty",
        ),
    ],
)
def test_a_bad_rate_table_is_refused_naming_what_is_wrong(text, code):
    with pytest.raises(Refusal) as refused:
        rate_table_from_text(text)
    assert refused.value.code == code


def test_every_shipped_regime_names_its_legal_source_and_its_table_exists():
    tables = shipped_tables()
    for regime in REGIMES.values():
        assert regime.source
        assert regime.series is None or regime.series in tables
    assert all(t.source and t.changes for t in tables.values())


def test_a_regime_without_a_consumer_margin_refuses_a_consumer_debt():
    with pytest.raises(Refusal) as refused:
        accrue(
            Debt(eur("100.00"), date(2024, 1, 31), consumer=True),
            REGIMES["eu_directive"],
            date(2024, 3, 1),
        )
    assert refused.value.code == "interest.not_for_debtor"


# --- properties -----------------------------------------------------------------------------

days = st.integers(0, 600)
amounts = st.integers(1, 10**9)  # minor units


@given(
    amounts,
    st.dates(date(2023, 1, 1), date(2024, 6, 30)),
    days,
    days,
    st.sampled_from(
        ["de_bgb", "eu_directive", "uk_late_payment", "nl_handelsrente", "fr_commerce"]
    ),
)
def test_interest_only_grows_with_time_and_its_periods_add_up(minor, due, a, b, code):
    debt = Debt(Money.from_minor(minor, "EUR"), due)
    end = date(2025, 6, 30)
    early = accrue(debt, REGIMES[code], min(end, due + timedelta(days=min(a, b))))
    late = accrue(debt, REGIMES[code], min(end, due + timedelta(days=max(a, b))))
    assert Money.from_minor(0, "EUR") <= early.interest <= late.interest
    assert sum(p.days for p in late.periods) == max(0, (late.as_of - due).days)
    assert sum((p.interest for p in late.periods), Money.from_minor(0, "EUR")) == late.interest


@given(
    amounts,
    st.dates(date(2023, 1, 1), date(2024, 6, 30)),
    days,
    st.integers(0, 10**9),
    st.sampled_from(["de_bgb", "eu_directive", "nl_handelsrente"]),
)
def test_a_payment_never_raises_the_interest_and_paying_on_the_due_date_leaves_none(
    minor, due, paid_after, paid_minor, code
):
    amount = Money.from_minor(minor, "EUR")
    as_of = date(2025, 6, 30)
    paid = Money.from_minor(min(paid_minor, minor), "EUR")
    without = accrue(Debt(amount, due), REGIMES[code], as_of)
    with_payment = accrue(
        Debt(amount, due, payments=((due + timedelta(days=paid_after), paid),)),
        REGIMES[code],
        as_of,
    )
    # each period is rounded on its own: a payment that splits a period may add one minor unit
    # of rounding for the extra period, never more
    extra = len(with_payment.periods) - len(without.periods)
    assert with_payment.interest <= without.interest + Money.from_minor(max(0, extra), "EUR")
    on_time = accrue(Debt(amount, due, payments=((due, amount),)), REGIMES[code], as_of)
    assert on_time.interest == Money.from_minor(0, "EUR") and on_time.periods == ()


def test_a_credit_note_stops_interest_on_the_part_it_cleared_from_the_day_it_was_known():
    # EUR 10,000 due 15 Mar 2024, EUR 100 open, no payment: a credit note cleared 9,900, which
    # arrears learned of when the items file of 1 Jul 2024 was imported (§288(2) BGB, + 9):
    # 16 Mar - 30 Jun: 107 days x 10,000 x 12.62% / 365 = 369.956 -> 369.96
    # 1 Jul (the import day bears interest, as a payment day does): 1 day x 10,000 x 12.37%
    #   / 365 = 3.389 -> 3.39
    # 2 Jul - 30 Sep: 91 days x 100 x 12.37% / 365 = 3.084 -> 3.08
    debt = debt_on_open(eur("10000.00"), eur("100.00"), date(2024, 3, 15), (), date(2024, 7, 1))
    got = accrue(debt, REGIMES["de_bgb"], date(2024, 9, 30))
    assert rows(got)[1:] == [
        (date(2024, 7, 1), date(2024, 7, 1), 1, "10000.00", "12.37", "3.39"),
        (date(2024, 7, 2), date(2024, 9, 30), 91, "100.00", "12.37", "3.08"),
    ]
    assert got.interest == eur("376.43")  # not 681.75, the interest on the full amount


@given(
    reduced=st.integers(min_value=0, max_value=1_000_000),
    paid=st.integers(min_value=0, max_value=1_000_000),
    known=st.integers(min_value=-30, max_value=400),
)
def test_interest_on_a_reduced_item_lies_between_that_on_its_open_amount_and_its_full_amount(
    reduced, paid, known
):
    due, as_of = date(2024, 3, 15), date(2025, 3, 15)
    open_ = 100_000
    amount = Money.from_minor(open_ + reduced + paid, "EUR")
    payments = ((date(2024, 8, 1), Money.from_minor(paid, "EUR")),)
    known_on = due + timedelta(days=known)
    regime = REGIMES["de_bgb"]
    got = accrue(
        debt_on_open(amount, Money.from_minor(open_, "EUR"), due, payments, known_on),
        regime,
        as_of,
    ).interest
    full = accrue(Debt(amount, due, payments), regime, as_of).interest
    only_open = accrue(
        Debt(Money.from_minor(open_ + paid, "EUR"), due, payments), regime, as_of
    ).interest
    # (each rounds per period: a cent per period either way)
    slack = Money.from_minor(len(accrue(Debt(amount, due), regime, as_of).periods) + 2, "EUR")
    assert only_open - slack <= got <= full + slack


def test_french_penalties_across_1_january_take_each_half_year_s_ecb_rate():
    # L441-10: the ECB rate in force on 1 July 2024 (4.25, from 12 June) + 10 = 14.25% for
    # July-December, the one on 1 January 2025 (3.15, from 18 December) + 10 = 13.15% after.
    # 1 - 31 Dec 2024: 31 days x 5,000 x 14.25% / 365 = 60.5137 -> 60.51
    # 1 - 31 Jan 2025: 31 days x 5,000 x 13.15% / 365 = 55.8425 -> 55.84
    got = accrue(
        Debt(eur("5000.00"), date(2024, 11, 30)), REGIMES["fr_commerce"], date(2025, 1, 31)
    )
    assert rows(got) == [
        (date(2024, 12, 1), date(2024, 12, 31), 31, "5000.00", "14.25", "60.51"),
        (date(2025, 1, 1), date(2025, 1, 31), 31, "5000.00", "13.15", "55.84"),
    ]
    assert got.interest == eur("116.35") and got.compensation == eur("40.00")


def test_italian_interest_is_eight_points_over_the_ecb_rate_of_the_half_year_with_a_payment():
    # D.Lgs. 231/2002 art. 5: ECB rate on 1 January 2025 (3.15) + 8 = 11.15%; EUR 12,000 due
    # 31 March, EUR 4,000 paid on 30 April (the payment day bears interest):
    # 1 - 30 Apr: 30 days x 12,000 x 11.15% / 365 = 109.9726 -> 109.97
    # 1 - 30 May: 30 days x  8,000 x 11.15% / 365 =  73.3151 ->  73.32
    debt = Debt(eur("12000.00"), date(2025, 3, 31), ((date(2025, 4, 30), eur("4000.00")),))
    got = accrue(debt, REGIMES["it_dlgs_231"], date(2025, 5, 30))
    assert rows(got) == [
        (date(2025, 4, 1), date(2025, 4, 30), 30, "12000.00", "11.15", "109.97"),
        (date(2025, 5, 1), date(2025, 5, 30), 30, "8000.00", "11.15", "73.32"),
    ]
    assert got.interest == eur("183.29") and got.compensation == eur("40.00")


def test_spanish_interest_moves_to_the_1_july_ecb_rate_for_the_second_half_year():
    # Ley 3/2004 art. 7: ECB rate on 1 January 2025 (3.15) + 8 = 11.15% to 30 June, on
    # 1 July 2025 (2.15) + 8 = 10.15% from then; EUR 3,000 due 15 June 2025:
    # 16 - 30 Jun: 15 days x 3,000 x 11.15% / 365 = 13.7466 -> 13.75
    # 1 - 15 Jul:  15 days x 3,000 x 10.15% / 365 = 12.5137 -> 12.51
    got = accrue(
        Debt(eur("3000.00"), date(2025, 6, 15)), REGIMES["es_ley_3_2004"], date(2025, 7, 15)
    )
    assert rows(got) == [
        (date(2025, 6, 16), date(2025, 6, 30), 15, "3000.00", "11.15", "13.75"),
        (date(2025, 7, 1), date(2025, 7, 15), 15, "3000.00", "10.15", "12.51"),
    ]
    assert got.interest == eur("26.26") and got.compensation == eur("40.00")
