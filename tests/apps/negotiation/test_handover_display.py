"""§1-2 A case handed over to legal or an agency: our ladder stops, the collector's open
actions go, the next action is the new owner's, and `arrears explain` shows what the case's
items still owe and who has it since when."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest

from arrears.apps.cases.models import Action, Case, CaseEvent
from arrears.apps.negotiation.presentation import describe_desk_event, negotiation_lines
from arrears.apps.negotiation.selectors import case_negotiation, events_facts
from arrears.apps.negotiation.services import case_handover
from arrears.apps.negotiation.services.common import follow_up
from arrears.domain.ladder import Channel, Role
from tests import terminal
from tests.apps.negotiation.support import AS_OF
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db
THU = date(2026, 11, 26)


def _to_legal(w) -> None:
    case_handover(
        case=w.case, actor=w.maria, to="legal", new_owner=w.lena, reason="sue", as_of=AS_OF
    )


def _explain(w) -> str:
    out = StringIO()
    terminal.run("explain", w.debtor.code, stdout=out)
    return out.getvalue()


def _open(w, role: str) -> list[str]:
    return list(
        Action.objects.filter(case=w.case, status__in=["open", "queued"], role=role).values_list(
            "step_code", flat=True
        )
    )


def test_a_handover_cancels_the_collector_s_open_actions(w):
    call = follow_up(w.case, step_code="call", due_on=AS_OF, channel=Channel.PHONE)
    assert set(_open(w, "collector")) == {"reminder", "call"}
    _to_legal(w)
    assert _open(w, "collector") == []
    call.refresh_from_db()
    assert call.status == "cancelled"
    assert _open(w, "legal") == ["handover_legal"]


def test_a_handover_keeps_the_credit_managers_tasks(w):
    follow_up(
        w.case,
        step_code="dispute_escalation",
        due_on=AS_OF,
        channel=Channel.TASK,
        role=Role.CREDIT_MANAGER,
    )
    _to_legal(w)
    assert _open(w, "credit_manager") == ["dispute_escalation"]


def test_the_handover_event_lists_the_actions_it_cancelled(w):
    follow_up(w.case, step_code="call", due_on=AS_OF, channel=Channel.PHONE)
    _to_legal(w)
    e = CaseEvent.objects.get(case=w.case, kind="handover")
    assert e.reason["cancelled_actions"] == [  # by due date, then as created
        ["reminder", "email", "2026-11-25"],
        ["call", "phone", "2026-11-25"],
    ]
    line = describe_desk_event(e, events_facts([e]))
    assert "the collector's open actions cancelled: " in line
    assert "call (phone) due 2026-11-25" in line


def test_after_a_handover_the_next_action_is_the_new_owner_s_task(w):
    follow_up(w.case, step_code="call", due_on=AS_OF, channel=Channel.PHONE)
    _to_legal(w)
    case = Case.objects.get(pk=w.case.pk)
    assert (
        case.next_action_kind,
        case.next_action_step_code,
        case.next_action_role,
        case.next_action_on,
    ) == ("task", "handover_legal", "legal", THU)


def test_the_next_daily_runs_keep_the_legal_task_and_give_the_collector_nothing(w):
    _to_legal(w)
    for days in (1, 7, 30):
        run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=days))
        case = Case.objects.get(pk=w.case.pk)
        assert (
            case.next_action_kind,
            case.next_action_step_code,
            case.next_action_role,
            case.next_action_on,
        ) == ("task", "handover_legal", "legal", THU)
        assert _open(w, "collector") == []


def test_explain_shows_who_has_a_handed_over_case_and_what_its_items_owe(w):
    _to_legal(w)
    run_as_admin(company=w.company, as_of=AS_OF)  # the sweep excludes every item: dunned EUR 0
    assert Case.objects.get(pk=w.case.pk).overdue_minor == 0
    out = _explain(w)
    assert (
        "owner lena; handed over to legal (lena) on 2026-11-25, no longer dunned by our ladder "
        "(by maria: sue)"
    ) in out
    assert "open EUR 1,000.00, overdue EUR 1,000.00; oldest due 2026-10-26" in out
    assert "overdue EUR 0.00" not in out and "oldest due None" not in out
    assert "ladder stopped at reminder since 2026-11-25" in out
    assert "next action: hand-over to legal on 2026-11-26 (legal)" in out


def test_case_negotiation_shows_the_handover_with_the_figures_of_the_items(w):
    _to_legal(w)  # lena's now: cora, who handed it over, no longer reads it
    lines = negotiation_lines(case_negotiation(actor=w.lena, case=w.case, as_of=AS_OF))
    assert lines[0].startswith("handed over to legal (lena) on 2026-11-25")
    assert lines[1].startswith("open EUR 1,000.00, overdue EUR 1,000.00")


def test_a_case_not_handed_over_shows_no_handover(w):
    assert not any(
        "handed over" in x
        for x in negotiation_lines(case_negotiation(actor=w.cora, case=w.case, as_of=AS_OF))
    )
    assert "handed over" not in _explain(w)
