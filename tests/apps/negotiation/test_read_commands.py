"""The desk's read commands pass the person at the terminal to the selectors, which refuse in
words: sales reads a case's state but not its notes, another collector not a case they do not
own (unless the company allows it), and the other company's people not even the company."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.services import user_ensure
from arrears.apps.negotiation.services import excuse_log, writeoff_request
from arrears.domain.access import PersonRole
from arrears.domain.excuses import Excuse
from tests import terminal
from tests.apps.negotiation.support import AS_OF, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(w: World) -> Any:
    return user_ensure(username="sam", role=PersonRole.SALES, company=w.company)


@pytest.fixture
def noted(w: World) -> World:
    """An excuse and a write-off request on cora's case: notes sales must not read."""
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF, contact="Weber")
    writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    return w


NOT_NOTES = "sam is sales: only .* may read negotiation notes"


def test_explain_shows_sales_the_state_without_the_negotiation(noted, sam):
    out = terminal.run("explain", noted.debtor.code, as_=sam)
    assert "owner cora; open EUR 1,000.00" in out
    assert "promise record" not in out and "excuse" not in out and "insolvent" not in out
    mine = terminal.run("explain", noted.debtor.code, as_=noted.cora)
    assert "promise record" in mine and "excuse" in mine


def test_explain_refuses_the_other_company_s_collector_the_company(noted):
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: globex\)"):
        terminal.run("explain", noted.debtor.code, "--company", "acme", as_=noted.olga)


def test_negotiation_history_refuses_sales_and_a_collector_who_does_not_own_the_case(noted, sam):
    with pytest.raises(CommandError, match=NOT_NOTES):
        terminal.run("negotiation-history", noted.debtor.code, as_=sam)
    with pytest.raises(CommandError, match="carl does not own this account"):
        terminal.run("negotiation-history", noted.debtor.code, "--csv", as_=noted.carl)


def test_the_approval_queue_is_refused_to_sales_and_shows_a_collector_only_their_own(noted, sam):
    with pytest.raises(CommandError, match=NOT_NOTES):
        terminal.run("approve", as_=sam)
    assert terminal.run("approve", as_=noted.carl) == ""
    assert "write off EUR 1,000.00" in terminal.run("approve", as_=noted.cora)


def test_excuse_statistics_are_refused_to_sales_but_the_catalogue_is_not(noted, sam):
    with pytest.raises(CommandError, match=NOT_NOTES):
        terminal.run("excuse", "--stats", as_=sam)
    assert "no money (no_money)" in terminal.run("excuse", "--list", as_=sam)


def test_the_other_company_s_collector_reads_nothing_of_acme(noted):
    for args in (["approve"], ["excuse", "--stats"], ["negotiation-history", "D1"]):
        with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: globex\)"):
            terminal.run(*args, "--company", "acme", as_=noted.olga)


SAID = "says the money comes on Friday from the bank in Lyon"


@pytest.fixture
def called(w: World) -> Any:
    """cora's call on her case, done with a note of what the debtor said."""
    from arrears.apps.cases.models import Action
    from arrears.apps.cases.services import action_complete

    call = Action.objects.create(
        case=w.case, step_code="call", channel="phone", role="collector", due_on=AS_OF
    )
    action_complete(actor=w.cora, action_id=call.pk, outcome="reached", note=SAID, on=AS_OF)
    return call


def test_explain_shows_sales_that_a_call_was_made_but_not_its_note(w, sam, called):
    out = terminal.run("explain", w.debtor.code, as_=sam)
    assert f"A{called.pk} call (phone, collector)" in out and "reached" in out
    assert SAID not in out and "note:" not in out
    mine = terminal.run("explain", w.debtor.code, as_=w.cora)
    assert mine.count(SAID) == 2  # in the history and in the action's line


def test_the_case_sales_reads_carries_no_action_note_and_the_stored_note_stays(w, sam, called):
    from arrears.apps.cases.models import Action, CaseEvent
    from arrears.apps.cases.selectors import case_explain

    (ex,) = case_explain(actor=sam, company=w.company, debtor_code=w.debtor.code)
    assert not ex.notes
    assert [a.note for a in ex.actions if a.pk == called.pk] == [""]
    assert all("note" not in e.reason for e in ex.events)
    assert Action.objects.get(pk=called.pk).note == SAID  # only sales' copy lost it
    assert CaseEvent.objects.get(kind="action", case=w.case).reason["note"] == SAID
    (ex,) = case_explain(actor=w.cora, company=w.company, debtor_code=w.debtor.code)
    assert [a.note for a in ex.actions if a.pk == called.pk] == [SAID]
