from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, Case, CaseEvent
from arrears.apps.negotiation.models import Approval, Handover, WriteOff
from arrears.apps.negotiation.services import (
    NotAllowed,
    approval_decide,
    case_handover,
    promise_cancel,
    promise_create,
    writeoff_request,
)
from arrears.domain.ladder import Role
from arrears.domain.money import Money
from arrears.domain.promises import PromiseChannel
from tests.apps.negotiation.support import AS_OF, eur, refused
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db
NEXT = date(2026, 11, 26)


def _write_off_all(w, actor=None):
    wo = writeoff_request(
        case=w.case, actor=actor or w.cora, reason="debtor insolvent", as_of=AS_OF
    )
    return wo, Approval.objects.get(write_off=wo)


def test_a_write_off_request_waits_in_the_approval_queue(w):
    wo, approval = _write_off_all(w)
    assert (wo.status, approval.kind) == ("requested", "write_off")
    assert list(wo.parts.values_list("amount_minor", flat=True)) == [600_00, 400_00]


def test_a_write_off_needs_a_reason(w):
    refused(
        "writeoff.no_reason", writeoff_request, case=w.case, actor=w.cora, reason=" ", as_of=AS_OF
    )


def test_a_write_off_above_the_item_s_open_amount_is_refused(w):
    got = refused(
        "writeoff.part_above_open",
        writeoff_request,
        case=w.case,
        actor=w.cora,
        reason="x",
        as_of=AS_OF,
        parts=[("INV-NEW", eur("400.01"))],
    )
    assert got.figures == {
        "item": "INV-NEW",
        "amount_minor": 400_01,
        "open_minor": 400_00,
        "currency": "EUR",
    }
    assert not WriteOff.objects.exists()


def test_the_same_money_cannot_be_requested_for_write_off_twice(w):
    writeoff_request(
        case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[("INV-NEW", eur("300"))]
    )
    got = refused(
        "writeoff.beyond_left",
        writeoff_request,
        case=w.case,
        actor=w.cora,
        reason="y",
        as_of=AS_OF,
        parts=[("INV-NEW", eur("200"))],
    )
    assert got.figures == {
        "item": "INV-NEW",
        "amount_minor": 200_00,
        "left_minor": 100_00,
        "open_minor": 400_00,
        "reserved_minor": 300_00,
        "currency": "EUR",
    }
    assert WriteOff.objects.count() == 1


def test_a_whole_case_write_off_takes_only_what_is_not_already_written_off(w):
    writeoff_request(
        case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[("INV-NEW", eur("300"))]
    )
    wo, _ = _write_off_all(w)
    assert sorted(wo.parts.values_list("item__number", "amount_minor")) == [
        ("INV-NEW", 100_00),
        ("INV-OLD", 600_00),
    ]
    refused("writeoff.nothing_left", _write_off_all, w=w)


