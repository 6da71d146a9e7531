from __future__ import annotations

from datetime import timedelta

import pytest

from arrears.apps.cases.models import Action as Action_
from arrears.apps.cases.models import CaseEvent
from arrears.apps.negotiation.models import (
    Approval,
    Negotiation,
    NegotiationEvent,
    PaymentPlan,
    PromiseToPay,
)
from arrears.apps.negotiation.presentation import commitment_words, negotiation_csv
from arrears.apps.negotiation.selectors import approval_queue, negotiation_rows
from arrears.apps.negotiation.services import (
    NotAllowed,
    OverrideIn,
    approval_decide,
    negotiation_propose,
)
from arrears.apps.negotiation.services.negotiation import AGREED
from arrears.domain.money import Money
from arrears.domain.negotiation import Condition, NegotiationError, Terms
from arrears.domain.negotiation.history import Action
from tests.apps.negotiation.support import AS_OF, eur, refused

pytestmark = pytest.mark.django_db


def _days(n: int):
    return AS_OF + timedelta(days=n)


def _all_in(days: int) -> Terms:
    return Terms.single(_days(days), eur("1000"))


def _propose(w, terms, actor=None, override=None, on=AS_OF):
    return negotiation_propose(
        case=w.case,
        actor=actor or w.cora,
        proposal=terms,
        proposed_by="Mr Weber",
        as_of=on,
        override=override,
    )


def test_the_first_proposal_is_countered_with_a_reason_even_when_acceptable(w):
    r = _propose(w, _all_in(12))
    rec = r.recommendation
    assert rec.action is Action.COUNTER and rec.reason is not None
    assert rec.terms.first_on == _days(6)
    assert r.recorded == ("counter",)
    assert rec.reason.text in rec.script


