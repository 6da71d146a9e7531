"""Reading a CSV or XLSX file into one frame of strings, so both share one validation.

Every cell arrives as text, stripped, empty as null; `ROW` numbers rows as a spreadsheet
does (header = 1). Problems with the file as a whole (empty, not UTF-8, ragged rows, an empty
header, not a spreadsheet) are refused here, before any value is looked at. CSV line ends may
be LF, CRLF or a lone CR (Excel for Mac's "CSV (Macintosh)"): all read as LF.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from arrears.apps.ledger.imports.errors import ROW, ImportRejected, Problems, reject, say

EMPTY_FILE = "the file is empty: expected a header row naming the columns, then data rows"
EMPTY_HEADER = "the header row is empty: the first line must name the columns"
NO_ROWS = "the file has a header but no data rows"
NOT_UTF8 = (
    "the file is not UTF-8 text (byte 0x{byte:02X} cannot be read); "
    "re-save it as UTF-8 (in Excel: Save As > 'CSV UTF-8')"
)
TOO_FEW_FIELDS = (
    "missing: the row has {have} of the header's {want} fields (is the file truncated?)"
)
TOO_MANY_FIELDS = (
    "the row has {have} fields but the header has {want} (a ',' inside a value must be quoted)"
)
UNREADABLE_CSV = "the file cannot be read as CSV: {detail}"
HEADER_UNREADABLE = "the header has {want} fields but the rows are read as {have}"
NOT_XLSX = "the file cannot be read as XLSX ({detail}); save it as .xlsx or as CSV UTF-8"
UNKNOWN_SUFFIX = "unknown file type {suffix!r}: use .csv (UTF-8) or .xlsx"
VALUE_WITHOUT_HEADER = "a value in column {cell}, which has no name in the header row"

_BOM = b"\xef\xbb\xbf"
# Bytes that may begin a control character in UTF-8 text: C0 controls but tab and LF, DEL, and
# 0xC2, the lead byte of U+0080 to U+00BF (the C1 controls, but also NBSP, '£', '§', ...).
_CONTROL_BYTES = frozenset([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0xC2])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


@dataclass(frozen=True)
class Table:
    """The header as written (repeats and all, for the header check) and the rows as text.
    `clean`: the text is known to hold no control characters (none of their bytes occur)."""

    header: list[str]
    frame: pl.DataFrame
    clean: bool = False


def read_table(path: Path) -> Table:
    """The file as strings: one column per header name, plus `ROW`."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv_bytes(path.read_bytes())
    raise reject(1, "", UNKNOWN_SUFFIX.format(suffix=suffix))


def read_csv_bytes(data: bytes) -> Table:
    data = data.removeprefix(_BOM)  # Excel's "CSV UTF-8" starts with one
    if b"\r" in data:  # Windows (CRLF) and old Mac (CR) line ends, in quoted values too
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not data.strip():
        raise reject(1, "", EMPTY_FILE)
    text = _decode(data)
    header = _header(text)
    if not _fields_add_up(text, len(header)):
        _check_field_counts(text, header)
    try:
        frame = pl.read_csv(data, infer_schema=False, empty_string_is_null=False)
    except pl.exceptions.PolarsError as e:
        _check_field_counts(text, header)  # names the ragged rows, if that was it
        raise reject(1, "", UNREADABLE_CSV.format(detail=str(e).splitlines()[0])) from None
    if frame.width != len(header):  # the csv module and Polars read the header differently
        _check_field_counts(text, header)
        detail = HEADER_UNREADABLE.format(want=len(header), have=frame.width)
        raise reject(1, "", UNREADABLE_CSV.format(detail=detail))
    frame.columns = [f"{i}:{h}" for i, h in enumerate(header)]  # unique even if repeated
    clean = not data.translate(None, _OTHER_BYTES)  # a fast scan; else the cells are checked
    return _finish(frame, header, clean=clean)


def _header(text: str) -> list[str]:
    """The header row's names, stripped; refused if it names nothing (a blank first line)."""
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as e:
        raise reject(1, "", UNREADABLE_CSV.format(detail=e)) from None
    header = [h.strip() for h in first]
    if not any(header):
        raise reject(1, "", EMPTY_HEADER)
    return header


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line_start = data.rfind(b"\n", 0, e.start) + 1
        row = data.count(b"\n", 0, e.start) + 1
        field = data.count(b",", line_start, e.start)
        first = data[: data.find(b"\n")].decode("utf-8", "replace").split(",")
        column = first[field].strip() if field < len(first) else ""
        raise reject(row, column, NOT_UTF8.format(byte=data[e.start])) from None


def _fields_add_up(text: str, want: int) -> bool:
    """Fast path: no quotes, no blank lines, and the commas add up to `want` fields a line.
    A short line could only hide behind a long one, and Polars refuses long lines itself."""
    if '"' in text:
        return False
    records = text.count("\n") + (0 if text.endswith("\n") else 1)
    return text.count(",") == records * (want - 1)


