"""§7 A promise is a commitment: payments are matched against it; while it stands the ladder
waits; a broken promise is followed up the next business day, moves the case up at once, and
makes the next negotiation stricter. Plans work the same way, with acceleration on default."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Action, Case
from arrears.apps.cases.services import run_daily
from arrears.apps.negotiation.selectors import promise_record_for
from arrears.apps.negotiation.services import negotiation_propose, plan_create, promise_create
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.negotiation import Terms
from arrears.domain.promises import PromiseChannel
from tests import factories
from tests.apps.negotiation.support import AS_OF, eur, pay

pytestmark = pytest.mark.django_db
FRI, WED = date(2026, 11, 27), date(2026, 12, 2)


def test_a_promise_holds_the_ladder_then_breaks_and_escalates(w):
    risky = factories.debtor(w.company, owner=w.cora, risk_tier="high")
    item = factories.item(risky, due=AS_OF - timedelta(days=6), amount=800_00)
    run_daily(company=w.company, as_of=AS_OF)
    case = Case.objects.get(debtor=risky)
    assert case.step_code == "call"

    # Ms Roth promises EUR 500 by Friday and EUR 300 a week later.
    promise = promise_create(
        case=case,
        actor=w.cora,
        parts=[(FRI, eur("500")), (FRI + timedelta(days=7), eur("300"))],
        given_by="Ms Roth",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
    )
    run_daily(company=w.company, as_of=date(2026, 11, 26))
    item = factories.item_read(item)
    assert item.excluded_minor == 800_00  # nothing promised is reminded before its date

    # She pays EUR 200 on Friday; the deadline (Friday + 2 business days) passes.
    pay(item, 200_00, FRI)
    run_daily(company=w.company, as_of=WED)
    promise.refresh_from_db()
    case.refresh_from_db()
    risky.refresh_from_db()
    item = factories.item_read(item)
    assert promise.state == "partly_kept" and item.broken_promises == 1
    assert item.excluded_minor == 0  # the ladder no longer waits
    assert case.step_code == "final_notice"  # the broken promise moved it up at once
    assert Action.objects.filter(case=case, step_code="promise_follow_up", due_on=WED).exists()

    record = promise_record_for(debtor=risky, as_of=WED)
    assert (record.given, record.partly_kept, record.broken_for_ladder) == (1, 1, 1)


def test_the_next_negotiation_is_stricter_after_a_broken_promise(w):
    def walk_away_days(on=AS_OF) -> int:
        rec = negotiation_propose(
            case=w.case,
            actor=w.cora,
            proposal=Terms.single(on + timedelta(days=12), eur("1000")),
            proposed_by="Mr Weber",
            as_of=on,
        ).recommendation
        return rec.walk_away.max_days_to_first

    before = walk_away_days()
    w.debtor.refresh_from_db()
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(FRI, eur("100"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        item_numbers=["INV-NEW"],
    )
    run_daily(company=w.company, as_of=WED)
    w.case.negotiations.update(status="agreed")  # start a fresh negotiation
    assert walk_away_days(WED) < before


def test_a_defaulted_plan_accelerates_and_counts_as_a_broken_promise(w):
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 4), date(2027, 1, 4), date(2027, 2, 4)]),
    )
    run_daily(company=w.company, as_of=date(2026, 12, 1))
    w.refresh()
    assert w.old.excluded_minor + w.new.excluded_minor == 1000_00  # the plan is in good standing
    run_daily(company=w.company, as_of=date(2026, 12, 10))  # 4 Dec + 3 business days passed
    plan.refresh_from_db()
    w.refresh()
    assert plan.status == "defaulted" and plan.due_at_once_minor == 1000_00
    assert (w.old.broken_promises, w.new.broken_promises) == (1, 1)
    assert w.old.excluded_minor == 0