def test_the_whole_exchange_is_stored_in_order_with_the_script(w):
    _propose(w, _all_in(12))
    _propose(w, _all_in(11))  # the debtor moves: a concession
    kinds = list(NegotiationEvent.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["proposal", "counter", "proposal", "concession"]
    assert NegotiationEvent.objects.get(seq=2).script.startswith("Our")
    assert CaseEvent.objects.filter(case=w.case, kind="negotiation").count() == 2


def test_concessions_are_conditional_and_shrink(w):
    def part(amount):  # a part of the balance in 13 days: the debtor raises it each time
        return Terms.single(_days(13), eur(amount))

    _propose(w, part("400"))
    first = _propose(w, part("450")).recommendation  # each concession answers a move
    second = _propose(w, part("460")).recommendation
    assert first.action is Action.CONCEDE and first.condition is not None
    assert second.condition not in (None, first.condition)
    moved = (first.terms.first_on - _days(6)).days
    # less each time; the second cannot move the date onto the weekend after the first's
    # Friday, so it gives on the amount only
    assert 0 <= (second.terms.first_on - first.terms.first_on).days < moved
    assert second.terms.first_amount < first.terms.first_amount


def test_terms_beyond_the_walk_away_point_go_to_the_credit_manager(w):
    _propose(w, _all_in(12))
    r = _propose(w, _all_in(40))
    assert r.recommendation.action is Action.NEEDS_APPROVAL
    assert r.approval is not None and approval_queue(actor=w.maria, company=w.company) == [
        r.approval
    ]
    assert "first_payment_too_late" in r.approval.detail["exceeded"]


def test_approved_terms_are_then_accepted_and_become_a_promise(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    approval_decide(
        approval=asked, actor=w.maria, approve=True, reason="long customer", as_of=AS_OF
    )
    r = _propose(w, _all_in(40))
    assert r.recommendation.action is Action.ACCEPT
    assert r.promise is not None and r.promise.total_minor == 1000_00
    assert r.promise.negotiation == r.negotiation and r.negotiation.status == "agreed"
    kinds = [row["kind"] for row in negotiation_rows(actor=w.cora, case=w.case)]
    assert "approval_granted" in kinds and kinds[-1] == "acceptance"


def test_a_refusal_is_recorded_and_the_terms_stay_beyond_reach(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    approval_decide(approval=asked, actor=w.maria, approve=False, reason="too risky", as_of=AS_OF)
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by, asked.decision_reason) == (
        "refused",
        w.maria,
        "too risky",
    )
    again = _propose(w, _all_in(40)).recommendation  # the same terms: refused, not re-asked
    assert again.action is Action.HOLD and not Approval.objects.filter(status="requested")


def test_a_collector_cannot_approve(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    got = refused(
        "access.wrong_role",
        approval_decide,
        approval=asked,
        actor=w.cora,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    assert isinstance(got, NotAllowed)
    assert (got.figures["person"], got.figures["verb"]) == ("cora", "approve")


def test_a_credit_manager_cannot_approve_their_own_request(w):
    _propose(w, _all_in(12), actor=w.maria)
    asked = _propose(w, _all_in(40), actor=w.maria).approval
    got = refused(
        "access.own_request",
        approval_decide,
        approval=asked,
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    assert isinstance(got, NotAllowed) and got.figures["person"] == "maria"
    approval_decide(approval=asked, actor=w.mike, approve=True, reason="ok", as_of=AS_OF)


def test_a_decision_is_made_once(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    approval_decide(approval=asked, actor=w.maria, approve=False, reason="no", as_of=AS_OF)
    got = refused(
        "approval.decided",
        approval_decide,
        approval=asked,
        actor=w.mike,
        approve=True,
        reason="yes",
        as_of=AS_OF,
    )
    assert got.figures == {"approval": asked.pk, "status": "refused", "on": AS_OF}


def test_an_override_is_recorded_with_its_reason(w):
    ov = OverrideIn(Action.ACCEPT, _all_in(12), "debtor pays reliably, big customer")
    r = _propose(w, _all_in(12), override=ov)
    assert r.promise is not None
    over = NegotiationEvent.objects.get(kind="override")
    assert over.reason == "debtor pays reliably, big customer" and over.recommended == "counter"


def test_an_override_beyond_the_walk_away_point_is_refused_without_approval(w):
    ov = OverrideIn(Action.ACCEPT, _all_in(40), "I like them")
    with pytest.raises(NegotiationError, match="beyond the walk-away"):
        _propose(w, _all_in(40), override=ov)
    assert not NegotiationEvent.objects.exists() and not PromiseToPay.objects.exists()


def test_an_accepted_plan_becomes_a_payment_plan(w):
    plan = Terms(_days(2), eur("400"), _days(60), eur("1000"), 2)
    ov = OverrideIn(Action.ACCEPT, plan, "agreed with the CFO on the phone")
    r = _propose(w, plan, override=ov)
    assert r.plan is not None and r.plan.status == "good_standing"
    assert [i.principal_minor for i in r.plan.instalments.all()] == [400_00, 300_00, 300_00]
    assert PaymentPlan.objects.count() == 1


def test_a_proposal_in_another_currency_is_refused(w):
    got = refused(
        "desk.wrong_currency", _propose, w=w, terms=Terms.single(_days(3), Money.of("100", "USD"))
    )
    assert got.figures == {"what": "proposal", "got": "USD", "want": "EUR"}


def test_a_proposal_above_the_balance_is_refused(w):
    with pytest.raises(NegotiationError, match="more than the open balance"):
        _propose(w, Terms.single(_days(3), eur("1500")))


def test_a_second_collector_may_not_negotiate_on_cora_s_debtor(w):
    with pytest.raises(NotAllowed):
        _propose(w, _all_in(12), actor=w.carl)


def test_the_history_exports_as_csv_with_one_row_per_event(w):
    _propose(w, _all_in(12))
    text = negotiation_csv(negotiation_rows(actor=w.cora, case=w.case))
    lines = text.strip().splitlines()
    assert lines[0].startswith("negotiation,seq,on,kind,by,currency")
    assert len(lines) == 3 and ",counter," in lines[2]
    assert Approval.objects.count() == 0


def test_an_agreement_withdraws_the_negotiation_s_open_request(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    _propose(w, _all_in(12), override=OverrideIn(Action.ACCEPT, _all_in(12), "took 12 days"))
    asked.refresh_from_db()
    assert (asked.status, asked.decision_reason) == ("withdrawn", AGREED)
    got = refused(
        "approval.decided",
        approval_decide,
        approval=asked,
        actor=w.maria,
        approve=True,
        reason="late",
        as_of=AS_OF,
    )
    assert got.figures == {"approval": asked.pk, "status": "withdrawn", "on": AS_OF}
    rows = negotiation_rows(actor=w.cora, case=w.case)  # the request's end is in the history
    assert [r["kind"] for r in rows][-2:] == ["acceptance", "approval_withdrawn"]
    assert rows[-1]["reason"] == f"A{asked.pk} {AGREED}"


def test_a_new_request_replaces_the_open_one_of_the_negotiation(w):
    _propose(w, _all_in(12))
    first = _propose(w, _all_in(40)).approval
    second = _propose(w, _all_in(35)).approval
    first.refresh_from_db()
    assert first.status == "withdrawn" and first.decision_reason.startswith("replaced by")
    assert approval_queue(actor=w.maria, company=w.company) == [second]
    assert second.detail["replaces"] == [first.pk]
    assert CaseEvent.objects.filter(reason__rule="approval_replaced").count() == 1


def test_the_replaced_request_is_in_the_exported_history(w):
    _propose(w, _all_in(12))
    first = _propose(w, _all_in(40)).approval
    r = _propose(w, _all_in(35))
    rows = negotiation_rows(actor=w.cora, case=w.case)
    kinds = [x["kind"] for x in rows]
    assert kinds[-4:] == ["proposal", "approval_withdrawn", "approval_requested", "concession"]
    gone = rows[-3]
    assert gone["reason"] == f"A{first.pk} replaced by a new request for {_all_in(35).describe()}"
    assert gone["first_on"] == _days(40)
    stored = NegotiationEvent.objects.get(kind="approval_requested", seq=rows[-2]["seq"])
    assert stored.script == r.recommendation.script
    assert "approval_withdrawn" in negotiation_csv(negotiation_rows(actor=w.cora, case=w.case))


def test_the_history_shows_the_commitment_an_acceptance_became(w):
    ov = OverrideIn(Action.ACCEPT, _all_in(12), "pays reliably", Condition.PAYMENT_TODAY)
    p = _propose(w, _all_in(12), override=ov).promise
    last = negotiation_rows(actor=w.cora, case=w.case)[-1]
    want = (
        f"promise P{p.pk} (open): EUR 1,000.00 on {_days(12)} on condition of payment_today"
        "; paid so far EUR 0.00, still owed EUR 1,000.00"
    )
    assert (last["kind"], commitment_words(last["commitment"])) == ("acceptance", want)
    lines = negotiation_csv(negotiation_rows(actor=w.cora, case=w.case)).strip().splitlines()
    assert lines[0].endswith(",recommended,commitment") and lines[-1].endswith(f'"{want}"')


def test_granting_terms_whose_first_payment_is_past_is_refused(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    later = _days(41)
    got = refused(
        "approval.terms_past",
        approval_decide,
        approval=asked,
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=later,
    )
    assert got.figures == {"approval": asked.pk, "first_on": _days(40), "as_of": later}
    asked.refresh_from_db()
    assert asked.status == "requested"


def test_the_credit_manager_s_decision_is_in_the_negotiation_history(w):
    _propose(w, _all_in(12))
    asked = _propose(w, _all_in(40)).approval
    approval_decide(approval=asked, actor=w.maria, approve=False, reason="no", as_of=AS_OF)
    last = negotiation_rows(actor=w.cora, case=w.case)[-1]
    assert (last["kind"], last["by"], last["reason"]) == ("approval_refused", "maria", "no")


def test_a_standing_promise_is_named_before_the_engine_runs(w):
    ov = OverrideIn(Action.ACCEPT, _all_in(12), "pays reliably")
    p = _propose(w, _all_in(12), override=ov).promise
    got = refused("negotiation.promise_stands", _propose, w=w, terms=_all_in(10))
    assert got.figures == {"promise": p.pk}
    assert NegotiationEvent.objects.count() == 3  # nothing of the refused proposal


def test_an_idle_negotiation_is_closed_and_the_next_proposal_starts_afresh(w):
    _propose(w, _all_in(12))
    r = _propose(w, Terms.single(_days(45), eur("1000")), on=_days(35))
    assert r.recommendation.action is Action.COUNTER  # a first proposal again, not beyond reach
    old = Negotiation.objects.order_by("id").first()
    assert (old.status, old.closed_on) == ("closed", _days(35))
    assert "no exchange for 35 days" in old.closed_reason


def test_accepted_conditions_are_carried_into_the_promise_with_tasks_to_verify(w):
    terms = _all_in(12)
    ov = OverrideIn(Action.ACCEPT, terms, "pays reliably", Condition.WRITTEN_ACKNOWLEDGEMENT)
    p = _propose(w, terms, override=ov).promise
    assert p.conditions == ["written_acknowledgement"]
    task = Action_.objects.get(case=w.case, step_code="verify_written_acknowledgement")
    assert (task.channel, task.due_on) == ("task", _days(1))


def test_a_payment_today_condition_keeps_the_agreed_dates_and_is_verified_next_day(w):
    plan = Terms(_days(5), eur("400"), _days(60), eur("1000"), 2)
    ov = OverrideIn(Action.ACCEPT, plan, "CFO agreed", Condition.PAYMENT_TODAY)
    r = _propose(w, plan, override=ov)
    assert r.plan is not None and r.plan.conditions == ["payment_today"]
    assert r.plan.instalments.order_by("seq").first().due_on == _days(5)
    task = Action_.objects.get(case=w.case, step_code="verify_payment_today")
    assert (task.channel, task.due_on) == ("task", _days(1))


def test_a_promise_on_payment_today_keeps_its_date(w):
    terms = _all_in(10)
    ov = OverrideIn(Action.ACCEPT, terms, "pays today", Condition.PAYMENT_TODAY)
    p = _propose(w, terms, override=ov).promise
    assert p.conditions == ["payment_today"]
    assert [x.on for x in p.parts.all()] == [_days(10)]


def test_an_acceptance_carries_only_the_condition_of_the_offer_taken(w):
    _propose(w, _all_in(12))  # counter: 6 days
    offer = _propose(w, _all_in(11)).recommendation  # concession 1 on a condition
    assert offer.action is Action.CONCEDE and offer.condition is not None
    r = _propose(w, _all_in(6))  # back to the opening counter: the concession not taken
    assert r.recommendation.action is Action.ACCEPT
    assert r.recommendation.conditions == ()
    assert r.promise is not None and r.promise.conditions == []
    assert not Action_.objects.filter(case=w.case, step_code__startswith="verify_").exists()


def test_invoices_not_yet_due_are_not_negotiated(w):
    from tests import factories

    factories.item(w.debtor, due=_days(20), amount=47_000_00, number="INV-LATER")
    r = _propose(w, Terms.single(_days(2), eur("1000")))
    rec = r.recommendation
    assert rec.balance == eur("1000")
    assert rec.action is Action.COUNTER and r.approval is None
    with pytest.raises(ValueError):
        _propose(w, Terms.single(_days(2), eur("1000.01")))


def test_a_negotiated_plan_covers_what_was_due_not_invoices_not_yet_due(w):
    from tests import factories

    factories.item(w.debtor, due=_days(20), amount=5_000_00, number="INV-LATER")
    plan = Terms(_days(2), eur("400"), _days(60), eur("1000"), 2)
    r = _propose(w, plan, override=OverrideIn(Action.ACCEPT, plan, "agreed with the CFO"))
    assert r.plan is not None and r.plan.covered_items == ["INV-NEW", "INV-OLD"]


def _direct(w, terms, **kw):
    from arrears.apps.negotiation.services import promise_create
    from arrears.domain.promises import PromiseChannel

    return promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(p.on, p.amount) for p in terms.parts()],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        **kw,
    )


def test_the_debtor_s_own_terms_recorded_right_after_a_counter_need_a_reason(w):
    from arrears.apps.negotiation.selectors import collector_figures

    r = _propose(w, _all_in(12))  # countered: our offer of day 6 stands
    got = refused("promise.override_no_reason", _direct, w=w, terms=_all_in(12))
    assert got.figures == {"negotiation": r.negotiation.pk, "why": "below_our_offer"}
    assert not PromiseToPay.objects.exists()
    p = _direct(w, _all_in(12), override_reason="the CFO signs the transfer on the 7th")
    r.negotiation.refresh_from_db()
    assert (p.negotiation, r.negotiation.status) == (r.negotiation, "agreed")
    rows = negotiation_rows(actor=w.cora, case=w.case)
    assert [x["kind"] for x in rows[-2:]] == ["override", "acceptance"]
    assert rows[-2]["reason"] == "the CFO signs the transfer on the 7th"
    mine = collector_figures(actor=w.maria, company=w.company)
    assert [(f.collector, f.overrides, f.direct_overrides) for f in mine] == [("cora", 1, 1)]


def test_a_concession_taken_without_its_condition_needs_a_reason(w):
    _propose(w, _all_in(12))
    offer = _propose(w, _all_in(11)).recommendation  # a concession, on a condition
    assert offer.action is Action.CONCEDE and offer.condition is not None
    got = refused("promise.override_no_reason", _direct, w=w, terms=offer.terms)
    assert got.figures["why"] == "condition_missing"
    kept = _direct(w, offer.terms, conditions=[str(offer.condition)])  # with it: no override
    assert kept.negotiation is None and kept.conditions == [str(offer.condition)]


def test_a_plan_typed_in_below_the_offer_that_stands_needs_a_reason_too(w):
    from arrears.apps.negotiation.services import plan_create
    from arrears.apps.negotiation.services.plans import PlanIn

    r = _propose(w, Terms.plan(_days(12), eur("200"), _days(60), eur("1000"), 2))  # countered
    own = PlanIn(parts=[(_days(12), eur("200")), (_days(36), eur("400")), (_days(60), eur("400"))])
    kw = {"case": w.case, "actor": w.cora, "as_of": AS_OF, "schedule": own}
    got = refused("plan.override_no_reason", plan_create, **kw)
    assert got.figures == {"negotiation": r.negotiation.pk, "why": "below_our_offer"}
    plan = plan_create(**kw, override_reason="seasonal business, agreed with maria")
    r.negotiation.refresh_from_db()
    assert (plan.negotiation, r.negotiation.status) == (r.negotiation, "agreed")
