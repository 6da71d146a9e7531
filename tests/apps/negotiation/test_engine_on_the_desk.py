"""The negotiation engine on the desk: a plan is countered with a plan of what it covers, the
conditions fit the terms, and a debtor who repeats himself earns nothing (not even a second
request to the credit manager)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from arrears.apps.negotiation.models import Approval, NegotiationEvent
from arrears.apps.negotiation.selectors import approval_queue
from arrears.apps.negotiation.services import negotiation_propose
from arrears.domain.negotiation import Condition, Terms
from arrears.domain.negotiation.history import Action
from tests.apps.negotiation.support import AS_OF, eur

pytestmark = pytest.mark.django_db


def _days(n: int):
    return AS_OF + timedelta(days=n)


def _propose(w, terms):
    return negotiation_propose(
        case=w.case, actor=w.cora, proposal=terms, proposed_by="Mr Weber", as_of=AS_OF
    )


def test_a_plan_proposal_is_countered_with_a_plan_of_the_same_total(w):
    # 1,000 due; Mr Weber offers 200 in 12 days and 800 in all by day 60, in 2 instalments
    proposal = Terms.plan(_days(12), eur("200"), _days(60), eur("800"), 2)
    rec = _propose(w, proposal).recommendation
    assert rec.action is Action.COUNTER
    assert rec.terms == Terms.plan(_days(6), eur("500"), _days(30), eur("800"), 2)
    assert rec.script.endswith(  # every instalment said
        "I need EUR 500.00 by 1 December 2026, then EUR 150.00 on 11 December 2026 and "
        "EUR 150.00 on 25 December 2026 (EUR 800.00 in all)."
    )


def test_a_concession_to_a_plan_stays_a_plan_and_asks_for_its_acceleration_clause(w):
    _propose(w, Terms.plan(_days(12), eur("200"), _days(60), eur("800"), 2))
    rec = _propose(w, Terms.plan(_days(12), eur("250"), _days(60), eur("800"), 2)).recommendation
    assert rec.action is Action.CONCEDE
    assert rec.terms.is_plan and rec.terms.total == eur("800")
    assert rec.condition is Condition.ACCELERATION_CLAUSE


def test_a_single_payment_concession_never_asks_for_an_acceleration_clause(w):
    _propose(w, Terms.single(_days(13), eur("400")))
    rec = _propose(w, Terms.single(_days(13), eur("450"))).recommendation
    assert rec.action is Action.CONCEDE and not rec.terms.is_plan
    assert rec.condition is not Condition.ACCELERATION_CLAUSE


def test_a_repeated_proposal_earns_no_concession(w):
    _propose(w, Terms.single(_days(12), eur("1000")))
    r = _propose(w, Terms.single(_days(12), eur("1000")))
    assert r.recommendation.action is Action.HOLD and r.recorded == ("hold",)
    assert r.recommendation.terms == Terms.single(_days(6), eur("1000"))
    assert "My offer stands" in r.recommendation.script


def test_a_repeat_of_terms_waiting_for_approval_keeps_the_request(w):
    _propose(w, Terms.single(_days(12), eur("1000")))
    asked = _propose(w, Terms.single(_days(40), eur("1000")))
    assert asked.approval is not None
    again = _propose(w, Terms.single(_days(40), eur("1000")))
    rec = again.recommendation
    assert rec.action is Action.HOLD and again.approval is None
    assert "already with our credit manager" in rec.script
    assert approval_queue(actor=w.maria, company=w.company) == [asked.approval]
    assert Approval.objects.filter(negotiation=asked.negotiation).count() == 1
    assert not NegotiationEvent.objects.filter(kind="approval_withdrawn").exists()
