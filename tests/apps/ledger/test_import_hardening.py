"""Files found by fuzzing that crashed the import or stored what cannot be summed: each is now
a clear refusal (row and column named, nothing written) or, for CR-only files, read."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from arrears.apps.ledger.imports import RowError
from arrears.apps.ledger.imports.amounts import MAX_DIGITS, MAX_TOTAL, TOO_LARGE, TOTAL_TOO_LARGE
from arrears.apps.ledger.imports.columns import CONTROL_CHARACTER, DUPLICATE
from arrears.apps.ledger.imports.debtors import (
    GROUP_TOO_DEEP,
    MAX_DEPTH,
    PARENT_LOOP,
    group_walk,
)
from arrears.apps.ledger.imports.errors import SHOWN
from arrears.apps.ledger.imports.payments import OVER_ALLOCATED
from arrears.apps.ledger.imports.read import EMPTY_HEADER, NOT_XLSX
from arrears.apps.ledger.models import OpenItem, Payment
from tests import factories
from tests.apps.ledger.import_support import (
    EXAMPLES,
    ITEMS_HEADER,
    PAYMENTS_HEADER,
    csv_file,
    ledger_snapshot,
    ledger_world,
    refused,
    where,
)
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

DEBTORS = "debtor_code,name,country,parent_code"


@pytest.fixture
def acme():
    return ledger_world()


def test_a_debtor_code_repeated_as_its_own_parent_is_refused_as_a_duplicate(acme, tmp_path):
    # Each repeat of A doubled the parent walk's rows, 32 levels deep: 19 GB for four lines.
    path = csv_file(tmp_path, f"{DEBTORS}\nA,a,DE,A\nA,a,DE,A\nC,c,DE,A\n")
    before = ledger_snapshot()
    errors = refused(acme, "debtors", path)
    assert where(errors) == [(3, "debtor_code")]
    assert errors[0].message == DUPLICATE.format(value="A", first=2)
    assert ledger_snapshot() == before


def test_a_group_deeper_than_the_limit_is_refused_below_the_limit_only(acme, tmp_path):
    chain = [f"G{i},g,DE,{f'G{i - 1}' if i else ''}" for i in range(MAX_DEPTH + 3)]
    errors = refused(acme, "debtors", csv_file(tmp_path, "\n".join([DEBTORS, *chain]) + "\n"))
    # G0 is the top; G33 is the first with more than 32 levels above it (rows count from 2).
    assert where(errors) == [(MAX_DEPTH + 3, "parent_code"), (MAX_DEPTH + 4, "parent_code")]
    assert {e.message for e in errors} == {GROUP_TOO_DEEP.format(depth=MAX_DEPTH)}


def test_a_long_loop_of_parents_is_refused_on_every_row_of_it(acme, tmp_path):
    n = 5_000
    ring = [f"L{i},l,DE,L{(i + 1) % n}" for i in range(n)]
    below = "B,b,DE,L0"
    path = csv_file(tmp_path, "\n".join([DEBTORS, *ring, below]) + "\n")
    errors = refused(acme, "debtors", path)
    assert errors[0] == RowError(2, "parent_code", PARENT_LOOP.format(value="L1"))
    assert len(errors) == SHOWN


class _Counted(dict[str, str]):
    """Parent links that count how often a parent is looked up."""

    looked = 0

    def get(self, key, default=None):
        self.looked += 1
        return super().get(key, default)


def test_the_group_walk_looks_each_parent_link_up_once_however_the_groups_are_shaped():
    # The walk is linear in the file: a chain, a ring and a star of 3,000 links each cost a
    # look-up per code (walking up from every code would cost 4.5 million on the chain).
    n = 3_000
    shapes = {
        "chain": {f"C{i}": f"C{i - 1}" for i in range(1, n + 1)},
        "ring": {f"R{i}": f"R{(i + 1) % n}" for i in range(n)},
        "star": {f"S{i}": "TOP" for i in range(n)},
    }
    found = {}
    for name, links in shapes.items():
        counted = _Counted(links)
        found[name] = group_walk(counted)
        assert counted.looked == len(set(links) | set(links.values())), name  # each code once
    assert found["chain"] == (set(), {f"C{i}" for i in range(MAX_DEPTH + 1, n + 1)})
    assert found["ring"] == (set(shapes["ring"]), set(shapes["ring"]))
    assert found["star"] == (set(), set())


# Ten items of this much summed to more than a 64-bit integer holds: explain showed a negative
# open balance and SQLite's SUM failed.
HUGE = "9999999999999999.99"
LARGEST = "9999999999999.99"  # 15 digits in minor units: the most one amount may be
LARGEST_MINOR = 999_999_999_999_999


def items_file(tmp_path, rows, name="items.csv"):
    return csv_file(tmp_path, "\n".join([ITEMS_HEADER, *rows]) + "\n", name)


def item_row(number, original, open_=None, debtor="D1"):
    return f"{number},invoice,{debtor},2026-09-01,2026-10-01,EUR,{original},{open_ or original},"


def overflow_row(amount_minor: int) -> int:
    """The file row (header = 1) at which amounts of `amount_minor` pass the storable total."""
    return MAX_TOTAL // amount_minor + 2


def test_an_amount_of_more_than_15_digits_in_minor_units_is_refused(acme, tmp_path):
    factories.debtor(acme, code="D1")
    rows = [item_row(f"I{i}", HUGE) for i in range(10)]
    errors = refused(acme, "items", items_file(tmp_path, rows))
    assert (errors[0].row, errors[0].column) == (2, "original_amount")
    assert errors[0].message == TOO_LARGE.format(amount=HUGE, digits=15)
    assert MAX_DIGITS == 15


def test_items_whose_total_cannot_be_stored_are_refused_at_the_row_that_passes_it(acme, tmp_path):
    factories.debtor(acme, code="D1")
    n = overflow_row(LARGEST_MINOR)
    rows = [item_row(f"I{i}", LARGEST, "1.00") for i in range(n - 1)]
    errors = refused(acme, "items", items_file(tmp_path, rows))
    assert where(errors) == [(n, "original_amount")]
    assert errors[0].message == TOTAL_TOO_LARGE.format(
        what="items", currency="EUR", limit=f"{MAX_TOTAL:,}"
    )


def test_the_items_total_counts_the_items_already_imported(acme, tmp_path):
    d1 = factories.debtor(acme, code="D1")
    already = MAX_TOTAL - LARGEST_MINOR + 1
    factories.item(d1, due=date(2026, 1, 1), number="OLD", amount=already)
    errors = refused(acme, "items", items_file(tmp_path, [item_row("NEW", LARGEST)]))
    assert where(errors) == [(2, "original_amount")]
    # The file replaces what it lists: with OLD's amount in it, the total fits.
    rows = [item_row("OLD", "1.00"), item_row("NEW", LARGEST)]
    assert import_as_admin(company=acme, kind="items", path=items_file(tmp_path, rows)).created == 1
    assert OpenItem.objects.get(number="OLD").original_minor == 100


def test_allocations_summing_past_64_bits_are_refused_as_more_than_the_payment(acme, tmp_path):
    factories.debtor(acme, code="D1")
    n = overflow_row(LARGEST_MINOR) + 1
    import_as_admin(
        company=acme,
        kind="items",
        path=items_file(tmp_path, [item_row(f"I{i}", "1.00") for i in range(n)]),
    )
    rows = [f"P1,D1,2026-10-20,EUR,{LARGEST},I{i},{LARGEST}" for i in range(n)]
    path = csv_file(tmp_path, "\n".join([PAYMENTS_HEADER, *rows]) + "\n", "payments.csv")
    errors = refused(acme, "payments", path)
    assert where(errors) == [(2, "allocated_amount")]
    allocated = f"EUR {Decimal(n * LARGEST_MINOR) / 100:.2f}"  # exact: over 2**63 minor
    assert errors[0].message == OVER_ALLOCATED.format(
        reference="P1", allocated=allocated, amount=f"EUR {LARGEST}"
    )
    assert Payment.objects.filter(company=acme).count() == 0


def test_payments_whose_total_cannot_be_stored_are_refused_at_the_row_that_passes_it(
    acme, tmp_path
):
    factories.debtor(acme, code="D1")
    n = overflow_row(LARGEST_MINOR)
    rows = [f"P{i},D1,2026-10-20,EUR,{LARGEST},," for i in range(n - 1)]
    path = csv_file(tmp_path, "\n".join([PAYMENTS_HEADER, *rows]) + "\n", "payments.csv")
    errors = refused(acme, "payments", path)
    assert where(errors) == [(n, "amount")]
    assert errors[0].message == TOTAL_TOO_LARGE.format(
        what="payments", currency="EUR", limit=f"{MAX_TOTAL:,}"
    )


GOOD_ITEM = "INV-1,invoice,D1,2026-09-01,2026-10-01,EUR,100.00,60.50,30 days net"


def test_a_csv_with_mac_line_ends_only_is_read_with_its_rows_numbered(acme, tmp_path):
    # Excel for Mac's "CSV (Macintosh)": every line ends in a lone CR, a quoted one too.
    factories.debtor(acme, code="D1")
    multi = 'INV-2,invoice,D1,2026-09-01,2026-10-01,EUR,100.00,60.50,"net 30\r\nno skonto"'
    lines = [ITEMS_HEADER, GOOD_ITEM, "", multi, GOOD_ITEM.replace("INV-1", "INV-3")]
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(lines).encode() + b"\r")
    bad = tmp_path / "mac-bad.csv"
    bad.write_bytes(path.read_bytes().replace(b"INV-3,invoice,D1", b"INV-3,invoice,D9"))
    assert where(refused(acme, "items", bad)) == [(5, "debtor_code")]
    assert import_as_admin(company=acme, kind="items", path=path).created == 3
    assert OpenItem.objects.get(number="INV-2").payment_terms == "net 30\nno skonto"


@pytest.mark.parametrize("data", [b'\n"', b'\n"a,b\n', b"\n" + ITEMS_HEADER.encode() + b"\n"])
def test_an_empty_header_line_is_refused(acme, tmp_path, data):
    path = tmp_path / "items.csv"
    path.write_bytes(data)
    errors = refused(acme, "items", path)
    assert where(errors) == [(1, "")]
    assert errors[0].message == EMPTY_HEADER


def _corrupt_xlsx(tmp_path, how: str):
    good = (EXAMPLES / "items.xlsx").read_bytes()
    path = tmp_path / f"{how}.xlsx"
    if how == "truncated":
        path.write_bytes(good[: len(good) * 2 // 3])
    elif how == "flipped":
        middle = len(good) // 2
        path.write_bytes(
            good[:middle]
            + bytes(b ^ 0xFF for b in good[middle : middle + 64])
            + good[middle + 64 :]
        )
    elif how == "garbage-sheet":
        with zipfile.ZipFile(EXAMPLES / "items.xlsx") as src, zipfile.ZipFile(path, "w") as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data[: len(data) // 2] + b"\x00garbage<<"
                out.writestr(info, data)
    elif how == "empty-zip":
        with zipfile.ZipFile(path, "w"):
            pass
    return path


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage-sheet", "empty-zip"])
def test_a_corrupted_xlsx_is_refused_as_unreadable(acme, tmp_path, how):
    factories.debtor(acme, code="D10001")
    errors = refused(acme, "items", _corrupt_xlsx(tmp_path, how))
    assert where(errors) == [(1, "")]
    assert errors[0].message.startswith(NOT_XLSX.split("(")[0])


def test_a_nul_byte_in_a_csv_cell_is_refused_naming_row_and_column(acme, tmp_path):
    # SQLite stored it silently; PostgreSQL's COPY refused the whole import with a crash.
    factories.debtor(acme, code="D1")
    row = GOOD_ITEM.replace("30 days net", "30 days\x00net")
    path = items_file(tmp_path, [GOOD_ITEM.replace("INV-1", "INV-0"), row])
    errors = refused(acme, "items", path)
    assert where(errors) == [(3, "payment_terms")]
    assert errors[0].message == CONTROL_CHARACTER.format(code="U+0000")


def _xlsx_with_number(tmp_path, xml_text: str):
    """An items XLSX whose second data row's number is `xml_text` as written in the sheet's
    XML (openpyxl refuses to write control characters; an ERP's writer may not)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ITEMS_HEADER.split(","))
    sheet.append(GOOD_ITEM.split(","))
    sheet.append(GOOD_ITEM.replace("INV-1", "INV-2").split(","))
    path = tmp_path / "items.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    assert b">INV-2<" in parts[sheet_xml]  # openpyxl writes strings inline
    parts[sheet_xml] = parts[sheet_xml].replace(b">INV-2<", f">{xml_text}<".encode())
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


# What XML lets through: DEL and C1 controls as they are, a CR as a character reference.
@pytest.mark.parametrize(
    ("xml_text", "code"),
    [("INV\x7f2", "U+007F"), ("INV\x852", "U+0085"), ("INV&#13;2", "U+000D")],
)
def test_control_characters_in_xlsx_cells_are_refused_naming_row_and_column(
    acme, tmp_path, xml_text, code
):
    factories.debtor(acme, code="D1")
    errors = refused(acme, "items", _xlsx_with_number(tmp_path, xml_text))
    assert where(errors) == [(3, "number")]
    assert errors[0].message == CONTROL_CHARACTER.format(code=code)


def test_a_nul_in_an_xlsx_cell_is_refused_as_unreadable(acme, tmp_path):
    # XML has no NUL, not even as &#0;: the sheet cannot be read at all.
    errors = refused(acme, "items", _xlsx_with_number(tmp_path, "INV&#0;2"))
    assert where(errors) == [(1, "")]
    assert errors[0].message.startswith(NOT_XLSX.split("(")[0])


def test_tabs_and_line_breaks_inside_cells_are_kept(acme, tmp_path):
    factories.debtor(acme, code="D1")
    row = GOOD_ITEM.replace("30 days net", '"30 days\tnet\nno skonto"')
    import_as_admin(company=acme, kind="items", path=items_file(tmp_path, [row]))
    assert OpenItem.objects.get(company=acme).payment_terms == "30 days\tnet\nno skonto"


def test_a_cell_reading_backslash_n_is_stored_as_that_text_on_postgresql_too(acme, tmp_path):
    # COPY's NULL marker: unquoted, PostgreSQL read it as NULL (payment_terms NOT NULL: crash).
    factories.debtor(acme, code="D1")
    row = GOOD_ITEM.replace("30 days net", "\\N")
    import_as_admin(company=acme, kind="items", path=items_file(tmp_path, [row]))
    assert OpenItem.objects.get(company=acme).payment_terms == "\\N"
