"""Storing what the negotiation desk's daily sweep tells the ladder about items
(`cases.ItemDeskInput`): the part not to dun, and the breaks that count for each.

The sweep sits above this app and hands over only the items whose value changed; this writes
those differences and keeps a row only while something is held back or a break counts.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from arrears.apps.common.bulk import insert_frame, read_frame, update_frame
from arrears.apps.ledger.models import Company

TABLE = "cases_itemdeskinput"
COLUMNS = ("excluded_minor", "broken_promises")


def desk_inputs_store(*, company: Company, column: str, changed: pl.DataFrame) -> int:
    """Store `changed` (item_id, `column`: its new value, one of COLUMNS; an item without a row
    holds 0 in both); returns the items changed."""
    assert column in COLUMNS, column
    if changed.is_empty():
        return 0
    have = read_frame(
        f"SELECT x.item_id FROM {TABLE} x JOIN ledger_openitem i ON i.id = x.item_id "
        "WHERE i.company_id = %s",
        [company.pk],
        {"item_id": pl.Int64()},
    )
    rows = changed.select(pl.col("item_id").cast(pl.Int64), pl.col(column).cast(pl.Int64))
    update_frame(TABLE, rows.join(have, on="item_id", how="semi"), key="item_id")
    other = next(c for c in COLUMNS if c != column)
    insert_frame(
        TABLE,
        rows.join(have, on="item_id", how="anti")
        .filter(pl.col(column) != 0)
        .with_columns(pl.lit(0, dtype=pl.Int64).alias(other)),
    )
    with connection.cursor() as cur:  # nothing held back and no break: no row
        cur.execute(f"DELETE FROM {TABLE} WHERE excluded_minor = 0 AND broken_promises = 0")
    return changed.height
