"""The ageing report as a terminal table, a CSV file and an XLSX workbook.

All three show the same cells: the group labels, the currency, then the amounts. The files
keep the data rows (one per group) apart from the total rows, so that a filter or a sum over
the data never counts a total, and say what they are about (company, as-of date, grouping): a
`#` header block above the CSV's table, sheets `totals` and `report` beside the XLSX's. Amounts are
integer minor units until the last step, where they become exact decimals in the currency's
own number of decimals (EUR 2, JPY 0, KWD 3): text in CSV, numbers with a matching format
in XLSX.

Text from the ledger (a debtor's name, a code) goes into files that people open in a
spreadsheet, which runs a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula (`=HYPERLINK(...)` in a debtor's name is enough to phish or leak). Every text cell of
a CSV or XLSX export is neutralised first: such a cell gets a leading `'`, which spreadsheets
show as text and do not run (`arrears.domain.text.neutralise`, the one rule every export
uses: ageing, worklist, negotiation history).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from arrears.domain.ageing import ROW, amount_columns, key_columns
from arrears.domain.money import exponent
from arrears.domain.text import FORMULA_START, neutralise

HEADERS = {
    "debtor_code": "debtor",
    "debtor_name": "name",
    "owner": "owner",
    "original_currency": "original currency",
    "currency": "currency",
}
ROW_LABELS = {"total": "Total", "others": "Others"}
NO_OWNER = "(no owner)"
NAME_WIDTH = 32  # terminal only: long names are cut so that the amounts stay in view
MAX_WIDTH = 40  # XLSX: a text column is at most this wide (long names wrap off the edge)
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
TOO_MANY_ROWS = "{rows} rows do not fit in an XLSX sheet: use --top or --csv"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """`neutralise` on every text column of a frame (batch twin)."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def text_cell(ws: Any, value: object) -> WriteOnlyCell:
    """An XLSX cell; text neutralised and typed as a string, so that it never becomes a live
    formula (openpyxl would store text starting with `=` as one)."""
    if not isinstance(value, str):
        return WriteOnlyCell(ws, value=value)
    cell = WriteOnlyCell(ws, value=neutralise(value))
    cell.data_type = "s"
    return cell


def labels(report: pl.DataFrame) -> pl.DataFrame:
    """The text columns of the report: group labels ("Total" on total rows) and currency."""
    cols = [c for c in key_columns(report) if c != "debtor_id"]
    group = pl.col(ROW) == "group"
    exprs = []
    for i, c in enumerate(cols):
        value = pl.col(c).fill_null(NO_OWNER if c == "owner" else "")
        # The first column names what a total or others row is; the others stay blank there.
        other = pl.col(ROW).replace_strict(ROW_LABELS, default="") if i == 0 else pl.lit("")
        exprs.append(pl.when(group).then(value).otherwise(other).alias(HEADERS[c]))
    return report.select(*exprs, pl.col("currency"))


