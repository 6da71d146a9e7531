"""The ageing report as a terminal table, a CSV file and an XLSX workbook.

All three show the same cells: the group labels, the currency, then the amounts. Amounts are
integer minor units until the last step, where they become exact decimals in the currency's
own number of decimals (EUR 2, JPY 0, KWD 3): text in CSV, numbers with a matching format
in XLSX.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from arrears.domain.ageing import ROW, amount_columns, key_columns
from arrears.domain.money import exponent

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
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
TOO_MANY_ROWS = "{rows} rows do not fit in an XLSX sheet: use --top or --csv"


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


def write_csv(report: pl.DataFrame, path: str | Path) -> None:
    """CSV with amounts as exact decimal text ('1234.50'), '.' as the decimal separator."""
    with_exp = _exponents(report)
    exps = sorted(set(with_exp["_exp"].to_list()))
    amounts = with_exp.select(_decimal_text(c, exps) for c in amount_columns(report))
    pl.concat([labels(report), amounts], how="horizontal").write_csv(path)


def _decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def _number_format(currency: str) -> str:
    e = exponent(currency)
    return "#,##0" + ("." + "0" * e if e else "")


def write_xlsx(report: pl.DataFrame, path: str | Path) -> None:
    """One sheet: bold, frozen header row; amounts as numbers in the currency's decimals."""
    if report.height > XLSX_MAX_ROWS:
        raise ValueError(TOO_MANY_ROWS.format(rows=report.height))
    text = labels(report)
    amounts = amount_columns(report)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ageing")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in [*text.columns, *amounts]:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row_text, row_amounts in zip(
        text.iter_rows(), report.select(amounts).iter_rows(), strict=True
    ):
        currency = row_text[-1]
        fmt = _number_format(currency)
        cells: list[object] = list(row_text)
        for minor in row_amounts:
            cell = WriteOnlyCell(ws, value=_decimal(minor, currency))
            cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)
    wb.save(path)


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
        body.append([*cut, *(f"{_decimal(m, currency):,f}" for m in row_amounts)])
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
