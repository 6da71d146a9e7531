"""Moving frames in and out of the database in bulk, on the Django connection.

The ORM handles one object at a time; the daily run and imports move a million rows, so they
go through here: SQLite via the driver's `executemany`, PostgreSQL via `COPY`. Everything runs
on Django's own connection, so it joins the caller's transaction (and the test's).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _raw() -> Any:
    connection.ensure_connection()
    return connection.connection


def read_frame(sql: str, params: Sequence[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a SELECT whose columns are named as `schema`'s keys, in order: a typed frame.

    Read in bulk on Django's own connection (so it sees the caller's uncommitted writes, and
    the test's), with no Python object made per value: PostgreSQL sends the rows as CSV
    (COPY) and Polars parses them; SQLite aggregates each column into one JSON array
    (`_sqlite_read`). Dates and booleans travel as text or integers and are cast back
    (`_cast_wire`), so both databases give the same frame.
    """
    wire = {
        name: (pl.String() if dt in (pl.Date(), pl.Boolean()) else dt)
        for name, dt in schema.items()
    }
    if is_postgres():
        buf = io.BytesIO()
        with (
            _raw().cursor() as cur,
            cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
        ):
            for chunk in copy:
                buf.write(chunk)
        buf.seek(0)
        if buf.getbuffer().nbytes == 0:
            frame = pl.DataFrame(schema=wire)
        else:
            frame = pl.read_csv(buf, has_header=False, schema=wire)
    else:
        frame = _sqlite_read(sql, params, schema, wire)
    return _cast_wire(frame, schema)


def _sqlite_read(
    sql: str, params: Sequence[Any], schema: dict[str, pl.DataType], wire: dict[str, pl.DataType]
) -> pl.DataFrame:
    """SQLite, read by column: SQLite aggregates each column into one JSON array
    (`json_group_array`, in C, every column in the same pass over the same rows, so in the
    same order) and Polars decodes each array. A row-by-row fetch made a Python tuple per row
    and an object per value, which was most of a million-row read's time. Text and dates are
    selected as text, booleans as integers: expressions carry no declared type, so Django's
    per-value converters are skipped."""
    wire = {n: (pl.Int64() if dt == pl.Boolean() else wire[n]) for n, dt in schema.items()}
    outer = ["count(*)"]
    for name, dt in wire.items():
        col = f"q.{_q(name)}"
        if dt == pl.String():
            col = f"CAST({col} AS TEXT)"
        elif schema[name] == pl.Boolean():
            col = f"CAST({col} AS INTEGER)"
        outer.append(f"json_group_array({col})")
    cur = _raw().cursor()
    try:
        cur.execute(f"SELECT {', '.join(outer)} FROM ({sql}) AS q".replace("%s", "?"), params)
        count, *arrays = cur.fetchone()
    finally:
        cur.close()
    if count == 0:
        return pl.DataFrame(schema=wire)
    return pl.DataFrame(
        {
            name: pl.Series([array]).str.json_decode(pl.List(dt)).explode()
            for (name, dt), array in zip(wire.items(), arrays, strict=True)
        }
    )


def _cast_wire(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Dates and booleans arrive as text (COPY, computed SQLite columns) or typed (Django's
    SQLite converters for declared columns); make them the schema's types either way."""
    casts = []
    for name, dt in schema.items():
        have = frame.schema[name]
        if dt == pl.Date() and have != pl.Date():
            casts.append(pl.col(name).cast(pl.String).str.to_date("%Y-%m-%d", strict=True))
        elif dt == pl.Boolean() and have != pl.Boolean():
            casts.append(pl.col(name).cast(pl.String).is_in(["t", "true", "1", "True"]))
    return frame.with_columns(casts) if casts else frame


def _sqlite_rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """Rows with dates as ISO text (how Django stores them in SQLite) and JSON as text."""
    out = frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c, dt in frame.schema.items() if dt == pl.Date()]
        + [
            pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S%.f")
            for c, dt in frame.schema.items()
            if isinstance(dt, pl.Datetime)
        ]
    )
    return out.rows()