def _check_field_counts(text: str, header: list[str]) -> None:
    """Refuse rows with more or fewer fields than the header; blank lines are skipped."""
    want = len(header)
    counts = _field_counts(text).with_row_index(ROW, offset=1).cast({ROW: pl.Int64})
    bad = counts.filter((pl.col("n") != want) & ~pl.col("blank") & (pl.col(ROW) > 1))
    problems = Problems()
    n = pl.col("n")
    missing = n.replace_strict(dict(enumerate(header)), default="", return_dtype=pl.String)
    problems.add(bad, n < want, missing, say(TOO_FEW_FIELDS, have=n, want=want))
    problems.add(bad, n > want, "", say(TOO_MANY_FIELDS, have=n, want=want))
    problems.raise_if_any()


def _field_counts(text: str) -> pl.DataFrame:
    """Fields per record (`n`) and whether it is blank. A record is a line unless a quoted
    value spans lines; quoted values are cut out before counting commas, columnar. Only a
    value spanning lines sends us to the (slower) csv module."""
    lines = pl.Series("line", text.split("\n"), dtype=pl.String)
    if text.endswith("\n"):
        lines = lines.head(-1)
    if '"' in text:
        lines = lines.str.replace_all(r'"[^"]*"', "")
        if lines.str.contains('"', literal=True).any():
            records = list(csv.reader(io.StringIO(text, newline="")))
            return pl.DataFrame(
                {
                    "n": [len(r) for r in records],
                    "blank": [not any(f.strip() for f in r) for r in records],
                },
                schema={"n": pl.Int64, "blank": pl.Boolean},
            )
    return pl.DataFrame(
        {
            "n": (lines.str.count_matches(",", literal=True) + 1).cast(pl.Int64),
            "blank": lines.str.strip_chars().str.len_chars() == 0,
        }
    )


def _finish(frame: pl.DataFrame, header: list[str], *, clean: bool = False) -> Table:
    """Strip cells, make empty null, number rows, drop blank rows and unnamed empty columns
    (spreadsheets leave them behind), restore header names."""
    cells = [pl.col(c).str.strip_chars().replace("", None) for c in frame.columns]
    out = frame.select(cells).with_row_index(ROW, offset=2).cast({ROW: pl.Int64})
    for i, c in enumerate(frame.columns):
        if header[i] == "":
            used = out.filter(pl.col(c).is_not_null())
            if used.height:
                raise reject(used[ROW][0], "", VALUE_WITHOUT_HEADER.format(cell=_letter(i)))
    named = [(c, h) for c, h in zip(frame.columns, header, strict=True) if h]
    out = out.select(ROW, *[c for c, _ in named])
    if named:
        out = out.filter(pl.any_horizontal(pl.col([c for c, _ in named]).is_not_null()))
    # Keep repeated header names apart; the header check reports them by name.
    seen: set[str] = set()
    renames = {}
    for c, name in named:
        renames[c] = name if name not in seen else c
        seen.add(name)
    out = out.rename(renames)
    if out.height == 0:
        raise reject(2, "", NO_ROWS)
    return Table(header=[h for _, h in named], frame=out, clean=clean)


def _read_xlsx(path: Path) -> Table:
    import openpyxl  # only needed for spreadsheets

    # Any failure inside openpyxl means an unreadable file (a truncated or altered zip, a
    # sheet that is not XML, ...), whatever it raises: refuse it, never crash.
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise _not_xlsx(e) from None
    try:
        try:
            rows = book.worksheets[0].iter_rows(min_row=1, values_only=True)
        except Exception as e:
            raise _not_xlsx(e) from None
        header, columns = _xlsx_columns(_guarded(rows))
    finally:
        with contextlib.suppress(Exception):
            book.close()
    frame = pl.DataFrame(
        {f"{i}:{h}": col for i, (h, col) in enumerate(zip(header, columns, strict=True))},
        schema={f"{i}:{h}": pl.String for i, h in enumerate(header)},
    )
    return _finish(frame, header)


def _not_xlsx(error: Exception) -> ImportRejected:
    return reject(1, "", NOT_XLSX.format(detail=type(error).__name__))


def _guarded(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The sheet's rows; openpyxl reads them lazily, so a broken sheet fails mid-way."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as e:
            raise _not_xlsx(e) from None
        yield row


def _xlsx_columns(rows: Iterable[Sequence[Any]]) -> tuple[list[str], list[list[str]]]:
    it = iter(rows)
    first = next(it, None)
    header = [_cell_text(v).strip() for v in (first or ())]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise reject(1, "", EMPTY_FILE)
    width = len(header)
    columns: list[list[str]] = [[] for _ in header]
    for number, row in enumerate(it, start=2):
        for i in range(width):
            columns[i].append(_cell_text(row[i]) if i < len(row) else "")
        extra = [i for i in range(width, len(row)) if row[i] not in (None, "")]
        if extra:
            raise reject(number, "", VALUE_WITHOUT_HEADER.format(cell=_letter(extra[0])))
    return header, columns


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold: exact numbers, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same double: what Excel shows.
        return format(Decimal(repr(value)).normalize(), "f") if value == value else "nan"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name
