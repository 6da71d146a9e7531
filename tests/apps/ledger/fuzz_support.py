"""Generated import files for the fuzz tests (tests/apps/ledger/test_import_fuzz.py) and the
larger run outside the suite (bench/fuzz_imports.py), and the property every file must keep.

The property: an import either succeeds, and then importing the same file again changes
nothing, or it raises `ImportRejected` whose every error names a row (and, for a problem with
a cell, its column) and says something, and the ledger is exactly as it was. Nothing else
may escape: no Polars, csv, zlib, XML or database error.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from arrears.apps.ledger.imports import ImportRejected
from arrears.apps.ledger.imports import columns as columns_
from arrears.apps.ledger.imports import debtors as debtors_
from arrears.apps.ledger.imports import items as items_
from arrears.apps.ledger.imports import payments as payments_
from arrears.apps.ledger.imports import rates as rates_
from arrears.apps.ledger.imports import read as read_
from arrears.apps.ledger.models import Company
from tests.apps.ledger.import_support import EXAMPLES, ledger_snapshot, ledger_world, rival_rows
from tests.factories import import_as_admin
from tests.tables import snapshot

KINDS = ("debtors", "items", "payments", "rates")
SPECS = {
    "debtors": debtors_.SPEC,
    "items": items_.SPEC,
    "payments": payments_.SPEC,
    "rates": rates_.SPEC,
}

# Examples per test: small in the suite; bench/fuzz_imports.py sets ARREARS_FUZZ_EXAMPLES.
EXAMPLES_PER_TEST = int(os.environ.get("ARREARS_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the world is built once, each example rolls back
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# How many files were imported, by kind and outcome (bench/fuzz_imports.py reports it).
TRIED: Counter[tuple[str, str]] = Counter()

# Refusals of the file as a whole may name no column; a problem with a cell always does.
_FILE_LEVEL = (
    read_.EMPTY_FILE,
    read_.EMPTY_HEADER,
    read_.NO_ROWS,
    read_.NOT_UTF8,
    read_.TOO_MANY_FIELDS,
    read_.TOO_FEW_FIELDS,  # the first missing field may be under an unnamed column
    read_.UNREADABLE_CSV,
    read_.NOT_XLSX,
    read_.UNKNOWN_SUFFIX,
    read_.VALUE_WITHOUT_HEADER,
    columns_.UNKNOWN_COLUMN,
)


def _prefix(template: str) -> str:
    return template.split("{")[0]


def world() -> Company:
    """acme with the example ledger imported, beside a second company and two collectors."""
    acme = ledger_world()
    for kind in KINDS:
        import_as_admin(company=acme, kind=kind, path=EXAMPLES / f"{kind}.csv")
    return acme


def check_import(company: Company, kind: str, path: Path) -> str:
    """Import `path` and hold the property; returns "accepted" or "refused"."""
    with transaction.atomic():  # every example starts from the same world
        outcome = _check(company, kind, path)
        transaction.set_rollback(True)
    TRIED[(kind, outcome)] += 1
    return outcome


def _check(company: Company, kind: str, path: Path) -> str:
    before, rival, everything = ledger_snapshot(), rival_rows(), snapshot()
    try:
        import_as_admin(company=company, kind=kind, path=path)
    except ImportRejected as e:
        assert e.errors and e.total >= len(e.errors)
        for error in e.errors:
            assert isinstance(error.row, int) and error.row >= 1, error
            assert isinstance(error.column, str), error
            assert error.message.strip(), error
            if not error.column:
                assert error.message.startswith(tuple(map(_prefix, _FILE_LEVEL))), error
        assert ledger_snapshot() == before, "a refused file changed the ledger"
        assert snapshot() == everything, "a refused file changed a table"
        return "refused"
    assert rival_rows() == rival, "an import into acme changed the second company's ledger"
    after = _ledger(ledger_snapshot())
    again = import_as_admin(company=company, kind=kind, path=path)
    assert (again.created, again.updated) == (0, 0), again
    assert _ledger(ledger_snapshot()) == after, "re-importing the same file changed the ledger"
    return "accepted"


def _ledger(snapshot: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """The ledger rows without the import log (a re-import is logged too)."""
    return {k: v for k, v in snapshot.items() if k not in ("ImportBatch", "AuditEvent")}


# --- cells ---------------------------------------------------------------------------------

_ODD = [
    "",
    " ",
    '"',
    '""',
    ",",
    ";",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\ufeff",
    "\u00a0",
    "\u200b",
    "=1+1",
    "-",
    ".",
    "NaN",
    "inf",
    "-0",
    "\\N",
    "NULL",
    "null",
    "None",
    "true",
    "\u0661\u0662",
    "\uff11\uff12",
    "1\u00b2",
    "\U0001f4b6",
    "A\u0301",
]
_CODES = ["D10001", "D10002", "D10003", "D10004", "D10005", "R1", "D9", "d10001", "D10001 "]
_ITEMS = ["INV-2026-0001", "INV-2026-0002", "DN-2026-0001", "INV-2026-0005", "R-INV-1", "NEW-1"]
_REFS = ["PAY-2026-0001", "PAY-2026-0002", "PAY-2026-0003", "R-PAY-1", "NEW-PAY"]
_DATES = ["2026-09-01", "2026-10-01", "2026-02-30", "0000-01-01", "9999-12-31", "2026-1-5"]
_DATES += ["31.01.2026", "2026-09-01 00:00:00", "2026-09-01T10:00", "20260901", "-2026-09-01"]
_CURRENCIES = ["EUR", "USD", "JPY", "KWD", "CLP", "XXX", "eur", "EURO", "€"]


def amount_texts() -> st.SearchStrategy[str]:
    """Amounts as people and programs write them, and as they should not."""
    return st.one_of(
        st.integers(-(10**20), 10**20).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["9999999999999.99", "10000000000000.00", "9999999999999999.99"]),
        st.sampled_from(["0", "0.00", "100.00", "1e5", "1,000.00", "+5", ".5", "5.", "100.001"]),
        st.floats().map(repr),
    )


def _column_cells(column: str) -> st.SearchStrategy[str]:
    if column in ("debtor_code", "parent_code"):
        return st.sampled_from(_CODES)
    if column in ("number", "item_number"):
        return st.sampled_from(_ITEMS)
    if column == "reference":
        return st.sampled_from(_REFS)
    if column in ("issue_date", "due_date", "received_on", "valid_from"):
        return st.sampled_from(_DATES)
    if column == "currency":
        return st.sampled_from(_CURRENCIES)
    if column.endswith("amount") or column in ("credit_limit", "rate"):
        return amount_texts()
    if column == "country":
        return st.sampled_from(["DE", "FR", "de", "Germany", "D"])
    if column == "language":
        return st.sampled_from(["de", "en", "DE", "deu"])
    if column == "risk_tier":
        return st.sampled_from(["low", "medium", "high", "severe", "LOW"])
    if column == "kind":
        return st.sampled_from(["invoice", "credit_note", "debit_note", "instalment", "bill"])
    if column == "owner":
        return st.sampled_from(["cora", "otto", "nobody"])
    if column == "contact_email":
        return st.sampled_from(["a@b.example", "anna(at)group", "x@y"])
    return st.text(max_size=12)


def cells(column: str) -> st.SearchStrategy[str]:
    """A cell of `column`: mostly plausible, often odd, sometimes long."""
    return st.one_of(
        _column_cells(column),
        _column_cells(column),
        st.sampled_from(_ODD),
        st.text(max_size=20),
        st.builds(lambda a, b: a + b, _column_cells(column), st.sampled_from(_ODD)),
        st.text(min_size=60, max_size=300),
    )


@st.composite
def headers(draw: st.DrawFn, kind: str) -> list[str]:
    """The real columns, shuffled; sometimes one left out, repeated, misspelt or unnamed."""
    spec = SPECS[kind]
    names = draw(st.permutations(list(spec.columns)))
    how = draw(st.sampled_from(["all", "all", "all", "required", "drop", "repeat", "odd"]))
    if how == "required":
        names = [n for n in names if n in spec.required]
    elif how == "drop":
        names.pop(draw(st.integers(0, len(names) - 1)))
    elif how == "repeat":
        names.append(draw(st.sampled_from(names)))
    elif how == "odd":
        names.insert(draw(st.integers(0, len(names))), draw(st.sampled_from(["", "Note", " "])))
    return names


def _quote(cell: str, quote: bool) -> str:
    return '"' + cell.replace('"', '""') + '"' if quote else cell


@st.composite
def csv_files(draw: st.DrawFn, kind: str) -> bytes:
    """A CSV of the kind's columns with odd cells, quoting, separators, line ends and BOMs."""
    header = draw(headers(kind))
    rows = draw(st.lists(st.tuples(*[cells(c or "note") for c in header]).map(list), max_size=6))
    for row in rows:  # now and then a ragged row
        change = draw(st.sampled_from(["keep"] * 8 + ["short", "long"]))
        if change == "short" and row:
            row.pop()
        elif change == "long":
            row.append(draw(cells("note")))
    sep = draw(st.sampled_from([",", ",", ",", ";", "\t"]))
    quoting = draw(st.sampled_from(["none", "needed", "all", "random"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    lines = []
    for row in [header, *rows]:
        fields = []
        for cell in row:
            if quoting == "random":
                quote = draw(st.booleans())
            else:
                special = any(ch in cell for ch in f'{sep}"\r\n')
                quote = quoting == "all" or (quoting == "needed" and special)
            fields.append(_quote(cell, quote))
        lines.append(sep.join(fields))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", " ", sep * len(header)])))
    parts = []
    for line in lines:
        parts.append(
            line + (draw(st.sampled_from(["\n", "\r\n", "\r"])) if end == "mixed" else end)
        )
    text = "".join(parts)
    if draw(st.integers(0, 4)) == 0:
        text = text.rstrip("\r\n")
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


# --- mutations of the example files --------------------------------------------------------


@cache
def example_bytes(kind: str, suffix: str) -> bytes:
    """The example file of `kind` (the XLSX of debtors and payments written from their CSV)."""
    path = EXAMPLES / f"{kind}{suffix}"
    if path.exists():
        return path.read_bytes()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    text = (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return _same_every_time(out.getvalue())


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with one to three byte flips, truncations, insertions or line edits."""
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "dup-line", "del-line"]))
        n = len(data)
        at = draw(st.integers(0, max(n - 1, 0)))
        if op == "flip" and n:
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif op == "truncate":
            data = data[:at]
        elif op == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        else:
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(i, lines[i])
            else:
                del lines[i]
            data = b"\n".join(lines)
    return data


# --- spreadsheets --------------------------------------------------------------------------


def _legal(text: str) -> str:
    """`text` without what openpyxl refuses to write (C0 controls but tab, LF and CR)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def xlsx_values(column: str) -> st.SearchStrategy[Any]:
    """What an XLSX cell may hold: numbers of every size, dates, booleans, formulas, text."""
    return st.one_of(
        cells(column).map(_legal),
        st.floats(),
        st.integers(-(10**30), 10**30),
        st.decimals(allow_nan=False, allow_infinity=False, places=3),
        st.dates(),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
        st.times(),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3000)),
        st.booleans(),
        st.none(),
        st.sampled_from(["=1+1", "=SUM(A1:A2)", "=1/0", '="x"&"y"', "#DIV/0!"]),
        st.text(min_size=100, max_size=400).map(_legal),
    )


def xlsx_bytes(header: list[Any], rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return _same_every_time(out.getvalue())


_STAMP = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _same_every_time(xlsx: bytes) -> bytes:
    """The spreadsheet without the time it was saved (in the zip and in docProps/core.xml),
    so the same draws give the same bytes: Hypothesis replays and shrinks by them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(b"2026-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            dst.writestr(fixed, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@st.composite
def xlsx_files(draw: st.DrawFn, kind: str) -> bytes:
    header: list[Any] = list(draw(headers(kind)))
    if draw(st.integers(0, 9)) == 0:
        header[draw(st.integers(0, len(header) - 1))] = draw(xlsx_values("note"))
    rows = draw(
        st.lists(
            st.lists(st.one_of(*[xlsx_values(str(c)) for c in header]), max_size=len(header) + 2),
            max_size=6,
        )
    )
    return xlsx_bytes(header, rows)


@st.composite
def corrupted_xlsx(draw: st.DrawFn, kind: str) -> bytes:
    """A good or odd spreadsheet made unreadable: bytes changed, cut short, a part replaced."""
    base = draw(st.one_of(st.just(example_bytes(kind, ".xlsx")), xlsx_files(kind)))
    how = draw(st.sampled_from(["mutate", "part", "empty-zip", "drop-part"]))
    if how == "mutate":
        return draw(mutated(base))
    if how == "empty-zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w"):
            pass  # no parts at all
        return out.getvalue()
    with zipfile.ZipFile(io.BytesIO(base)) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    name = draw(st.sampled_from(sorted(parts)))
    if how == "drop-part":
        del parts[name]
    else:
        data = parts[name]
        parts[name] = draw(
            st.one_of(
                st.binary(max_size=64),
                st.just(data[: len(data) // 2]),
                mutated(data),
            )
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for part, data in parts.items():
            zf.writestr(zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


# --- one file of every sort ----------------------------------------------------------------

Maker = Callable[[str], st.SearchStrategy[tuple[str, bytes]]]


def random_bytes(kind: str) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.tuples(st.sampled_from([".csv", ".xlsx"]), st.binary(max_size=300))


def odd_csvs(kind: str) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.tuples(st.just(".csv"), csv_files(kind))


def mutated_examples(kind: str) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.sampled_from([".csv", ".xlsx"]).flatmap(
        lambda suffix: st.tuples(st.just(suffix), mutated(example_bytes(kind, suffix)))
    )


def odd_xlsxs(kind: str) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.tuples(st.just(".xlsx"), xlsx_files(kind))


def broken_xlsxs(kind: str) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.tuples(st.just(".xlsx"), corrupted_xlsx(kind))


MAKERS: dict[str, Maker] = {
    "random_bytes": random_bytes,
    "odd_csvs": odd_csvs,
    "mutated_examples": mutated_examples,
    "odd_xlsxs": odd_xlsxs,
    "broken_xlsxs": broken_xlsxs,
}


def write(folder: Path, kind: str, suffix: str, data: bytes) -> Path:
    path = folder / f"{kind}{suffix}"
    path.write_bytes(data)
    return path