def insert_frame(table: str, frame: pl.DataFrame) -> int:
    """Append the frame's rows to `table` (columns named as in the frame). Returns the count."""
    if frame.height == 0:
        return 0
    cols = ", ".join(_q(c) for c in frame.columns)
    if is_postgres():
        buf = io.BytesIO()
        # Text is always quoted: COPY reads only an unquoted \N as NULL, so a value that is
        # the text "\N" (an ERP's empty marker, say) stays that text.
        frame.write_csv(
            buf,
            include_header=False,
            null_value="\\N",
            quote_style="non_numeric",
            datetime_format="%Y-%m-%dT%H:%M:%S%.f%z",
        )
        with (
            _raw().cursor() as cur,
            cur.copy(f"COPY {_q(table)} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy,
        ):
            copy.write(buf.getvalue())
    else:
        marks = ", ".join("?" * len(frame.columns))
        cur = _raw().cursor()
        try:
            cur.executemany(
                f"INSERT INTO {_q(table)} ({cols}) VALUES ({marks})", _sqlite_rows(frame)
            )
        finally:
            cur.close()
    return frame.height


def update_frame(table: str, frame: pl.DataFrame, key: str = "id") -> int:
    """Set the frame's columns on the rows of `table` whose `key` matches. Returns the count."""
    if frame.height == 0:
        return 0
    sets = [c for c in frame.columns if c != key]
    if is_postgres():
        tmp = f"tmp_upd_{table}"
        with _raw().cursor() as cur:
            cur.execute(
                f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {_q(key)}, "
                f"{', '.join(_q(c) for c in sets)} FROM {_q(table)} WITH NO DATA"
            )
        insert_frame(tmp, frame.select(key, *sets))
        assignments = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in sets)
        with _raw().cursor() as cur:
            cur.execute(
                f"UPDATE {_q(table)} AS t SET {assignments} FROM {tmp} AS s "
                f"WHERE t.{_q(key)} = s.{_q(key)}"
            )
            cur.execute(f"DROP TABLE {tmp}")
    else:
        assignments = ", ".join(f"{_q(c)} = ?" for c in sets)
        rows = _sqlite_rows(frame.select(*sets, key))
        cur = _raw().cursor()
        try:
            cur.executemany(f"UPDATE {_q(table)} SET {assignments} WHERE {_q(key)} = ?", rows)
        finally:
            cur.close()
    return frame.height


# A write this large (rows) makes the planner's statistics of its tables stale enough to matter.
LARGE_WRITE = 10_000


def statistics_refresh(tables: Sequence[str]) -> None:
    """Refresh the query planner's statistics of `tables` after a large write (an import, the
    first run), so the next reads are planned on the rows as they are, not on an empty table.
    PostgreSQL: ANALYZE (a sample of each table). SQLite: ANALYZE over a bounded sample
    (`analysis_limit`), so it costs milliseconds, not a scan of a million rows."""
    with connection.cursor() as cur:
        if is_postgres():
            for table in tables:
                cur.execute(f"ANALYZE {_q(table)}")
            return
        cur.execute("PRAGMA analysis_limit = 1000")
        try:
            for table in tables:
                cur.execute(f"ANALYZE {_q(table)}")
        finally:
            cur.execute("PRAGMA analysis_limit = 0")


def delete_ids(table: str, ids: Sequence[int], key: str = "id") -> int:
    """Delete rows by key, in chunks that stay under SQLite's parameter limit."""
    n = 0
    with connection.cursor() as cur:
        for i in range(0, len(ids), 900):
            chunk = list(ids[i : i + 900])
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"DELETE FROM {_q(table)} WHERE {_q(key)} IN ({marks})", chunk)
            n += len(chunk)
    return n
