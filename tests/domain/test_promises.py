"""§7 Promises to pay: kept, partly kept, broken; the ladder waits, a broken one escalates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.matching import Receipt, spread_over_items
from arrears.domain.money import Money
from arrears.domain.promises import (
    ABOVE_BALANCE,
    GIVEN_IN_FUTURE,
    NO_PERSON,
    OVERLAPS,
    PARTS_SAME_DAY,
    PROMISE_IN_PAST,
    UNKNOWN_ITEM,
    PromiseChannel,
    PromiseError,
    PromisePart,
    PromisePolicy,
    PromiseState,
    PromiseToPay,
    cancel_promise,
    evaluate_promise,
    follow_up,
    hold_back,
    promise_record,
    validate_promise,
)

MON = date(2025, 3, 3)  # a Monday
FRI = date(2025, 3, 7)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def promise(*parts: tuple[date, str], key: str = "P1", items: frozenset[str] = frozenset()):
    return PromiseToPay(
        key=key,
        given_on=MON,
        parts=tuple(PromisePart(on, eur(a)) for on, a in parts),
        channel=PromiseChannel.PHONE,
        given_by="Ms Buyer",
        taken_by="alice",
        item_keys=items,
    )


def paid(on: date, amount: str, ref: str = "pay") -> Receipt:
    return Receipt(ref, on, eur(amount))


def test_a_promise_paid_in_full_by_its_date_is_kept():
    s = evaluate_promise(promise((FRI, "1000")), [paid(FRI, "1000")], as_of=FRI)
    assert s.state is PromiseState.KEPT
    assert s.closed_on == FRI
    assert s.days_late == 0


def test_a_promise_stands_until_its_date_plus_grace():
    # Friday + 2 business days of grace = Tuesday; still open on Tuesday, broken on Wednesday.
    p = promise((FRI, "1000"))
    assert evaluate_promise(p, [], as_of=date(2025, 3, 11)).state is PromiseState.OPEN
    assert evaluate_promise(p, [], as_of=date(2025, 3, 12)).state is PromiseState.BROKEN


def test_a_payment_within_the_grace_keeps_the_promise_but_counts_days_late():
    s = evaluate_promise(
        promise((FRI, "1000")), [paid(date(2025, 3, 11), "1000")], as_of=date(2025, 3, 20)
    )
    assert s.state is PromiseState.KEPT
    assert s.days_late == 4


def test_part_of_the_money_by_the_deadline_is_partly_kept():
    s = evaluate_promise(promise((FRI, "1000")), [paid(FRI, "400")], as_of=date(2025, 3, 12))
    assert s.state is PromiseState.PARTLY_KEPT
    assert s.outstanding == eur("600")


def test_a_missed_first_part_breaks_a_multi_part_promise_before_the_last_date():
    p = promise((FRI, "500"), (date(2025, 3, 28), "500"))
    s = evaluate_promise(p, [], as_of=date(2025, 3, 12))
    assert s.state is PromiseState.BROKEN
    assert s.closed_on == date(2025, 3, 11)


def test_partial_payments_across_several_items_count_once_towards_the_promise():
    allocations = [
        Receipt("pay-7", FRI, eur("300"), item_key="inv-1"),
        Receipt("pay-7", FRI, eur("700"), item_key="inv-2"),
    ]
    s = evaluate_promise(promise((FRI, "1000")), allocations, as_of=FRI)
    assert s.state is PromiseState.KEPT
    assert s.paid == eur("1000")


def test_a_payment_already_in_the_balance_when_the_promise_was_given_does_not_count():
    from dataclasses import replace

    p = replace(promise((FRI, "1000")), already_counted=frozenset({"known"}))
    s = evaluate_promise(p, [paid(MON - timedelta(days=1), "1000", "known")], as_of=FRI)
    assert s.state is PromiseState.OPEN
    assert s.paid == eur("0")


def test_a_payment_dated_before_the_promise_but_learned_of_after_it_counts():
    got = [paid(MON - timedelta(days=1), "400", "in-transit"), paid(FRI, "600", "on-time")]
    s = evaluate_promise(promise((FRI, "1000")), got, as_of=date(2025, 3, 12))
    assert (s.state, s.paid) == (PromiseState.KEPT, eur("1000"))


def test_a_payment_dated_by_the_promised_day_keeps_it_whenever_it_was_imported():
    late_import = [paid(FRI, "1000")]  # judged broken on the 12th without it, then imported
    assert evaluate_promise(promise((FRI, "1000")), [], as_of=date(2025, 3, 12)).state == "broken"
    s = evaluate_promise(promise((FRI, "1000")), late_import, as_of=date(2025, 3, 13))
    assert (s.state, s.closed_on) == (PromiseState.KEPT, FRI)


def test_a_payment_after_the_promise_broke_does_not_mend_it():
    s = evaluate_promise(
        promise((FRI, "1000")), [paid(date(2025, 3, 14), "1000")], as_of=date(2025, 3, 20)
    )
    assert s.state is PromiseState.BROKEN
    assert s.paid == eur("0")


def test_paying_more_than_promised_keeps_it_and_leaves_the_rest_unmatched():
    s = evaluate_promise(promise((FRI, "1000")), [paid(FRI, "1500")], as_of=FRI)
    assert s.state is PromiseState.KEPT
    assert s.paid == eur("1000")


def test_the_ladder_holds_back_the_unpaid_promised_amount_until_the_last_deadline():
    p = promise((FRI, "500"), (date(2025, 3, 21), "500"), items=frozenset({"inv-1"}))
    hold = hold_back(evaluate_promise(p, [paid(MON, "200")], as_of=MON))
    assert hold is not None
    assert hold.amount == eur("800")
    assert hold.until == date(2025, 3, 25)  # Friday 21 + 2 business days
    assert hold.item_keys == frozenset({"inv-1"})
    items = {"inv-1": (date(2025, 1, 10), eur("300")), "inv-2": (date(2025, 1, 5), eur("900"))}
    assert spread_over_items(hold.amount, items, hold.item_keys) == {"inv-1": eur("300")}


def test_the_ladder_holds_nothing_back_once_a_promise_is_broken():
    s = evaluate_promise(promise((FRI, "1000")), [], as_of=date(2025, 3, 12))
    assert hold_back(s) is None


def test_broken_promise_is_followed_up_next_business_day_and_escalates():
    s = evaluate_promise(promise((FRI, "1000")), [], as_of=date(2025, 3, 12))
    f = follow_up(s)
    assert f is not None
    assert f.failed_on == date(2025, 3, 11)
    assert f.follow_up_on == date(2025, 3, 12)
    assert f.escalate
    assert f.shortfall == eur("1000")


def test_follow_up_skips_the_weekend_and_holidays():
    # Part on Wednesday 5 March, deadline Friday 7 March; follow-up Monday, or Tuesday if
    # Monday is a holiday.
    p = promise((date(2025, 3, 5), "100"))
    s = evaluate_promise(p, [], as_of=date(2025, 3, 10))
    assert follow_up(s) is not None and follow_up(s).follow_up_on == date(2025, 3, 10)
    hol = frozenset({date(2025, 3, 10)})
    s = evaluate_promise(p, [], as_of=date(2025, 3, 11), holidays=hol)
    assert follow_up(s, holidays=hol).follow_up_on == date(2025, 3, 11)


def test_partly_kept_escalates_only_when_the_policy_says_so():
    s = evaluate_promise(promise((FRI, "1000")), [paid(FRI, "1")], as_of=date(2025, 3, 12))
    lenient = PromisePolicy(partly_kept_counts_as_broken=False)
    assert follow_up(s).escalate
    assert not follow_up(s, policy=lenient).escalate


def test_kept_and_open_promises_need_no_follow_up():
    assert follow_up(evaluate_promise(promise((FRI, "1")), [], as_of=MON)) is None


def test_a_promise_in_the_past_is_refused():
    p = promise((MON, "100"))
    with pytest.raises(PromiseError, match=re.escape(PROMISE_IN_PAST.format(on=MON, as_of=FRI))):
        validate_promise(p, as_of=FRI, open_items={"inv-1": eur("100")})


def test_a_promise_dated_as_given_tomorrow_is_refused():
    p = promise((FRI, "100"))
    with pytest.raises(
        PromiseError,
        match=re.escape(GIVEN_IN_FUTURE.format(given=MON, as_of=MON - timedelta(days=1))),
    ):
        validate_promise(p, as_of=MON - timedelta(days=1), open_items={"inv-1": eur("100")})


def test_a_promise_above_the_balance_it_covers_is_refused():
    p = promise((FRI, "500"), items=frozenset({"inv-1"}))
    msg = ABOVE_BALANCE.format(promised=eur("500"), balance=eur("300"))
    with pytest.raises(PromiseError, match=re.escape(msg)):
        validate_promise(p, as_of=MON, open_items={"inv-1": eur("300"), "inv-2": eur("900")})


def test_a_promise_on_an_item_not_open_is_refused():
    with pytest.raises(PromiseError, match=re.escape(UNKNOWN_ITEM.format(key="inv-9"))):
        validate_promise(promise((FRI, "5"), items=frozenset({"inv-9"})), as_of=MON, open_items={})


def test_a_promise_in_another_currency_than_the_items_is_refused():
    with pytest.raises(PromiseError, match="is not in the case currency EUR"):
        validate_promise(promise((FRI, "5")), as_of=MON, open_items={"inv-1": Money.of("9", "USD")})


def test_overlapping_standing_promises_are_refused_but_separate_items_are_not():
    first = evaluate_promise(promise((FRI, "100"), items=frozenset({"inv-1"})), [], as_of=MON)
    items = {"inv-1": eur("100"), "inv-2": eur("100")}
    clash = promise((FRI, "50"), key="P2", items=frozenset({"inv-1", "inv-2"}))
    msg = OVERLAPS.format(other="P1", until=date(2025, 3, 11))
    with pytest.raises(PromiseError, match=re.escape(msg)):
        validate_promise(clash, as_of=MON, open_items=items, standing=[first])
    whole_case = promise((FRI, "50"), key="P3")
    with pytest.raises(PromiseError, match="P1"):
        validate_promise(whole_case, as_of=MON, open_items=items, standing=[first])
    apart = promise((FRI, "50"), key="P4", items=frozenset({"inv-2"}))
    validate_promise(apart, as_of=MON, open_items=items, standing=[first])


def test_a_closed_promise_does_not_block_a_new_one():
    broken = evaluate_promise(promise((MON, "100")), [], as_of=date(2025, 3, 12))
    validate_promise(
        promise((date(2025, 3, 14), "100"), key="P2"),
        as_of=date(2025, 3, 12),
        open_items={"inv-1": eur("100")},
        standing=[broken],
    )


def test_a_cancelled_promise_is_neither_kept_nor_broken_and_holds_nothing():
    s = evaluate_promise(promise((FRI, "100")), [], as_of=MON)
    cancelled = cancel_promise(s, on=date(2025, 3, 4))
    later = evaluate_promise(cancelled, [], as_of=date(2025, 3, 20))
    assert later.state is PromiseState.CANCELLED
    assert hold_back(later) is None
    with pytest.raises(PromiseError, match="only a standing promise is cancelled"):
        cancel_promise(later, on=date(2025, 3, 20))


def test_malformed_promises_are_refused():
    with pytest.raises(PromiseError, match="at least one"):
        PromiseToPay("P", MON, (), PromiseChannel.EMAIL, "a", "b")
    with pytest.raises(PromiseError, match="must be positive"):
        promise((FRI, "0"))
    with pytest.raises(PromiseError, match=re.escape(PARTS_SAME_DAY.format(on=FRI))):
        promise((FRI, "1"), (FRI, "2"))
    with pytest.raises(PromiseError, match=re.escape(NO_PERSON)):
        PromiseToPay("P", MON, (PromisePart(FRI, eur("1")),), PromiseChannel.EMAIL, " ", "b")


def test_the_record_counts_promises_and_days_late_within_its_window():
    statuses = [
        evaluate_promise(
            promise((FRI, "1"), key="kept-late"),
            [paid(date(2025, 3, 10), "1")],
            as_of=date(2025, 4, 1),
        ),
        evaluate_promise(promise((FRI, "1"), key="broken"), [], as_of=date(2025, 4, 1)),
        evaluate_promise(
            promise((FRI, "2"), key="partly"), [paid(FRI, "1")], as_of=date(2025, 4, 1)
        ),
    ]
    r = promise_record(statuses, as_of=date(2025, 4, 1))
    assert (r.given, r.kept, r.broken, r.partly_kept, r.days_late) == (3, 1, 1, 1, 3)
    assert r.broken_for_ladder == 2
    assert r.summary() == (
        "3 promises: 1 kept, 1 partly kept, 1 broken, 0 open, 0 cancelled; 3 days late"
    )
    assert promise_record(statuses, as_of=date(2026, 4, 1)).given == 0  # a year on: forgotten


receipt_lists = st.lists(st.tuples(st.integers(-5, 30), st.integers(1, 80_000)), max_size=6).map(
    lambda rows: [
        paid(MON + timedelta(days=d), str(Decimal(a) / 100), f"r{i}")
        for i, (d, a) in enumerate(rows)
    ]
)


@given(receipt_lists, st.integers(0, 40))
def test_promise_matching_never_counts_money_twice_or_loses_it(receipts, days):
    p = promise((FRI, "500"), (date(2025, 3, 21), "700"))
    as_of = MON + timedelta(days=days)
    s = evaluate_promise(p, receipts, as_of=as_of)
    until = s.closed_on if s.state is not PromiseState.OPEN and s.closed_on else as_of
    counted = sum(r.amount.to_minor() for r in receipts if r.received_on <= min(until, as_of))
    assert s.paid.to_minor() == min(counted, p.total.to_minor())
    assert all(0 <= x.paid.to_minor() <= x.part.amount.to_minor() for x in s.parts)
    assert evaluate_promise(p, list(reversed(receipts)), as_of=as_of) == s


def test_a_receipt_already_counted_on_the_day_given_does_not_count_towards_the_promise():
    from dataclasses import replace

    p = replace(promise((FRI, "100")), already_counted=frozenset({"morning"}))
    got = [paid(MON, "100", "morning"), paid(MON, "40", "afternoon")]
    s = evaluate_promise(p, got, as_of=date(2025, 3, 12))
    assert (s.state, s.paid) == (PromiseState.PARTLY_KEPT, eur("40"))
