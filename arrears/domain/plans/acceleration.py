"""§6-7 The acceleration clause on the ladder: an item a defaulted plan made due at once is due
from the day of the default, when that is earlier than its own due date.

`due_after_acceleration` decides it over a batch of items (the run, the sweep's broken-promise
count, the worklist); `effective_due` is its one-item twin (the desk's balance of one case); a
property test keeps the two in agreement.
"""

from __future__ import annotations

from datetime import date

import polars as pl


def effective_due(due_date: date, accelerated_on: date | None) -> date:
    """The day the ladder counts an item due from."""
    if accelerated_on is None or accelerated_on >= due_date:
        return due_date
    return accelerated_on


def due_after_acceleration(items: pl.DataFrame) -> pl.DataFrame:
    """Items with `due_date` and a nullable `accelerated_on`: `due_date` becomes the day the
    ladder counts each due from, and `accelerated_on` is dropped. Row by row, so any
    partition of the items gives the same rows."""
    return items.with_columns(
        due_date=pl.min_horizontal("due_date", "accelerated_on").cast(pl.Date)
    ).drop("accelerated_on")
