"""The daily run is the company administrator's (a scheduled run too: it presents an
administrator's token), the ladders are the credit manager's policy, and the shipped default
ladders come with the company's setup, by its administrator. Anyone else is refused by the
service itself, with a code, and nothing is written: no run, no lock, no case, no audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Case, Run, Strategy
from arrears.apps.cases.selectors import strategies_read
from arrears.apps.cases.services import run_daily, strategies_install_defaults
from arrears.apps.cases.services.strategies import strategies_install
from arrears.domain.access import PersonRole
from arrears.domain.ladder import DEFAULT_STRATEGIES
from arrears.domain.refusal import NotAllowed
from tests import factories, tables
from tests.queries import queries

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def w():
    """acme, ready to run (ladders, an overdue debtor of cora's), beside globex, with a debtor,
    a collector and an administrator of its own (gus administers globex only)."""
    acme, globex = factories.company("acme"), factories.company("globex")
    strategies_install_defaults(actor=factories.admin(), company=acme)
    cora = factories.collector("cora", acme)
    factories.item(factories.debtor(acme, owner=cora), due=AS_OF - timedelta(days=20))
    olga = factories.collector("olga", globex)
    factories.item(factories.debtor(globex, owner=olga), due=AS_OF - timedelta(days=20))
    return {
        "acme": acme,
        "globex": globex,
        "anonymous": None,
        "collector": cora,
        "credit_manager": factories.credit_manager("maria", acme),
        "other_collector": olga,
        "other_administrator": user_ensure(
            username="gus", role=PersonRole.ADMINISTRATOR, company=globex
        ),
    }


def _refused(call) -> NotAllowed:
    before = tables.snapshot()
    with pytest.raises(NotAllowed) as refused:
        call()
    assert tables.snapshot() == before
    return refused.value


WRONG = ["anonymous", "collector", "credit_manager", "other_collector", "other_administrator"]


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("who", WRONG)
def test_only_the_company_s_administrator_runs_the_daily_run(w, who, dry_run):
    _refused(lambda: run_daily(actor=w[who], company=w["acme"], as_of=AS_OF, dry_run=dry_run))
    assert not Run.objects.exists() and not Case.objects.exists()
    result = run_daily(actor=factories.admin(), company=w["acme"], as_of=AS_OF, dry_run=dry_run)
    assert result.counts["cases_open"] == 1
    assert not Case.objects.filter(company=w["globex"]).exists()  # globex runs its own


def test_a_refused_run_is_refused_before_its_dates_are_judged(w):
    """Who asks comes first: a collector learns nothing of the company's last run."""
    refused = _refused(
        lambda: run_daily(actor=w["collector"], company=w["acme"], as_of=date(2999, 1, 1))
    )
    assert (refused.code, refused.figures["what"]) == ("access.wrong_role", "run the daily run")


@pytest.mark.parametrize("who", [*WRONG, "administrator"])
def test_only_a_credit_manager_of_the_company_changes_its_ladders(w, who):
    actor = factories.admin() if who == "administrator" else w[who]
    one = DEFAULT_STRATEGIES[:1]
    if who == "credit_manager":
        strategies_install(actor=actor, company=w["acme"], strategies=one)
        assert Strategy.objects.filter(company=w["acme"]).count() == 1
        return
    _refused(lambda: strategies_install(actor=actor, company=w["acme"], strategies=one))


@pytest.mark.parametrize("who", WRONG)
def test_only_the_company_s_administrator_installs_the_default_ladders(w, who):
    globex = w["globex"]
    if who == "other_administrator":  # gus administers globex: the defaults are his to install
        strategies_install_defaults(actor=w[who], company=globex)
        assert Strategy.objects.filter(company=globex).count() == len(DEFAULT_STRATEGIES)
        return
    _refused(lambda: strategies_install_defaults(actor=w[who], company=globex))
    assert not Strategy.objects.filter(company=globex).exists()


def test_the_ladders_are_read_in_as_many_queries_for_all_of_them_as_for_one(w):
    maria = w["credit_manager"]
    strategies_install(actor=maria, company=w["acme"], strategies=DEFAULT_STRATEGIES[:1])
    few, one = queries(lambda: strategies_read(actor=maria, company=w["acme"]))
    strategies_install(actor=maria, company=w["acme"], strategies=DEFAULT_STRATEGIES)
    many, every = queries(lambda: strategies_read(actor=maria, company=w["acme"]))
    assert (len(one), len(every)) == (1, len(DEFAULT_STRATEGIES)) and len(every) > 1
    assert [s.steps for s in every] == [s.steps for s in DEFAULT_STRATEGIES]  # steps in order
    assert many == few
