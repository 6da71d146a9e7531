from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.models import ItemDeskInput, ItemStep
from arrears.apps.ledger.imports import ImportRejected
from arrears.apps.ledger.imports.amounts import MAX_DIGITS, NOT_POSITIVE, TOO_LARGE
from arrears.apps.ledger.imports.columns import (
    DUPLICATE,
    MISSING_COLUMN,
    NOT_A_DATE,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_DEBTOR,
)
from arrears.apps.ledger.imports.documents import DUE_BEFORE_ISSUE, OPEN_OVER_ORIGINAL
from arrears.apps.ledger.models import ImportBatch, OpenItem
from arrears.apps.ledger.presentation import import_summary_words
from arrears.domain.money import NOT_A_NUMBER, TOO_MANY_DECIMALS, UNKNOWN_CURRENCY
from tests import factories
from tests.apps.ledger.import_support import (
    ITEMS_HEADER,
    csv_file,
    ledger_world,
    refused,
    rival_untouched,
    where,
)
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    company = ledger_world()  # beside rival, whose D1 has an item INV-1 too
    factories.debtor(company, code="D1")
    factories.debtor(company, code="D2")
    return company


def items(tmp_path, *rows: str, header: str = ITEMS_HEADER):
    return csv_file(tmp_path, "\n".join([header, *rows]) + "\n")


GOOD = "INV-1,invoice,D1,2026-09-01,2026-10-01,EUR,100.00,60.50,30 days net"


def test_new_items_are_created_in_minor_units_with_the_ladder_untouched(acme, tmp_path):
    with rival_untouched():
        summary = import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD))
    assert (summary.rows, summary.created, summary.updated, summary.unchanged) == (1, 1, 0, 0)
    item = OpenItem.objects.get(company=acme, number="INV-1")
    assert (item.original_minor, item.open_minor, item.currency) == (10000, 6050, "EUR")
    assert (item.issue_date, item.due_date) == (date(2026, 9, 1), date(2026, 10, 1))
    assert item.debtor.code == "D1" and item.payment_terms == "30 days net"
    assert not ItemDeskInput.objects.filter(item=item).exists()
    assert not ItemStep.objects.filter(item=item).exists()


def test_reimporting_the_same_file_changes_nothing(acme, tmp_path):
    path = items(tmp_path, GOOD, "INV-2,,D2,2026-09-01,2026-10-01,JPY,5000,5000,")
    import_as_admin(company=acme, kind="items", path=path)
    before = list(OpenItem.objects.order_by("id").values())
    summary = import_as_admin(company=acme, kind="items", path=path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert all(n == 0 for n in summary.changes.values())
    assert list(OpenItem.objects.order_by("id").values()) == before


def test_changed_row_updates_and_the_summary_counts_changed_columns(acme, tmp_path):
    import_as_admin(
        company=acme, kind="items", path=items(tmp_path, GOOD, GOOD.replace("1,", "2,", 1))
    )
    changed = "INV-1,invoice,D2,2026-09-01,2026-10-01,EUR,100.00,0.00,30 days net"
    with rival_untouched():  # rival's INV-1 keeps its debtor and amount
        summary = import_as_admin(
            company=acme, kind="items", path=items(tmp_path, changed, GOOD.replace("1,", "2,", 1))
        )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert summary.changes["open_amount"] == 1 and summary.changes["debtor_code"] == 1
    assert summary.changes["original_amount"] == 0 and summary.changes["due_date"] == 0
    item = OpenItem.objects.get(company=acme, number="INV-1")
    assert (item.open_minor, item.debtor.code) == (0, "D2")


def test_update_keeps_what_the_daily_run_and_disputes_own(acme, tmp_path):
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD))
    factories.desk_input_set(
        OpenItem.objects.get(company=acme, number="INV-1"), excluded_minor=1000
    )
    ItemStep.objects.create(
        item=OpenItem.objects.get(company=acme, number="INV-1"),
        strategy_code="standard",
        step=2,
        step_on=date(2026, 10, 20),
    )
    import_as_admin(
        company=acme, kind="items", path=items(tmp_path, GOOD.replace("60.50", "50.00"))
    )
    item = factories.item_read(OpenItem.objects.get(company=acme, number="INV-1"))
    assert (item.open_minor, item.excluded_minor) == (5000, 1000)
    step = ItemStep.objects.get(item=item)
    assert (step.strategy_code, step.step, step.step_on) == ("standard", 2, date(2026, 10, 20))


