"""The checks every kind of file shares: header, required cells, lengths, codes, dates, keys.

Each check runs over whole columns and records the rows that fail in `Problems`; none stops
at the first error, so a refused file lists everything wrong with it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl
from django.db import models

from arrears.apps.ledger.imports.errors import ROW, Problems, reject, say
from arrears.apps.ledger.imports.read import Table
from arrears.domain.jurisdictions import COUNTRIES
from arrears.domain.money import CURRENCY_EXPONENTS, UNKNOWN_CURRENCY
from arrears.domain.text import CONTROL, CONTROL_NAMES

MISSING_COLUMN = "required column missing from the header (the header has: {have})"
UNKNOWN_COLUMN = "unknown column {name!r}; the {kind} file's columns are: {known}"
REPEATED_COLUMN = "the column {name!r} appears more than once in the header"
SEMICOLONS = (
    "the header is one column {name!r}: is the file separated by ';' rather than ','? "
    "Save it as 'CSV UTF-8 (comma delimited)'"
)
REQUIRED = "required: the cell is empty"
CONTROL_CHARACTER = (
    "contains the control character {code}, which cannot be stored: remove it "
    "(a tab or a line break inside a value is fine)"
)
TOO_LONG = "longer than {limit} characters ({length})"
NOT_ONE_OF = "{value!r} is not one of: {allowed}"
NOT_A_DATE = "{value!r} is not a date (use YYYY-MM-DD, e.g. 2026-01-31)"
NOT_A_COUNTRY = "{value!r} is not a country code (ISO 3166 alpha-2 in capitals, e.g. DE)"
UNKNOWN_COUNTRY = (
    "{value!r} is not a country ISO 3166 assigns (its alpha-2 code in capitals: DE, FR, GB for "
    "the United Kingdom)"
)
NOT_A_LANGUAGE = "{value!r} is not a language code (ISO 639-1 in lower case, e.g. de)"
NOT_AN_EMAIL = "{value!r} is not an e-mail address"
DUPLICATE = "{value!r} appears more than once in the file (first at row {first})"
UNKNOWN_DEBTOR = "unknown debtor {value!r}: import it with the debtors file first"


@dataclass(frozen=True)
class Spec:
    """The columns of one kind of file and the longest text each may hold."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    lengths: dict[str, int] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def max_length(model: type[models.Model], name: str) -> int:
    """The model field's max_length, so PostgreSQL never refuses what we let through."""
    limit = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    assert limit is not None
    return int(limit)


def prepare(table: Table, spec: Spec, problems: Problems) -> pl.DataFrame:
    """Check the header (refusing at once: nothing else can be read without it), then the
    required cells and text lengths. Absent optional columns stay absent: callers leave
    those fields alone on existing records."""
    _check_header(table.header, spec)
    problems.column_order = list(table.header)
    frame = table.frame.select(ROW, *[c for c in spec.columns if c in table.header])
    for name in spec.required:
        problems.add(frame, pl.col(name).is_null(), name, REQUIRED)
    if not table.clean:
        check_controls(frame, problems)
    for name, limit in spec.lengths.items():
        if name in frame.columns:
            n = pl.col(name).str.len_chars()
            problems.add(frame, n > limit, name, say(TOO_LONG, limit=limit, length=n))
    return frame


def check_controls(frame: pl.DataFrame, problems: Problems) -> None:
    """Refuse control characters in every text cell, naming the first one of each cell."""
    for name in frame.columns:
        if name == ROW:
            continue
        text = pl.col(name)
        code = text.str.extract(f"({CONTROL})").replace_strict(CONTROL_NAMES, default="?")
        problems.add(frame, text.str.contains(CONTROL), name, say(CONTROL_CHARACTER, code=code))


def _check_header(header: Sequence[str], spec: Spec) -> None:
    problems = Problems()
    if len(header) == 1 and ";" in header[0]:
        raise reject(1, header[0][:40], SEMICOLONS.format(name=header[0][:40]))
    have = ", ".join(header)
    known = ", ".join(spec.columns)
    for name in spec.required:
        if name not in header:
            problems.add_one(1, name, MISSING_COLUMN.format(have=have))
    seen: set[str] = set()
    for name in header:
        if name not in spec.columns:
            problems.add_one(1, name, UNKNOWN_COLUMN.format(name=name, kind=spec.kind, known=known))
        elif name in seen:
            problems.add_one(1, name, REPEATED_COLUMN.format(name=name))
        seen.add(name)
    problems.raise_if_any()


