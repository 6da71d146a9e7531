"""A case's history reads in a fixed number of queries however long it grows: `arrears explain`
(the run's steps, the desk's requests and decisions, actions done) and the negotiation history
(every negotiation with its events and the promise an acceptance became). A few events or many,
the same count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.cases.services import action_complete
from arrears.apps.negotiation.models import Approval, Negotiation, NegotiationEvent
from arrears.apps.negotiation.services import (
    OverrideIn,
    approval_decide,
    excuse_log,
    negotiation_close,
    negotiation_propose,
    promise_cancel,
    promise_create,
)
from arrears.domain.excuses import Excuse
from arrears.domain.negotiation import Terms
from arrears.domain.negotiation.history import Action as Recommended
from arrears.domain.promises import PromiseChannel
from tests import terminal
from tests.apps.negotiation.support import AS_OF, World, eur
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db

NEXT_YEAR = date(2027, 11, 25)


def _in(on: date, days: int) -> Terms:
    return Terms.single(on + timedelta(days=days), eur("1000"))


def _propose(w: World, terms: Terms, on: date, override: OverrideIn | None = None):
    return negotiation_propose(
        case=w.case,
        actor=w.cora,
        proposal=terms,
        proposed_by="Mr Weber",
        as_of=on,
        override=override,
    )


def _desk_day(w: World, on: date) -> None:
    """One day at the desk on cora's case: a negotiation whose terms beyond the walk-away point
    maria refuses, then closed; a promise maria refuses; an excuse; a call done with a note."""
    _propose(w, _in(on, 12), on)
    asked = _propose(w, _in(on, 40), on).approval
    assert asked is not None
    approval_decide(approval=asked, actor=w.maria, approve=False, reason="too long", as_of=on)
    negotiation = Negotiation.objects.filter(case=w.case, status="open").get()
    negotiation_close(negotiation=negotiation, actor=w.cora, as_of=on, reason="no answer")
    promise = promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(NEXT_YEAR, eur("1000"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=on,
    )
    approval_decide(
        approval=Approval.objects.get(promise=promise),
        actor=w.maria,
        approve=False,
        reason="no",
        as_of=on,
    )
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=on, contact="Weber")
    call = Action.objects.create(
        case=w.case, step_code=f"call_{on:%m%d}", channel="phone", role="collector", due_on=on
    )
    action_complete(actor=w.cora, action_id=call.pk, outcome="reached", note="later", on=on)


def _queries(*args: str, as_) -> int:
    terminal.run(*args, as_=as_)  # the terminal's token is made once, before counting
    with CaptureQueriesContext(connection) as seen:
        terminal.run(*args, as_=as_)
    return len(seen)


def test_explain_reads_a_long_history_in_as_many_queries_as_a_short_one(w):
    _desk_day(w, AS_OF)
    run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=10))  # a step
    events = CaseEvent.objects.filter(case=w.case).count()
    few = _queries("explain", w.debtor.code, as_=w.cora)
    for days in (11, 20, 30, 45):
        on = AS_OF + timedelta(days=days)
        run_as_admin(company=w.company, as_of=on)
        _desk_day(w, on)
    assert CaseEvent.objects.filter(case=w.case).count() >= 4 * events
    assert CaseEvent.objects.filter(case=w.case, kind="step").count() > 1
    assert _queries("explain", w.debtor.code, as_=w.cora) == few


def test_the_negotiation_history_reads_in_as_many_queries_however_long(w):
    def agreed(on: date) -> None:
        """A negotiation that ends in a promise (the acceptance's commitment), then withdrawn
        (so that the next day's promise does not overlap it)."""
        ov = OverrideIn(Recommended.ACCEPT, _in(on, 12), "pays reliably")
        promise = _propose(w, _in(on, 12), on, override=ov).promise
        promise_cancel(promise=promise, actor=w.cora, as_of=on, reason="a plan instead")

    _desk_day(w, AS_OF)
    agreed(AS_OF)
    few = _queries("negotiation-history", w.debtor.code, as_=w.cora)
    csv_few = _queries("negotiation-history", w.debtor.code, "--csv", as_=w.cora)
    events = NegotiationEvent.objects.count()
    for days in (1, 2, 3, 4):
        _desk_day(w, AS_OF + timedelta(days=days))
        agreed(AS_OF + timedelta(days=days))
    assert NegotiationEvent.objects.count() >= 4 * events
    assert _queries("negotiation-history", w.debtor.code, as_=w.cora) == few
    assert _queries("negotiation-history", w.debtor.code, "--csv", as_=w.cora) == csv_few
