"""A dry run leaves the database exactly as it was, sequences included.

A dry run does everything a real run does and rolls it back, but on PostgreSQL the ids its
inserts drew (the negotiation sweep's follow-ups, events, audit records) are not given back
by a rollback. So a dry run holds the tables whose ids come from a sequence in SHARE mode
(no other writer can draw an id meanwhile; readers go on) and sets every sequence back to
where it stood before it rolls back. SQLite has no sequences to restore (its ids come from
the table, which the rollback restores).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_SEQUENCES = (
    "SELECT s.schemaname, s.sequencename, s.last_value, t.relname "
    "FROM pg_sequences s "
    "JOIN pg_class q ON q.relname = s.sequencename "
    "JOIN pg_namespace n ON n.oid = q.relnamespace AND n.nspname = s.schemaname "
    "JOIN pg_depend d ON d.objid = q.oid AND d.deptype IN ('a', 'i') "
    "JOIN pg_class t ON t.oid = d.refobjid "
    "WHERE s.schemaname = current_schema()"
)


@contextmanager
def sequences_kept() -> Iterator[None]:
    """Inside a transaction that will be rolled back: give back every id drawn meanwhile."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as c:
        c.execute(_SEQUENCES)
        rows = c.fetchall()
        tables = sorted({r[3] for r in rows})
        if tables:
            c.execute(
                f"LOCK TABLE {', '.join(map(connection.ops.quote_name, tables))} IN SHARE MODE"
            )
        c.execute(_SEQUENCES)  # as they stand now that nobody else can draw from them
        before = {(r[0], r[1]): r[2] for r in c.fetchall()}
    yield  # (a dry run that fails midway aborts the transaction: nothing can be set back then)
    if True:
        with connection.cursor() as c:
            c.execute(_SEQUENCES)
            for schema, name, last, _ in c.fetchall():
                was = before.get((schema, name))
                if last == was:
                    continue
                seq = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}"
                if was is None:  # never drawn from: the next id is its start again
                    c.execute(
                        "SELECT setval(%s, start_value, false) FROM pg_sequences "
                        "WHERE schemaname = %s AND sequencename = %s",
                        [seq, schema, name],
                    )
                else:
                    c.execute("SELECT setval(%s, %s, true)", [seq, was])
