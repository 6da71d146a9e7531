"""A queued letter or email is recorded as sent (or failed) by the person who sent it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError

from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.cases.services import actions, message_mark, strategies_install_defaults
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, terminal
from tests.factories import admin, run_as_admin
from tests.tables import snapshot

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(actions, "today", lambda: AS_OF)


@pytest.fixture
def w():
    acme = factories.company()
    strategies_install_defaults(actor=admin(), company=acme)
    cora, carl = factories.collector("cora", acme), factories.collector("carl", acme)
    gus = factories.collector("gus", factories.company("globex"))
    d = factories.debtor(acme, code="ACME-1", owner=cora)
    factories.item(d, due=AS_OF + timedelta(days=3))  # a courtesy email before it falls due
    run_as_admin(company=acme, as_of=AS_OF)
    email = Action.objects.get(case__debtor=d)
    assert email.status == "queued"
    return email, cora, carl, gus


def test_a_queued_email_recorded_as_sent_leaves_the_list_and_the_history_says_so(w):
    email, cora, *_ = w
    done = message_mark(actor=cora, action_id=email.pk, on=AS_OF, note="to ap@acme.example")
    assert (done.status, done.done_on, done.done_by) == ("sent", AS_OF, cora)
    assert CaseEvent.objects.filter(kind="action", reason__rule="message_sent").exists()
    again = snapshot()
    message_mark(actor=cora, action_id=email.pk, on=AS_OF)  # the same again: nothing new
    assert snapshot() == again


def test_a_sent_message_cannot_become_failed_afterwards(w):
    email, cora, *_ = w
    message_mark(actor=cora, action_id=email.pk, on=AS_OF)
    with pytest.raises(Refusal) as refused:
        message_mark(actor=cora, action_id=email.pk, on=AS_OF, failed=True)
    assert refused.value.code == "action.not_open"


@pytest.mark.parametrize("who", ["carl", "gus"])
def test_only_the_owner_or_a_credit_manager_records_it_and_a_refusal_writes_nothing(w, who):
    email, _, carl, gus = w
    before = snapshot()
    with pytest.raises(NotAllowed):
        message_mark(actor={"carl": carl, "gus": gus}[who], action_id=email.pk, on=AS_OF)
    assert snapshot() == before


def test_the_command_records_a_failed_letter_and_done_refuses_a_message_in_words(w):
    email, *_ = w
    with pytest.raises(CommandError, match="recorded as sent or failed instead"):
        terminal.run("action-done", f"A{email.pk}", "--outcome", "reached", as_="cora")
    out = terminal.run(
        "action-sent", f"A{email.pk}", "--failed", "--as-of", "2026-11-24", as_="cora"
    )
    assert f"A{email.pk} " in out and out.rstrip().endswith(": failed on 2026-11-24")
