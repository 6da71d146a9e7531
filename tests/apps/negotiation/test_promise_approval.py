"""§5 A promise entered directly is held against the walk-away point, as a proposal is."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.negotiation.models import Approval, PromiseToPay
from arrears.apps.negotiation.selectors import promise_record_for
from arrears.apps.negotiation.services import (
    approval_decide,
    approval_withdraw,
    negotiation_propose,
    plan_create,
    promise_cancel,
    promise_create,
)
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.negotiation import Terms
from arrears.domain.promises import PromiseChannel
from tests import terminal
from tests.apps.negotiation.support import AS_OF, eur, refused
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
FRI, NEXT_YEAR = date(2026, 11, 27), date(2027, 11, 25)


def _promise(w, parts, **kw):
    return promise_create(
        case=w.case,
        actor=kw.pop("actor", w.cora),
        parts=parts,
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=kw.pop("as_of", AS_OF),
        **kw,
    )


def _excluded(w):
    w.refresh()
    return w.old.excluded_minor + w.new.excluded_minor


def test_a_promise_a_year_out_waits_for_a_credit_manager_and_holds_nothing_back(w):
    p = _promise(w, [(NEXT_YEAR, eur("1000"))])  # medium tier: first payment within 14 days
    assert p.state == "pending_approval"
    a = Approval.objects.get(promise=p)
    assert (a.kind, a.status, a.requested_by) == ("promise", "requested", w.cora)
    assert a.detail["exceeded"] == ["first_payment_too_late", "plan_too_long"]
    assert a.detail["walk_away"] == [14, "0.2500", 90] and a.detail["balance_minor"] == 1000_00
    sweep_as_admin(company=w.company, as_of=AS_OF)
    assert _excluded(w) == 0  # the ladder goes on until a credit manager agrees


def test_a_promise_within_the_walk_away_point_stands_at_once(w):
    p = _promise(w, [(FRI, eur("250"))])
    assert p.state == "open" and not Approval.objects.exists()


def test_a_first_payment_below_the_smallest_share_needs_approval(w):
    p = _promise(w, [(FRI, eur("100")), (date(2026, 12, 20), eur("900"))])
    assert p.state == "pending_approval"
    assert Approval.objects.get(promise=p).detail["exceeded"] == ["first_payment_too_small"]


def test_an_approved_promise_stands_and_holds_back_the_promised_amount(w):
    p = _promise(w, [(date(2026, 12, 30), eur("1000"))])
    a = Approval.objects.get(promise=p)
    with pytest.raises(PermissionError):  # the requester cannot approve
        approval_decide(approval=a, actor=w.cora, approve=True, reason="ok", as_of=AS_OF)
    approval_decide(approval=a, actor=w.maria, approve=True, reason="good payer", as_of=AS_OF)
    p.refresh_from_db()
    assert p.state == "open"
    sweep_as_admin(company=w.company, as_of=AS_OF)
    assert _excluded(w) == 1000_00
    assert promise_record_for(debtor=w.debtor, as_of=AS_OF).given == 1


def test_a_refused_promise_is_not_counted_as_given_and_frees_the_items(w):
    p = _promise(w, [(NEXT_YEAR, eur("1000"))])
    assert promise_record_for(debtor=w.debtor, as_of=AS_OF).given == 0
    a = Approval.objects.get(promise=p)
    approval_decide(approval=a, actor=w.maria, approve=False, reason="too long", as_of=AS_OF)
    p.refresh_from_db()
    assert (p.state, p.closed_on) == ("refused", AS_OF)
    assert promise_record_for(debtor=w.debtor, as_of=AS_OF).given == 0
    assert _promise(w, [(FRI, eur("400"))]).state == "open"  # new terms may be agreed


def test_a_waiting_promise_blocks_a_second_commitment_on_the_same_items(w):
    p = _promise(w, [(NEXT_YEAR, eur("1000"))])
    got = refused("promise.waits_approval", _promise, w=w, parts=[(FRI, eur("300"))])
    assert got.figures == {"promise": p.pk}
    got = refused(
        "plan.promise_stands",
        plan_create,
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[FRI]),
    )
    assert got.figures == {"promise": p.pk}
    got = refused(
        "negotiation.promise_stands",
        negotiation_propose,
        case=w.case,
        actor=w.cora,
        proposal=Terms.single(FRI, eur("1000")),
        proposed_by="Mr Weber",
        as_of=AS_OF,
    )
    assert got.figures == {"promise": p.pk}


def test_the_same_waiting_promise_entered_twice_is_stored_once(w):
    first = _promise(w, [(NEXT_YEAR, eur("1000"))])
    assert _promise(w, [(NEXT_YEAR, eur("1000"))]) == first
    assert PromiseToPay.objects.count() == Approval.objects.count() == 1


def test_cancelling_a_waiting_promise_withdraws_its_request(w):
    p = _promise(w, [(NEXT_YEAR, eur("1000"))])
    promise_cancel(promise=p, actor=w.cora, as_of=AS_OF, reason="debtor paid instead")
    p.refresh_from_db()
    a = Approval.objects.get(promise=p)
    assert (p.state, a.status) == ("withdrawn", "withdrawn")


def test_withdrawing_the_request_cancels_the_waiting_promise(w):
    p = _promise(w, [(NEXT_YEAR, eur("1000"))])
    approval_withdraw(
        approval=Approval.objects.get(promise=p), actor=w.cora, as_of=AS_OF, reason="wrong date"
    )
    p.refresh_from_db()
    assert p.state == "withdrawn"


def test_a_promise_whose_first_date_has_passed_cannot_be_approved(w):
    p = _promise(w, [(date(2026, 12, 30), eur("1000"))])
    a = Approval.objects.get(promise=p)
    got = refused(
        "approval.terms_past",
        approval_decide,
        approval=a,
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=NEXT_YEAR,
    )
    assert got.figures == {"approval": a.pk, "first_on": date(2026, 12, 30), "as_of": NEXT_YEAR}


def test_the_promise_command_says_a_promise_beyond_the_walk_away_point_waits(w):
    from io import StringIO

    out = StringIO()
    terminal.run(
        "promise",
        w.debtor.code,
        "--part",
        "2027-11-25:1000.00",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        AS_OF.isoformat(),
        stdout=out,
    )
    a = Approval.objects.get()
    assert f"approval A{a.pk} waits for a credit manager" in out.getvalue()
    assert "beyond the walk-away point: first payment too late" in out.getvalue()
    assert "walk-away limits: first payment by 2026-12-09 at the latest" in out.getvalue()


def test_a_promise_withdrawn_while_it_waited_is_not_in_the_promise_record(w):
    p = _promise(w, [(NEXT_YEAR, eur("1000"))])
    promise_cancel(promise=p, actor=w.cora, as_of=AS_OF, reason="entered by mistake")
    assert promise_record_for(debtor=w.debtor, as_of=AS_OF).given == 0


def test_a_request_whose_first_date_passed_leaves_the_queue_with_the_daily_run(w):
    from arrears.apps.negotiation.selectors import approval_queue

    p = _promise(w, [(date(2026, 11, 30), eur("50"))], item_numbers=["INV-NEW"])  # too small
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2027, 11, 1)], item_numbers=["INV-OLD"]),
    )
    assert p.state == "pending_approval" and plan.status == "pending_approval"
    assert len(approval_queue(actor=w.maria, company=w.company)) == 2
    run_as_admin(company=w.company, as_of=date(2026, 11, 30))  # the promise's date: still decidable
    assert len(approval_queue(actor=w.maria, company=w.company)) == 2
    run_as_admin(company=w.company, as_of=date(2026, 12, 2))
    assert approval_queue(actor=w.maria, company=w.company) == []
    p.refresh_from_db()
    plan.refresh_from_db()
    assert (p.state, plan.status) == ("withdrawn", "withdrawn")
    a = Approval.objects.get(promise=p)
    assert a.decision_reason.startswith("its first payment date (2026-11-30) passed")
    again = run_as_admin(company=w.company, as_of=date(2026, 12, 2))
    assert again is not None and Approval.objects.filter(status="withdrawn").count() == 2


def test_a_promise_on_an_invoice_outside_a_plan_may_stand_beside_it(w):
    from tests import factories

    plan = plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[date(2026, 12, 4)])
    )
    assert plan.covered_items == ["INV-NEW", "INV-OLD"]
    factories.item(
        w.debtor, due=date(2026, 11, 20), amount=200_00, number="INV-LATE", issue_date=AS_OF
    )
    got = refused("promise.plan_covers", _promise, w=w, parts=[(FRI, eur("200"))])
    assert got.figures == {"plan": plan.pk}  # the whole case: the plan's items too
    p = _promise(w, [(FRI, eur("200"))], item_numbers=["INV-LATE"])
    assert p.state == "open"


def test_a_negotiation_beside_a_plan_is_about_the_invoices_outside_it(w):
    from tests import factories

    plan = plan_create(
        case=w.case, actor=w.cora, as_of=AS_OF, schedule=PlanIn(due_dates=[date(2026, 12, 4)])
    )

    def propose(terms, **kw):
        return negotiation_propose(
            case=w.case, actor=w.cora, proposal=terms, proposed_by="Mr Weber", as_of=AS_OF, **kw
        )

    got = refused("negotiation.plan_stands", propose, terms=Terms.single(FRI, eur("100")))
    assert got.figures == {"plan": plan.pk}  # nothing due outside the plan
    factories.item(
        w.debtor, due=date(2026, 11, 20), amount=200_00, number="INV-LATE", issue_date=AS_OF
    )
    r = propose(Terms.single(FRI, eur("200")))
    assert r.recommendation.balance == eur("200")
    from arrears.apps.negotiation.services import OverrideIn
    from arrears.domain.negotiation.history import Action

    done = propose(
        Terms.single(FRI, eur("200")),
        override=OverrideIn(Action.ACCEPT, Terms.single(FRI, eur("200")), "pays Friday"),
    )
    assert done.promise is not None
    assert [i.number for i in done.promise.items.all()] == ["INV-LATE"]


def test_the_plan_command_names_the_request_a_plan_beyond_the_walk_away_point_waits_on(w):
    from io import StringIO

    out = StringIO()
    terminal.run(
        "plan",
        w.debtor.code,
        "--first-due",
        "2027-03-01",
        "--count",
        "3",
        "--user",
        "cora",
        "--as-of",
        AS_OF.isoformat(),
        stdout=out,
    )
    a = Approval.objects.get(kind="plan")
    said = out.getvalue()
    assert "(waiting for approval): EUR 1,000.00 on INV-NEW, INV-OLD:" in said
    assert f"approval A{a.pk} waits for a credit manager" in said
    assert "plan too long" in said and "walk-away limits:" in said
