"""Reads for the ageing report: the open ledger of one company as a frame."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from django.contrib.auth import get_user_model

from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.models import Payment
from arrears.apps.ledger.services import exchange_rate_set
from arrears.apps.reports.selectors import ageing_items, ageing_report
from arrears.domain.access import PersonRole
from arrears.domain.ageing import DEFAULT_BUCKETS, ITEMS_SCHEMA
from arrears.domain.refusal import NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


def ADMIN():  # noqa: N802 - the world's administrator, a member of every test company
    return get_user_model().objects.get(username="admin")


AS_OF = date(2026, 3, 31)


def _payment(debtor, *, unapplied: int, currency: str = "EUR", reference: str = "P-1") -> Payment:
    return Payment.objects.create(
        company=debtor.company,
        debtor=debtor,
        reference=reference,
        received_on=AS_OF,
        currency=currency,
        amount_minor=unapplied,
        unapplied_minor=unapplied,
    )


def test_ageing_items_carries_debtor_code_name_and_owner_username():
    acme = factories.company()
    cora = factories.collector("cora")
    d = factories.debtor(acme, code="C-1", name="Brick AG", owner=cora)
    factories.item(d, due=AS_OF, amount=150_00, number="INV-1")
    frame = ageing_items(actor=ADMIN(), company=acme)
    assert frame.schema == pl.Schema(ITEMS_SCHEMA)
    assert frame.rows() == [
        (d.pk, "C-1", "Brick AG", "cora", "EUR", AS_OF, 150_00, "invoice"),
    ]


def test_ageing_items_leaves_out_settled_items_and_other_companies():
    acme, other = factories.company(), factories.company("other")
    mine = factories.debtor(acme)
    factories.item(mine, due=AS_OF, amount=10_00, open_=0)
    factories.item(mine, due=AS_OF, amount=20_00, open_=5_00)
    factories.item(factories.debtor(other), due=AS_OF, amount=99_00)
    frame = ageing_items(actor=ADMIN(), company=acme)
    assert frame.select("debtor_id", "open_minor").rows() == [(mine.pk, 5_00)]


def test_ageing_items_lists_credit_notes_and_unapplied_payments_of_debtors_without_owner():
    acme = factories.company()
    d = factories.debtor(acme)
    factories.item(d, due=AS_OF, amount=30_00, kind="credit_note")
    _payment(d, unapplied=12_00)
    _payment(d, unapplied=0, reference="P-2")  # fully applied: not open
    frame = ageing_items(actor=ADMIN(), company=acme).sort("kind")
    assert frame.select("owner", "kind", "due_date", "open_minor").rows() == [
        (None, "credit_note", AS_OF, 30_00),
        (None, "unapplied_payment", AS_OF, 12_00),
    ]


def test_ageing_report_converts_at_the_latest_rate_valid_on_the_as_of_date():
    acme = factories.company()
    d = factories.debtor(acme)
    factories.item(d, due=AS_OF - timedelta(days=10), amount=10_01, currency="USD")
    for rate, valid_from in (("0.9", date(2026, 1, 1)), ("0.5", AS_OF), ("2", date(2026, 4, 1))):
        exchange_rate_set(
            actor=factories.admin(),
            company=acme,
            currency="USD",
            rate=Decimal(rate),
            valid_from=valid_from,
        )
    report = ageing_report(
        actor=ADMIN(),
        company=acme,
        as_of=AS_OF,
        buckets=DEFAULT_BUCKETS,
        by=["debtor"],
        in_company_currency=True,
    )
    total = report.filter(pl.col("row") == "total")
    assert total.select("currency", "1-30", "total").rows() == [("EUR", 5_01, 5_01)]


@pytest.fixture
def two_companies():
    """Acme (cora's and carl's debtors, sales' sam) and globex (gus's debtor, same code)."""
    acme, globex = factories.company(), factories.company("globex")
    cora, carl = factories.collector("cora", acme), factories.collector("carl", acme)
    sam = user_ensure(username="sam", role=PersonRole.SALES, company=acme)
    gus = factories.collector("gus", globex)
    for owner, code in ((cora, "C-1"), (carl, "C-2")):
        factories.item(factories.debtor(acme, code=code, owner=owner), due=AS_OF, amount=10_00)
    factories.item(factories.debtor(globex, code="C-1", owner=gus), due=AS_OF, amount=99_00)
    return acme, globex, {"cora": cora, "carl": carl, "sam": sam, "gus": gus}


@pytest.mark.parametrize("who", ["cora", "carl", "sam"])
def test_every_member_reads_the_company_s_ageing_and_only_its_own(two_companies, who):
    acme, _, people = two_companies
    report = ageing_report(
        actor=people[who], company=acme, as_of=AS_OF, buckets=DEFAULT_BUCKETS, by=["owner"]
    )
    owners = set(report.filter(pl.col("row") != "total")["owner"].to_list())
    assert owners == {"cora", "carl"}  # a company figure: every owner's, never gus's
    assert ageing_items(actor=people[who], company=acme)["owner"].to_list().count("gus") == 0


def test_the_other_company_s_collector_and_nobody_are_refused_the_ageing(two_companies):
    acme, _, people = two_companies
    for who, code in ((people["gus"], "access.not_a_member"), (None, "access.anonymous")):
        with pytest.raises(NotAllowed) as e:
            ageing_report(actor=who, company=acme, as_of=AS_OF, buckets=DEFAULT_BUCKETS, by=[])
        assert e.value.code == code
        with pytest.raises(NotAllowed):
            ageing_items(actor=who, company=acme)


def test_the_ageing_rows_are_read_in_a_constant_number_of_queries(
    two_companies, django_assert_num_queries
):
    acme, _, people = two_companies
    for n in range(20):
        d = factories.debtor(acme, code=f"MANY-{n}", owner=people["cora"])
        factories.item(d, due=AS_OF - timedelta(days=n * 10), amount=n + 1)
    # cora's membership; the items are one bulk read on the raw connection (`read_frame`),
    # which Django does not count: no query per row either way
    with django_assert_num_queries(1):
        report = ageing_report(
            actor=people["cora"], company=acme, as_of=AS_OF, buckets=DEFAULT_BUCKETS, by=["debtor"]
        )
    assert report.height > 20
