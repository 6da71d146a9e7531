from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.models import Action, Case, CaseEvent
from arrears.apps.ledger.models import Payment
from arrears.apps.negotiation.models import PromiseToPay
from arrears.apps.negotiation.presentation import describe_desk_event, negotiation_lines
from arrears.apps.negotiation.selectors import (
    case_negotiation,
    events_facts,
    promise_record_for,
)
from arrears.apps.negotiation.services import (
    NotAllowed,
    dispute_open,
    plan_create,
    promise_cancel,
    promise_create,
)
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.disputes import DisputeReason
from arrears.domain.money import Money
from arrears.domain.promises import PromiseChannel, PromiseError
from tests import factories
from tests.apps.negotiation.support import AS_OF, eur, pay, pay_split, refused
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
FRI, DEC11 = date(2026, 11, 27), date(2026, 12, 11)


def _promise(w, parts=None, actor=None, **kw):
    return promise_create(
        case=w.case,
        actor=actor or w.cora,
        parts=parts or [(FRI, eur("300"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=kw.pop("as_of", AS_OF),
        **kw,
    )


def test_a_promise_is_stored_with_its_parts_people_and_an_event(w):
    p = _promise(w, parts=[(FRI, eur("300")), (date(2026, 12, 4), eur("200"))])
    assert p.total_minor == 500_00 and p.taken_by == w.cora and p.given_by == "Mr Weber"
    assert [x.amount_minor for x in p.parts.all()] == [300_00, 200_00]
    assert CaseEvent.objects.filter(case=w.case, kind="promise").count() == 1
    assert AuditEvent.objects.filter(action="negotiation.promise_given").count() == 1


def test_entering_the_same_promise_twice_stores_it_once(w):
    assert _promise(w) == _promise(w)
    assert PromiseToPay.objects.count() == 1


def test_a_promise_in_the_past_is_refused_and_nothing_is_written(w):
    with pytest.raises(PromiseError, match="before today"):
        _promise(w, parts=[(AS_OF - timedelta(days=1), eur("100"))])
    assert not PromiseToPay.objects.exists() and not CaseEvent.objects.filter(kind="promise")


def test_a_promise_above_the_open_balance_is_refused(w):
    got = refused("promise.above_due", _promise, w=w, parts=[(FRI, eur("1000.01"))])
    assert got.figures == {"promised_minor": 1000_01, "due_minor": 1000_00, "currency": "EUR"}


def test_a_promise_cannot_cover_the_disputed_part(w):
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("200"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    got = refused("promise.above_due", _promise, w=w, parts=[(FRI, eur("900"))])
    assert got.figures == {"promised_minor": 900_00, "due_minor": 800_00, "currency": "EUR"}


def test_an_overlapping_promise_is_refused_until_the_first_is_cancelled(w):
    first = _promise(w)
    with pytest.raises(PromiseError, match="still stands"):
        _promise(w, parts=[(FRI + timedelta(days=7), eur("100"))])
    promise_cancel(promise=first, actor=w.cora, as_of=AS_OF, reason="replaced")
    second = _promise(w, parts=[(FRI + timedelta(days=7), eur("100"))])
    assert second.pk != first.pk


def test_promises_on_different_items_may_stand_side_by_side(w):
    _promise(w, parts=[(FRI, eur("100"))], item_numbers=["INV-OLD"])
    _promise(w, parts=[(FRI, eur("100"))], item_numbers=["INV-NEW"])
    assert PromiseToPay.objects.count() == 2


def test_a_promise_in_another_currency_is_refused(w):
    got = refused("desk.wrong_currency", _promise, w=w, parts=[(FRI, Money.of("100", "USD"))])
    assert got.figures == {"what": "promised_amount", "got": "USD", "want": "EUR"}


def test_a_promise_on_an_unknown_item_is_refused(w):
    with pytest.raises(PromiseError, match="not open on this case"):
        _promise(w, item_numbers=["INV-NOPE"])


def test_a_second_collector_may_not_record_a_promise_on_cora_s_debtor(w):
    got = refused("access.not_owner", _promise, w=w, actor=w.carl)
    assert isinstance(got, NotAllowed) and got.figures["person"] == "carl"
    assert not PromiseToPay.objects.exists()


def test_a_credit_manager_may_record_a_promise_on_any_debtor(w):
    assert _promise(w, actor=w.maria).taken_by == w.maria


def test_a_promise_is_refused_beside_a_plan_and_a_plan_beside_a_promise(w):
    _promise(w)
    p = PromiseToPay.objects.get()
    got = refused(
        "plan.promise_stands",
        plan_create,
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[FRI, DEC11]),
    )
    assert got.figures == {"promise": p.pk}


def test_a_promise_is_refused_beside_a_plan(w):
    plan = plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[FRI, DEC11])
    )
    got = refused("promise.plan_covers", _promise, w=w)
    assert got.figures == {"plan": plan.pk}


def test_a_promise_paid_in_full_by_its_date_is_kept(w):
    p = _promise(w)
    pay(w.old, 300_00, FRI)
    sweep_as_admin(company=w.company, as_of=FRI + timedelta(days=1))
    p.refresh_from_db()
    assert (p.state, p.paid_minor, p.closed_on) == ("kept", 300_00, FRI)


def test_a_partial_payment_across_several_items_counts_in_full(w):
    p = _promise(w, parts=[(FRI, eur("500"))])
    pay_split([(w.old, 200_00), (w.new, 300_00)], FRI)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert p.state == "kept"


def test_a_payment_dated_before_the_promise_but_imported_after_it_counts(w):
    p = _promise(w, parts=[(FRI, eur("500"))])
    pay(w.old, 200_00, AS_OF - timedelta(days=1))  # in transit when the debtor promised
    pay(w.old, 300_00, FRI)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert (p.state, p.paid_minor) == ("kept", 500_00)


def test_a_payment_dated_by_the_promise_imported_after_it_broke_makes_it_kept(w):
    p = _promise(w)  # EUR 300 on Friday 27 Nov, deadline Tue 1 Dec
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))
    p.refresh_from_db()
    assert p.state == "broken"
    pay(w.old, 300_00, FRI)  # the ERP exports it a week late
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 4))
    p.refresh_from_db()
    w.refresh()
    assert (p.state, p.paid_minor, p.closed_on) == ("kept", 300_00, FRI)
    assert (w.old.broken_promises, w.new.broken_promises) == (0, 0)
    follow = Action.objects.get(case=w.case, step_code="promise_follow_up")
    assert (follow.status, follow.cancelled_reason) == ("cancelled", "promise_kept")
    record = promise_record_for(debtor=w.debtor, as_of=date(2026, 12, 4))
    assert (record.kept, record.broken, record.partly_kept) == (1, 0, 0)
    event = CaseEvent.objects.filter(case=w.case, kind="promise").order_by("id").last()
    assert event.reason["rule"] == "promise_rejudged"
    assert describe_desk_event(event, events_facts([event])).endswith(
        f"promise P{p.pk} judged again on payments imported since: broken before, now kept "
        "(EUR 300.00 of EUR 300.00 paid by its date); follow-up of 2026-12-02 cancelled"
    )


