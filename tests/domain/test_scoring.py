"""The worklist's score: the formula as documented, its figures, and the batch version in
agreement with the one-action twin on any ledger and any partition of debtors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.fx import conversion_factor
from arrears.domain.refusal import Refusal
from arrears.domain.scoring import (
    BUCKET_CODES,
    REASON_COLUMNS,
    CaseItem,
    Reasons,
    ScoreRule,
    bucket_of,
    case_figures,
    in_priority_order,
    score_action,
    score_actions,
    score_actions_on,
)

ON = date(2026, 11, 25)
FACTORS = {
    "EUR": conversion_factor("EUR", "EUR", Decimal(1)),
    "USD": conversion_factor("USD", "EUR", Decimal("0.923456")),
    "JPY": conversion_factor("JPY", "EUR", Decimal("0.006123")),
}
EUR = FACTORS["EUR"]


def _ago(days: int) -> date:
    return ON - timedelta(days=days)


def test_the_docstrings_worked_example_scores_as_written():
    x = score_action(
        [CaseItem(_ago(45), 1_200_000, broken_promises=1)], due_on=_ago(3), on=ON, factor=EUR
    )
    y = score_action([CaseItem(_ago(10), 500_000)], due_on=ON, on=ON, factor=EUR)
    assert (x.expected_minor, x.score) == (400_000, 571_428)
    assert (y.expected_minor, y.score) == (450_000, 450_000)


def test_a_line_carries_the_figures_that_placed_it():
    items = [
        CaseItem(_ago(45), 700_00, broken_promises=2),
        CaseItem(_ago(12), 300_00, broken_promises=1),
        CaseItem(_ago(-5), 900_00),  # not yet due: not overdue
    ]
    r = score_action(items, due_on=_ago(4), on=ON, factor=EUR)
    assert r == Reasons(
        overdue_minor=1000_00,
        overdue_company_minor=1000_00,
        days_overdue=45,
        broken_promises=2,
        days_late=4,
        expected_minor=1000_00 * 90 // (135 * 3),
        score=1000_00 * 90 * 11 // (135 * 3 * 7),
        bucket="31-60",
    )


def test_older_debts_and_broken_promises_lower_the_expected_recovery():
    fresh = score_action([CaseItem(_ago(5), 1000_00)], due_on=ON, on=ON, factor=EUR)
    old = score_action([CaseItem(_ago(200), 1000_00)], due_on=ON, on=ON, factor=EUR)
    broken = score_action(
        [CaseItem(_ago(5), 1000_00, broken_promises=2)], due_on=ON, on=ON, factor=EUR
    )
    assert fresh.expected_minor > old.expected_minor
    assert fresh.expected_minor > broken.expected_minor


def test_each_week_an_action_waits_counts_its_expected_recovery_once_more():
    items = [CaseItem(_ago(10), 1000_00)]  # 90 / (90 + 10): no rounding
    today = score_action(items, due_on=ON, on=ON, factor=EUR)
    a_week = score_action(items, due_on=_ago(7), on=ON, factor=EUR)
    assert a_week.score == 2 * today.score == 2 * today.expected_minor


def test_disputed_and_planned_parts_do_not_count_as_overdue():
    r = score_action(
        [CaseItem(_ago(20), 1000_00, excluded_minor=400_00), CaseItem(_ago(90), 50_00, 50_00)],
        due_on=ON,
        on=ON,
        factor=EUR,
    )
    # the fully excluded item neither adds to the amount nor makes the case older
    assert (r.overdue_minor, r.days_overdue) == (600_00, 20)


def test_a_foreign_currency_case_scores_in_the_company_currency():
    r = score_action([CaseItem(_ago(10), 1000_00)], due_on=ON, on=ON, factor=FACTORS["USD"])
    assert (r.overdue_minor, r.overdue_company_minor) == (1000_00, 923_46)


def test_an_action_on_a_case_with_nothing_overdue_scores_zero_and_is_not_due():
    r = score_action([CaseItem(_ago(-3), 1000_00)], due_on=ON, on=ON, factor=EUR)
    assert (r.overdue_minor, r.score, r.bucket) == (0, 0, "not-due")


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "not-due"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (90, "61-90"), (91, "90+")],
)
def test_buckets_are_the_ageing_bands_at_30_60_and_90_days(days, bucket):
    assert bucket_of(days) == bucket
    assert BUCKET_CODES == ("not-due", "1-30", "31-60", "61-90", "90+")


def test_a_currency_without_a_rate_is_refused_with_its_code():
    actions = pl.DataFrame(
        {"action_id": [1], "debtor_id": [1], "currency": ["CHF"], "due_on": [ON]}
    )
    with pytest.raises(Refusal) as e:
        score_actions(actions, actions.clear(), on=ON, factors=FACTORS)
    assert (e.value.code, e.value.figures) == ("worklist.no_rate", {"currencies": "CHF"})


def test_priority_order_puts_the_highest_score_first_then_the_longest_waiting():
    scored = pl.DataFrame(
        {
            "action_id": [1, 2, 3, 4],
            "score": [10, 30, 30, 30],
            "days_late": [0, 1, 4, 4],
            "overdue_company_minor": [5, 5, 5, 9],
        }
    )
    assert in_priority_order(scored)["action_id"].to_list() == [4, 3, 2, 1]


def test_the_rule_refuses_a_zero_age_factor():
    with pytest.raises(ValueError, match="at least one day"):
        ScoreRule(age_factor_days=0)


# --- the batch version agrees with the one-action twin -----------------------------------

item_st = st.fixed_dictionaries(
    {
        "debtor_id": st.integers(1, 5),
        "currency": st.sampled_from(["EUR", "USD", "JPY"]),
        "due_offset": st.integers(-40, 400),
        "open_minor": st.integers(1, 50_000_000_00),
        "excluded_minor": st.sampled_from([0, 0, 0, 50_00, 10_000_00]),
        "broken_promises": st.sampled_from([0, 0, 0, 1, 2, 3]),
    }
)
action_st = st.fixed_dictionaries(
    {
        "debtor_id": st.integers(1, 6),  # debtor 6 has no items: nothing overdue
        "currency": st.sampled_from(["EUR", "USD", "JPY"]),
        "late": st.integers(-2, 60),
    }
)
rule_st = st.builds(ScoreRule, st.integers(1, 365), st.integers(1, 30))


def _frames(items, actions):
    items_f = pl.DataFrame(
        [
            {
                "debtor_id": i["debtor_id"],
                "currency": i["currency"],
                "due_date": ON - timedelta(days=i["due_offset"]),
                "open_minor": i["open_minor"],
                "excluded_minor": i["excluded_minor"],
                "broken_promises": i["broken_promises"],
            }
            for i in items
        ],
        schema_overrides={"due_date": pl.Date, "broken_promises": pl.Int32},
    )
    actions_f = pl.DataFrame(
        [
            {
                "action_id": n + 1,
                "debtor_id": a["debtor_id"],
                "currency": a["currency"],
                "due_on": ON - timedelta(days=a["late"]),
            }
            for n, a in enumerate(actions)
        ],
        schema_overrides={"due_on": pl.Date},
    )
    return items_f, actions_f


@settings(max_examples=150, deadline=None)
@given(
    st.lists(item_st, min_size=0, max_size=25),
    st.lists(action_st, min_size=1, max_size=12),
    rule_st,
)
def test_batch_scores_agree_with_the_one_action_twin(items, actions, rule):
    items_f, actions_f = _frames(items, actions)
    got = score_actions(actions_f, items_f, on=ON, factors=FACTORS, rule=rule)
    assert got["action_id"].to_list() == actions_f["action_id"].to_list()
    for row in got.iter_rows(named=True):
        case = [
            CaseItem(i["due_date"], i["open_minor"], i["excluded_minor"], i["broken_promises"])
            for i in items_f.iter_rows(named=True)
            if (i["debtor_id"], i["currency"]) == (row["debtor_id"], row["currency"])
        ]
        twin = score_action(
            case, due_on=row["due_on"], on=ON, factor=FACTORS[row["currency"]], rule=rule
        )
        assert Reasons(**{c: row[c] for c in REASON_COLUMNS}) == twin


@settings(max_examples=60, deadline=None)
@given(
    st.lists(item_st, min_size=1, max_size=25),
    st.lists(action_st, min_size=1, max_size=12),
    st.sets(st.integers(1, 6)),
)
def test_scoring_any_partition_of_debtors_gives_the_same_rows(items, actions, part):
    items_f, actions_f = _frames(items, actions)
    whole = score_actions(actions_f, items_f, on=ON, factors=FACTORS)
    inside = pl.col("debtor_id").is_in(sorted(part))
    pieces = pl.concat(
        [
            score_actions(actions_f.filter(m), items_f.filter(m), on=ON, factors=FACTORS)
            for m in (inside, ~inside)
        ]
    )
    assert in_priority_order(pieces).equals(in_priority_order(whole))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(item_st, min_size=0, max_size=25),
    st.lists(action_st, min_size=1, max_size=12),
    st.sets(st.integers(1, 6)),
)
def test_scoring_from_kept_case_figures_gives_the_same_rows(items, actions, more):
    """The worklist keeps the cases' figures for the day (`case_figures`) and scores today's
    actions from them: the rows `score_actions` gives from the items, even when the figures
    kept hold more cases than the actions name, in any order."""
    items_f, actions_f = _frames(items, actions)
    whole = score_actions(actions_f, items_f, on=ON, factors=FACTORS)
    kept = case_figures(items_f, ON)
    kept = kept.sort("debtor_id", "currency", descending=True)
    assert score_actions_on(actions_f, kept, on=ON, factors=FACTORS).equals(whole)
    fewer = actions_f.filter(pl.col("debtor_id").is_in(sorted(more)))
    assert score_actions_on(fewer, kept, on=ON, factors=FACTORS).equals(
        score_actions(fewer, items_f, on=ON, factors=FACTORS)
    )
