"""The cases app's reads ask who reads: the ladder to any member of the company, never to the
other company's people nor to nobody (selectors.strategies_read)."""

from __future__ import annotations

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.selectors import strategies_read
from arrears.apps.cases.services import strategies_install_defaults
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed
from tests import factories
from tests.factories import admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    acme, globex = factories.company(), factories.company("globex")
    strategies_install_defaults(actor=admin(), company=acme)
    factories.collector("cora", acme)
    factories.collector("olga", globex)
    user_ensure(username="sam", role=PersonRole.SALES, company=acme)
    return acme


def _person(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize("who", ["cora", "sam", "admin"])
def test_every_member_reads_the_company_s_ladders(acme, who):
    codes = {s.code for s in strategies_read(actor=_person(who), company=acme)}
    assert codes == {"default", "high_risk"}


def test_the_other_company_s_collector_and_nobody_are_refused_the_ladders(acme):
    with pytest.raises(NotAllowed) as e:
        strategies_read(actor=_person("olga"), company=acme)
    assert e.value.code == "access.not_a_member"
    with pytest.raises(NotAllowed) as e:
        strategies_read(actor=None, company=acme)
    assert e.value.code == "access.anonymous"
