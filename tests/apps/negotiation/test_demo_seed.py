from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import CaseEvent
from arrears.apps.negotiation.models import Dispute, Handover, PaymentPlan, PromiseToPay, WriteOff
from arrears.apps.negotiation.services.demo import negotiation_demo_seed
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed
from tests import factories, tables
from tests.apps.negotiation.support import AS_OF, world
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(db):
    w = world(run=False)  # the demo seeds its past stories before any run, as `arrears demo`
    for k in range(40):
        d = factories.debtor(w.company, code=f"S{k:03d}", owner=w.cora)
        factories.item(d, due=AS_OF - timedelta(days=20 + k), amount=(k + 1) * 100_00)
    return w


def _chosen():
    return sorted(PromiseToPay.objects.values_list("case__debtor__code", flat=True))


def test_the_demo_seed_tells_every_story_and_the_run_judges_them(ledger):
    seeded = negotiation_demo_seed(
        actor=admin(), company=ledger.company, as_of=AS_OF, per_mille=500
    )
    assert seeded["broken_promise"] and seeded["plan_defaulting"] and seeded["overdue_dispute"]
    run_as_admin(company=ledger.company, as_of=AS_OF)
    assert PromiseToPay.objects.filter(state="broken").exists()
    assert PaymentPlan.objects.filter(status="defaulted").exists()
    assert Dispute.objects.filter(escalated_to=ledger.maria).exists()
    assert factories.items_read().filter(broken_promises__gt=0).exists()


def test_the_demo_seed_is_deterministic_and_runs_once(ledger):
    negotiation_demo_seed(actor=admin(), company=ledger.company, as_of=AS_OF, seed=3, per_mille=300)
    first = _chosen()
    again = negotiation_demo_seed(
        actor=admin(), company=ledger.company, as_of=AS_OF, seed=3, per_mille=300
    )
    assert first and not again and _chosen() == first


def test_the_demo_seed_tells_a_share_of_the_debtors_including_write_offs_and_hand_overs(ledger):
    seeded = negotiation_demo_seed(
        actor=admin(), company=ledger.company, as_of=AS_OF, per_mille=400
    )
    assert sum(seeded.values()) == 41 * 400 // 1000  # of the 41 debtors overdue 10+ days
    assert seeded["write_off"] and seeded["handover"]
    assert Handover.objects.exists() and WriteOff.objects.exists()
    assert get_user_model().objects.filter(username="inkasso", memberships__role="agency").exists()
    assert get_user_model().objects.filter(username="lena", memberships__role="legal").exists()


def test_no_desk_event_of_the_demo_is_dated_before_its_case_opened(ledger):
    negotiation_demo_seed(actor=admin(), company=ledger.company, as_of=AS_OF, per_mille=1000)
    early = CaseEvent.objects.filter(on__lt=F("case__opened_on"))
    assert not early.exists(), list(early.values_list("kind", "on", "case__opened_on")[:5])


def test_the_demo_seed_logs_excuses_old_enough_for_the_statistics(ledger):
    from arrears.apps.negotiation.selectors import excuse_stats

    seeded = negotiation_demo_seed(
        actor=admin(), company=ledger.company, as_of=AS_OF, per_mille=1000
    )
    assert seeded["excuses"]
    stats = excuse_stats(actor=ledger.maria, company=ledger.company, as_of=AS_OF)
    assert not stats.is_empty() and stats["cases"].sum() > 0


@pytest.mark.parametrize("who", ["anonymous", "cora", "maria", "olga", "globex_administrator"])
def test_only_the_company_s_administrator_seeds_the_demo_s_negotiations(ledger, who):
    gus = user_ensure(username="gus", role=PersonRole.ADMINISTRATOR, company=ledger.other)
    actor = {"anonymous": None, "globex_administrator": gus}.get(who) or getattr(ledger, who, None)
    before = tables.snapshot()
    with pytest.raises(NotAllowed):
        negotiation_demo_seed(actor=actor, company=ledger.company, as_of=AS_OF, per_mille=500)
    assert tables.snapshot() == before
