"""A desk world for the web pages: acme, where cora owns a high-risk debtor whose call is due
(and carl, a second collector, owns another), maria is acme's credit manager and sam its
sales; globex, the second company, with its own collector olga and a case of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, Case, CaseEvent, ItemStep
from arrears.apps.cases.services import actions, strategies_install_defaults
from arrears.apps.ledger.models import Company, Contact, Debtor
from arrears.domain.access import PersonRole
from tests import factories
from tests.factories import admin, run_as_admin

AS_OF = date(2026, 11, 25)  # a Wednesday: the run that booked the calls
THU = AS_OF + timedelta(days=1)


@dataclass
class World:
    acme: Company
    globex: Company
    cora: Any  # owns `debtor`
    carl: Any  # a second collector of acme, owner of `carls`
    maria: Any  # acme's credit manager
    sam: Any  # acme's sales
    olga: Any  # globex's collector
    debtor: Debtor
    case: Case
    call: Action  # cora's call, open since AS_OF
    carls: Case
    rival: Case  # globex's case, olga's


def _called(company: Company, owner: Any, code: str, name: str) -> Debtor:
    """A high-risk debtor reminded three days before AS_OF: the run books its call for AS_OF."""
    d = factories.debtor(company, code=code, name=name, owner=owner, risk_tier="high")
    item = factories.item(d, due=AS_OF - timedelta(days=6), amount=1_234_50)
    ItemStep.objects.create(
        item=item, strategy_code="high_risk", step=0, step_on=AS_OF - timedelta(3)
    )
    return d


@pytest.fixture(autouse=True)
def _desk_today(monkeypatch):
    """Actions may be recorded up to THU + 30 days (the seam the services read)."""
    monkeypatch.setattr(actions, "today", lambda: THU + timedelta(days=30))


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Sign-ins hash quickly in tests (one test checks the real hasher is the default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def w(db) -> World:
    acme, globex = factories.company(), factories.company("globex")
    for c in (acme, globex):
        strategies_install_defaults(actor=admin(), company=c)
    cora, carl = factories.collector("cora", acme), factories.collector("carl", acme)
    maria = factories.credit_manager("maria", acme)
    sam = user_ensure(username="sam", role=PersonRole.SALES, company=acme)
    olga = factories.collector("olga", globex)
    debtor = _called(acme, cora, "D100", "Brightwater Trading")
    Contact.objects.create(
        debtor=debtor, name="Petra Brandt", phone="+49 30 1234", email="p@bw.example"
    )
    _called(acme, carl, "D200", "Carlsson Tools")
    _called(globex, olga, "G100", "Globex Customer")
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=globex, as_of=AS_OF)
    case = Case.objects.get(debtor=debtor)
    return World(
        acme,
        globex,
        cora,
        carl,
        maria,
        sam,
        olga,
        debtor,
        case,
        Action.objects.get(case=case, status="open"),
        Case.objects.get(debtor__code="D200"),
        Case.objects.get(company=globex),
    )


@pytest.fixture
def sender(w: World) -> None:
    """acme's sender details: without them nothing goes through the outbox."""
    factories.sender(w.acme)


def signed_in(person: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(person)
    return client


def written() -> tuple[int, int, int, list[tuple[Any, ...]]]:
    """What a write would change: actions, case events, audit events, the actions' states."""
    return (
        Action.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        list(Action.objects.order_by("id").values_list("id", "status", "outcome", "note")),
    )
