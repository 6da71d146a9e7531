"""§5 Refuse the first proposal: even an acceptable first offer is countered, concretely and
with a reason; the debtor comes closer; the agreement becomes a promise the run then watches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from arrears.apps.negotiation.selectors import negotiation_rows
from arrears.apps.negotiation.services import negotiation_propose
from arrears.domain.negotiation import Terms
from arrears.domain.negotiation.history import Action
from tests.apps.negotiation.support import AS_OF, eur

pytestmark = pytest.mark.django_db


def _says(w, days: int, amount: str = "1000"):
    return negotiation_propose(
        case=w.case,
        actor=w.cora,
        proposal=Terms.single(AS_OF + timedelta(days=days), eur(amount)),
        proposed_by="Mr Weber",
        as_of=AS_OF,
    )


def test_cora_counters_an_acceptable_first_offer_and_gets_an_earlier_date(w):
    # Mr Weber owes EUR 1,000 and, pressed, offers to pay it all in 12 days: within the
    # 14 days cora could accept for a medium-risk debtor. She counters anyway.
    first = _says(w, 12).recommendation
    assert first.action is Action.COUNTER
    assert first.terms.first_on == AS_OF + timedelta(days=6)  # concrete: half the time
    assert first.reason is not None and first.script.startswith(first.reason.text)

    # He comes closer, to 11 days: cora moves, but only part of the way and only for something
    # (insisting on the same 12 days would earn nothing: a concession needs movement).
    second = _says(w, 11).recommendation
    assert second.action is Action.CONCEDE and second.condition is not None
    # (ten days out is a Saturday: the offer falls on the Friday before, a business day)
    assert second.terms.first_on == AS_OF + timedelta(days=9)
    # He takes the offer, and gives what it was tied to: the debt is agreed as a promise.
    third = _says(w, 9)
    assert third.recommendation.action is Action.ACCEPT and third.promise is not None
    assert third.recommendation.conditions == (second.condition,)
    assert third.promise.total_minor == 1000_00

    kinds = [r["kind"] for r in negotiation_rows(actor=w.cora, case=w.case)]
    assert kinds[:2] == ["proposal", "counter"] and kinds[-1] == "acceptance"


def test_only_the_whole_balance_today_is_accepted_at_once(w):
    r = _says(w, 0)
    assert r.recommendation.action is Action.ACCEPT and r.promise is not None
