"""§6-7 Payment plans: exact instalments, matching, good standing, default and acceleration."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.matching import Receipt
from arrears.domain.money import Money
from arrears.domain.negotiation import Limit, WalkAway
from arrears.domain.plans import (
    DayCount,
    Instalment,
    InterestTerms,
    PaymentPlan,
    PlanError,
    PlanState,
    approval_request,
    build_plan,
    monthly_dates,
    plan_default,
    plan_exclusions,
    plan_from_parts,
    plan_status,
    validate_plan,
)
from arrears.domain.plans.model import DONT_ADD_UP, TOO_FINE

AGREED = date(2025, 3, 3)  # a Monday


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def simple_plan(**kw) -> PaymentPlan:
    args = dict(
        key="PL1",
        principal=eur("900"),
        agreed_on=AGREED,
        due_dates=monthly_dates(date(2025, 4, 3), 3),
        item_keys=frozenset({"inv-1", "inv-2"}),
    )
    args.update(kw)
    return build_plan(**args)


def test_instalments_split_the_principal_and_the_last_absorbs_the_rounding():
    p = simple_plan(principal=eur("1000"))
    assert [i.principal for i in p.instalments] == [eur("333.33"), eur("333.33"), eur("333.34")]
    assert p.total == eur("1000")


def test_simple_interest_act_365_is_rounded_half_up_and_adds_up_exactly():
    p = simple_plan(
        principal=eur("1000"), down_payment=eur("100"), interest=InterestTerms(Decimal("0.08"))
    )
    # 900 x 8% x 31/365 = 6.115 -> 6.12; running totals 10.058.. -> 10.06, 12.098.. -> 12.10.
    assert [(i.seq, i.due_on, i.amount) for i in p.instalments] == [
        (0, AGREED, eur("100")),
        (1, date(2025, 4, 3), eur("306.12")),
        (2, date(2025, 5, 3), eur("303.94")),
        (3, date(2025, 6, 3), eur("302.04")),
    ]
    assert p.total_interest == eur("12.10")
    assert p.total == eur("1012.10")


def test_act_360_charges_more_for_the_same_days():
    base = simple_plan(interest=InterestTerms(Decimal("0.10")))
    longer = simple_plan(interest=InterestTerms(Decimal("0.10"), DayCount.ACT_360))
    assert base.total_interest < longer.total_interest


@given(
    st.integers(24, 1_000_000),
    st.integers(0, 23),
    st.integers(1, 24),
    st.decimals(Decimal(0), Decimal("0.25"), places=4),
    st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_instalments_always_add_up_to_principal_plus_rounded_interest(
    per_instalment, extra, n, rate, currency
):
    minor = per_instalment * n + extra % n  # at least 24 minor units an instalment
    principal = Money.from_minor(minor, currency)
    p = build_plan(
        key="P",
        principal=principal,
        agreed_on=AGREED,
        due_dates=monthly_dates(date(2025, 3, 31), n),
        interest=InterestTerms(rate),
    )
    principal_sum = sum(i.principal.to_minor() for i in p.instalments)
    assert principal_sum == minor
    assert all(i.interest.to_minor() >= 0 and i.amount.to_minor() > 0 for i in p.instalments)
    assert p.total.to_minor() == minor + p.total_interest.to_minor()


def test_a_plan_whose_instalments_do_not_add_up_is_refused():
    msg = DONT_ADD_UP.format(got=eur("800"), want=eur("900"))
    with pytest.raises(PlanError, match=re.escape(msg)):
        plan_from_parts(
            key="P",
            principal=eur("900"),
            agreed_on=AGREED,
            parts=[(date(2025, 4, 1), eur("400")), (date(2025, 5, 1), eur("400"))],
        )


def test_hand_entered_instalments_that_add_up_make_a_plan():
    p = plan_from_parts(
        key="P",
        principal=eur("900"),
        agreed_on=AGREED,
        parts=[(date(2025, 4, 1), eur("400")), (date(2025, 5, 1), eur("500"))],
    )
    assert p.total == eur("900")


def test_malformed_plans_are_refused():
    with pytest.raises(PlanError, match="not after the one before it"):
        plan_from_parts(
            key="P",
            principal=eur("2"),
            agreed_on=AGREED,
            parts=[(date(2025, 4, 1), eur("1")), (date(2025, 4, 1), eur("1"))],
        )
    with pytest.raises(PlanError, match="before the plan was agreed"):
        plan_from_parts(
            key="P", principal=eur("1"), agreed_on=AGREED, parts=[(date(2025, 3, 1), eur("1"))]
        )
    with pytest.raises(PlanError, match="leaves nothing to pay"):
        simple_plan(down_payment=eur("900"))
    with pytest.raises(PlanError, match=re.escape(TOO_FINE.format(principal=eur("0.02"), n=3))):
        simple_plan(principal=eur("0.02"))
    with pytest.raises(PlanError, match="interest rate must not be negative"):
        InterestTerms(Decimal("-0.01"))
    with pytest.raises(PlanError, match="no interest terms"):
        PaymentPlan("P", AGREED, eur("1"), (Instalment(1, AGREED, eur("1"), eur("0.10")),))
    with pytest.raises(PlanError, match="is in USD, the plan in EUR"):
        PaymentPlan("P", AGREED, eur("1"), (Instalment(1, AGREED, Money.of("1", "USD"), eur("0")),))


def test_a_plan_in_the_past_or_above_the_balance_is_refused():
    p = simple_plan()
    with pytest.raises(PlanError, match="before today"):
        validate_plan(
            p, as_of=date(2025, 4, 10), open_items={"inv-1": eur("900"), "inv-2": eur("1")}
        )
    with pytest.raises(PlanError, match="more than the balance it covers"):
        validate_plan(p, as_of=AGREED, open_items={"inv-1": eur("500"), "inv-2": eur("300")})
    with pytest.raises(PlanError, match="not open on this case"):
        validate_plan(p, as_of=AGREED, open_items={"inv-1": eur("900")})
    validate_plan(p, as_of=AGREED, open_items={"inv-1": eur("500"), "inv-2": eur("400")})


def test_instalments_are_matched_against_payments_like_items():
    s = plan_status(
        simple_plan(), [Receipt("a", date(2025, 4, 2), eur("450"))], as_of=date(2025, 4, 10)
    )
    assert s.state is PlanState.GOOD_STANDING
    assert [i.paid for i in s.instalments] == [eur("300"), eur("150"), eur("0")]
    assert s.remaining == eur("450")


def test_a_plan_in_good_standing_keeps_the_covered_items_off_the_ladder():
    s = plan_status(
        simple_plan(), [Receipt("a", date(2025, 4, 3), eur("300"))], as_of=date(2025, 4, 10)
    )
    items = {
        "inv-1": (date(2025, 1, 10), eur("400")),
        "inv-2": (date(2025, 1, 20), eur("500")),
        "inv-3": (date(2025, 1, 5), eur("70")),
    }
    assert plan_exclusions(s, items) == {"inv-1": eur("400"), "inv-2": eur("200")}


def test_a_missed_instalment_after_grace_defaults_and_accelerates_the_balance():
    p = simple_plan(interest=InterestTerms(Decimal("0.12")))
    # 3 April instalment unpaid; grace 3 business days -> 8 April; default on 9 April.
    assert plan_status(p, [], as_of=date(2025, 4, 8)).state is PlanState.GOOD_STANDING
    s = plan_status(p, [], as_of=date(2025, 4, 9))
    assert s.state is PlanState.DEFAULTED
    d = plan_default(s)
    assert d is not None
    assert (d.defaulted_on, d.follow_up_on, d.missed_seq, d.escalate) == (
        date(2025, 4, 9),
        date(2025, 4, 9),
        1,
        True,
    )
    # The missed instalment with its interest, the later ones for their principal only.
    first = p.instalments[0]
    assert d.due_at_once == first.amount + eur("600")
    assert plan_exclusions(s, {"inv-1": (date(2025, 1, 10), eur("900"))}) == {"inv-1": eur("0")}


def test_a_plan_defaults_on_the_first_day_after_grace_not_on_its_last_day():
    # Due Tuesday 1 April; grace 3 business days -> Friday 4 April is the last day a payment
    # still keeps it. The debtor is late beyond grace from Saturday 5 April: the default is
    # dated then (as a promise is broken from the day after its deadline), and the call is due
    # the next business day after the grace, Monday 7 April.
    p = simple_plan(due_dates=monthly_dates(date(2025, 4, 1), 3))
    paid_on_last_day = [Receipt("a", date(2025, 4, 4), eur("300"))]
    assert plan_status(p, paid_on_last_day, as_of=date(2025, 4, 5)).state is (
        PlanState.GOOD_STANDING
    )
    assert plan_status(p, [], as_of=date(2025, 4, 4)).state is PlanState.GOOD_STANDING
    s = plan_status(p, [], as_of=date(2025, 4, 5))
    assert (s.state, s.defaulted_on) == (PlanState.DEFAULTED, date(2025, 4, 5))
    d = plan_default(s)
    assert d is not None
    assert (d.defaulted_on, d.follow_up_on, d.missed_seq) == (
        date(2025, 4, 5),
        date(2025, 4, 7),
        1,
    )
    # Seen later, the default keeps its date.
    assert plan_status(p, [], as_of=date(2025, 5, 20)).defaulted_on == date(2025, 4, 5)


def test_a_default_dated_the_day_after_grace_still_charges_no_interest_of_periods_not_run():
    # The missed instalment (due by the end of grace) in full; the later ones principal only.
    p = simple_plan(interest=InterestTerms(Decimal("0.12")))
    d = plan_default(plan_status(p, [], as_of=date(2025, 5, 20)))
    assert d is not None and d.defaulted_on == date(2025, 4, 9)
    assert d.due_at_once == p.instalments[0].amount + eur("600")


def test_without_an_acceleration_clause_only_overdue_instalments_fall_due():
    s = plan_status(simple_plan(acceleration_clause=False), [], as_of=date(2025, 4, 9))
    assert s.state is PlanState.DEFAULTED
    assert s.due_now == eur("300")
    # The later instalments stay off the ladder until they fall due.
    assert plan_exclusions(s, {"inv-1": (date(2025, 1, 10), eur("900"))}) == {"inv-1": eur("600")}


def test_a_late_payment_does_not_undo_a_default():
    s = plan_status(
        simple_plan(), [Receipt("a", date(2025, 4, 20), eur("300"))], as_of=date(2025, 4, 25)
    )
    assert s.state is PlanState.DEFAULTED
    assert plan_default(s).due_at_once == eur("600")


def test_a_plan_paid_in_full_on_time_is_completed():
    receipts = [Receipt("a", AGREED, eur("900"))]
    s = plan_status(simple_plan(), receipts, as_of=date(2025, 7, 1))
    assert s.state is PlanState.COMPLETED
    assert plan_default(s) is None


def test_payments_already_in_the_balance_the_plan_was_agreed_on_do_not_count_towards_it():
    from dataclasses import replace

    plan = replace(simple_plan(), already_counted=frozenset({"a"}))
    s = plan_status(plan, [Receipt("a", date(2025, 3, 1), eur("900"))], as_of=date(2025, 3, 10))
    assert s.paid == eur("0")


def test_a_payment_dated_before_the_plan_but_learned_of_after_it_counts_towards_it():
    s = plan_status(
        simple_plan(), [Receipt("a", date(2025, 3, 1), eur("300"))], as_of=date(2025, 3, 10)
    )
    assert s.paid == eur("300")


def test_a_plan_beyond_the_walk_away_point_needs_approval():
    wa = WalkAway(14, Decimal("0.25"), 60)
    long = simple_plan()  # first instalment 31 days out, 25% of 900 = 225 <= 300, last at 92 days
    req = approval_request(
        long,
        walk_away=wa,
        anchor=AGREED,
        balance=eur("900"),
        risk_tier="medium",
        requested_by="alice",
        requested_on=AGREED,
    )
    assert req is not None
    assert req.exceeded == (Limit.FIRST_TOO_LATE, Limit.PLAN_TOO_LONG)
    short = simple_plan(due_dates=(date(2025, 3, 10), date(2025, 4, 1), date(2025, 4, 30)))
    assert (
        approval_request(
            short,
            walk_away=wa,
            anchor=AGREED,
            balance=eur("900"),
            risk_tier="medium",
            requested_by="alice",
            requested_on=AGREED,
        )
        is None
    )


def test_monthly_dates_keep_the_day_or_fall_back_to_the_month_end():
    assert monthly_dates(date(2024, 12, 31), 3) == (
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 28),
    )


receipts = st.lists(st.tuples(st.integers(-10, 120), st.integers(1, 50_000)), max_size=8).map(
    lambda rows: [
        Receipt(f"r{i}", date.fromordinal(AGREED.toordinal() + d), Money.from_minor(a, "EUR"))
        for i, (d, a) in enumerate(rows)
    ]
)


@given(receipts, st.integers(0, 150))
def test_plan_matching_never_counts_money_twice_or_loses_it(rs, days):
    p = simple_plan(interest=InterestTerms(Decimal("0.05")))
    as_of = date.fromordinal(AGREED.toordinal() + days)
    s = plan_status(p, rs, as_of=as_of)
    counted = sum(r.amount.to_minor() for r in rs if r.received_on <= as_of)
    assert s.paid.to_minor() == min(counted, p.total.to_minor())
    assert all(0 <= i.paid.to_minor() <= i.instalment.amount.to_minor() for i in s.instalments)
    assert plan_status(p, list(reversed(rs)), as_of=as_of) == s


def test_instalment_dates_move_to_the_business_day_before_a_weekend_or_a_holiday():
    from datetime import date, timedelta

    from arrears.domain.plans import monthly_dates, on_business_days

    first = date(2026, 1, 31)  # a Saturday; 28 Feb is one too, 31 Mar a Tuesday
    holidays = frozenset({date(2026, 3, 31)})
    got = on_business_days(
        monthly_dates(first, 3), after=date(2026, 1, 20) - timedelta(days=1), holidays=holidays
    )
    assert got == (date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 30))
    # never onto or before the one before it: then the next business day after it
    assert on_business_days([date(2026, 1, 3)], after=date(2026, 1, 2)) == (date(2026, 1, 5),)
