"""What a refused import says: every error found, each with its spreadsheet row and column.

Checks run columnar, so an error is a row of a frame (row, column, message) until the end,
when the first few become `RowError`s. Messages are constants the tests reuse; `say` fills
their `{name}` / `{name!r}` fields from columns, so one template serves a million rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

ROW = "_row"  # the spreadsheet row number carried beside the data: the header is row 1
SHOWN = 50  # a refused file lists this many errors, then "and N more"

ERRORS_SCHEMA = {"row": pl.Int64(), "column": pl.String(), "message": pl.String()}


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: where (as a spreadsheet numbers it) and what."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class ImportRejected(ValueError):
    """The file was refused and nothing was written; `errors` holds the first `SHOWN`."""

    def __init__(self, errors: Sequence[RowError], total: int | None = None) -> None:
        self.errors = list(errors[:SHOWN])
        self.total = max(total or 0, len(errors))
        super().__init__(str(self))

    def __str__(self) -> str:
        noun = "error" if self.total == 1 else "errors"
        lines = [f"refused, nothing was imported: {self.total:,} {noun}"]
        lines += [f"  {e}" for e in self.errors]
        if self.total > len(self.errors):
            lines.append(f"  ... and {self.total - len(self.errors):,} more")
        return "\n".join(lines)


def reject(row: int, column: str, message: str) -> ImportRejected:
    """A refusal with a single error (a problem with the file as a whole)."""
    return ImportRejected([RowError(row, column, message)])


_FIELD = re.compile(r"\{(\w+)(!r)?\}")


def say(template: str, **values: pl.Expr | str | int) -> pl.Expr:
    """`template.format(**values)` as a Polars expression over columns (`!r` quotes)."""
    parts: list[pl.Expr] = []
    pos = 0
    for m in _FIELD.finditer(template):
        parts.append(pl.lit(template[pos : m.start()]))
        value = values[m.group(1)]
        expr = value if isinstance(value, pl.Expr) else pl.lit(str(value))
        expr = expr.cast(pl.String).fill_null("")
        parts.append(pl.lit("'") + expr + pl.lit("'") if m.group(2) else expr)
        pos = m.end()
    parts.append(pl.lit(template[pos:]))
    return pl.concat_str(parts)


class Problems:
    """Collects error frames from columnar checks; `raise_if_any` refuses the file."""

    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []
        self.column_order: list[str] = []  # errors of one row are listed in this order

    def add(
        self, frame: pl.DataFrame, bad: pl.Expr, column: str | pl.Expr, message: pl.Expr | str
    ) -> None:
        """Record an error at every row of `frame` where `bad` is true."""
        hits = frame.filter(bad.fill_null(False))
        if hits.height == 0:
            return
        msg = message if isinstance(message, pl.Expr) else pl.lit(message)
        col = column if isinstance(column, pl.Expr) else pl.lit(column, dtype=pl.String)
        self._frames.append(
            hits.select(
                pl.col(ROW).cast(pl.Int64).alias("row"),
                col.cast(pl.String).alias("column"),
                msg.cast(pl.String).alias("message"),
            )
        )

    def add_one(self, row: int, column: str, message: str) -> None:
        self._frames.append(
            pl.DataFrame([(row, column, message)], schema=ERRORS_SCHEMA, orient="row")
        )

    def __bool__(self) -> bool:
        return bool(self._frames)

    def raise_if_any(self) -> None:
        if not self._frames:
            return
        # A row can fail the same check through two paths; say it once.
        position = {name: i for i, name in enumerate(self.column_order)}
        errors = (
            pl.concat(self._frames)
            .unique(maintain_order=True)
            .with_columns(
                _pos=pl.col("column").replace_strict(
                    position, default=len(position), return_dtype=pl.Int64
                )
            )
            .sort("row", "_pos", maintain_order=True)
            .drop("_pos")
        )
        shown = [RowError(*r) for r in errors.head(SHOWN).iter_rows()]
        raise ImportRejected(shown, total=errors.height)
