"""Storing what the negotiation desk's daily sweep tells the ladder about items
(`cases.ItemDeskInput`): the part not to dun, the breaks that count for each, the day a
defaulted plan made it due at once.

The sweep sits above this app and hands over only the items whose value changed; this writes
those differences and keeps a row only while one of them is set. It is the only writer of those
rows (tests/apps/cases/test_desk_inputs_version.py looks for another): each write moves the
company's `DeskInputsVersion`, which the worklist keeps its figures under, so a write outside a
run (a set-off approved at the desk) shows on the next worklist read.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from arrears.apps.common.bulk import insert_frame, read_frame, update_frame
from arrears.apps.ledger.models import Company

TABLE = "cases_itemdeskinput"
VERSION = "cases_deskinputsversion"
# One statement on SQLite and PostgreSQL alike, safe when two writers race for the first row.
_BUMP = (
    f"INSERT INTO {VERSION} (company_id, version) VALUES (%s, 1) "
    f"ON CONFLICT (company_id) DO UPDATE SET version = {VERSION}.version + 1"
)
EMPTY: dict[str, pl.Expr] = {  # the value of an item without a row
    "excluded_minor": pl.lit(0, dtype=pl.Int64),
    "broken_promises": pl.lit(0, dtype=pl.Int64),
    "accelerated_on": pl.lit(None, dtype=pl.Date),
}


def desk_inputs_store(*, company: Company, column: str, changed: pl.DataFrame) -> int:
    """Store `changed` (item_id, `column`: its new value, a key of EMPTY; an item without a row
    holds EMPTY's values); returns the items changed."""
    if changed.is_empty():
        return 0
    have = read_frame(
        f"SELECT x.item_id FROM {TABLE} x JOIN ledger_openitem i ON i.id = x.item_id "
        "WHERE i.company_id = %s",
        [company.pk],
        {"item_id": pl.Int64()},
    )
    empty = EMPTY[column]
    dtype = pl.Date() if column == "accelerated_on" else pl.Int64()
    rows = changed.select(pl.col("item_id").cast(pl.Int64), pl.col(column).cast(dtype))
    update_frame(TABLE, rows.join(have, on="item_id", how="semi"), key="item_id")
    insert_frame(
        TABLE,
        rows.join(have, on="item_id", how="anti")
        .filter(pl.col(column).ne_missing(empty))
        .with_columns(v.alias(c) for c, v in EMPTY.items() if c != column),
    )
    with connection.cursor() as cur:  # nothing set: no row
        cur.execute(
            f"DELETE FROM {TABLE} WHERE excluded_minor = 0 AND broken_promises = 0 "
            "AND accelerated_on IS NULL"
        )
        cur.execute(_BUMP, [company.pk])
    return changed.height
