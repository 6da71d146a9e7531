"""§7 A broken promise escalates what was overdue on its own case: the sweep stores, per open
item, the breaks on its case (same debtor and currency) within the record window that came
after the item fell due, and the ladder reads that count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.apps.cases.models import Case, CaseEvent, ItemStep
from arrears.apps.ledger.models import ExchangeRate, OpenItem
from arrears.apps.negotiation.models import PromiseToPay
from arrears.apps.negotiation.services import promise_create
from arrears.apps.negotiation.services import sweep_frames as frames
from arrears.domain.promises import PromiseChannel, PromisePolicy
from tests import factories
from tests.apps.negotiation.support import AS_OF, eur, pay
from tests.factories import run_as_admin, sweep_as_admin

pytestmark = pytest.mark.django_db
FRI = date(2026, 11, 27)  # the promised day; deadline Tue 1 Dec (2 business days of grace)
BROKEN = date(2026, 12, 2)  # the first day the promise counts as broken
FIRM_DEMAND, CALL, REMINDER = (
    3,
    2,
    1,
)  # default ladder: firm demand is triggered by one broken promise


def _promise(w, amount: str = "300") -> PromiseToPay:
    return promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(FRI, eur(amount))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )


def _step(item: OpenItem) -> int | None:
    return ItemStep.objects.get(item=item).step


def _counts(*items: OpenItem) -> tuple[int, ...]:
    return tuple(factories.item_read(i).broken_promises for i in items)


def test_a_broken_eur_promise_does_not_escalate_the_debtors_usd_case(w):
    ExchangeRate.objects.create(
        company=w.company, currency="USD", rate=Decimal("0.9"), valid_from=date(2026, 1, 1)
    )
    usd = factories.item(
        w.debtor, due=date(2026, 10, 26), amount=500_00, currency="USD", number="INV-USD"
    )
    run_as_admin(company=w.company, as_of=AS_OF)
    promise = _promise(w)
    run_as_admin(company=w.company, as_of=BROKEN)
    promise.refresh_from_db()
    assert promise.state == "broken"
    assert _counts(w.old, w.new, usd) == (1, 1, 0)
    assert (_step(w.old), _step(w.new)) == (FIRM_DEMAND, FIRM_DEMAND)
    assert _step(usd) == CALL  # one rung up from the reminder, as its age alone allows
    usd_case = Case.objects.get(debtor=w.debtor, currency="USD")
    assert usd_case.step_code == "call"
    assert Case.objects.get(pk=w.case.pk).step_code == "firm_demand"


def test_an_invoice_falling_due_after_the_promise_broke_climbs_the_ladder_on_its_own(w):
    on_deadline = factories.item(w.debtor, due=date(2026, 12, 1), amount=50_00, number="INV-D1")
    on_break = factories.item(w.debtor, due=BROKEN, amount=50_00, number="INV-D2")
    _promise(w)
    later = factories.item(w.debtor, due=date(2026, 12, 5), amount=200_00, number="INV-LATER")
    run_as_admin(company=w.company, as_of=BROKEN)
    # overdue on the day it broke: the items it escalates; not yet overdue: not counted
    assert _counts(w.old, w.new, on_deadline, on_break, later) == (1, 1, 1, 0, 0)
    assert (_step(w.old), _step(w.new), _step(on_deadline)) == (FIRM_DEMAND,) * 3
    step = CaseEvent.objects.filter(case=w.case, kind="step").latest("id")
    assert step.to_step == "firm_demand" and step.reason["inputs"]["broken_promises"] == 1

    run_as_admin(company=w.company, as_of=date(2026, 12, 20))  # 15 days past due
    assert _counts(later, on_break) == (0, 0)
    assert _step(later) == REMINDER  # from the courtesy reminder one rung, not to firm demand
    assert _step(w.old) >= FIRM_DEMAND


def test_the_count_expires_with_the_record_window(w):
    _promise(w)
    sweep_as_admin(company=w.company, as_of=BROKEN)
    assert _counts(w.old, w.new) == (1, 1)
    sweep_as_admin(company=w.company, as_of=date(2027, 11, 25))  # given 365 days ago
    assert _counts(w.old, w.new) == (1, 1)
    sweep_as_admin(company=w.company, as_of=date(2027, 11, 26))  # forgotten
    assert _counts(w.old, w.new) == (0, 0)


def test_a_partly_kept_promise_counts_only_when_the_policy_says_so(w):
    _promise(w)
    pay(w.old, 100_00, FRI)
    sweep_as_admin(company=w.company, as_of=BROKEN)
    assert PromiseToPay.objects.get().state == "partly_kept"
    assert _counts(w.old, w.new) == (1, 1)
    lenient = PromisePolicy(partly_kept_counts_as_broken=False)
    assert frames.broken_counts_write(w.company, BROKEN, lenient) == 2
    assert _counts(w.old, w.new) == (0, 0)


def test_a_paid_item_drops_its_count_and_a_repeated_sweep_writes_nothing(w):
    _promise(w)
    sweep_as_admin(company=w.company, as_of=BROKEN)
    pay(w.new, 400_00, BROKEN)
    policy = PromisePolicy()
    assert frames.broken_counts_write(w.company, BROKEN, policy) == 1
    assert _counts(w.old, w.new) == (1, 0)
    assert frames.broken_counts_write(w.company, BROKEN, policy) == 0
