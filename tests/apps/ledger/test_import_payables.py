"""The payables file (rule 11: what we owe our debtors as their customer): all or nothing,
idempotent, the supplier found by code, registration number or VAT id, every bad row named."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.ledger.imports.payables import NEW_SETTLED
from arrears.apps.ledger.models import ImportBatch, Payable
from arrears.domain.refusal import NotAllowed
from tests import factories
from tests.apps.ledger.import_support import (
    csv_file,
    ledger_world,
    refused,
    rival_untouched,
    where,
)
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

HEADER = "number,debtor_code,registration_number,vat_number,issue_date,due_date,currency,original_amount,open_amount"


@pytest.fixture
def acme():
    company = ledger_world()  # beside rival, whose D1 has a payable SUP-INV-1 too
    factories.debtor(company, code="D1", registration_number="HRB 1", vat_number="DE111")
    factories.debtor(company, code="D2", registration_number="HRB 2", vat_number="DE222")
    factories.debtor(company, code="D3", registration_number="HRB 2")  # shares D2's number
    return company


def payables(tmp_path, *rows: str, header: str = HEADER):
    return csv_file(tmp_path, "\n".join([header, *rows]) + "\n")


def test_payables_are_created_in_minor_units_against_the_supplier_named_by_any_key(acme, tmp_path):
    path = payables(
        tmp_path,
        "SUP-INV-1,D1,,,2026-09-01,2026-10-01,EUR,100.00,60.50",
        "SUP-2,,HRB 1,,2026-09-02,2026-10-02,EUR,,20.00",
        "SUP-3,,,DE222,2026-09-03,2026-10-03,JPY,5000,5000",
    )
    with rival_untouched():
        summary = import_as_admin(company=acme, kind="payables", path=path)
    assert (summary.rows, summary.created, summary.updated) == (3, 3, 0)
    got = {
        p.number: (p.debtor.code, p.currency, p.original_minor, p.open_minor, p.due_date)
        for p in Payable.objects.filter(company=acme)
    }
    assert got == {
        "SUP-INV-1": ("D1", "EUR", 10000, 6050, date(2026, 10, 1)),
        "SUP-2": ("D1", "EUR", 2000, 2000, date(2026, 10, 2)),  # original: the open amount
        "SUP-3": ("D2", "JPY", 5000, 5000, date(2026, 10, 3)),
    }
    assert ImportBatch.objects.filter(company=acme, kind="payables").count() == 1


def test_reimporting_changes_nothing_and_a_changed_amount_updates_one_row(acme, tmp_path):
    row = "SUP-1,D1,,,2026-09-01,2026-10-01,EUR,100.00,60.50"
    import_as_admin(company=acme, kind="payables", path=payables(tmp_path, row))
    before = list(Payable.objects.order_by("pk").values())
    again = import_as_admin(company=acme, kind="payables", path=payables(tmp_path, row))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert list(Payable.objects.order_by("pk").values()) == before
    changed = import_as_admin(
        company=acme, kind="payables", path=payables(tmp_path, row.replace("60.50", "10.00"))
    )
    assert (changed.updated, changed.changes["open_amount"]) == (1, 1)
    assert Payable.objects.get(company=acme, number="SUP-1").open_minor == 1000


def test_every_bad_row_is_named_and_nothing_is_written(acme, tmp_path):
    path = payables(
        tmp_path,
        "SUP-1,D1,,,2026-09-01,2026-10-01,EUR,100.00,60.50",
        "SUP-2,,,,2026-09-01,2026-10-01,EUR,100.00,60.50",  # names no supplier
        "SUP-3,NOPE,,,2026-09-01,2026-10-01,EUR,100.00,60.50",  # unknown code
        "SUP-4,,HRB 2,,2026-09-01,2026-10-01,EUR,100.00,60.50",  # two debtors hold it
        "SUP-5,D1,,,2026-09-01,2026-08-01,EUR,100.00,160.50",  # due before issue, open > orig
        "SUP-1,D2,,,2026-09-01,2026-10-01,EUR,1.00,1.00",  # the same number twice
        "SUP-6,D1,,,2026-13-01,2026-10-01,XXX,1.00,1.00",  # no such date or currency
    )
    errors = refused(acme, "payables", path)
    assert sorted(where(errors)) == [
        (3, "debtor_code"),
        (4, "debtor_code"),
        (5, "debtor_code"),
        (6, "due_date"),
        (6, "open_amount"),
        (7, "number"),
        (8, "currency"),
        (8, "issue_date"),
    ]
    said = {(e.row, e.column): e.message for e in errors}
    assert said[(3, "debtor_code")].startswith("names no supplier")
    assert said[(4, "debtor_code")] == "no debtor has debtor_code 'NOPE': import the debtor first"
    assert said[(5, "debtor_code")] == (
        "'HRB 2' is the registration_number of 2 debtors: name the supplier by debtor_code"
    )
    assert not Payable.objects.filter(company=acme).exists()


def test_a_supplier_of_the_other_company_is_not_found(acme, tmp_path):
    errors = refused(
        acme, "payables", payables(tmp_path, "SUP-1,R1,,,2026-09-01,2026-10-01,EUR,1.00,1.00")
    )
    assert where(errors) == [(2, "debtor_code")]


@pytest.mark.parametrize("who", ["cora", "rita"])
def test_only_the_companys_administrator_imports_payables(acme, tmp_path, who):
    from django.contrib.auth import get_user_model

    from arrears.apps.ledger.imports import import_file

    path = payables(tmp_path, "SUP-1,D1,,,2026-09-01,2026-10-01,EUR,1.00,1.00")
    with pytest.raises(NotAllowed):
        import_file(
            actor=get_user_model().objects.get(username=who),
            company=acme,
            kind="payables",
            path=path,
        )
    assert not Payable.objects.filter(company=acme).exists()


NO_ORIGINAL = "number,debtor_code,issue_date,due_date,currency,open_amount"


def stored(company) -> dict[str, tuple[int, int]]:
    found = Payable.objects.filter(company=company)
    return {p.number: (p.original_minor, p.open_minor) for p in found}


def test_a_payable_a_setoff_used_up_is_accepted_as_settled_and_keeps_its_original(acme, tmp_path):
    first = payables(
        tmp_path,
        "SUP-1,D1,,,2026-09-01,2026-10-01,EUR,600.00,600.00",
        "SUP-2,D1,,,2026-09-01,2026-10-01,JPY,5000,5000",
    )
    import_as_admin(company=acme, kind="payables", path=first)
    rows = [
        "SUP-1,D1,2026-09-01,2026-10-01,EUR,0.00",
        "SUP-2,D1,2026-09-01,2026-10-01,JPY,1200",
        "SUP-3,D1,2026-09-01,2026-10-01,EUR,250.00",
    ]
    summary = import_as_admin(
        company=acme, kind="payables", path=payables(tmp_path, *rows, header=NO_ORIGINAL)
    )
    assert (summary.created, summary.updated) == (1, 2)
    assert stored(acme) == {
        "SUP-1": (600_00, 0),  # settled: its original amount is kept
        "SUP-2": (5000, 1200),
        "SUP-3": (250_00, 250_00),  # new: the original is the open amount
    }
    again = import_as_admin(
        company=acme, kind="payables", path=payables(tmp_path, *rows, header=NO_ORIGINAL)
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_an_empty_original_amount_keeps_the_stored_one(acme, tmp_path):
    row = "SUP-1,D1,,,2026-09-01,2026-10-01,EUR,{original},{open}"
    import_as_admin(
        company=acme,
        kind="payables",
        path=payables(tmp_path, row.format(original="600.00", open="600.00")),
    )
    import_as_admin(
        company=acme, kind="payables", path=payables(tmp_path, row.format(original="", open="0"))
    )
    assert stored(acme) == {"SUP-1": (600_00, 0)}


def test_a_new_payable_already_settled_without_its_original_is_refused_in_words(acme, tmp_path):
    path = payables(tmp_path, "SUP-9,D1,2026-09-01,2026-10-01,EUR,0.00", header=NO_ORIGINAL)
    errors = refused(acme, "payables", path)
    assert [(e.row, e.column, e.message) for e in errors] == [(2, "original_amount", NEW_SETTLED)]


def test_a_supplier_is_found_by_its_number_or_vat_id_with_spaces_and_case_ignored(acme, tmp_path):
    path = payables(
        tmp_path,
        "SUP-1,,hrb1,,2026-09-01,2026-10-01,EUR,,10.00",
        "SUP-2,,,de 111,2026-09-01,2026-10-01,EUR,,20.00",
    )
    import_as_admin(company=acme, kind="payables", path=path)
    found = Payable.objects.filter(company=acme).values_list("number", "debtor__code")
    assert sorted(found) == [("SUP-1", "D1"), ("SUP-2", "D1")]


def test_a_number_two_debtors_hold_once_spaces_and_case_are_ignored_is_refused(acme, tmp_path):
    factories.debtor(acme, code="D4", vat_number="de 222")  # D2's VAT id, written otherwise
    path = payables(tmp_path, "SUP-1,,,DE222,2026-09-01,2026-10-01,EUR,,10.00")
    assert where(refused(acme, "payables", path)) == [(2, "debtor_code")]
