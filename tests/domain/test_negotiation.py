"""§5 Refuse the first proposal; §6 concede only on conditions, less each time, within limits."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.money import Money
from arrears.domain.negotiation import (
    ROW_COLUMNS,
    Action,
    ApprovalDecision,
    ConcessionPolicy,
    Condition,
    ConditionPolicy,
    EventKind,
    Limit,
    NegotiationConfig,
    NegotiationConfigError,
    NegotiationContext,
    NegotiationError,
    NegotiationHistory,
    Override,
    Terms,
    TermsError,
    choose_condition,
    record_decision,
    record_exchange,
    respond,
    walk_away_for,
)
from arrears.domain.negotiation.config import condition_ask, payment_today
from arrears.domain.negotiation.document import (
    DeskPolicy,
    PolicyDocumentError,
    policy_document,
    policy_from_document,
)
from arrears.domain.negotiation.engine import (
    PROPOSAL_ABOVE_BALANCE,
    PROPOSAL_IN_PAST,
    previous_concessions,
)
from arrears.domain.negotiation.history import NO_OVERRIDE_REASON, OWN_APPROVAL
from arrears.domain.promises import PromiseRecord

MON = date(2025, 3, 3)
CONFIG = NegotiationConfig()
CLEAN = PromiseRecord()


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def day(n: int) -> date:
    return MON + timedelta(days=n)


def ctx(balance: str = "8000", tier: str = "medium", record: PromiseRecord | None = None):
    return NegotiationContext(MON, eur(balance), tier, record or PromiseRecord(), "alice")


def plan(first: int, amount: str, last: int, total: str = "8000", n: int = 3) -> Terms:
    return Terms.plan(day(first), eur(amount), day(last), eur(total), n)


def exchange(history, proposal, context=None):
    rec = respond(proposal, context=context or ctx(), history=history)
    return rec, record_exchange(history, rec, proposed_by="Mr Debtor", collector="alice", on=MON)


def test_first_proposal_is_countered_even_when_acceptable():
    proposal = Terms.single(day(12), eur("8000"))  # within the walk-away point (14 days)
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    assert not rec.walk_away.exceeded(proposal, anchor=MON, balance=eur("8000"))
    assert rec.action is Action.COUNTER
    assert rec.terms == Terms.single(day(4), eur("8000"))  # half the wait (day 6 is a Sunday)


def test_counter_asks_for_an_earlier_date_a_larger_first_payment_and_a_shorter_plan():
    rec = respond(plan(10, "2000", 80), context=ctx(), history=NegotiationHistory())
    # Half the wait, half of what the first payment leaves, half the plan length, each date
    # moved back to a business day (day 5 is a Saturday, day 40 too).
    assert rec.terms == plan(4, "5000", 39)
    assert rec.script == (
        "Our company needs this cash now to meet its own payments. I need EUR 5,000.00 by "
        "7 March 2025, then EUR 1,000.00 on 18 March 2025, EUR 1,000.00 on 28 March 2025 and "
        "EUR 1,000.00 on 11 April 2025 (EUR 8,000.00 in all)."
    )


def test_every_date_of_a_counter_and_its_instalments_falls_on_a_business_day():
    holiday = frozenset({date(2025, 3, 28)})  # a Friday the company does not work
    c = NegotiationContext(MON, eur("8000"), "medium", CLEAN, "alice", holidays=holiday)
    rec = respond(plan(10, "2000", 80), context=c, history=NegotiationHistory())
    days = [p.on for p in rec.terms.parts(holiday)]
    assert days == [date(2025, 3, 7), date(2025, 3, 18), date(2025, 3, 27), date(2025, 4, 11)]
    assert all(d.weekday() < 5 and d not in holiday for d in days)


def test_the_terms_are_said_on_the_business_days_they_fall_on_around_a_holiday():
    holiday = frozenset({date(2025, 3, 28)})  # a Friday the company does not work
    c = NegotiationContext(MON, eur("8000"), "medium", CLEAN, "alice", holidays=holiday)
    rec = respond(plan(10, "2000", 80), context=c, history=NegotiationHistory())
    assert rec.holidays == holiday
    said = rec.terms.describe(rec.holidays)
    assert "27 March 2025" in said and "28 March 2025" not in said


def test_a_plan_is_said_instalment_by_instalment():
    eleven = Terms.plan(day(1), eur("2750"), day(89), eur("5500"), 11)
    said = eleven.describe()
    assert said.count(" on ") == 11 and "remaining" not in said
    assert said.startswith("EUR 2,750.00 by 4 March 2025, then EUR 250.00 on ")
    assert said.endswith("and EUR 250.00 on 31 May 2025 (EUR 5,500.00 in all)")


def test_counter_amount_is_rounded_up_to_whole_units_and_never_above_the_balance():
    rec = respond(
        Terms.single(day(3), eur("1000.01")), context=ctx("1500.03"), history=NegotiationHistory()
    )
    assert rec.terms.first_amount == eur("1251")  # 1000.01 + 250.01 = 1250.02, rounded up
    rec = respond(
        Terms.single(day(3), eur("1500")), context=ctx("1500.03"), history=NegotiationHistory()
    )
    assert rec.terms.first_amount == eur("1500.03")


def test_counter_stays_within_the_walk_away_point():
    rec = respond(plan(100, "100", 400), context=ctx(), history=NegotiationHistory())
    assert rec.action is Action.COUNTER
    assert rec.walk_away.exceeded(rec.terms, anchor=MON, balance=eur("8000")) == ()


def test_counter_reason_comes_from_the_configured_list_for_the_risk_tier():
    rec = respond(plan(10, "2000", 80), context=ctx(tier="high"), history=NegotiationHistory())
    assert rec.reason is not None and rec.reason.code == "credit_carried"
    assert rec.script.startswith("We supplied you on credit in good faith")


def test_paying_everything_today_is_accepted_at_once():
    rec = respond(Terms.single(MON, eur("8000")), context=ctx(), history=NegotiationHistory())
    assert rec.action is Action.ACCEPT


def test_a_later_proposal_as_good_as_the_counter_is_accepted():
    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))
    rec, h = exchange(h, plan(4, "5000", 39))
    assert rec.action is Action.ACCEPT
    assert h.accepted == plan(4, "5000", 39)


def test_concessions_shrink_and_each_buys_a_new_condition():
    h = NegotiationHistory()
    _, h = exchange(h, plan(10, "2000", 80))
    recs = []
    for k in range(4):  # the debtor moves a little each time: a concession needs movement
        rec, h = exchange(h, plan(10, str(2001 + k), 80))
        recs.append(rec)
    assert [r.action for r in recs] == [Action.CONCEDE] * 3 + [Action.HOLD]
    assert [r.terms for r in recs[:3]] == [  # on business days
        plan(9, "3500", 64),
        plan(10, "2750", 74),
        plan(10, "2375", 80),
    ]
    assert [r.condition for r in recs[:3]] == [
        Condition.ACCELERATION_CLAUSE,
        Condition.WRITTEN_ACKNOWLEDGEMENT,
        Condition.PAYMENT_TODAY,
    ]
    assert recs[0].script.endswith(
        "if you sign the plan with an acceleration clause: "
        "one missed date makes the whole balance due."
    )
    assert recs[3].script.startswith("Our policy on overdue accounts")  # a reason not yet used


def test_accepting_within_a_concession_keeps_the_conditions_of_the_concessions_before_it():
    h = NegotiationHistory()
    _, h = exchange(h, plan(10, "2000", 80))
    _, h = exchange(h, plan(10, "2001", 80))  # concession 1: acceleration clause, refused
    rec, h = exchange(h, plan(10, "3000", 70))  # within concession 2
    assert rec.action is Action.ACCEPT
    assert rec.conditions == (Condition.ACCELERATION_CLAUSE, Condition.WRITTEN_ACKNOWLEDGEMENT)
    assert h.events[-1].conditions == rec.conditions
    assert rec.script.endswith(
        "provided you sign the plan with an acceleration clause: one missed date makes the whole "
        "balance due, and confirm the debt in writing today."
    )


def test_a_plan_agreed_after_three_concessions_keeps_all_three_conditions():
    h = NegotiationHistory()
    _, h = exchange(h, plan(10, "2000", 80))
    offers = []
    for k in range(3):
        rec, h = exchange(h, plan(10, str(2001 + k), 80))
        offers.append(rec)
    three = (Condition.ACCELERATION_CLAUSE, Condition.WRITTEN_ACKNOWLEDGEMENT)
    three += (Condition.PAYMENT_TODAY,)
    assert offers[2].conditions == three
    assert offers[2].script.endswith(
        "and confirm the debt in writing today, and pay EUR 800.00 today, towards the first "
        "payment."
    )
    rec, h = exchange(h, plan(10, "2375", 80))  # the third concession, taken
    assert (rec.action, rec.conditions, h.events[-1].conditions) == (Action.ACCEPT, three, three)


def test_a_payment_today_names_its_amount_a_share_of_the_balance_at_most_the_first_payment():
    policy = ConditionPolicy()
    assert payment_today(plan(3, "2000", 60), eur("8000"), policy) == eur("800")
    assert payment_today(plan(3, "500", 60), eur("8000"), policy) == eur("500")
    assert payment_today(plan(3, "500", 60), eur("0.05"), policy) == eur("0.01")
    said = condition_ask(Condition.PAYMENT_TODAY, plan(3, "2000", 60), eur("8000"), policy)
    assert said == "pay EUR 800.00 today, towards the first payment"


def test_a_proposal_beyond_the_walk_away_point_needs_approval():
    h = NegotiationHistory()
    _, h = exchange(h, plan(40, "400", 300))  # the debtor then moves on every point
    rec, h = exchange(h, plan(30, "500", 200))
    assert rec.action is Action.NEEDS_APPROVAL
    assert rec.approval is not None
    assert rec.approval.exceeded == (
        Limit.FIRST_TOO_LATE,
        Limit.FIRST_TOO_SMALL,
        Limit.PLAN_TOO_LONG,
    )
    assert rec.approval.requested_by == "alice"
    assert [e.kind for e in h.events[-2:]] == [EventKind.APPROVAL_REQUESTED, EventKind.CONCESSION]


def test_approved_terms_are_accepted_and_a_refusal_is_recorded():
    h = NegotiationHistory()
    _, h = exchange(h, plan(10, "2000", 80))
    far = plan(30, "500", 200)
    rec, h = exchange(h, far)
    assert rec.approval is not None
    with pytest.raises(NegotiationError, match=re.escape(OWN_APPROVAL.format(who="alice"))):
        ApprovalDecision(rec.approval, True, "alice", MON, "fine")
    h = record_decision(h, ApprovalDecision(rec.approval, True, "carol", MON, "long customer"))
    again, _ = exchange(h, far)
    assert again.action is Action.ACCEPT


def test_a_worse_promise_record_makes_the_next_negotiation_stricter():
    clean, poor = PromiseRecord(), PromiseRecord(given=3, broken=2)
    wa_clean = walk_away_for(CONFIG, risk_tier="medium", balance=eur("8000"), record=clean)
    wa_poor = walk_away_for(CONFIG, risk_tier="medium", balance=eur("8000"), record=poor)
    assert wa_poor.max_days_to_first < wa_clean.max_days_to_first
    assert wa_poor.max_days_to_last < wa_clean.max_days_to_last
    assert wa_poor.min_first_share > wa_clean.min_first_share

    def first_concession(record):
        c = ctx(record=record)
        _, h = exchange(NegotiationHistory(), Terms.single(day(12), eur("6000")), c)
        rec, _ = exchange(h, Terms.single(day(12), eur("6500")), c)  # moves: a larger payment
        return (rec.terms.first_on - h.positions[0].first_on).days

    assert first_concession(poor) < first_concession(clean)


def test_condition_choice_follows_plan_record_tier_and_amount():
    policy = ConditionPolicy()

    def pick(tier="medium", record=CLEAN, balance="1000", is_plan=False, asked=()):
        return choose_condition(
            policy,
            risk_tier=tier,
            record=record,
            balance=eur(balance),
            is_plan=is_plan,
            asked=asked,
        )

    assert pick() is Condition.WRITTEN_ACKNOWLEDGEMENT
    assert pick(is_plan=True) is Condition.ACCELERATION_CLAUSE
    assert pick(record=PromiseRecord(given=1, broken=1)) is Condition.PAYMENT_TODAY
    assert pick(tier="high", balance="60000") is Condition.GUARANTOR
    assert pick(asked=tuple(Condition)) is None


def test_bad_proposals_are_refused_with_a_clear_error():
    h = NegotiationHistory()
    with pytest.raises(
        NegotiationError, match=re.escape(PROPOSAL_IN_PAST.format(on=day(-1), as_of=MON))
    ):
        respond(Terms.single(day(-1), eur("10")), context=ctx(), history=h)
    msg = PROPOSAL_ABOVE_BALANCE.format(total=eur("9000"), balance=eur("8000"))
    with pytest.raises(NegotiationError, match=re.escape(msg)):
        respond(Terms.single(day(1), eur("9000")), context=ctx(), history=h)
    with pytest.raises(NegotiationError, match="in USD, the balance in EUR"):
        respond(Terms.single(day(1), Money.of("1", "USD")), context=ctx(), history=h)


def test_terms_that_do_not_describe_a_schedule_are_refused():
    with pytest.raises(TermsError, match="more than the total"):
        Terms(day(1), eur("10"), day(1), eur("5"))
    with pytest.raises(TermsError, match="need a later date"):
        Terms(day(1), eur("5"), day(1), eur("10"))
    with pytest.raises(TermsError, match="do not fit"):
        Terms(day(1), eur("5"), day(3), eur("10"), 5)


def test_terms_expand_into_parts_that_add_up_exactly():
    t = Terms.plan(day(0), eur("100"), day(90), eur("1000.01"), 3)
    parts = t.parts()
    assert [p.on for p in parts] == [day(0), day(30), day(60), day(90)]  # all business days
    assert [p.amount for p in parts] == [eur("100"), eur("300"), eur("300"), eur("300.01")]


def test_an_override_is_recorded_with_its_reason():
    proposal = Terms.single(day(12), eur("8000"))
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    with pytest.raises(NegotiationError, match=re.escape(NO_OVERRIDE_REASON)):
        Override(Action.ACCEPT, proposal, " ", "alice", MON)
    ov = Override(Action.ACCEPT, proposal, "debtor paid early for ten years", "alice", MON)
    h = record_exchange(
        NegotiationHistory(), rec, proposed_by="Mr Debtor", collector="alice", on=MON, override=ov
    )
    assert [e.kind for e in h.events] == [
        EventKind.PROPOSAL,
        EventKind.OVERRIDE,
        EventKind.ACCEPTANCE,
    ]
    assert h.events[1].recommended is Action.COUNTER
    assert h.events[1].reason == "debtor paid early for ten years"


def test_an_override_cannot_pass_the_walk_away_point_without_approval():
    proposal = plan(30, "500", 200)
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    ov = Override(Action.ACCEPT, proposal, "good customer", "alice", MON)
    with pytest.raises(NegotiationError, match="beyond the walk-away point"):
        record_exchange(
            NegotiationHistory(), rec, proposed_by="x", collector="alice", on=MON, override=ov
        )


def test_a_concession_without_a_condition_is_refused():
    with pytest.raises(NegotiationError, match="must buy something"):
        Override(Action.CONCEDE, Terms.single(day(1), eur("1")), "why not", "alice", MON)


def test_the_history_is_immutable_closes_on_acceptance_and_exports_rows():
    h0 = NegotiationHistory()
    _, h1 = exchange(h0, plan(10, "2000", 80))
    assert h0.events == ()
    _, h2 = exchange(h1, plan(4, "5000", 39))
    with pytest.raises(NegotiationError, match="start a new one"):
        exchange(h2, plan(4, "5000", 39))
    frame = pl.DataFrame(h2.rows())
    assert tuple(frame.columns) == ROW_COLUMNS
    assert frame["kind"].to_list() == ["proposal", "counter", "proposal", "acceptance"]
    assert frame["first_amount"].to_list()[1] == Decimal("5000")


def test_a_config_whose_concessions_would_not_shrink_is_refused():
    with pytest.raises(NegotiationConfigError, match="must shrink"):
        NegotiationConfig(concessions=ConcessionPolicy(ratio=Decimal(1)))


# --- properties over whole negotiations -------------------------------------------------------

proposals = st.builds(
    lambda first, share, extra, n: (first, share, extra, n),
    st.integers(0, 60),
    st.integers(1, 100),
    st.integers(0, 200),
    st.integers(0, 6),
)


def _terms(balance: Money, p: tuple[int, int, int, int]) -> Terms:
    first, share, extra, n = p
    amount = Money.from_minor(max(1, balance.to_minor() * share // 100), "EUR")
    if amount == balance or n == 0 or extra < n:
        return Terms.single(day(first), amount)
    return Terms(day(first), amount, day(first + extra), balance, n)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["low", "medium", "high"]),
    st.integers(0, 3),
    st.integers(100, 5_000_000),
    st.lists(proposals, min_size=1, max_size=7),
)
def test_concessions_always_shrink_stay_within_walk_away_and_buy_new_conditions(
    tier, broken, balance_minor, props
):
    balance = Money.from_minor(balance_minor, "EUR")
    context = NegotiationContext(
        MON, balance, tier, PromiseRecord(given=broken, broken=broken), "alice"
    )
    h = NegotiationHistory()
    for i, p in enumerate(props):
        rec = respond(_terms(balance, p), context=context, history=h)
        if i == 0:
            assert rec.action in (Action.COUNTER, Action.ACCEPT)
        if rec.action in (Action.COUNTER, Action.CONCEDE, Action.NEEDS_APPROVAL):
            assert not rec.walk_away.exceeded(rec.terms, anchor=MON, balance=balance)
        h = record_exchange(h, rec, proposed_by="d", collector="alice", on=MON)
        if rec.action is Action.ACCEPT:
            break
    asked = h.conditions_asked
    assert len(asked) == len(set(asked)) <= CONFIG.concessions.max_concessions
    moves: list[list[int]] = [[], [], []]
    positions = h.positions
    for before, after in zip(positions, positions[1:], strict=False):
        got = previous_concessions((before, after))
        for dim, m in enumerate(got):
            if m is not None and (dim < 2 or (before.is_plan and after.is_plan)):
                moves[dim].append(m)
    for seq in moves:
        assert all(b < a for a, b in zip(seq, seq[1:], strict=False)), seq


def test_a_negotiation_resumed_days_later_never_offers_a_date_in_the_past():
    _, h = exchange(NegotiationHistory(), Terms.single(day(4), eur("6000")))  # counter: day 2
    later = NegotiationContext(day(5), eur("8000"), "medium", CLEAN, "alice")
    rec = respond(Terms.single(day(12), eur("6500")), context=later, history=h)
    assert rec.action is Action.CONCEDE
    assert rec.terms.first_on >= day(5)
    assert rec.walk_away.latest_first(rec.anchor) == day(14)  # still counted from the start


def test_no_empty_concession_when_the_first_date_already_sits_at_the_walk_away_point():
    # 20 000 owed by a medium-risk debtor: walk-away 10 days. A single payment in 20 days is
    # countered at day 10; insisting leaves nothing to give on a single payment's date, so the
    # engine asks for approval without pretending to concede (no condition bought for nothing).
    c = ctx("20000")
    proposal = Terms.single(day(20), eur("20000"))
    first = respond(proposal, context=c, history=NegotiationHistory())
    h = record_exchange(NegotiationHistory(), first, proposed_by="x", collector="alice", on=MON)
    again = respond(proposal, context=c, history=h)
    assert again.action is Action.NEEDS_APPROVAL
    assert again.condition is None and again.terms == first.terms


def test_the_default_policy_document_reads_back_as_the_default_policy():
    assert policy_from_document(policy_document(DeskPolicy())) == DeskPolicy()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"counter": {"earlier": "0.5"}}, "counter.earlier: unknown field"),
        ({"walk_away": []}, "walk_away: needs a catch-all rule"),
        (
            {"walk_away": [{"risk_tier": "", "min_balance": 0, "max_days_to_first": 7}]},
            "walk_away[0].max_days_to_last: missing",
        ),
        ({"concessions": {"ratio": 1}}, "ratio must be below 1"),
        ({"reasons": []}, "reasons: the list of counter reasons is empty"),
        ({"excuse_follow_up_days": {"bad_weather": 1}}, "excuse_follow_up_days.bad_weather"),
        ({"promise": {"grace_business_days": -1}}, "promise.grace_business_days: -1"),
    ],
)
def test_a_policy_document_with_a_bad_field_is_refused_naming_it(doc, message):
    with pytest.raises(PolicyDocumentError) as got:
        policy_from_document(doc)
    assert message in str(got.value)


# --- a counter keeps the plan's shape; conditions fit the terms; no concession without movement


def test_a_plan_is_countered_with_a_plan_of_the_same_total():
    # The desk's repro: 2,000 first, 20,000 in all by the last of 4 instalments, on 52,286 due.
    # The counter used to be one payment of 27,143: above what the plan covers.
    proposal = Terms.plan(day(20), eur("2000"), day(140), eur("20000"), 4)
    rec = respond(proposal, context=ctx("52286", "low"), history=NegotiationHistory())
    assert rec.action is Action.COUNTER
    t = rec.terms
    assert t.is_plan and t.total == eur("20000") and t.instalments == 4
    assert t.first_amount == eur("11000")  # 2,000 + half of the 18,000 the first leaves
    assert (t.first_on, t.last_on) == (day(10), day(70))
    assert not rec.walk_away.exceeded(t, anchor=MON, balance=eur("52286"))


def test_a_plan_counter_meets_the_smallest_first_payment_within_the_plan_s_total():
    proposal = Terms.plan(day(20), eur("2000"), day(140), eur("20000"), 4)
    rec = respond(proposal, context=ctx("52286", "high"), history=NegotiationHistory())
    # 50 % of 52,286 is 26,143: more than the plan covers, so that payment alone is asked
    assert rec.terms == Terms.single(day(7), eur("26143"))
    rec = respond(proposal, context=ctx("52286", "medium"), history=NegotiationHistory())
    assert rec.terms.first_amount == eur("15685.80")  # 30 %: within the plan's 20,000
    assert rec.terms.total == eur("20000") and rec.terms.is_plan


def test_rounding_never_turns_a_plan_counter_into_one_payment():
    proposal = Terms.plan(day(10), eur("1000"), day(40), eur("1000.50"), 1)
    rec = respond(proposal, context=ctx("4000", "low"), history=NegotiationHistory())
    assert rec.terms.is_plan and rec.terms.total == eur("1000.50")
    assert rec.terms.first_amount == eur("1000.25")


def test_a_plan_counter_keeps_a_day_between_the_first_payment_and_the_rest():
    # first in 4 days, the rest the day after: halved, both would fall on day 2
    proposal = Terms.plan(day(4), eur("2000"), day(5), eur("8000"), 1)
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    assert rec.terms.is_plan and rec.terms.total == eur("8000")
    assert rec.terms.last_on > rec.terms.first_on


def test_a_concession_to_a_plan_stays_a_plan_of_its_total():
    c = ctx("52286", "low")
    h = NegotiationHistory()
    _, h = exchange(h, Terms.plan(day(20), eur("11000"), day(110), eur("20000"), 4), c)
    assert h.positions[0] == Terms.plan(day(10), eur("15500"), day(53), eur("20000"), 4)
    rec, _ = exchange(h, Terms.plan(day(20), eur("11500"), day(110), eur("20000"), 4), c)
    assert rec.action is Action.CONCEDE
    assert rec.terms.is_plan and rec.terms.total == eur("20000")
    assert rec.condition is Condition.ACCELERATION_CLAUSE


def test_no_concession_asks_for_more_than_a_plan_covers():
    # countered at 5,000 first of 8,000; the debtor now names a plan of 3,000 in all
    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))
    rec, _ = exchange(h, plan(9, "2000", 80, total="3000"))
    assert rec.action is Action.HOLD
    assert rec.terms == h.positions[-1]


def test_the_acceleration_clause_is_never_asked_for_a_single_payment():
    policy = ConditionPolicy()
    asked = (
        Condition.WRITTEN_ACKNOWLEDGEMENT,
        Condition.PAYMENT_TODAY,
        Condition.DIRECT_DEBIT_MANDATE,
    )
    got = choose_condition(
        policy, risk_tier="medium", record=CLEAN, balance=eur("1000"), is_plan=False, asked=asked
    )
    assert got is Condition.POST_DATED_PAYMENT_ORDER
    order_first = ConditionPolicy(order=(Condition.ACCELERATION_CLAUSE,))
    got = choose_condition(
        order_first, risk_tier="medium", record=CLEAN, balance=eur("1000"), is_plan=False, asked=()
    )
    assert got is None


def test_a_single_payment_concession_is_never_tied_to_the_acceleration_clause():
    config = NegotiationConfig(concessions=ConcessionPolicy(max_concessions=6))
    h = NegotiationHistory()
    recs = []
    for amount in ("2000", "2010", "2020", "2030", "2040", "2050", "2060"):
        rec = respond(Terms.single(day(14), eur(amount)), context=ctx(), history=h, config=config)
        h = record_exchange(h, rec, proposed_by="d", collector="alice", on=MON)
        recs.append(rec)
    conds = [r.condition for r in recs if r.condition]
    assert len(conds) == 5 and Condition.ACCELERATION_CLAUSE not in conds
    assert recs[-1].action is Action.HOLD  # only the acceleration clause was left to ask


def test_an_acceptance_of_a_single_payment_drops_an_acceleration_clause_asked_for_a_plan():
    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))  # counter plan(5, 5000, 40)
    offer, h = exchange(h, plan(10, "2001", 80))  # concession on the acceleration clause
    assert offer.condition is Condition.ACCELERATION_CLAUSE
    rec, h = exchange(h, Terms.single(day(9), eur("8000")))  # all of it, by the concession's day
    assert rec.action is Action.ACCEPT and rec.conditions == ()
    assert h.events[-1].conditions == ()


def test_an_unchanged_proposal_is_held_without_a_concession():
    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))
    rec, h2 = exchange(h, plan(10, "2000", 80))
    assert rec.action is Action.HOLD and rec.condition is None
    assert rec.terms == h.positions[-1]
    assert rec.script.endswith(f"My offer stands: {h.positions[-1].describe()}.")
    assert h2.concessions == 0


def test_a_worse_proposal_is_held_without_a_concession():
    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))
    rec, _ = exchange(h, plan(12, "2000", 80))
    assert rec.action is Action.HOLD and rec.terms == h.positions[-1]


def test_moving_on_one_point_is_enough_for_a_concession():
    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))
    rec, _ = exchange(h, plan(12, "2000", 79))  # a later first date, but ends a day sooner
    assert rec.action is Action.CONCEDE


def test_terms_already_with_the_credit_manager_are_not_asked_again():
    _, h = exchange(NegotiationHistory(), plan(40, "400", 300))
    far = plan(30, "500", 200)
    asked, h = exchange(h, far)
    assert asked.action is Action.NEEDS_APPROVAL and asked.condition is not None
    rec, h2 = exchange(h, far)
    assert rec.action is Action.HOLD and rec.approval is None and rec.condition is None
    assert rec.note.startswith("already with the credit manager")
    assert "already with our credit manager" in rec.script
    assert rec.terms == h.positions[-1]  # the concession offered with the request stands
    assert [e.kind for e in h2.events[len(h.events) :]] == [EventKind.PROPOSAL, EventKind.HOLD]


def test_terms_the_credit_manager_refused_are_not_asked_again():
    _, h = exchange(NegotiationHistory(), plan(40, "400", 300))
    far = plan(30, "500", 200)
    asked, h = exchange(h, far)
    assert asked.approval is not None
    h = record_decision(h, ApprovalDecision(asked.approval, False, "carol", MON, "too risky"))
    rec, _ = exchange(h, far)
    assert rec.action is Action.HOLD and rec.approval is None
    assert "declined" in rec.script


def test_an_unchanged_proposal_beyond_the_walk_away_point_not_yet_asked_goes_to_approval():
    _, h = exchange(NegotiationHistory(), plan(30, "500", 200))  # countered: nothing asked
    rec, _ = exchange(h, plan(30, "500", 200))
    assert rec.action is Action.NEEDS_APPROVAL and rec.condition is None
    assert rec.terms == h.positions[-1]


def test_an_approved_repeat_is_still_accepted():
    _, h = exchange(NegotiationHistory(), plan(40, "400", 300))
    far = plan(30, "500", 200)
    asked, h = exchange(h, far)
    assert asked.approval is not None
    h = record_decision(h, ApprovalDecision(asked.approval, True, "carol", MON, "fine"))
    rec, _ = exchange(h, far)
    assert rec.action is Action.ACCEPT


# --- properties: shapes, conditions and movement ---------------------------------------------

plan_proposals = st.tuples(
    st.integers(0, 60),  # first date
    st.integers(1, 99),  # first payment, % of the total
    st.integers(1, 100),  # total, % of the balance
    st.integers(1, 200),  # days from the first to the last
    st.integers(1, 6),  # instalments
)


def _plan_terms(balance: Money, p: tuple[int, int, int, int, int]) -> Terms | None:
    first, share, cover, extra, n = p
    total = max(2, balance.to_minor() * cover // 100)
    amount = max(1, total * share // 100)
    if amount >= total or extra < n:
        return None
    return Terms(
        day(first),
        Money.from_minor(amount, "EUR"),
        day(first + extra),
        Money.from_minor(total, "EUR"),
        n,
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["low", "medium", "high"]),
    st.integers(0, 3),
    st.integers(100, 5_000_000),
    plan_proposals,
)
def test_a_counter_never_asks_for_more_than_the_debtor_proposed_to_cover(
    tier, broken, balance_minor, p
):
    balance = Money.from_minor(balance_minor, "EUR")
    proposal = _plan_terms(balance, p)
    if proposal is None:
        return
    context = NegotiationContext(
        MON, balance, tier, PromiseRecord(given=broken, broken=broken), "alice"
    )
    rec = respond(proposal, context=context, history=NegotiationHistory())
    smallest = rec.walk_away.smallest_first(balance)
    assert not rec.walk_away.exceeded(rec.terms, anchor=MON, balance=balance)
    if smallest < proposal.total:
        # a plan of the same total, better or equal on every point
        assert rec.terms.total == proposal.total and rec.terms.is_plan
        assert rec.terms.at_least_as_good_as(proposal)
    else:  # the walk-away point asks more than the plan covers: only that payment
        assert rec.terms == Terms.single(rec.terms.first_on, smallest)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["low", "medium", "high"]),
    st.integers(0, 3),
    st.integers(100, 5_000_000),
    st.lists(st.one_of(plan_proposals, proposals), min_size=1, max_size=8),
)
def test_an_acceleration_clause_is_only_ever_attached_to_plan_terms(
    tier, broken, balance_minor, props
):
    balance = Money.from_minor(balance_minor, "EUR")
    context = NegotiationContext(
        MON, balance, tier, PromiseRecord(given=broken, broken=broken), "alice"
    )
    config = NegotiationConfig(concessions=ConcessionPolicy(max_concessions=6))
    h = NegotiationHistory()
    for p in props:
        terms = _plan_terms(balance, p) if len(p) == 5 else _terms(balance, p)
        if terms is None:
            continue
        rec = respond(terms, context=context, history=h, config=config)
        if rec.condition is Condition.ACCELERATION_CLAUSE:
            assert rec.terms.is_plan and rec.proposal.is_plan
        if Condition.ACCELERATION_CLAUSE in rec.conditions:
            assert rec.terms.is_plan
        offered = rec.action in (Action.CONCEDE, Action.NEEDS_APPROVAL)
        new_terms = rec.terms != (h.positions[-1] if h.positions else None)
        if rec.proposal.is_plan and offered and new_terms:  # never more than the plan covers
            assert rec.terms.total <= max(rec.proposal.total, rec.walk_away.smallest_first(balance))
        h = record_exchange(h, rec, proposed_by="d", collector="alice", on=MON)
        if rec.action is Action.ACCEPT:
            break


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["low", "medium", "high"]),
    st.integers(0, 3),
    st.integers(100, 5_000_000),
    st.lists(proposals, min_size=1, max_size=6),
)
def test_an_unchanged_proposal_never_earns_a_concession(tier, broken, balance_minor, props):
    balance = Money.from_minor(balance_minor, "EUR")
    context = NegotiationContext(
        MON, balance, tier, PromiseRecord(given=broken, broken=broken), "alice"
    )
    h = NegotiationHistory()
    for p in props:
        terms = _terms(balance, p)
        rec = respond(terms, context=context, history=h)
        h = record_exchange(h, rec, proposed_by="d", collector="alice", on=MON)
        if rec.action is Action.ACCEPT:
            return
        again = respond(terms, context=context, history=h)
        if again.action is Action.ACCEPT:
            return
        assert again.action in (Action.HOLD, Action.NEEDS_APPROVAL)
        assert again.condition is None and again.terms == h.positions[-1]
        if rec.action is Action.NEEDS_APPROVAL:  # asked once: never again for the same terms
            assert again.action is Action.HOLD and again.approval is None
        h = record_exchange(h, again, proposed_by="d", collector="alice", on=MON)


def test_an_override_cannot_tie_a_single_payment_to_an_acceleration_clause():
    proposal = Terms.single(day(12), eur("8000"))
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    ov = Override(
        Action.ACCEPT, proposal, "signs today", "alice", MON, Condition.ACCELERATION_CLAUSE
    )
    with pytest.raises(NegotiationError, match="binds only a plan"):
        record_exchange(
            NegotiationHistory(), rec, proposed_by="x", collector="alice", on=MON, override=ov
        )
    fits = Override(Action.ACCEPT, proposal, "signs today", "alice", MON, Condition.GUARANTOR)
    h = record_exchange(
        NegotiationHistory(), rec, proposed_by="x", collector="alice", on=MON, override=fits
    )
    assert h.events[-1].conditions == (Condition.GUARANTOR,)


def test_a_concession_keeps_the_points_the_debtor_already_offers_better():
    context = ctx(balance="30000", tier="low")
    h = NegotiationHistory()
    for terms in (
        Terms(day(17), eur("5000"), day(107), eur("30000"), 3),
        Terms(day(12), eur("6000"), day(97), eur("30000"), 3),
    ):
        rec, h = exchange(h, terms, context)
    ours = h.positions[-1]
    assert ours.first_on.weekday() == 4  # a Friday
    whole = Terms.single(ours.first_on + timedelta(days=3), eur("30000"))  # all, on Monday
    rec = respond(whole, context=context, history=h)
    assert not rec.terms.is_plan  # the debtor's single payment is not turned into a plan
    # the concession keeps the whole payment the debtor offers; its date cannot move to the
    # weekend between, so it stays on our Friday
    assert rec.action is Action.CONCEDE
    assert rec.terms == Terms.single(ours.first_on, eur("30000"))
    assert rec.conditions and Condition.ACCELERATION_CLAUSE not in rec.conditions


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["low", "medium", "high"]),
    st.integers(0, 3),
    st.integers(100, 5_000_000),
    st.lists(proposals, min_size=2, max_size=6),
)
def test_a_concession_is_never_worse_for_us_than_what_the_debtor_offered(
    tier, broken, balance_minor, props
):
    balance = Money.from_minor(balance_minor, "EUR")
    context = NegotiationContext(
        MON, balance, tier, PromiseRecord(given=broken, broken=broken), "alice"
    )
    h = NegotiationHistory()
    for p in props:
        proposal = _terms(balance, p)
        rec = respond(proposal, context=context, history=h)
        if rec.action is Action.CONCEDE:
            new = rec.terms
            assert new.first_on <= proposal.first_on
            assert new.first_amount >= proposal.first_amount
            assert new.last_on <= proposal.last_on
            assert new.is_plan or not proposal.is_plan or new.first_amount >= proposal.total
        h = record_exchange(h, rec, proposed_by="d", collector="alice", on=MON)
        if rec.action is Action.ACCEPT:
            break


def test_a_hold_override_records_our_standing_offer_and_needs_one():
    proposal = Terms.single(day(12), eur("8000"))
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    hold = Override(Action.HOLD, proposal, "firm", "alice", MON)
    with pytest.raises(NegotiationError, match="nothing to hold"):
        record_exchange(
            NegotiationHistory(), rec, proposed_by="x", collector="alice", on=MON, override=hold
        )
    _, h = exchange(NegotiationHistory(), proposal)  # countered: our offer stands
    later = Terms.single(day(11), eur("8000"))
    rec = respond(later, context=ctx(), history=h)
    h2 = record_exchange(
        h,
        rec,
        proposed_by="x",
        collector="alice",
        on=MON,
        override=Override(Action.HOLD, later, "firm", "alice", MON),
    )
    assert h2.events[-1].kind is EventKind.HOLD and h2.events[-1].terms == h.positions[-1]


def test_a_counter_with_the_debtors_own_terms_is_refused_as_an_acceptance():
    proposal = Terms.single(day(12), eur("8000"))
    rec = respond(proposal, context=ctx(), history=NegotiationHistory())
    ov = Override(Action.COUNTER, proposal, "same", "alice", MON)
    with pytest.raises(NegotiationError, match="is an acceptance"):
        record_exchange(
            NegotiationHistory(), rec, proposed_by="x", collector="alice", on=MON, override=ov
        )


def test_terms_entered_directly_override_the_offer_that_stands_unless_they_keep_to_it():
    from arrears.domain.negotiation.recording import (
        BELOW_OUR_OFFER,
        CONDITION_MISSING,
        direct_entry,
        record_direct_entry,
    )

    _, h = exchange(NegotiationHistory(), plan(10, "2000", 80))  # countered: plan(4, 5000, 39)
    assert direct_entry(h, plan(10, "2000", 80), ()) == BELOW_OUR_OFFER  # the debtor's own
    assert direct_entry(h, plan(4, "5000", 39), ()) is None  # our offer
    assert direct_entry(h, Terms.single(day(20), eur("500")), ()) is None  # a part only
    offer, h2 = exchange(h, plan(10, "2001", 80))  # a concession on a condition
    assert direct_entry(h2, offer.terms, ()) == CONDITION_MISSING
    assert direct_entry(h2, offer.terms, offer.conditions) is None
    with pytest.raises(NegotiationError, match="needs the reason"):
        record_direct_entry(
            h, plan(10, "2000", 80), (), why=BELOW_OUR_OFFER, reason=" ", by="alice", on=MON
        )
    done = record_direct_entry(
        h, plan(10, "2000", 80), (), why=BELOW_OUR_OFFER, reason="CFO", by="alice", on=MON
    )
    assert [e.kind for e in done.events[-2:]] == [EventKind.OVERRIDE, EventKind.ACCEPTANCE]
    assert done.events[-2].reason_code == BELOW_OUR_OFFER
