"""The column contracts of the frames the batch functions take and return."""

from __future__ import annotations

import polars as pl

ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "due_date": pl.Date(),
    "open_minor": pl.Int64(),  # open balance of a dunnable item (invoice, debit note, instalment)
    "excluded_minor": pl.Int64(),  # part not to be dunned (disputed, covered by a plan)
    # §7 breaks on the item's case that came after it fell due (within the record window)
    "broken_promises": pl.Int32(),
    "step": pl.Int32(),  # current ladder step index, null if none yet
    "step_on": pl.Date(),  # date the current step was taken
    "strategy_code": pl.String(),  # the strategy `step` indexes into (null: none yet)
}

CREDITS_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "credit_minor": pl.Int64(),  # the credit held on as_of (`domain.credit_held`), positive
}

DEBTORS_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "risk_tier": pl.String(),
    "country": pl.String(),
    "credit_limit_minor": pl.Int64(),  # company currency; null: no limit
    "on_hold": pl.Boolean(),
    "manual_hold": pl.Boolean(),  # set by a person: the run never lifts it
}


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select and cast the contract's columns; missing optional columns get neutral values."""
    cols = []
    for name, dtype in schema.items():
        if name in frame.columns:
            cols.append(pl.col(name).cast(dtype))
        elif name in ("excluded_minor", "broken_promises"):
            cols.append(pl.lit(0, dtype=dtype).alias(name))
        elif name in ("on_hold", "manual_hold"):
            cols.append(pl.lit(False).alias(name))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(cols)