def _decimal_text(col: str, exponents: list[int]) -> pl.Expr:
    """Exact decimal text of integer minor units, per row's currency exponent (`_exp`)."""
    sign = pl.when(pl.col(col) < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    mag = pl.col(col).abs()
    out = pl.lit(None, dtype=pl.String)
    for e in exponents:
        if e == 0:
            text = sign + mag.cast(pl.String)
        else:
            whole = (mag // 10**e).cast(pl.String)
            text = sign + whole + pl.lit(".") + (mag % 10**e).cast(pl.String).str.zfill(e)
        out = pl.when(pl.col("_exp") == e).then(text).otherwise(out)
    return out.alias(col)


def _exponents(report: pl.DataFrame) -> pl.DataFrame:
    currencies = report["currency"].unique().to_list()
    table = {c: exponent(c) for c in currencies}
    return report.with_columns(_exp=pl.col("currency").replace_strict(table, return_dtype=pl.Int8))


@dataclass(frozen=True)
class About:
    """What an ageing file is about, for its header block (CSV) or its `report` sheet (XLSX)."""

    company: str
    company_name: str
    as_of: date
    by: Sequence[str]
    currency: str | None = None  # every amount converted into it; None: each in its own

    def rows(self) -> list[list[str]]:
        amounts = f"{self.currency} (converted)" if self.currency else "each row's own currency"
        return [
            ["report", "ageing"],
            ["company", self.company, self.company_name],
            ["as of", self.as_of.isoformat()],
            ["by", ", ".join(self.by)],
            ["amounts in", amounts],
        ]


def _data_and_totals(report: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The data rows (one per group) and, apart, the total and others rows."""
    group = pl.col(ROW) == "group"
    return report.filter(group), report.filter(~group)


def _csv_rows(report: pl.DataFrame) -> pl.DataFrame:
    """Labels (neutralised) and amounts as exact decimal text."""
    with_exp = _exponents(report)
    exps = sorted(set(with_exp["_exp"].to_list()))
    amounts = with_exp.select(_decimal_text(c, exps) for c in amount_columns(report))
    return pl.concat([neutralised(labels(report)), amounts], how="horizontal")


def write_csv(report: pl.DataFrame, path: str | Path, *, about: About) -> None:
    """A header block of lines starting with `#` (what the report is: company, as-of date,
    grouping; then the total and others rows, aligned with the columns), then the data rows
    alone under one header row: amounts as exact decimal text ('1234.50'). Spreadsheets show
    the block above the table; `pandas.read_csv(comment="#")` reads the table alone."""
    data, totals = _data_and_totals(report)
    table = _csv_rows(data)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        for row in about.rows():
            out.writerow(["# " + row[0], *(neutralise(c) for c in row[1:])])
        if totals.height:
            for total in _csv_rows(totals).iter_rows():
                out.writerow(["# " + str(total[0]), *total[1:]])
        out.writerow(table.columns)
        out.writerows(table.iter_rows())


def decimal_of(minor: int, currency: str) -> Decimal:
    """Integer minor units as the exact decimal amount (EUR 2 decimals, JPY 0, KWD 3)."""
    return Decimal(minor).scaleb(-exponent(currency))


def number_format(currency: str) -> str:
    """The XLSX number format showing the currency's decimals."""
    e = exponent(currency)
    return "#,##0" + ("." + "0" * e if e else "")


def write_xlsx(report: pl.DataFrame, path: str | Path, *, about: About) -> None:
    """Sheet `ageing`: the data rows alone under a bold, frozen header row, with a filter and
    columns wide enough to read; sheet `totals`: the total (and others) rows; sheet `report`:
    company, as-of date, grouping. Amounts are numbers in their currency's decimals."""
    data, totals = _data_and_totals(report)
    if data.height > XLSX_MAX_ROWS:
        raise ValueError(TOO_MANY_ROWS.format(rows=data.height))
    wb = Workbook(write_only=True)
    _sheet(wb, "ageing", data, filtered=True)
    _sheet(wb, "totals", totals, filtered=False)
    ws = wb.create_sheet("report")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = max(12, len(about.company_name) + 2)
    for row in about.rows():
        ws.append([text_cell(ws, c) for c in row])
    wb.save(path)


def _sheet(wb: Workbook, title: str, report: pl.DataFrame, *, filtered: bool) -> None:
    text = labels(report)
    amounts = amount_columns(report)
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    header = [*text.columns, *amounts]
    for i, width in enumerate(_widths(report, text), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if filtered:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{report.height + 1}"
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for row_text, row_amounts in zip(
        text.iter_rows(), report.select(amounts).iter_rows(), strict=True
    ):
        currency = row_text[-1]
        fmt = number_format(currency)
        cells: list[object] = [text_cell(ws, t) for t in row_text]
        for minor in row_amounts:
            cell = WriteOnlyCell(ws, value=decimal_of(minor, currency))
            cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _widths(report: pl.DataFrame, text: pl.DataFrame) -> list[int]:
    """Column widths in characters: the longest text (at most `MAX_WIDTH`) or the widest
    amount with its thousands marks, and never narrower than the header."""
    widths = []
    for c in text.columns:
        longest = _int(text[c].str.len_chars().max()) if text.height else 0
        widths.append(min(MAX_WIDTH, max(len(c), longest)) + 2)
    for c in amount_columns(report):
        digits = len(str(_int(report[c].abs().max()) if report.height else 0))
        widths.append(max(len(c), digits + digits // 3 + 2) + 2)
    return widths


def render_table(report: pl.DataFrame, *, title: str) -> str:
    """A plain-text table: labels left-aligned, amounts right-aligned with thousands marks."""
    text = labels(report)
    amounts = amount_columns(report)
    header = [*text.columns, *amounts]
    body = []
    for row_text, row_amounts in zip(
        text.iter_rows(), report.select(amounts).iter_rows(), strict=True
    ):
        currency = row_text[-1]
        cut = [t if len(t) <= NAME_WIDTH else t[: NAME_WIDTH - 1] + "~" for t in row_text]
        body.append([*cut, *(f"{decimal_of(m, currency):,f}" for m in row_amounts)])
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    n_text = len(text.columns)

    def line(cells: list[str]) -> str:
        parts = [
            c.ljust(w) if i < n_text else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(["-" * w for w in widths]))
    lines = [title, rule, line(header), rule]
    for kind, cells in zip(report[ROW], body, strict=True):
        lines.append(line(cells))
        if kind == "total" and len(lines) < len(body) + 4:
            lines.append("")  # a blank line between currencies, which never add up
    return "\n".join([*lines, rule])


def write_rows_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], path: str | Path
) -> None:
    """A CSV of rows as given (amounts already exact decimal text); text cells neutralised."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        rows_csv(header, rows, f)


class TextOut(Protocol):
    """Where CSV text goes: an open text file, a web page's download (an HttpResponse)."""

    def write(self, text: str, /) -> object: ...


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[object]], out: TextOut) -> None:
    """`write_rows_csv` into an open text stream (a file, a web page's download)."""
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(neutralise(c) if isinstance(c, str) else c for c in row)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name, header and rows; `formats`: column number -> a
    number format per row (amounts in their currency's decimals)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    formats: Mapping[int, Sequence[str]] | None = None


def write_rows_xlsx(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    path: str | Path,
    *,
    sheet: str,
    formats: Mapping[int, Sequence[str]] | None = None,
) -> None:
    """One sheet with a bold, frozen header row; text cells neutralised."""
    write_sheets_xlsx([Sheet(sheet, header, rows, formats)], path)


def write_sheets_xlsx(sheets: Sequence[Sheet], path: str | Path | IO[bytes]) -> None:
    """A workbook of sheets, each with a bold, frozen header row; text cells neutralised.
    `path` may be an open binary stream (a web page's download)."""
    for sheet in sheets:
        if len(sheet.rows) > XLSX_MAX_ROWS:
            raise ValueError(TOO_MANY_ROWS.format(rows=len(sheet.rows)))
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        head = []
        for name in sheet.header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        formats = sheet.formats or {}
        for n, row in enumerate(sheet.rows):
            cells: list[object] = []
            for i, value in enumerate(row):
                cell = text_cell(ws, value)
                if i in formats:
                    cell.number_format = formats[i][n]
                cells.append(cell)
            ws.append(cells)
    wb.save(path)