def test_a_column_absent_from_the_file_is_left_alone(acme, tmp_path):
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD))
    short_header = "number,debtor_code,issue_date,due_date,currency,original_amount,open_amount"
    path = items(tmp_path, "INV-1,D1,2026-09-01,2026-10-01,EUR,100.00,60.50", header=short_header)
    summary = import_as_admin(company=acme, kind="items", path=path)
    assert summary.unchanged == 1
    assert OpenItem.objects.get(company=acme, number="INV-1").payment_terms == "30 days net"


def test_the_same_number_at_another_company_is_another_item(acme, tmp_path):
    other = factories.company("other")
    factories.debtor(other, code="D1")
    import_as_admin(
        company=other, kind="items", path=items(tmp_path, GOOD.replace("60.50", "1.00"))
    )
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD))
    assert OpenItem.objects.get(company=other).open_minor == 100
    assert OpenItem.objects.get(company=acme).open_minor == 6050


def test_a_successful_import_records_a_batch_and_an_audit_event(acme, tmp_path):
    admin = factories.admin()
    path = items(tmp_path, GOOD)
    import_as_admin(company=acme, kind="items", path=path)
    batch = ImportBatch.objects.get(company=acme)
    assert (batch.kind, batch.filename, batch.rows, batch.created, batch.actor) == (
        "items",
        "file.csv",
        1,
        1,
        admin,
    )
    assert len(batch.sha256) == 64
    event = AuditEvent.objects.get(action="import.items")
    assert event.actor == admin and event.detail["created"] == 1


def test_unknown_currency_is_refused_with_row_and_column(acme, tmp_path):
    second = GOOD.replace("INV-1", "INV-2").replace("EUR", "EUX")
    errors = refused(acme, "items", items(tmp_path, GOOD, second))
    assert where(errors) == [(3, "currency")]
    assert errors[0].message == UNKNOWN_CURRENCY.format(code="EUX")


def test_amount_with_a_decimal_comma_is_refused_with_row_and_column(acme, tmp_path):
    row = 'INV-1,invoice,D1,2026-09-01,2026-10-01,EUR,"1.000,00",60.50,'
    errors = refused(acme, "items", items(tmp_path, row))
    assert where(errors) == [(2, "original_amount")]
    assert errors[0].message == NOT_A_NUMBER.format(text="1.000,00")


def test_more_decimals_than_the_currency_allows_is_refused(acme, tmp_path):
    jpy = "INV-2,invoice,D1,2026-09-01,2026-10-01,JPY,100.5,100.5,"
    eur = GOOD.replace("60.50", "60.505")
    errors = refused(acme, "items", items(tmp_path, eur, jpy))
    assert where(errors) == [(2, "open_amount"), (3, "original_amount"), (3, "open_amount")]
    assert errors[0].message == TOO_MANY_DECIMALS.format(
        amount="60.505", currency="EUR", exponent=2
    )


def test_trailing_zeros_beyond_the_currency_decimals_are_exact_and_accepted(acme, tmp_path):
    jpy = "INV-2,invoice,D1,2026-09-01,2026-10-01,JPY,100.00,100.000,"
    import_as_admin(company=acme, kind="items", path=items(tmp_path, jpy))
    assert OpenItem.objects.get(company=acme, number="INV-2").open_minor == 100


def test_an_amount_too_large_for_minor_units_is_refused(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace("100.00", "1" + "0" * 17)))
    assert where(errors) == [(2, "original_amount")]
    assert errors[0].message == TOO_LARGE.format(amount="1" + "0" * 17, digits=MAX_DIGITS)


@pytest.mark.parametrize("text", ["01.10.2026", "2026-1-5", "2026-02-30", "2026/10/01"])
def test_a_date_not_in_strict_iso_form_is_refused_with_row_and_column(acme, tmp_path, text):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace("2026-10-01", text)))
    assert where(errors) == [(2, "due_date")]
    assert errors[0].message == NOT_A_DATE.format(value=text)


def test_a_number_twice_in_the_file_is_refused_naming_the_first_row(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD, GOOD.replace("INV-1", "INV-9"), GOOD))
    assert where(errors) == [(4, "number")]
    assert errors[0].message == DUPLICATE.format(value="INV-1", first=2)


def test_an_item_for_an_unknown_debtor_is_refused(acme, tmp_path):
    other = factories.company("other")
    factories.debtor(other, code="D9")  # another company's debtor is as good as unknown
    errors = refused(acme, "items", items(tmp_path, GOOD.replace(",D1,", ",D9,")))
    assert where(errors) == [(2, "debtor_code")]
    assert errors[0].message == UNKNOWN_DEBTOR.format(value="D9")


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_zero_or_negative_original_amount_is_refused(acme, tmp_path, amount):
    row = f"INV-1,invoice,D1,2026-09-01,2026-10-01,EUR,{amount},0,"
    errors = refused(acme, "items", items(tmp_path, row))
    assert where(errors) == [(2, "original_amount")]
    assert errors[0].message == NOT_POSITIVE.format(amount=amount)


