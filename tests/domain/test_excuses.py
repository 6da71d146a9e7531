"""§8 Excuses: a prepared answer and follow-up for each; which excuses end in payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from arrears.domain.excuses import (
    CATALOGUE,
    OWN_WORDS,
    Excuse,
    ExcuseError,
    FollowUpAction,
    answer_codes,
    answer_for,
    next_action,
    outcome_stats,
)

MON = date(2025, 3, 3)
HEDGES = ("sorry", "if convenient", "whenever you can", "perhaps", "maybe", "please")


def test_every_excuse_has_a_firm_concise_answer():
    assert set(CATALOGUE) == set(Excuse)
    assert len(CATALOGUE) >= 10  # the seven of DOMAIN.md §8 and more
    for answer in CATALOGUE.values():
        text = answer.answer.lower()
        assert not any(h in text for h in HEDGES), answer.excuse
        assert len(answer.answer) <= 200, answer.excuse
        assert answer.next_in_business_days >= 1


def test_invoice_not_received_sends_a_copy_now_and_follows_up_in_two_business_days():
    a = answer_for(Excuse.INVOICE_NOT_RECEIVED)
    assert "now" in a.answer and a.now is FollowUpAction.SEND_INVOICE_COPY  # the script's "now"
    assert a.action is FollowUpAction.CALL_BACK  # then: receipt confirmed, paid within 48 hours
    nxt = next_action(Excuse.INVOICE_NOT_RECEIVED, as_of=date(2025, 3, 6))  # a Thursday
    assert nxt.on == date(2025, 3, 10)  # over the weekend


def test_an_answer_that_acts_now_or_today_sets_a_task_for_today():
    for a in CATALOGUE.values():
        promises_now = "sending you a copy now" in a.answer or "send the invoice" in a.answer
        assert (a.now is not None) == promises_now, a.excuse


def test_each_excuse_has_its_prepared_answer_code_and_the_collector_s_own_words():
    codes = [answer_codes(e) for e in Excuse]
    assert len({c for c, _ in codes}) == len(Excuse)
    assert all(own == OWN_WORDS for _, own in codes)


def test_a_goods_problem_opens_a_dispute():
    assert answer_for(Excuse.GOODS_PROBLEM).action is FollowUpAction.OPEN_DISPUTE


def _log(rows, owed=100, answer="prepared"):
    """(case, excuse, logged_on[, owed_minor[, answer]]) rows, in EUR."""

    def row(r):
        c, e, on, *rest = r
        o = rest[0] if rest else owed
        a = rest[1] if len(rest) > 1 else answer
        return (c, e, a, on, o, "EUR")

    return pl.DataFrame(
        [row(r) for r in rows],
        schema={
            "case_id": pl.Int64,
            "excuse": pl.String,
            "answer": pl.String,
            "logged_on": pl.Date,
            "owed_minor": pl.Int64,
            "currency": pl.String,
        },
        orient="row",
    )


def _payments(rows):
    return pl.DataFrame(
        rows,
        schema={"case_id": pl.Int64, "received_on": pl.Date, "amount_minor": pl.Int64},
        orient="row",
    )


def test_outcome_stats_give_the_share_of_cases_paid_within_30_days_per_excuse():
    log = _log(
        [
            (1, "no_money", MON),
            (2, "no_money", MON),
            (3, "no_money", MON),
            (1, "no_money", date(2025, 3, 10)),  # the same case again: counted once
            (4, "invoice_not_received", MON),
            (5, "invoice_not_received", date(2025, 4, 20)),  # window still open on as_of: left out
        ]
    )
    payments = _payments(
        [
            (1, date(2025, 4, 2), 100),  # day 30: within
            (2, date(2025, 4, 3), 100),  # day 31: too late
            (3, date(2025, 3, 1), 100),  # before the excuse
            (4, MON, 500),  # the same day counts
        ]
    )
    got = outcome_stats(log, payments, as_of=date(2025, 5, 1))
    assert got.select("excuse", "cases", "paid", "share_pct").to_dicts() == [
        {"excuse": "invoice_not_received", "cases": 1, "paid": 1, "share_pct": Decimal("100.00")},
        {"excuse": "no_money", "cases": 3, "paid": 1, "share_pct": Decimal("33.33")},
    ]


def test_a_part_payment_is_not_paid_but_counts_in_the_amount_recovered():
    log = _log([(1, "no_money", MON, 1000), (2, "no_money", MON, 300)])
    payments = _payments([(1, date(2025, 3, 10), 400), (2, date(2025, 3, 12), 500)])
    row = outcome_stats(log, payments, as_of=date(2025, 5, 1)).row(0, named=True)
    assert (row["cases"], row["paid"], row["share_pct"]) == (2, 1, Decimal("50.00"))
    # recovered: 400 of 1,000 and 300 of 300 (the 200 beyond what was owed is not this debt's)
    assert (row["owed_minor"], row["recovered_minor"], row["recovered_pct"]) == (
        1300,
        700,
        Decimal("53.85"),
    )


def test_outcomes_are_measured_per_answer():
    log = _log(
        [
            (1, "no_money", MON, 100, "part_payment_and_plan"),
            (2, "no_money", MON, 100, "own_words"),
        ]
    )
    got = outcome_stats(log, _payments([(1, MON, 100)]), as_of=date(2025, 5, 1))
    assert got.select("answer", "paid").rows() == [("own_words", 0), ("part_payment_and_plan", 1)]


def test_the_share_is_rounded_half_up_to_two_decimals():
    log = _log([(i, "no_money", MON, 1) for i in range(3)])
    payments = _payments([(0, MON, 1), (1, MON, 1)])
    got = outcome_stats(log, payments, as_of=date(2025, 6, 1))
    assert got["share_pct"].to_list() == [Decimal("66.67")]


def test_unknown_excuse_codes_and_missing_columns_are_refused():
    with pytest.raises(ExcuseError, match="unknown excuse code"):
        outcome_stats(_log([(1, "dog_ate_it", MON)]), _payments([]), as_of=date(2025, 6, 1))
    with pytest.raises(ExcuseError, match="lacks column"):
        outcome_stats(pl.DataFrame({"case_id": [1]}), _payments([]), as_of=date(2025, 6, 1))


def test_a_log_without_what_was_owed_is_left_out():
    log = _log([(1, "no_money", MON, None), (2, "no_money", MON, 0)])
    assert outcome_stats(log, _payments([(1, MON, 5)]), as_of=date(2025, 6, 1)).is_empty()
