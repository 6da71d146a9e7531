"""`access_read_once`: within it (a page read), who may is looked up once per person and
company; outside it, every question reads the membership as it is now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrears.apps.accounts.access import access_read_once, may, require
from arrears.apps.accounts.models import Membership
from arrears.domain.access import Verb
from arrears.domain.refusal import NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    acme, globex = factories.company(), factories.company("globex")
    cora = factories.collector("cora", acme)
    carl = factories.collector("carl", acme)
    olga = factories.collector("olga", globex)
    return acme, globex, cora, carl, olga


def _membership_reads(ask) -> int:
    with CaptureQueriesContext(connection) as seen:
        ask()
    return sum('FROM "accounts_membership"' in q["sql"] for q in seen.captured_queries)


def test_within_it_each_person_s_membership_is_read_once(w):
    acme, globex, cora, carl, olga = w

    def page():
        for _ in range(5):
            require(cora, Verb.READ, company_id=acme.pk)
            may(carl, Verb.READ, company_id=acme.pk)
        assert not may(cora, Verb.READ, company_id=globex.pk)  # another company: refused

    assert _membership_reads(page) == 5 * 2 + 1
    with access_read_once():
        assert _membership_reads(page) == 3  # cora in acme, carl in acme, cora in globex


def test_outside_it_a_membership_ended_meanwhile_is_refused_at_once(w):
    acme, _, cora, _, _ = w
    with access_read_once():
        require(cora, Verb.READ, company_id=acme.pk)
    Membership.objects.filter(person=cora, company=acme).update(active=False)
    with pytest.raises(NotAllowed):
        require(cora, Verb.READ, company_id=acme.pk)
    with access_read_once(), pytest.raises(NotAllowed):  # a new page reads it afresh
        require(cora, Verb.READ, company_id=acme.pk)