def test_negative_open_amount_is_refused(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace("60.50", "-1.00")))
    assert where(errors) == [(2, "open_amount")]


def test_open_amount_above_the_original_is_refused(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace("60.50", "100.01")))
    assert where(errors) == [(2, "open_amount")]
    assert errors[0].message == OPEN_OVER_ORIGINAL.format(open="100.01", original="100.00")


def test_due_date_before_issue_date_is_refused(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace("2026-10-01", "2026-08-31")))
    assert where(errors) == [(2, "due_date")]
    assert errors[0].message == DUE_BEFORE_ISSUE.format(due="2026-08-31", issue="2026-09-01")


def test_a_missing_required_column_is_one_error_naming_it(acme, tmp_path):
    header = ITEMS_HEADER.replace(",due_date", "")
    row = "INV-1,invoice,D1,2026-09-01,EUR,100.00,60.50,"
    errors = refused(acme, "items", items(tmp_path, row, row, header=header))
    assert where(errors) == [(1, "due_date")]
    assert errors[0].message == MISSING_COLUMN.format(have=header.replace(",", ", "))


def test_an_empty_required_cell_is_refused(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace(",D1,", ",,")))
    assert where(errors) == [(2, "debtor_code")]
    assert errors[0].message == REQUIRED


def test_a_value_longer_than_the_database_holds_is_refused(acme, tmp_path):
    errors = refused(acme, "items", items(tmp_path, GOOD.replace("INV-1", "N" * 65)))
    assert where(errors) == [(2, "number")]
    assert errors[0].message == TOO_LONG.format(limit=64, length=65)


def test_every_error_in_the_file_is_reported_not_just_the_first(acme, tmp_path):
    bad = "INV-2,invoice,D7,2026-13-01,2026-10-01,EUX,100.00,160.00,"
    errors = refused(acme, "items", items(tmp_path, GOOD, bad))
    assert sorted(where(errors)) == [(3, "currency"), (3, "debtor_code"), (3, "issue_date")]


def test_a_long_list_of_errors_is_capped_and_says_how_many_more(acme, tmp_path):
    rows = [f"INV-{i},invoice,D1,2026-09-01,2026-10-01,EUX,1,1," for i in range(120)]
    with pytest.raises(ImportRejected) as info:
        import_as_admin(company=acme, kind="items", path=items(tmp_path, *rows))
    assert len(info.value.errors) == 50 and info.value.total == 120
    assert str(info.value).splitlines()[-1] == "  ... and 70 more"
    assert "row 2, column currency: unknown currency 'EUX'" in str(info.value)


def test_a_complete_open_items_file_closes_the_items_it_no_longer_lists(acme, tmp_path):
    second = "INV-2,,D2,2026-09-01,2026-10-01,EUR,50.00,50.00,"
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD, second))
    with rival_untouched():  # rival's open items are not in acme's file, and stay open
        summary = import_as_admin(
            company=acme, kind="items", path=items(tmp_path, GOOD), complete=True
        )
    assert summary.closed == 1 and "1 absent and closed" in import_summary_words(summary)
    assert OpenItem.objects.get(company=acme, number="INV-2").open_minor == 0
    assert OpenItem.objects.get(company=acme, number="INV-1").open_minor == 6050
    again = import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD), complete=True)
    assert again.closed == 0


def test_without_complete_an_item_missing_from_the_file_stays_as_it_was(acme, tmp_path):
    second = "INV-2,,D2,2026-09-01,2026-10-01,EUR,50.00,50.00,"
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD, second))
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD))
    assert OpenItem.objects.get(company=acme, number="INV-2").open_minor == 5000


def test_complete_is_refused_for_other_kinds_of_file(acme, tmp_path):
    with pytest.raises(ValueError, match="items files only"):
        import_as_admin(company=acme, kind="debtors", path=items(tmp_path, GOOD), complete=True)


def test_a_large_import_refreshes_the_planner_statistics_of_the_tables_it_wrote(
    acme, tmp_path, monkeypatch
):
    from arrears.apps.ledger.imports import service

    refreshed: list[tuple[str, ...]] = []
    monkeypatch.setattr(service, "statistics_refresh", lambda tables: refreshed.append(tables))
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD))
    assert refreshed == []  # one row is not a large write
    monkeypatch.setattr(service, "LARGE_WRITE", 1)
    second = "INV-2,invoice,D2,2026-09-01,2026-10-01,EUR,100.00,60.50,30 days net"
    import_as_admin(company=acme, kind="items", path=items(tmp_path, GOOD, second))
    assert refreshed == [("ledger_openitem",)]
