"""Property: whatever mix of disputes, credits, write-offs and a promise or plan (on some items or
the whole case) the desk holds, the sweep excludes each euro at most once and never more than an
item's open amount; commitments hold back only what is neither disputed nor decided away."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.apps.negotiation.models import Approval
from arrears.apps.negotiation.services import (
    PlanIn,
    approval_decide,
    dispute_open,
    dispute_resolve,
    plan_create,
    promise_create,
    writeoff_request,
)
from arrears.domain.disputes import DisputeOutcome, DisputeReason
from arrears.domain.money import Money
from arrears.domain.promises import PromiseChannel
from tests import factories
from tests.apps.negotiation.support import AS_OF, credited, world
from tests.factories import sweep_as_admin

pytestmark = pytest.mark.django_db(transaction=False)

OPEN = {"INV-OLD": 600_00, "INV-NEW": 400_00}


def eur_minor(minor: int) -> Money:
    return Money.from_minor(minor, "EUR")


class _Rollback(Exception):
    pass


item_states = st.fixed_dictionaries(
    {
        # shares of the item's open amount, in per cent, each taken from what is left
        "disputed": st.integers(0, 60),
        "outcome": st.sampled_from(["open", "credit", "written_off", "rejected"]),
        "written_off": st.integers(0, 60),
    }
)
commitments = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["none", "promise", "plan"]),
        "items": st.sampled_from([(), ("INV-OLD",), ("INV-NEW",), ("INV-OLD", "INV-NEW")]),
        "share": st.integers(1, 100),  # of what can still be committed
    }
)


def _setup_item(w, key: str, s: dict, expect: dict[str, int]) -> None:
    left = OPEN[key]
    disputed = left * s["disputed"] // 100
    if disputed:
        d = dispute_open(
            case=w.case,
            actor=w.cora,
            parts=[(key, eur_minor(disputed))],
            reason=DisputeReason.QUALITY,
            as_of=AS_OF,
        )
        if s["outcome"] == "credit":
            credited(d, DisputeOutcome.CREDIT_NOTE, by=w.cora, approver=w.maria)
        elif s["outcome"] == "rejected":
            dispute_resolve(dispute=d, actor=w.cora, outcome=DisputeOutcome.REJECTED, as_of=AS_OF)
            disputed = 0
        elif s["outcome"] == "written_off":
            dispute_resolve(
                dispute=d, actor=w.cora, outcome=DisputeOutcome.WRITTEN_OFF, as_of=AS_OF
            )
            approval_decide(
                approval=Approval.objects.get(write_off__dispute=d),
                actor=w.maria,
                approve=True,
                reason="ok",
                as_of=AS_OF,
            )
    off = (left - disputed) * s["written_off"] // 100
    if off:
        wo = writeoff_request(
            case=w.case, actor=w.cora, reason="x", as_of=AS_OF, parts=[(key, eur_minor(off))]
        )
        approval_decide(
            approval=Approval.objects.get(write_off=wo),
            actor=w.maria,
            approve=True,
            reason="ok",
            as_of=AS_OF,
        )
    expect[key] = disputed + off  # excluded whatever the commitment does


def _commit(w, c: dict, free: dict[str, int]) -> int:
    keys = c["items"] or tuple(OPEN)
    room = sum(free[k] for k in keys)
    amount = room * c["share"] // 100
    if c["kind"] == "none" or amount <= 0:
        return 0
    if c["kind"] == "promise":
        p = promise_create(
            case=w.case,
            actor=w.cora,
            parts=[(date(2026, 12, 4), eur_minor(amount))],
            given_by="Mr Weber",
            channel=PromiseChannel.PHONE,
            as_of=AS_OF,
            item_numbers=list(c["items"]),
        )
        for a in Approval.objects.filter(promise=p):  # beyond the walk-away point: approve it
            approval_decide(approval=a, actor=w.maria, approve=True, reason="ok", as_of=AS_OF)
    else:
        plan = plan_create(
            case=w.case,
            actor=w.cora,
            as_of=AS_OF,
            schedule=PlanIn(
                parts=[(date(2026, 12, 4), eur_minor(amount))],
                principal=eur_minor(amount),
                item_numbers=list(c["items"]),
            ),
        )
        for a in Approval.objects.filter(plan=plan):  # beyond the walk-away point: approve it
            approval_decide(approval=a, actor=w.maria, approve=True, reason="ok", as_of=AS_OF)
    return amount


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(old=item_states, new=item_states, commitment=commitments)
def test_no_euro_is_excluded_twice_or_beyond_the_open_amount(db, old, new, commitment):
    try:
        with transaction.atomic():
            w = world()
            expect: dict[str, int] = {}
            _setup_item(w, "INV-OLD", old, expect)
            _setup_item(w, "INV-NEW", new, expect)
            free = {k: OPEN[k] - expect[k] for k in OPEN}
            held = _commit(w, commitment, free)
            sweep_as_admin(company=w.company, as_of=AS_OF)
            got = dict(
                factories.items_read()
                .filter(debtor=w.debtor)
                .values_list("number", "excluded_minor")
            )
            for key in OPEN:
                assert expect[key] <= got[key] <= OPEN[key]
            # the commitment holds back exactly its amount, over money nobody else excludes
            assert sum(got.values()) == sum(expect.values()) + held
            raise _Rollback
    except _Rollback:
        pass
