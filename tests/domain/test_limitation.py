"""Limitation periods by jurisdiction (rule 12): worked examples, what restarts a period and
what cannot revive a barred claim; the run's columnar version agrees with the desk's."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.limitation import (
    RULES,
    Interruption,
    expiries,
    expiring,
    expiry,
    may_expire_by,
    review_due,
    rule_for,
    rule_of,
)
from arrears.domain.refusal import Refusal

ACK, PART, DEMAND = Interruption


def test_a_german_claim_expires_three_years_after_the_end_of_the_year_it_fell_due():
    assert expiry(date(2024, 3, 15), RULES["DE"]).expires_on == date(2027, 12, 31)
    assert expiry(date(2024, 12, 31), RULES["DE"]).expires_on == date(2027, 12, 31)


def test_a_german_part_payment_starts_three_full_years_again_from_its_day():
    # § 212 BGB: the period begins anew the day after the payment (not at the year's end)
    got = expiry(date(2024, 3, 15), RULES["DE"], [(date(2027, 6, 1), PART)])
    assert (got.expires_on, got.restarted_on, got.restarted_by) == (
        date(2030, 6, 1),
        date(2027, 6, 1),
        PART,
    )


def test_a_german_demand_letter_does_not_restart_the_period():
    assert expiry(date(2024, 3, 15), RULES["DE"], [(date(2027, 6, 1), DEMAND)]).expires_on == date(
        2027, 12, 31
    )


def test_an_early_acknowledgement_never_shortens_the_period():
    # acknowledged in April 2024: three years from then end before 31 December 2027
    got = expiry(date(2024, 3, 15), RULES["DE"], [(date(2024, 4, 1), ACK)])
    assert (got.expires_on, got.restarted_on) == (date(2027, 12, 31), None)


def test_an_english_claim_lasts_six_years_and_a_late_acknowledgement_cannot_revive_it():
    due = date(2019, 5, 10)
    assert expiry(due, RULES["GB"]).expires_on == date(2025, 5, 10)
    # acknowledged on the last day: six years again; a day later: barred for good (s. 29(7))
    assert expiry(due, RULES["GB"], [(date(2025, 5, 10), ACK)]).expires_on == date(2031, 5, 10)
    late = expiry(due, RULES["GB"], [(date(2025, 5, 11), ACK), (date(2025, 6, 1), PART)])
    assert late.expires_on == date(2025, 5, 10) and late.barred(date(2025, 5, 11))


def test_a_french_claim_against_a_consumer_lasts_two_years_against_a_business_five():
    assert expiry(date(2024, 2, 29), RULES["FR"], consumer=True).expires_on == date(2026, 2, 28)
    assert expiry(date(2024, 2, 29), RULES["FR"]).expires_on == date(2029, 2, 28)


def test_a_dutch_written_demand_interrupts_and_starts_five_years_again():
    got = expiry(date(2020, 1, 31), RULES["NL"], [(date(2024, 11, 1), DEMAND)])
    assert got.expires_on == date(2029, 11, 1) and got.restarted_by is DEMAND


def test_a_chinese_claim_lasts_three_years_and_a_demand_interrupts_it():
    assert expiry(date(2023, 7, 1), RULES["CN"]).expires_on == date(2026, 7, 1)
    assert expiry(date(2023, 7, 1), RULES["CN"], [(date(2026, 6, 30), DEMAND)]).expires_on == date(
        2029, 6, 30
    )


def test_legal_is_asked_to_act_ninety_days_before_a_claim_expires():
    assert review_due(expiry(date(2024, 3, 15), RULES["DE"])) == date(2027, 10, 2)


def test_an_unknown_jurisdiction_is_refused_naming_the_known_ones():
    with pytest.raises(Refusal) as refused:
        rule_for("XX")
    assert refused.value.code == "limitation.no_rule" and "DE" in refused.value.figures["known"]
    with pytest.raises(Refusal):
        expiries(
            pl.DataFrame(
                {"item_id": [1], "due_on": [date(2024, 1, 1)], "rule": ["XX"], "consumer": [False]}
            ),
            pl.DataFrame(schema={"item_id": pl.Int64, "day": pl.Date, "kind": pl.String}),
        )


# --- the run's columnar version agrees with the desk's one-item version ---------------------

event = st.tuples(
    st.dates(date(2018, 1, 1), date(2040, 12, 31)), st.sampled_from(list(Interruption))
)
item = st.tuples(
    st.dates(date(2018, 1, 1), date(2030, 12, 31)),
    st.sampled_from(sorted(RULES)),
    st.booleans(),
    st.lists(event, max_size=6),
)


@given(st.lists(item, min_size=1, max_size=12))
def test_the_columnar_expiries_agree_with_the_one_item_expiry(batch):
    items = pl.DataFrame(
        {
            "item_id": list(range(len(batch))),
            "due_on": [b[0] for b in batch],
            "rule": [b[1] for b in batch],
            "consumer": [b[2] for b in batch],
        }
    )
    events = pl.DataFrame(
        {
            "item_id": [i for i, b in enumerate(batch) for _ in b[3]],
            "day": [e[0] for b in batch for e in b[3]],
            "kind": [str(e[1]) for b in batch for e in b[3]],
        },
        schema={"item_id": pl.Int64, "day": pl.Date, "kind": pl.String},
    )
    got = {
        r["item_id"]: (r["expires_on"], r["restarted_on"])
        for r in expiries(items, events).iter_rows(named=True)
    }
    for i, (due, rule, consumer, evs) in enumerate(batch):
        one = expiry(due, RULES[rule], evs, consumer=consumer)
        assert got[i] == (one.expires_on, one.restarted_on), (due, rule, consumer, evs)


def _frames(batch):
    items = pl.DataFrame(
        {
            "item_id": list(range(len(batch))),
            "due_on": [b[0] for b in batch],
            "rule": [b[1] for b in batch],
            "consumer": [b[2] for b in batch],
        }
    )
    events = pl.DataFrame(
        {
            "item_id": [i for i, b in enumerate(batch) for _ in b[3]],
            "day": [e[0] for b in batch for e in b[3]],
            "kind": [str(e[1]) for b in batch for e in b[3]],
        },
        schema={"item_id": pl.Int64, "day": pl.Date, "kind": pl.String},
    )
    return items, events


@given(
    st.lists(item, min_size=1, max_size=12),
    st.dates(date(2018, 1, 1), date(2042, 12, 31)),
    st.integers(0, 400),
)
def test_the_run_asks_legal_for_exactly_the_claims_the_one_item_review_day_has_reached(
    batch, as_of, lead
):
    # `expiring` (the run, by column, on the items `may_expire_by` kept) against `expiry` and
    # `review_due` item by item: reached its review day and not yet barred
    items, events = _frames(batch)
    got = {
        r["item_id"]: r["expires_on"]
        for r in expiring(items, events, as_of, lead).iter_rows(named=True)
    }
    want = {}
    for i, (due, rule, consumer, evs) in enumerate(batch):
        one = expiry(due, RULES[rule], evs, consumer=consumer)
        if review_due(one, lead) <= as_of and not one.barred(as_of):
            want[i] = one.expires_on
    assert got == want


@given(st.lists(item, min_size=1, max_size=12), st.dates(date(2018, 1, 1), date(2042, 12, 31)))
def test_a_claim_whose_first_expiry_is_after_a_day_never_expires_by_that_day(batch, day):
    # why the run reads interruptions only for `may_expire_by`'s items: whatever happened to
    # the others, their expiry stays after the day
    items, events = _frames(batch)
    kept = set(may_expire_by(items, day)["item_id"].to_list())
    for i, (due, rule, consumer, evs) in enumerate(batch):
        if i not in kept:
            assert expiry(due, RULES[rule], evs, consumer=consumer).expires_on > day


def test_a_company_in_the_uk_or_gb_whatever_its_case_gets_the_english_rule():
    assert rule_of("UK") is RULES["GB"]
    assert rule_of(" gb ") is RULES["GB"]
    assert rule_of("de") is RULES["DE"]
    assert rule_of("IT") is None  # no rule shipped: the run raises no task and says none
