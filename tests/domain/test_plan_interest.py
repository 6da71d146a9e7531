"""§6 A plan's interest never runs on money not yet due; a promise's terms; credit netting."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.money import Money
from arrears.domain.negotiation import Terms
from arrears.domain.plans import InterestTerms, build_plan
from arrears.domain.promises import PromisePart, net_of_credit

AGREED = date(2026, 11, 25)
RATE = InterestTerms(Decimal("0.10"))


def eur(minor: int) -> Money:
    return Money.from_minor(minor, "EUR")


def _interest(principal: int, dates, later=()) -> list[int]:
    plan = build_plan(
        key="p",
        principal=eur(principal),
        agreed_on=AGREED,
        due_dates=dates,
        interest=RATE,
        not_yet_due=[(d, eur(a)) for d, a in later],
    )
    return [i.interest.to_minor() for i in plan.instalments]


def test_an_invoice_due_after_the_plan_ends_bears_no_interest():
    assert _interest(1000_00, [date(2026, 12, 25)], [(date(2027, 1, 31), 1000_00)]) == [0]


def test_an_invoice_bears_interest_from_the_day_after_it_falls_due():
    # EUR 500 due 5 Dec: interest for 6..25 Dec (20 days) only
    got = _interest(500_00, [date(2026, 12, 25)], [(date(2026, 12, 5), 500_00)])
    assert got == [int((Decimal(500_00) * 20 * Decimal("0.10") / 365).quantize(Decimal(1)))]


def test_instalments_pay_what_was_due_first():
    # 1000 due now + 1000 due 31 Dec; the first instalment (1000 on 25 Dec) clears what was due,
    # so from 25 Dec to 31 Dec nothing bears interest, then 1000 until 24 Jan
    got = _interest(
        2000_00, [date(2026, 12, 25), date(2027, 1, 24)], [(date(2026, 12, 31), 1000_00)]
    )
    first = Decimal(1000_00) * 30 * Decimal("0.10") / 365
    second = Decimal(1000_00) * 24 * Decimal("0.10") / 365
    assert got[0] == int(first.quantize(Decimal(1)))
    assert sum(got) == int((first + second).quantize(Decimal(1)))


@given(
    principal=st.integers(min_value=100, max_value=10**9),
    gaps=st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=12),
    later=st.lists(
        st.tuples(st.integers(min_value=0, max_value=500), st.integers(1, 10**8)), max_size=4
    ),
)
def test_money_not_yet_due_never_adds_interest(principal, gaps, later):
    dates, d = [], AGREED
    for g in gaps:
        d += timedelta(days=g)
        dates.append(d)
    if principal < len(dates):
        return
    not_due = [(AGREED + timedelta(days=k), a) for k, a in later]
    with_later = _interest(principal, dates, not_due)
    plain = _interest(principal, dates)
    assert all(x >= 0 for x in with_later)
    assert sum(with_later) <= sum(plain)
    assert _interest(principal, dates, ()) == plain


def test_a_promise_in_parts_reads_as_terms_with_its_first_and_last_payment():
    parts = [
        PromisePart(date(2026, 12, 20), eur(600_00)),
        PromisePart(date(2026, 12, 1), eur(400_00)),
    ]
    t = Terms.from_parts(parts)
    assert (t.first_on, t.first_amount, t.last_on, t.total, t.instalments) == (
        date(2026, 12, 1),
        eur(400_00),
        date(2026, 12, 20),
        eur(1000_00),
        1,
    )
    assert Terms.from_parts(parts[:1]) == Terms.single(date(2026, 12, 20), eur(600_00))


def test_credit_is_netted_only_from_a_whole_case_balance():
    assert net_of_credit(eur(1000_00), frozenset(), eur(300_00)) == eur(700_00)
    assert net_of_credit(eur(200_00), frozenset(), eur(300_00)) == eur(0)
    assert net_of_credit(eur(1000_00), frozenset({"INV-1"}), eur(300_00)) == eur(1000_00)
    with pytest.raises(ValueError):
        net_of_credit(eur(1000_00), frozenset(), Money.from_minor(1, "USD"))
