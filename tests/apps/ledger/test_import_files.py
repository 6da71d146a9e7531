"""File-level problems (empty, encoding, ragged rows, header) and the CSV/XLSX equivalence."""

from __future__ import annotations

from datetime import date

import openpyxl
import polars as pl
import pytest

from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.imports.columns import REPEATED_COLUMN, SEMICOLONS, UNKNOWN_COLUMN
from arrears.apps.ledger.imports.read import (
    EMPTY_FILE,
    NO_ROWS,
    NOT_UTF8,
    NOT_XLSX,
    TOO_FEW_FIELDS,
    TOO_MANY_FIELDS,
    UNKNOWN_SUFFIX,
    VALUE_WITHOUT_HEADER,
)
from arrears.apps.ledger.models import Allocation, Contact, Debtor, OpenItem, Payment
from tests import factories
from tests.apps.ledger.import_support import (
    EXAMPLES,
    ITEMS_HEADER,
    csv_file,
    ledger_world,
    refused,
    rival_untouched,
    where,
)
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

GOOD = "INV-1,invoice,D1,2026-09-01,2026-10-01,EUR,100.00,60.50,30 days net"


@pytest.fixture
def acme():
    company = ledger_world()  # beside rival, whose D1 has an item INV-1 too
    factories.debtor(company, code="D1")
    return company


def test_an_empty_file_is_refused(acme, tmp_path):
    errors = refused(acme, "items", csv_file(tmp_path, "\n\n"))
    assert where(errors) == [(1, "")] and errors[0].message == EMPTY_FILE


def test_a_file_with_only_a_header_is_refused(acme, tmp_path):
    errors = refused(acme, "items", csv_file(tmp_path, ITEMS_HEADER + "\n"))
    assert where(errors) == [(2, "")] and errors[0].message == NO_ROWS


