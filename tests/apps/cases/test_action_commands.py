"""`arrears action-done` and `action-cancel` act as the person whose token the terminal
presents; refusals read as words, and explain shows what became of each action."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.services import token_create
from arrears.apps.cases.models import Action, Case, ItemStep
from arrears.apps.cases.services import actions, strategies_install_defaults
from tests import factories, terminal
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)  # a Wednesday
THU = AS_OF + timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(actions, "today", lambda: THU)


@pytest.fixture
def call():
    company = factories.company()
    strategies_install_defaults(actor=admin(), company=company)
    cora = factories.collector("cora", company)
    factories.collector("carl", company)
    other = factories.company("globex")
    factories.collector("olga", other)
    d = factories.debtor(company, code="ACME-1", owner=cora, risk_tier="high")
    item = factories.item(d, due=AS_OF - timedelta(days=6))
    # reminded three days ago (the first contact is written): the call is due today
    ItemStep.objects.create(
        item=item, strategy_code="high_risk", step=0, step_on=AS_OF - timedelta(3)
    )
    run_as_admin(company=company, as_of=AS_OF)
    return Action.objects.get(case__debtor=d)


def _as(monkeypatch, username: str) -> None:
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.get(username=username)
    monkeypatch.setenv("ARREARS_TOKEN", token_create(actor=person, name="t").secret)


def _run(*args: str) -> str:
    return terminal.run(*args, as_=None)  # as the person `_as` put at the terminal


def test_action_done_records_the_outcome_and_says_when_the_call_is_tried_again(call, monkeypatch):
    _as(monkeypatch, "cora")
    out = _run("action-done", f"A{call.pk}", "--outcome", "no_answer", "--as-of", "2026-11-26")
    call.refresh_from_db()
    assert (call.status, call.outcome, call.done_on) == ("done", "no_answer", THU)
    assert f"A{call.pk} call (phone, collector) due 2026-11-25: done on 2026-11-26 by cora" in out
    assert "next: " in out and "due 2026-11-27: open" in out


def test_action_done_without_a_day_is_done_today(call, monkeypatch):
    _as(monkeypatch, "cora")
    _run("action-done", str(call.pk), "--outcome", "reached", "--note", "pays Friday")
    call.refresh_from_db()
    assert (call.done_on, call.note) == (THU, "pays Friday")


def test_action_done_by_another_company_s_collector_is_refused_in_words(call, monkeypatch):
    _as(monkeypatch, "olga")
    with pytest.raises(CommandError, match="olga holds no role in this company"):
        _run("action-done", str(call.pk), "--outcome", "reached")
    assert Action.objects.get(pk=call.pk).status == "open"


def test_action_done_by_a_collector_who_does_not_own_the_account_is_refused(call, monkeypatch):
    _as(monkeypatch, "carl")
    with pytest.raises(CommandError, match="carl does not own this account"):
        _run("action-done", str(call.pk), "--outcome", "reached")


@pytest.mark.parametrize(
    ("role", "who_may"),
    [("credit_manager", "a credit manager does"), ("legal", "legal or a credit manager does")],
)
def test_the_owner_completing_another_role_s_task_is_told_whose_it_is(
    call, monkeypatch, role, who_may
):
    task = Action.objects.create(
        case=call.case, step_code="legal", channel="task", role=role, due_on=AS_OF, status="open"
    )
    _as(monkeypatch, "cora")
    theirs = "a credit manager" if role == "credit_manager" else "legal"
    said = f"action {task.pk} is for {theirs}: cora \\(collector\\) may not complete or cancel it; {who_may}"
    with pytest.raises(CommandError, match=said):
        _run("action-done", str(task.pk), "--outcome", "done")
    with pytest.raises(CommandError, match=said):
        _run("action-cancel", str(task.pk), "--reason", "not mine")
    assert Action.objects.get(pk=task.pk).status == "open"


def test_action_done_without_a_token_is_refused(call, monkeypatch):
    monkeypatch.delenv("ARREARS_TOKEN", raising=False)
    monkeypatch.setenv("ARREARS_TOKEN_FILE", "/nonexistent/token")
    with pytest.raises(CommandError, match="who are you"):
        _run("action-done", str(call.pk), "--outcome", "reached")


def test_an_outcome_a_call_cannot_have_is_refused_with_the_ones_it_can(call, monkeypatch):
    _as(monkeypatch, "cora")
    with pytest.raises(CommandError, match="'done' is not how a call ends: use one of reached"):
        _run("action-done", str(call.pk), "--outcome", "done")


def test_a_day_after_today_is_refused_in_words(call, monkeypatch):
    _as(monkeypatch, "cora")
    with pytest.raises(CommandError, match="2026-11-27 is after today"):
        _run("action-done", str(call.pk), "--outcome", "reached", "--as-of", "2026-11-27")


def test_completing_twice_differently_says_what_it_already_is(call, monkeypatch):
    _as(monkeypatch, "cora")
    _run("action-done", str(call.pk), "--outcome", "reached")
    with pytest.raises(CommandError, match=r"already done \(reached\)"):
        _run("action-done", str(call.pk), "--outcome", "refused")


def test_an_action_number_that_is_none_is_refused(call, monkeypatch):
    _as(monkeypatch, "cora")
    with pytest.raises(CommandError, match="there is no action 999999"):
        _run("action-done", "A999999", "--outcome", "reached")


def test_action_cancel_records_the_reason(call, monkeypatch):
    _as(monkeypatch, "cora")
    out = _run("action-cancel", str(call.pk), "--reason", "paid at the counter")
    call.refresh_from_db()
    assert (call.status, call.cancelled_reason) == ("cancelled", "paid at the counter")
    assert "cancelled on 2026-11-26: paid at the counter" in out


def test_explain_shows_what_became_of_each_action_in_its_history(call, monkeypatch):
    _as(monkeypatch, "cora")
    _run("action-done", str(call.pk), "--outcome", "left_message", "--note", "voicemail")
    out = _run("explain", "ACME-1", "--company", "acme")
    assert "action: call (A" in out and "done: left a message; note: voicemail" in out
    assert "next: call on 2026-11-27" in out
    assert f"A{call.pk} call (phone, collector) due 2026-11-25: done on 2026-11-26" in out


def test_explain_names_a_typed_next_action_with_whose_it_is(call):
    out = terminal.run("explain", "ACME-1", "--company", "acme")  # as the administrator
    assert "next action: call on 2026-11-25 (collector)" in out
    case = Case.objects.get(pk=call.case_id)
    assert case.next_action_kind == "call"
