from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.ledger.imports.columns import DUPLICATE, UNKNOWN_DEBTOR
from arrears.apps.ledger.imports.payments import (
    INCONSISTENT,
    NEEDS_ALLOCATION,
    NEEDS_ITEM,
    OTHER_CURRENCY,
    OTHER_DEBTOR,
    OVER_ALLOCATED,
    UNKNOWN_ITEM,
)
from arrears.apps.ledger.models import Allocation, OpenItem, Payment
from tests import factories
from tests.apps.ledger.import_support import (
    PAYMENTS_HEADER,
    csv_file,
    ledger_world,
    refused,
    rival_untouched,
    where,
)
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

A1 = "P1,D1,2026-10-20,EUR,150.00,INV-1,100.00"
A2 = "P1,D1,2026-10-20,EUR,150.00,INV-2,30.00"
UNAPPLIED = "P2,D2,2026-10-21,EUR,75.50,,"


@pytest.fixture
def acme():
    company = ledger_world()  # beside rival, whose D1 paid its INV-1 with a payment P1 too
    d1, d2 = factories.debtor(company, code="D1"), factories.debtor(company, code="D2")
    factories.item(d1, due=date(2026, 10, 1), number="INV-1", amount=100_00)
    factories.item(d1, due=date(2026, 10, 1), number="INV-2", amount=50_00)
    factories.item(d1, due=date(2026, 10, 1), number="INV-USD", currency="USD")
    factories.item(d2, due=date(2026, 10, 1), number="INV-3")
    return company


def payments(tmp_path, *rows: str):
    return csv_file(tmp_path, "\n".join([PAYMENTS_HEADER, *rows]) + "\n")


def test_a_payment_on_two_items_is_one_payment_with_two_allocations_and_the_rest_unapplied(
    acme, tmp_path
):
    with rival_untouched():
        summary = import_as_admin(
            company=acme, kind="payments", path=payments(tmp_path, A1, A2, UNAPPLIED)
        )
    assert (summary.rows, summary.created) == (3, 3)
    p1, p2 = (
        Payment.objects.get(company=acme, reference="P1"),
        Payment.objects.get(company=acme, reference="P2"),
    )
    assert (p1.amount_minor, p1.unapplied_minor, p1.received_on) == (
        15000,
        2000,
        date(2026, 10, 20),
    )
    assert sorted(p1.allocations.values_list("item__number", "amount_minor")) == [
        ("INV-1", 10000),
        ("INV-2", 3000),
    ]
    assert (p2.amount_minor, p2.unapplied_minor, p2.allocations.count()) == (7550, 7550, 0)


def test_payments_do_not_change_open_amounts(acme, tmp_path):
    import_as_admin(company=acme, kind="payments", path=payments(tmp_path, A1))
    assert OpenItem.objects.get(company=acme, number="INV-1").open_minor == 100_00


def test_reimporting_the_same_payments_changes_nothing(acme, tmp_path):
    path = payments(tmp_path, A1, A2, UNAPPLIED)
    import_as_admin(company=acme, kind="payments", path=path)
    before = list(Payment.objects.values()), list(Allocation.objects.values())
    summary = import_as_admin(company=acme, kind="payments", path=path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert (list(Payment.objects.values()), list(Allocation.objects.values())) == before


def test_a_changed_allocation_updates_and_a_dropped_one_is_removed(acme, tmp_path):
    import_as_admin(company=acme, kind="payments", path=payments(tmp_path, A1, A2))
    changed = A1.replace("100.00", "120.00")
    with rival_untouched():  # rival's P1 keeps its allocation to its INV-1
        summary = import_as_admin(company=acme, kind="payments", path=payments(tmp_path, changed))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    assert summary.changes["allocated_amount"] == 1 and summary.changes["item_number"] == 1
    p1 = Payment.objects.get(company=acme, reference="P1")
    assert list(p1.allocations.values_list("item__number", "amount_minor")) == [("INV-1", 12000)]
    assert p1.unapplied_minor == 3000


def test_a_changed_payment_header_is_counted_on_each_of_its_rows(acme, tmp_path):
    import_as_admin(company=acme, kind="payments", path=payments(tmp_path, A1, A2))
    later = [r.replace("2026-10-20", "2026-10-22") for r in (A1, A2)]
    summary = import_as_admin(company=acme, kind="payments", path=payments(tmp_path, *later))
    assert summary.updated == 2 and summary.changes["received_on"] == 2
    assert Payment.objects.get(company=acme).received_on == date(2026, 10, 22)


def test_rows_of_one_payment_that_disagree_are_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1, A2.replace("150.00", "15.00")))
    assert where(errors) == [(3, "amount")]
    assert errors[0].message == INCONSISTENT.format(
        value="15.00", first=2, expected="150.00", reference="P1"
    )


def test_allocations_above_the_payment_amount_are_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1, A2.replace("30.00", "50.01")))
    assert where(errors) == [(2, "allocated_amount")]
    assert errors[0].message == OVER_ALLOCATED.format(
        reference="P1", allocated="EUR 150.01", amount="EUR 150.00"
    )


def test_an_allocation_to_an_unknown_item_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1.replace("INV-1", "INV-9")))
    assert where(errors) == [(2, "item_number")]
    assert errors[0].message == UNKNOWN_ITEM.format(value="INV-9")


def test_an_allocation_to_another_debtors_item_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1.replace("INV-1", "INV-3")))
    assert where(errors) == [(2, "item_number")]
    assert errors[0].message == OTHER_DEBTOR.format(value="INV-3", owner="D2", debtor="D1")


def test_an_allocation_to_an_item_in_another_currency_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1.replace("INV-1", "INV-USD")))
    assert where(errors) == [(2, "item_number")]
    assert errors[0].message == OTHER_CURRENCY.format(
        value="INV-USD", item_currency="USD", currency="EUR"
    )


def test_an_item_without_an_allocated_amount_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1.replace(",100.00", ",")))
    assert where(errors) == [(2, "allocated_amount")]
    assert errors[0].message == NEEDS_ALLOCATION


def test_an_allocated_amount_without_an_item_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, UNAPPLIED + "10.00"))
    assert where(errors) == [(2, "item_number")]
    assert errors[0].message == NEEDS_ITEM


def test_the_same_allocation_twice_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, A1, A1.replace("100.00", "10.00")))
    assert where(errors) == [(3, "item_number")]
    assert errors[0].message == DUPLICATE.format(value="P1 / INV-1", first=2)


def test_a_payment_from_an_unknown_debtor_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, UNAPPLIED.replace("D2", "D9")))
    assert where(errors) == [(2, "debtor_code")]
    assert errors[0].message == UNKNOWN_DEBTOR.format(value="D9")


def test_a_zero_payment_is_refused(acme, tmp_path):
    errors = refused(acme, "payments", payments(tmp_path, UNAPPLIED.replace("75.50", "0.00")))
    assert where(errors) == [(2, "amount")]