def test_a_standing_promise_shows_paid_so_far_and_still_owed(w):
    p = _promise(w, parts=[(FRI, eur("300"))])
    pay(w.old, 100_00, AS_OF)  # imported after the promise, not yet swept
    desk = case_negotiation(actor=w.cora, case=w.case, as_of=AS_OF)
    line = next(x for x in negotiation_lines(desk) if x.startswith(f"promise P{p.pk}"))
    assert line.endswith("EUR 300.00, open; paid so far EUR 100.00, still owed EUR 200.00")


def test_a_payment_received_before_the_promise_was_given_does_not_count(w):
    pay(w.old, 300_00, AS_OF - timedelta(days=1))
    p = _promise(w)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert (p.state, p.paid_minor) == ("broken", 0)


def test_a_payment_already_in_the_balance_when_the_promise_was_entered_does_not_count(w):
    pay(w.old, 300_00, AS_OF)  # imported in the morning: the promise is checked against 700
    p = _promise(w, parts=[(FRI, eur("300"))])
    assert p.already_counted == [Payment.objects.get().reference]
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert (p.state, p.paid_minor) == ("broken", 0)


def test_a_payment_of_the_same_day_imported_after_the_promise_counts(w):
    p = _promise(w, parts=[(FRI, eur("300"))])
    pay(w.old, 300_00, AS_OF)  # received today, known only after the promise was entered
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert (p.state, p.paid_minor) == ("kept", 300_00)


