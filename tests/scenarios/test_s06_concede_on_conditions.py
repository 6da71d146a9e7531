"""§6 Persist; concede only on conditions and less each time; beyond the walk-away point only
the credit manager may agree, and a collector's departure from the engine is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.negotiation.models import NegotiationEvent
from arrears.apps.negotiation.selectors import approval_queue
from arrears.apps.negotiation.services import (
    NotAllowed,
    OverrideIn,
    approval_decide,
    negotiation_propose,
)
from arrears.domain.negotiation import Terms
from arrears.domain.negotiation.history import Action
from tests.apps.negotiation.support import AS_OF, eur

pytestmark = pytest.mark.django_db


def _in(days: int, amount: str = "1000") -> Terms:
    return Terms.single(AS_OF + timedelta(days=days), eur(amount))


def _says(w, terms, **kw):
    return negotiation_propose(
        case=w.case,
        actor=kw.pop("actor", w.cora),
        proposal=terms,
        proposed_by="Mr Weber",
        as_of=AS_OF,
        **kw,
    )


def test_each_concession_buys_something_new_and_gives_less(w):
    _says(w, _in(13, "400"))  # countered
    # he moves each time (a larger payment): a concession is only made for movement
    one = _says(w, _in(13, "450")).recommendation
    two = _says(w, _in(13, "460")).recommendation
    assert one.action is two.action is Action.CONCEDE
    assert one.condition and two.condition and one.condition != two.condition
    counter_day = AS_OF + timedelta(days=6)
    first_move = (one.terms.first_on - counter_day).days
    second_move = (two.terms.first_on - one.terms.first_on).days
    # less each time, on business days: the first moves to Friday 4 December, the second
    # cannot move onto the weekend after it and gives on the amount only
    assert one.terms.first_on == date(2026, 12, 4) and 0 <= second_move < first_move
    assert two.terms.first_amount < one.terms.first_amount


def test_beyond_the_walk_away_point_the_credit_manager_decides_not_the_collector(w):
    _says(w, _in(13))
    asked = _says(w, _in(45))
    assert asked.recommendation.action is Action.NEEDS_APPROVAL
    assert approval_queue(actor=w.maria, company=w.company) == [asked.approval]
    with pytest.raises(NotAllowed):  # carl, another collector, cannot approve either
        approval_decide(
            approval=asked.approval, actor=w.carl, approve=True, reason="ok", as_of=AS_OF
        )
    approval_decide(
        approval=asked.approval,
        actor=w.maria,
        approve=True,
        reason="seasonal business, good history",
        as_of=AS_OF,
    )
    done = _says(w, _in(45))
    assert done.recommendation.action is Action.ACCEPT and done.promise is not None


def test_a_collector_may_override_within_her_authority_and_the_reason_is_kept(w):
    _says(w, _in(13))
    why = "customer confirmed payment run on that day in writing"
    r = _says(w, _in(13), override=OverrideIn(Action.ACCEPT, _in(13), why))
    assert r.promise is not None
    override = NegotiationEvent.objects.get(kind="override")
    # the debtor repeated his proposal: the engine held (no concession without movement)
    assert (override.reason, override.recommended, override.by) == (why, "hold", "cora")


def test_a_second_collector_cannot_negotiate_on_cora_s_account(w):
    with pytest.raises(NotAllowed):
        _says(w, _in(13), actor=w.carl)