def test_an_approved_write_off_blocks_approving_the_same_money_again(w):
    first = writeoff_request(
        case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[("INV-NEW", eur("300"))]
    )
    approval_decide(
        approval=Approval.objects.get(write_off=first),
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    # A request entered before the first was decided is refused at approval, nothing changes.
    second = WriteOff.objects.create(
        case=w.case, reason="again", requested_by=w.cora, requested_on=AS_OF
    )
    second.parts.create(item=w.new, amount_minor=200_00)
    approval = Approval.objects.create(
        case=w.case, kind="write_off", requested_by=w.cora, requested_on=AS_OF, write_off=second
    )
    got = refused(
        "writeoff.beyond_left",
        approval_decide,
        approval=approval,
        actor=w.mike,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    assert (got.figures["amount_minor"], got.figures["left_minor"]) == (200_00, 100_00)
    approval.refresh_from_db()
    second.refresh_from_db()
    assert (approval.status, second.status) == ("requested", "requested")


def test_a_booked_write_off_no_longer_reserves_the_item(w):
    first = writeoff_request(
        case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[("INV-NEW", eur("300"))]
    )
    approval_decide(
        approval=Approval.objects.get(write_off=first),
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    w.new.open_minor = 100_00  # finance booked the 300 written off
    w.new.save()
    wo = writeoff_request(
        case=w.case, actor=w.cora, reason="y", as_of=NEXT, parts=[("INV-NEW", eur("100"))]
    )
    assert wo.parts.get().amount_minor == 100_00


def test_a_write_off_in_another_currency_is_refused(w):
    got = refused(
        "desk.wrong_currency",
        writeoff_request,
        case=w.case,
        actor=w.cora,
        reason="x",
        as_of=AS_OF,
        parts=[("INV-NEW", Money.of("1", "USD"))],
    )
    assert got.figures == {"what": "amount_written_off", "got": "USD", "want": "EUR"}


def test_a_collector_cannot_approve_a_write_off(w):
    _, approval = _write_off_all(w)
    with pytest.raises(NotAllowed):
        approval_decide(approval=approval, actor=w.cora, approve=True, reason="x", as_of=AS_OF)


def test_an_approved_write_off_of_the_whole_balance_closes_the_case_as_written_off(w):
    _, approval = _write_off_all(w)
    approval_decide(
        approval=approval, actor=w.maria, approve=True, reason="insolvency filed", as_of=AS_OF
    )
    run_as_admin(company=w.company, as_of=NEXT)
    w.refresh()
    assert (w.case.status, w.case.closed_reason) == ("closed", "written_off")
    assert (w.old.excluded_minor, w.new.excluded_minor) == (600_00, 400_00)
    assert not Action.objects.filter(case=w.case, due_on=NEXT, run__isnull=False).exists()


def test_a_case_closed_as_written_off_cancels_its_pending_actions(w):
    task = Action.objects.create(
        case=w.case, step_code="verify_guarantor", channel="task", role="collector", due_on=AS_OF
    )
    _, approval = _write_off_all(w)
    approval_decide(approval=approval, actor=w.maria, approve=True, reason="insolvent", as_of=AS_OF)
    run_as_admin(company=w.company, as_of=NEXT)
    task.refresh_from_db()
    assert (task.status, task.cancelled_reason, task.cancelled_on) == (
        "cancelled",
        "case_closed",
        NEXT,
    )
    assert not Action.objects.filter(case=w.case, status__in=["open", "queued"]).exists()


def test_a_written_off_case_stays_closed_when_finance_books_the_write_off(w):
    _, approval = _write_off_all(w)
    approval_decide(approval=approval, actor=w.maria, approve=True, reason="insolvent", as_of=AS_OF)
    run_as_admin(company=w.company, as_of=NEXT)
    w.old.open_minor = w.new.open_minor = 0  # booked in the ERP
    w.old.save()
    w.new.save()
    run_as_admin(company=w.company, as_of=date(2026, 11, 27))
    w.refresh()
    assert (w.case.status, w.case.closed_reason) == ("closed", "written_off")
    assert CaseEvent.objects.filter(case=w.case, kind="closed").count() == 1


def test_a_partial_write_off_keeps_the_case_open_and_dunning_the_rest(w):
    wo = writeoff_request(
        case=w.case,
        actor=w.cora,
        reason="price dispute settled",
        as_of=AS_OF,
        parts=[("INV-OLD", eur("100"))],
    )
    approval_decide(
        approval=Approval.objects.get(write_off=wo),
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    run_as_admin(company=w.company, as_of=NEXT)
    w.refresh()
    assert w.case.status == "open" and w.old.excluded_minor == 100_00


def test_a_refused_write_off_excludes_nothing(w):
    _, approval = _write_off_all(w)
    approval_decide(
        approval=approval, actor=w.maria, approve=False, reason="keep pushing", as_of=AS_OF
    )
    run_as_admin(company=w.company, as_of=NEXT)
    w.refresh()
    assert w.case.status == "open" and w.old.excluded_minor == 0


def test_a_handover_to_legal_changes_the_owner_and_is_recorded(w):
    h = case_handover(
        case=w.case,
        actor=w.maria,
        to="legal",
        new_owner=w.lena,
        reason="final notice ignored",
        as_of=AS_OF,
    )
    w.refresh()
    assert w.debtor.owner == w.lena and h.from_owner == w.cora
    assert CaseEvent.objects.filter(case=w.case, kind="handover").exists()
    assert Action.objects.filter(case=w.case, step_code="handover_legal", role="legal").exists()


def test_a_collector_cannot_hand_over(w):
    with pytest.raises(NotAllowed):
        case_handover(
            case=w.case, actor=w.cora, to="legal", new_owner=w.lena, reason="x", as_of=AS_OF
        )
    assert not Handover.objects.exists()


def test_a_handover_to_legal_must_go_to_a_legal_user(w):
    got = refused(
        "handover.not_legal",
        case_handover,
        case=w.case,
        actor=w.maria,
        to="legal",
        new_owner=w.carl,
        reason="x",
        as_of=AS_OF,
    )
    assert got.figures == {"person": "carl"}


def _agency_user(w, name="inkasso"):
    return user_ensure(username=name, role=Role.AGENCY, company=w.company)


def test_after_a_handover_the_old_owner_is_refused_and_the_new_one_may_act(w):
    agency = _agency_user(w)
    case_handover(
        case=w.case,
        actor=w.maria,
        to="agency",
        new_owner=agency,
        agency="Inkasso AG",
        reason="no contact for 60 days",
        as_of=AS_OF,
    )
    case = Case.objects.get(pk=w.case.pk)
    with pytest.raises(NotAllowed):
        writeoff_request(case=case, actor=w.cora, reason="x", as_of=AS_OF)
    assert writeoff_request(case=case, actor=agency, reason="x", as_of=AS_OF)


def test_a_handover_to_an_agency_must_go_to_an_agency_user(w):
    got = refused(
        "handover.not_agency",
        case_handover,
        case=w.case,
        actor=w.maria,
        to="agency",
        new_owner=w.carl,
        reason="x",
        as_of=AS_OF,
    )
    assert got.figures == {"person": "carl"}
    assert not Handover.objects.exists()


def test_a_handover_is_recorded_on_every_open_case_of_the_debtor(w):
    usd = Case.objects.create(company=w.company, debtor=w.debtor, currency="USD", opened_on=AS_OF)
    case_handover(
        case=w.case, actor=w.maria, to="legal", new_owner=w.lena, reason="sue", as_of=AS_OF
    )
    assert sorted(Handover.objects.values_list("case_id", flat=True)) == sorted([w.case.pk, usd.pk])
    assert CaseEvent.objects.filter(case=usd, kind="handover").count() == 1
    assert Action.objects.filter(case=usd, step_code="handover_legal").exists()


def test_a_write_off_cannot_take_money_a_standing_promise_counts_on(w):
    p = promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(date(2026, 12, 4), eur("250"))],  # within the walk-away point: it stands
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    assert p.state == "open"
    got = refused("desk.under_promise", _write_off_all, w=w)
    assert got.figures == {
        "promise": p.pk,
        "taking": "write_off",
        "need_minor": 250_00,
        "left_minor": 0,
        "currency": "EUR",
    }
    promise_cancel(promise=p, actor=w.cora, as_of=AS_OF, reason="insolvent: nothing will come")
    _, approval = _write_off_all(w)
    approval_decide(approval=approval, actor=w.maria, approve=True, reason="insolvent", as_of=AS_OF)
    run_as_admin(company=w.company, as_of=date(2026, 12, 10))
    w.refresh()
    assert (w.case.status, w.case.closed_reason) == ("closed", "written_off")
    assert (w.old.broken_promises, w.new.broken_promises) == (0, 0)


def test_a_handover_without_an_agency_name_reads_with_single_spaces(w):
    from arrears.apps.negotiation.presentation import describe_desk_event
    from arrears.apps.negotiation.selectors import events_facts

    case_handover(
        case=w.case,
        actor=w.maria,
        to="legal",
        new_owner=w.lena,
        reason="final notice ignored",
        as_of=AS_OF,
    )
    e = CaseEvent.objects.get(case=w.case, kind="handover")
    line = describe_desk_event(e, events_facts([e]))
    assert line is not None and "handed over to legal (cora -> lena): final notice" in line
    assert "  " not in line