def test_money_on_account_counts_towards_a_promise_on_the_whole_case(w):
    p = _promise(w, parts=[(FRI, eur("300"))])
    Payment.objects.create(
        company=w.company,
        debtor=w.debtor,
        reference="ON-ACCOUNT-1",
        received_on=FRI,
        currency="EUR",
        amount_minor=300_00,
        unapplied_minor=300_00,
    )
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert (p.state, p.paid_minor) == ("kept", 300_00)


def test_money_on_account_does_not_count_towards_a_promise_on_some_items(w):
    p = _promise(w, parts=[(FRI, eur("300"))], item_numbers=["INV-OLD"])
    Payment.objects.create(
        company=w.company,
        debtor=w.debtor,
        reference="ON-ACCOUNT-1",
        received_on=FRI,
        currency="EUR",
        amount_minor=300_00,
        unapplied_minor=300_00,
    )
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 3))
    p.refresh_from_db()
    assert p.state == "broken"


def test_a_partly_paid_promise_is_partly_kept_and_counts_as_broken(w):
    p = _promise(w)
    pay(w.old, 100_00, FRI)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))  # deadline Tue 1 Dec
    p.refresh_from_db()
    w.refresh()
    assert p.state == "partly_kept" and (w.old.broken_promises, w.new.broken_promises) == (1, 1)


def test_a_standing_promise_holds_back_the_promised_amount_from_dunning(w):
    _promise(w, parts=[(FRI, eur("700"))])
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (600_00, 100_00)


def test_the_hold_back_ends_when_the_promise_breaks(w):
    _promise(w, parts=[(FRI, eur("700"))])
    sweep_as_admin(company=w.company, as_of=AS_OF)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (0, 0)


def test_a_broken_promise_gets_a_follow_up_the_next_business_day_once(w):
    _promise(w)
    for _ in range(2):
        sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))
    follow = Action.objects.get(case=w.case, step_code="promise_follow_up")
    assert follow.due_on == date(2026, 12, 2)  # deadline Tue 1 Dec (2 business days of grace)
    assert CaseEvent.objects.filter(case=w.case, kind="promise").count() == 2  # given, broken


def test_a_sweep_repeated_for_the_same_date_changes_nothing(w):
    _promise(w)
    sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))
    again = sweep_as_admin(company=w.company, as_of=date(2026, 12, 2))
    assert not any(again.counts[k] for k in again.counts if not k.endswith("judged"))


def test_a_dry_sweep_writes_nothing(w):
    p = _promise(w)
    events = CaseEvent.objects.count()
    result = sweep_as_admin(company=w.company, as_of=date(2026, 12, 2), dry_run=True)
    p.refresh_from_db()
    w.refresh()
    assert result.counts["promises_broken"] == 1
    assert p.state == "open" and (w.old.broken_promises, w.new.broken_promises) == (0, 0)
    assert CaseEvent.objects.count() == events


def test_the_daily_run_moves_the_case_up_the_ladder_when_a_promise_breaks(w):
    risky = factories.debtor(w.company, owner=w.cora, risk_tier="high")  # the jump ladder
    factories.item(risky, due=AS_OF - timedelta(days=6), amount=500_00)
    calm = factories.debtor(w.company, owner=w.cora, risk_tier="high")
    factories.item(calm, due=AS_OF - timedelta(days=6), amount=500_00)
    run_as_admin(company=w.company, as_of=AS_OF)
    case = Case.objects.get(debtor=risky)
    promise_create(
        case=case,
        actor=w.cora,
        parts=[(FRI, eur("500"))],
        given_by="Ms Roth",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    run_as_admin(company=w.company, as_of=date(2026, 12, 2))
    steps = dict(Case.objects.filter(debtor__in=[risky, calm]).values_list("debtor", "step_code"))
    assert steps == {risky.pk: "final_notice", calm.pk: "call"}  # 13 days: age alone says call


def test_a_promise_and_a_dispute_on_the_same_item_hold_back_both(w):
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("200"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    _promise(w, parts=[(FRI, eur("700"))])  # of the EUR 800 not in dispute
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert w.old.excluded_minor + w.new.excluded_minor == 900_00  # only EUR 100 is dunned