def check_choice(
    frame: pl.DataFrame, problems: Problems, name: str, allowed: Sequence[str], default: str
) -> pl.DataFrame:
    """An enumerated column: empty means `default`, anything else must be listed."""
    if name not in frame.columns:
        return frame
    value = pl.col(name)
    msg = say(NOT_ONE_OF, value=value, allowed=", ".join(allowed))
    problems.add(frame, value.is_not_null() & ~value.is_in(list(allowed)), name, msg)
    return frame.with_columns(value.fill_null(default))


def check_pattern(
    frame: pl.DataFrame, problems: Problems, name: str, pattern: str, message: str
) -> pl.DataFrame:
    """A code with a fixed shape (country, language, e-mail); empty cells pass."""
    if name in frame.columns:
        value = pl.col(name)
        bad = value.is_not_null() & ~value.str.contains(pattern)
        problems.add(frame, bad, name, say(message, value=value))
    return frame


def check_country(frame: pl.DataFrame, problems: Problems, name: str) -> pl.DataFrame:
    """A country code: two capitals (`NOT_A_COUNTRY`) that ISO 3166 assigns (`UNKNOWN_COUNTRY`:
    XX, UK...), so no debtor is stored in a country nothing later can name; empty cells pass."""
    frame = check_pattern(frame, problems, name, r"^[A-Z]{2}$", NOT_A_COUNTRY)
    if name in frame.columns:
        value = pl.col(name)
        unknown = value.str.contains(r"^[A-Z]{2}$") & ~value.is_in(sorted(COUNTRIES))
        problems.add(frame, value.is_not_null() & unknown, name, say(UNKNOWN_COUNTRY, value=value))
    return frame


def check_currency(frame: pl.DataFrame, problems: Problems, name: str) -> pl.Expr:
    """Record unknown currencies; returns the exponent per row (null where unknown)."""
    value = pl.col(name)
    known = value.is_in(list(CURRENCY_EXPONENTS))
    problems.add(frame, value.is_not_null() & ~known, name, say(UNKNOWN_CURRENCY, code=value))
    return value.replace_strict(CURRENCY_EXPONENTS, default=None, return_dtype=pl.Int64)


def parse_dates(frame: pl.DataFrame, problems: Problems, *names: str) -> pl.DataFrame:
    """Strict ISO dates (YYYY-MM-DD, real calendar days) into Date columns."""
    for name in names:
        text = pl.col(name)
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        ok = text.str.contains(r"^\d{4}-\d{2}-\d{2}$") & parsed.is_not_null()
        problems.add(frame, text.is_not_null() & ~ok, name, say(NOT_A_DATE, value=text))
        frame = frame.with_columns(pl.when(ok).then(parsed).alias(name))
    return frame


def check_unique(frame: pl.DataFrame, problems: Problems, keys: Sequence[str], column: str) -> None:
    """Each natural key once per file; every repeat names the row it repeats."""
    # Windows are materialized first: `Problems.add` formats messages on the failing rows only.
    f = frame.with_columns(_first=pl.col(ROW).min().over(keys))
    label = pl.concat_str([pl.col(k).fill_null("") for k in keys], separator=" / ")
    bad = pl.col(keys[0]).is_not_null() & (pl.col(ROW) != pl.col("_first"))
    problems.add(f, bad, column, say(DUPLICATE, value=label, first=pl.col("_first")))


def resolve_debtors(
    frame: pl.DataFrame, problems: Problems, debtors: pl.DataFrame, column: str = "debtor_code"
) -> pl.DataFrame:
    """Add `debtor_id` by code from `debtors` (columns id, code); unknown codes are errors."""
    out = frame.join(
        debtors.select(pl.col("id").alias("debtor_id"), pl.col("code").alias(column)),
        on=column,
        how="left",
        maintain_order="left",
    )
    unknown = pl.col(column).is_not_null() & pl.col("debtor_id").is_null()
    problems.add(out, unknown, column, say(UNKNOWN_DEBTOR, value=pl.col(column)))
    return out
