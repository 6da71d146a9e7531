"""Every write of the negotiation desk refuses the wrong person the same way, and writes
nothing: nobody (anonymous), a person of the other company, a collector who does not own the
debtor, a role the desk is not for (sales, finance); and a request is never approved by the
person who asked for it, nor by a collector."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.negotiation.models import Approval
from arrears.apps.negotiation.services import (
    PlanIn,
    approval_decide,
    dispute_open,
    excuse_log,
    negotiation_propose,
    plan_create,
    promise_create,
    writeoff_request,
)
from arrears.domain.access import PersonRole
from arrears.domain.disputes import DisputeReason
from arrears.domain.excuses import Excuse
from arrears.domain.negotiation import Terms
from arrears.domain.promises import PromiseChannel
from arrears.domain.refusal import NotAllowed
from tests import tables
from tests.apps.negotiation.support import AS_OF, eur

pytestmark = pytest.mark.django_db

WRITES = {
    "promise_create": lambda w, who: promise_create(
        case=w.case,
        actor=who,
        parts=[(date(2026, 12, 4), eur("250"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    ),
    "plan_create": lambda w, who: plan_create(
        case=w.case,
        actor=who,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 10), date(2027, 1, 11)]),
    ),
    "dispute_open": lambda w, who: dispute_open(
        case=w.case,
        actor=who,
        parts=[("INV-OLD", eur("100"))],
        reason=DisputeReason.QUALITY,
        as_of=AS_OF,
    ),
    "excuse_log": lambda w, who: excuse_log(
        case=w.case, actor=who, excuse=Excuse.NO_MONEY, as_of=AS_OF
    ),
    "writeoff_request": lambda w, who: writeoff_request(
        case=w.case, actor=who, reason="uneconomic", as_of=AS_OF, parts=[("INV-OLD", eur("50"))]
    ),
    "negotiation_propose": lambda w, who: negotiation_propose(
        case=w.case,
        actor=who,
        proposal=Terms.single(date(2026, 12, 10), eur("1000")),
        proposed_by="Mr Weber",
        as_of=AS_OF,
    ),
}
WRONG = {
    "anonymous": "access.anonymous",
    "other_company": "access.not_a_member",
    "not_the_owner": "access.not_owner",
    "sales": "access.wrong_role",
    "finance": "access.wrong_role",
}


def _person(w, who):
    return {
        "anonymous": None,
        "other_company": w.olga,
        "not_the_owner": w.carl,
        "sales": user_ensure(username="sam", role=PersonRole.SALES, company=w.company),
        "finance": user_ensure(username="fay", role=PersonRole.FINANCE, company=w.company),
    }[who]


def _refused(call) -> NotAllowed:
    before = tables.snapshot()
    with pytest.raises(NotAllowed) as refused:
        call()
    assert tables.snapshot() == before
    return refused.value


@pytest.mark.parametrize("who", sorted(WRONG))
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_desk_write_refuses_the_wrong_person_and_writes_nothing(w, write, who):
    person = _person(w, who)
    refused = _refused(lambda: WRITES[write](w, person))
    assert refused.code == WRONG[who]
    WRITES[write](w, w.cora)  # the owner may: the refusal was about the person alone


def _request(w, by):
    """A write-off request, by `by`, waiting for a credit manager."""
    writeoff_request(
        case=w.case, actor=by, reason="uneconomic", as_of=AS_OF, parts=[("INV-OLD", eur("50"))]
    )
    return Approval.objects.get(status="requested")


@pytest.mark.parametrize(
    "who, code",
    [
        ("anonymous", "access.anonymous"),
        ("olga", "access.not_a_member"),
        ("cora", "access.wrong_role"),  # she asked, and a collector approves nothing anyway
        ("carl", "access.wrong_role"),
        ("lena", "access.wrong_role"),
    ],
)
def test_a_request_is_decided_only_by_another_credit_manager_of_the_company(w, who, code):
    request = _request(w, w.cora)
    person = None if who == "anonymous" else getattr(w, who)
    refused = _refused(
        lambda: approval_decide(
            approval=request, actor=person, approve=True, reason="ok", as_of=AS_OF
        )
    )
    assert refused.code == code
    approval_decide(approval=request, actor=w.maria, approve=True, reason="ok", as_of=AS_OF)


def test_a_credit_manager_cannot_approve_her_own_request(w):
    request = _request(w, w.maria)
    refused = _refused(
        lambda: approval_decide(
            approval=request, actor=w.maria, approve=True, reason="ok", as_of=AS_OF
        )
    )
    assert refused.code == "access.own_request"
    approval_decide(approval=request, actor=w.mike, approve=True, reason="ok", as_of=AS_OF)
