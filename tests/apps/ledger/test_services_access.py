"""The ledger's writes are the company administrator's: an import, an exchange rate, the
company itself. Anyone else (nobody, a collector, a credit manager, another company's
administrator) is refused by the service itself, with a code, and nothing is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.imports import import_file
from arrears.apps.ledger.models import Company, ExchangeRate
from arrears.apps.ledger.services import company_bootstrap, company_setup, exchange_rate_set
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, tables
from tests.apps.ledger.import_support import EXAMPLES

pytestmark = pytest.mark.django_db

WRONG = ["anonymous", "collector", "credit_manager", "other_administrator"]


@pytest.fixture
def w():
    """acme, with its collector and credit manager; globex, with an administrator of its own
    (gus administers globex only) and a debtor of its own."""
    acme, globex = factories.company("acme"), factories.company("globex")
    factories.debtor(globex, code="G1")
    return {
        "acme": acme,
        "anonymous": None,
        "collector": factories.collector("cora", acme),
        "credit_manager": factories.credit_manager("maria", acme),
        "other_administrator": user_ensure(
            username="gus", role=PersonRole.ADMINISTRATOR, company=globex
        ),
    }


def _refused(call, *, code: str | None = None) -> NotAllowed:
    before = tables.snapshot()
    with pytest.raises(NotAllowed) as refused:
        call()
    assert tables.snapshot() == before
    if code is not None:
        assert refused.value.code == code
    return refused.value


@pytest.mark.parametrize("who", WRONG)
def test_only_the_company_s_administrator_imports_its_ledger(w, who):
    path = EXAMPLES / "debtors.csv"
    _refused(lambda: import_file(actor=w[who], company=w["acme"], kind="debtors", path=path))
    summary = import_file(actor=factories.admin(), company=w["acme"], kind="debtors", path=path)
    assert summary.created > 0


def test_a_refused_import_names_who_was_refused_and_what_they_asked(w):
    path = EXAMPLES / "items.csv"
    refused = _refused(
        lambda: import_file(actor=w["collector"], company=w["acme"], kind="items", path=path),
        code="access.wrong_role",
    )
    assert refused.figures["person"] == "cora" and refused.figures["what"] == "import the ledger"


@pytest.mark.parametrize("who", WRONG)
def test_only_the_company_s_administrator_sets_an_exchange_rate(w, who):
    def put(actor):
        return exchange_rate_set(
            actor=actor,
            company=w["acme"],
            currency="USD",
            rate=Decimal("0.9"),
            valid_from=date(2026, 1, 1),
        )

    _refused(lambda: put(w[who]))
    put(factories.admin())
    assert ExchangeRate.objects.filter(company=w["acme"], currency="USD").count() == 1


@pytest.mark.parametrize("who", WRONG)
def test_only_the_company_s_administrator_changes_the_company(w, who):
    def rename(actor):
        return company_setup(
            actor=actor, code="acme", name="Acme AG", currency="EUR", jurisdiction="DE"
        )

    _refused(lambda: rename(w[who]))
    assert rename(factories.admin()).name == "Acme AG"


@pytest.mark.parametrize("who", ["anonymous", "collector", "credit_manager"])
def test_only_an_administrator_adds_a_company(w, who):
    def add(actor):
        return company_setup(
            actor=actor, code="initech", name="Initech", currency="EUR", jurisdiction="DE"
        )

    code = "access.anonymous" if who == "anonymous" else "access.not_an_administrator"
    refused = _refused(lambda: add(w[who]), code=code)
    if who == "collector":
        assert (
            str(refused) == "cora administers no company: only an administrator may add a company"
        )
    initech = add(w["other_administrator"])  # gus administers globex: he may add a company
    assert import_file(
        actor=w["other_administrator"],
        company=initech,
        kind="debtors",
        path=EXAMPLES / "debtors.csv",
    ).created  # and administers the company he added


def test_a_second_first_administrator_is_refused_and_no_company_is_left_behind(w):
    before = tables.snapshot()
    with pytest.raises(Refusal) as refused:
        company_bootstrap(
            code="initech", name="Initech", currency="EUR", jurisdiction="DE", admin="eve"
        )
    assert refused.value.code == "accounts.already_set_up"
    assert tables.snapshot() == before
    assert not Company.objects.filter(code="initech").exists()
