"""The company's exchange rates, listed (`arrears rate list`): to its members only, in one
query however many rates it holds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from arrears.apps.ledger.selectors import exchange_rates_list
from arrears.apps.ledger.services import exchange_rate_set
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal
from tests.queries import queries

pytestmark = pytest.mark.django_db
DAY = date(2026, 1, 1)


@pytest.fixture
def w():
    acme, globex = factories.company("acme"), factories.company("globex")
    cora, olga = factories.collector("cora", acme), factories.collector("olga", globex)
    exchange_rate_set(
        actor=factories.admin(), company=globex, currency="USD", rate=Decimal("0.5"), valid_from=DAY
    )
    return acme, cora, olga


def _rates(company, n):
    for i in range(n):
        exchange_rate_set(
            actor=factories.admin(),
            company=company,
            currency="USD",
            rate=Decimal("0.9") + Decimal(i) / 100,
            valid_from=DAY + timedelta(days=i),
        )


def test_the_rates_list_reads_as_many_queries_for_ten_rates_as_for_one(w):
    acme, cora, _ = w
    _rates(acme, 1)
    few, one = queries(lambda: exchange_rates_list(actor=cora, company=acme))
    _rates(acme, 10)
    many, ten = queries(lambda: exchange_rates_list(actor=cora, company=acme))
    assert (len(one), len(ten)) == (1, 10)
    assert many == few


@pytest.mark.parametrize("who", ["anonymous", "olga"])
def test_only_members_of_the_company_read_its_rates(w, who):
    acme, _, olga = w
    with pytest.raises(NotAllowed):
        exchange_rates_list(actor=olga if who == "olga" else None, company=acme)


def test_rate_list_shows_the_company_s_rates_and_never_another_s(w):
    acme, _, _ = w
    _rates(acme, 2)
    said = terminal.run("rate", "list", as_="cora").splitlines()
    assert said == ["1 USD = 0.9 EUR from 2026-01-01", "1 USD = 0.91 EUR from 2026-01-02"]
