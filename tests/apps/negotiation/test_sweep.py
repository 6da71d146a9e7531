from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, Case, CaseEvent, Run
from arrears.apps.negotiation.models import Dispute, PaymentPlan, PromiseToPay
from arrears.apps.negotiation.services import (
    PlanIn,
    approval_decide,
    dispute_open,
    negotiation_balance,
    negotiation_sweep,
    plan_create,
    promise_create,
    writeoff_request,
)
from arrears.domain.access import PersonRole
from arrears.domain.disputes import DisputeReason
from arrears.domain.promises import PromiseChannel
from arrears.domain.refusal import NotAllowed
from tests import factories, tables
from tests.apps.negotiation.support import AS_OF, eur
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
LATER = date(2026, 12, 10)
BROKEN_ON = date(2026, 12, 2)


def _state():
    return (
        CaseEvent.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.exclude(action="run.completed").count(),
        list(
            factories.items_read().order_by("id").values_list("excluded_minor", "broken_promises")
        ),
        list(PromiseToPay.objects.order_by("id").values_list("state", "paid_minor")),
        list(PaymentPlan.objects.order_by("id").values_list("status", "due_at_once_minor")),
        list(Dispute.objects.order_by("id").values_list("escalated_on", flat=True)),
        list(Case.objects.order_by("id").values_list("status", "closed_reason")),
    )


def test_a_run_repeated_for_the_same_date_changes_nothing_on_the_desk(w):
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 11, 27), eur("250"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        item_numbers=["INV-NEW"],
    )
    dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("100"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    )
    other = factories.debtor(w.company, owner=w.cora)
    factories.item(other, due=AS_OF - timedelta(days=1), amount=300_00)
    third = factories.debtor(w.company, owner=w.cora)
    factories.item(third, due=AS_OF - timedelta(days=1), amount=200_00)  # due: written off
    run_as_admin(company=w.company, as_of=AS_OF)
    plan_create(
        case=Case.objects.get(debtor=other),
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2026, 12, 15)]),
    )
    wo = writeoff_request(
        case=Case.objects.get(debtor=third), actor=w.cora, reason="gone", as_of=AS_OF
    )
    approval_decide(
        approval=wo.approval_set.get(), actor=w.maria, approve=True, reason="ok", as_of=AS_OF
    )
    run_as_admin(company=w.company, as_of=LATER)
    before = _state()
    run_as_admin(company=w.company, as_of=LATER)
    assert _state() == before
    assert "broken" in str(before[4]) and "defaulted" in str(before[5])
    assert ("closed", "written_off") in before[7]
    assert any(broken for _, broken in before[3])


def test_a_dry_run_changes_nothing_on_the_desk(w):
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 11, 27), eur("250"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    before = _state()
    run_as_admin(company=w.company, as_of=LATER, dry_run=True)
    assert _state() == before


def test_a_repeated_sweep_with_standing_promises_leaves_no_new_audit_rows(w):
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 12, 4), eur("250"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    sweep_as_admin(company=w.company, as_of=AS_OF)
    before = _state()
    again = sweep_as_admin(company=w.company, as_of=AS_OF)
    assert again.counts["promises_judged"] == 1 and _state() == before


def _write_off(w, key, amount):
    wo = writeoff_request(
        case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[(key, eur(amount))]
    )
    approval_decide(
        approval=wo.approval_set.get(), actor=w.maria, approve=True, reason="ok", as_of=AS_OF
    )


def test_a_promise_is_held_back_over_what_is_not_written_off(w):
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 12, 4), eur("500"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    _write_off(w, "INV-OLD", "200")
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    # 400 of INV-OLD and 100 of INV-NEW are promised; 200 of INV-OLD is written off
    assert (w.old.excluded_minor, w.new.excluded_minor) == (600_00, 100_00)


def test_a_plan_is_held_back_over_what_is_not_written_off(w):
    plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(
            parts=[(date(2026, 12, 1), eur("250")), (date(2026, 12, 15), eur("250"))],
            principal=eur("500"),
        ),
    )
    _write_off(w, "INV-OLD", "300")
    sweep_as_admin(company=w.company, as_of=AS_OF)
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (600_00, 200_00)


def test_written_off_money_is_not_negotiated_or_promised(w):
    _write_off(w, "INV-NEW", "400")
    assert negotiation_balance(w.case, AS_OF) == eur("600")
    with pytest.raises(ValueError):
        promise_create(
            case=w.case,
            actor=w.cora,
            parts=[(date(2026, 12, 4), eur("700"))],
            given_by="Mr Weber",
            channel=PromiseChannel.PHONE,
            as_of=AS_OF,
        )
    assert not PromiseToPay.objects.exists()


def _broken_promise(w):
    """A promise due Friday 27 Nov that nothing paid (deadline Tuesday 1 Dec): the sweep of
    2 Dec breaks it, and writes."""
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 11, 27), eur("300"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )


def _sweep_refused(call) -> NotAllowed:
    before = tables.snapshot()
    with pytest.raises(NotAllowed) as refused:
        call()
    assert tables.snapshot() == before
    return refused.value


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    "who", ["anonymous", "cora", "carl", "maria", "lena", "olga", "globex_administrator"]
)
def test_only_the_company_s_administrator_sweeps_the_negotiation_desk(w, who, dry_run):
    _broken_promise(w)
    gus = user_ensure(username="gus", role=PersonRole.ADMINISTRATOR, company=w.other)
    actor = {"anonymous": None, "globex_administrator": gus}.get(who) or getattr(w, who, None)
    _sweep_refused(
        lambda: negotiation_sweep(actor=actor, company=w.company, as_of=BROKEN_ON, dry_run=dry_run)
    )
    done = sweep_as_admin(company=w.company, as_of=BROKEN_ON)
    assert done.counts["promises_broken"] == 1


def test_a_sweep_inside_a_run_acts_only_as_the_person_who_runs_it(w):
    _broken_promise(w)
    ada = user_ensure(username="ada", role=PersonRole.ADMINISTRATOR, company=w.company)
    run = Run.objects.create(
        company=w.company, as_of=BROKEN_ON, started_at=timezone.now(), actor=ada
    )
    refused = _sweep_refused(lambda: sweep_as_admin(company=w.company, as_of=BROKEN_ON, run=run))
    assert (refused.code, refused.figures["run"]) == ("desk.sweep_not_the_runs_actor", run.pk)
    assert "admin did not start run" in str(refused)
    done = negotiation_sweep(actor=ada, company=w.company, as_of=BROKEN_ON, run=run)
    assert done.counts["promises_broken"] == 1