def test_a_truncated_file_is_refused_naming_the_first_missing_column(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{GOOD}\nINV-2,invoice,D1,2026-09-01")
    errors = refused(acme, "items", path)
    assert where(errors) == [(3, "due_date")]
    assert errors[0].message == TOO_FEW_FIELDS.format(have=4, want=9)


def test_a_truncated_row_is_found_in_a_file_with_quoted_values(acme, tmp_path):
    quoted = '"INV-1","invoice","D1","2026-09-01","2026-10-01","EUR","100.00","1.00","a, b"'
    path = csv_file(tmp_path, f'{ITEMS_HEADER}\n{quoted}\n"INV-2","invoice"\n')
    assert where(refused(acme, "items", path)) == [(3, "debtor_code")]


def test_a_truncated_row_is_found_when_a_quoted_value_spans_lines(acme, tmp_path):
    multi = 'INV-1,invoice,D1,2026-09-01,2026-10-01,EUR,100.00,1.00,"net 30\nno skonto"'
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{multi}\nINV-2,invoice\n")
    assert where(refused(acme, "items", path)) == [(3, "debtor_code")]


def test_a_row_with_more_fields_than_the_header_is_refused(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{GOOD},extra\n")
    errors = refused(acme, "items", path)
    assert where(errors) == [(2, "")]
    assert errors[0].message == TOO_MANY_FIELDS.format(have=10, want=9)


def test_a_file_not_in_utf8_is_refused_with_advice_to_resave(acme, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"{ITEMS_HEADER}\n{GOOD.replace('30 days net', 'Zahlbar in 30 Tagen, netto')}\n".replace(
            "Tagen, netto", "Tagen n\u00e4chst"
        ).encode("latin-1")
    )
    errors = refused(acme, "items", path)
    assert where(errors) == [(2, "payment_terms")]
    assert errors[0].message == NOT_UTF8.format(byte=0xE4)
    assert "re-save it as UTF-8" in errors[0].message


def test_a_utf8_byte_order_mark_and_windows_line_ends_are_accepted(acme, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{ITEMS_HEADER}\r\n{GOOD}\r\n".encode())
    summary = import_as_admin(company=acme, kind="items", path=path)
    assert summary.created == 1
    assert OpenItem.objects.get(company=acme).payment_terms == "30 days net"


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{GOOD}\n\n{GOOD.replace('EUR', 'EUX')}\n")
    assert where(refused(acme, "items", path)) == [(4, "number"), (4, "currency")]


def test_cells_are_stripped_of_surrounding_spaces(acme, tmp_path):
    row = " INV-1 , invoice ,D1, 2026-09-01 ,2026-10-01,EUR, 100.00 ,60.50,"
    import_as_admin(company=acme, kind="items", path=csv_file(tmp_path, f"{ITEMS_HEADER}\n{row}\n"))
    assert OpenItem.objects.get(company=acme).number == "INV-1"


def test_unnamed_empty_columns_left_by_spreadsheets_are_ignored(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER},,\n{GOOD},,\n,,,,,,,,,,\n")
    assert import_as_admin(company=acme, kind="items", path=path).created == 1


def test_a_value_under_an_unnamed_column_is_refused(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER},\n{GOOD},\n{GOOD.replace('INV-1', 'INV-2')},x\n")
    errors = refused(acme, "items", path)
    assert where(errors) == [(3, "")]
    assert errors[0].message == VALUE_WITHOUT_HEADER.format(cell="J")


def test_an_unknown_column_is_refused_naming_it(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER},note\n{GOOD},x\n")
    errors = refused(acme, "items", path)
    assert where(errors) == [(1, "note")]
    assert errors[0].message.startswith(UNKNOWN_COLUMN.split("{")[0] + "'note'")


def test_a_repeated_column_is_refused(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER},kind\n{GOOD},invoice\n")
    errors = refused(acme, "items", path)
    assert where(errors) == [(1, "kind")]
    assert errors[0].message == REPEATED_COLUMN.format(name="kind")


def test_a_semicolon_separated_file_is_refused_with_a_hint(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER.replace(',', ';')}\n{GOOD.replace(',', ';')}\n")
    errors = refused(acme, "items", path)
    assert errors[0].row == 1
    assert errors[0].message == SEMICOLONS.format(name=ITEMS_HEADER.replace(",", ";")[:40])


def test_a_file_type_other_than_csv_or_xlsx_is_refused(acme, tmp_path):
    path = tmp_path / "items.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    errors = refused(acme, "items", path)
    assert errors[0].message == UNKNOWN_SUFFIX.format(suffix=".xls")


def test_a_broken_xlsx_is_refused(acme, tmp_path):
    path = tmp_path / "items.xlsx"
    path.write_bytes(b"not a zip")
    errors = refused(acme, "items", path)
    assert errors[0].message == NOT_XLSX.format(detail="BadZipFile")


def test_xlsx_errors_name_the_spreadsheet_row_and_column(acme, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ITEMS_HEADER.split(","))
    sheet.append(["INV-1", "invoice", "D1", date(2026, 9, 1), date(2026, 10, 1), "EUR", 100, 60.5])
    sheet.append([])
    sheet.append(["INV-2", "invoice", "D1", "1.9.2026", date(2026, 10, 1), "EUR", 100.123, 1])
    path = tmp_path / "items.xlsx"
    book.save(path)
    assert where(refused(acme, "items", path)) == [(4, "issue_date"), (4, "original_amount")]


def _items_frame(company) -> pl.DataFrame:
    sql = (
        "SELECT i.number, d.code, i.kind, i.issue_date, i.due_date, i.currency, "
        "i.original_minor, i.open_minor, i.payment_terms FROM ledger_openitem i "
        "JOIN ledger_debtor d ON d.id = i.debtor_id WHERE i.company_id = %s ORDER BY i.number"
    )
    schema: dict[str, pl.DataType] = {
        "number": pl.String(),
        "code": pl.String(),
        "kind": pl.String(),
        "issue_date": pl.Date(),
        "due_date": pl.Date(),
        "currency": pl.String(),
        "original_minor": pl.Int64(),
        "open_minor": pl.Int64(),
        "payment_terms": pl.String(),
    }
    return read_frame(sql, [company.pk], schema)


def test_xlsx_and_csv_of_the_same_items_give_the_same_ledger(tmp_path):
    from_csv, from_xlsx = factories.company("csv"), factories.company("xlsx")
    for company, items in ((from_csv, "items.csv"), (from_xlsx, "items.xlsx")):
        import_as_admin(company=company, kind="debtors", path=EXAMPLES / "debtors.csv")
        import_as_admin(company=company, kind="items", path=EXAMPLES / items)
    assert _items_frame(from_csv).height == 9
    assert _items_frame(from_csv).equals(_items_frame(from_xlsx))
    # And each file re-imported over the other's result changes nothing.
    summary = import_as_admin(company=from_csv, kind="items", path=EXAMPLES / "items.xlsx")
    assert summary.unchanged == 9


def test_the_example_files_import_cleanly_in_order():
    company = ledger_world()  # beside rival, holding the examples' D10001, INV-2026-0001...
    with rival_untouched():
        summaries = [
            import_as_admin(company=company, kind=kind, path=EXAMPLES / f"{kind}.csv")
            for kind in ("debtors", "items", "payments")
        ]
    assert [(s.kind, s.rows, s.created) for s in summaries] == [
        ("debtors", 5, 5),
        ("items", 9, 9),
        ("payments", 4, 4),
    ]
    debtors = Debtor.objects.filter(company=company)
    items, payments = (
        OpenItem.objects.filter(company=company),
        Payment.objects.filter(company=company),
    )
    contacts = Contact.objects.filter(debtor__company=company)
    allocations = Allocation.objects.filter(payment__company=company)
    assert (debtors.count(), contacts.count(), items.count()) == (5, 4, 9)
    assert (payments.count(), allocations.count()) == (3, 3)
