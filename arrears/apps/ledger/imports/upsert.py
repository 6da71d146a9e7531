"""Diffing the file against the database, columnar, and writing only what differs.

The ERP is the book of record, so an import makes our copy match the file: rows whose
natural key is new are inserted, rows whose values differ are updated, equal rows are not
touched at all (so re-importing a file writes nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from arrears.apps.common.bulk import insert_frame, update_frame

CHUNK = 100_000  # rows per write, and how often progress is reported

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows in the file, and how many were new, changed or the same.

    `changes` counts, per file column, the rows where that column changed.
    """

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    changes: dict[str, int] = field(default_factory=dict)
    closed: int = 0  # items absent from a complete open-items file, set to open 0
    notes: tuple[str, ...] = ()  # what the import kept from the file, and why


@dataclass(frozen=True)
class Diff:
    """The file's rows split by what they need: `new` (key not in the database) and `changed`
    (with the database `id`, only where a compared column differs, and a `<column>__changed`
    flag per compared column); `flags` has one row per target row: `is_new`, `changed_any`
    and one boolean per compared column."""

    new: pl.DataFrame
    changed: pl.DataFrame
    flags: pl.DataFrame

    def counts(self, names: dict[str, str] | None = None) -> dict[str, int]:
        """Rows changed per compared column, named as in the file via `names`."""
        names = names or {}
        cols = [c for c in self.flags.columns if c not in ("is_new", "changed_any")]
        return {names.get(c, c): int(self.flags[c].sum()) for c in cols}


def diff(
    target: pl.DataFrame, existing: pl.DataFrame, *, key: Sequence[str], compare: Sequence[str]
) -> Diff:
    """Join `target` to `existing` (which holds `id`, the key and the compared columns) on the
    key; null-safe comparison, so a cleared cell is a change and a kept empty one is not."""
    old = existing.select("id", *key, *[pl.col(c).alias(f"{c}__db") for c in compare])
    j = target.join(old, on=list(key), how="left", maintain_order="left")
    is_new = pl.col("id").is_null()
    flags = j.select(
        is_new.alias("is_new"),
        *[(~is_new & pl.col(c).ne_missing(pl.col(f"{c}__db"))).alias(c) for c in compare],
    )
    changed_any = pl.any_horizontal(list(compare)) if compare else pl.lit(False)
    flags = flags.with_columns(changed_any.alias("changed_any"))
    j = j.drop(*[f"{c}__db" for c in compare])
    marked = j.with_columns(flags.select(pl.all().name.suffix("__changed")))
    return Diff(
        new=j.filter(flags["is_new"]).drop("id"),
        changed=marked.filter(flags["changed_any"]),
        flags=flags,
    )


def write_chunks(
    table: str,
    frame: pl.DataFrame,
    *,
    update: bool,
    done: int,
    total: int,
    progress: Progress | None,
) -> int:
    """Insert (or update by id) in chunks, reporting progress; returns rows done so far."""
    write = update_frame if update else insert_frame
    for start in range(0, frame.height, CHUNK):
        chunk = frame.slice(start, CHUNK)
        write(table, chunk)
        done += chunk.height
        if progress:
            progress(min(done, total), total)
    return done


def write_diff(
    table: str,
    d: Diff,
    compare: Sequence[str],
    *,
    company_id: int,
    progress: Progress | None,
    defaults: dict[str, pl.Expr] | None = None,
) -> None:
    """Insert the new rows (with the company, and `defaults` for columns the file left out),
    then update the changed ones by id, in chunks, reporting progress over both."""
    extra = {k: v for k, v in (defaults or {}).items() if k not in d.new.columns}
    new = d.new.with_columns(company_id=pl.lit(company_id, dtype=pl.Int64), **extra)
    total = new.height + d.changed.height
    if progress:
        progress(0, total)
    done = write_chunks(table, new, update=False, done=0, total=total, progress=progress)
    write_chunks(
        table,
        d.changed.select("id", *compare),
        update=True,
        done=done,
        total=total,
        progress=progress,
    )


def summarize(kind: str, flags: pl.DataFrame, changes: dict[str, int]) -> ImportSummary:
    """Count the file's rows by outcome from `is_new` / `changed_any` flags."""
    created = int(flags["is_new"].sum())
    updated = int(flags["changed_any"].sum())
    return ImportSummary(
        kind=kind,
        rows=flags.height,
        created=created,
        updated=updated,
        unchanged=flags.height - created - updated,
        changes=changes,
    )
