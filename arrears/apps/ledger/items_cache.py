"""The open items as a file beside the database, valid while no item changed (issue #13 §6).

Data flows one way: the ERP's items change only through imports (and the few writers a person
drives: payments' allocations, clearing), never through the daily run, which reads a million
of them every day. `claim` names a company's items' current state with a fresh random token,
and the database forgets the token the moment any statement changes one of its items
(`ItemsVersion`'s triggers: another company's import keeps its token); `open_items` then reads
the file kept under the token, and only when the token is still the one stored, or reads the
database and keeps what it read under it. A token is random, so a state rolled back, or a
copy of the database, never meets another state's file.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection

# Below this many items the database is read every time: a file would save nothing.
CACHE_MIN_ITEMS = 100_000


def claim(company_id: int) -> str | None:
    """Name `company_id`'s open items' current state with a fresh token, unless one names it
    already (its row made at its first claim); the token. Called before the items are read: a
    change made after this empties the token, however the reads interleave; a change to
    another company's items leaves it."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_itemsversion (company_id, token) VALUES (%s, '') "
            "ON CONFLICT (company_id) DO NOTHING",
            [company_id],
        )
        cur.execute(
            "UPDATE ledger_itemsversion SET token = %s WHERE company_id = %s AND token = ''",
            [uuid.uuid4().hex, company_id],
        )
    return _token(company_id)


def _token(company_id: int) -> str | None:
    with connection.cursor() as cur:
        cur.execute("SELECT token FROM ledger_itemsversion WHERE company_id = %s", [company_id])
        row = cur.fetchone()
    return (row[0] or None) if row else None  # empty: an item changed since the last claim


def _folder() -> Path:
    return Path(settings.DATA_DIR) / "cache"


def open_items(company_id: int, read: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """`read()`'s frame of `company_id`'s open items: from the file kept under the stored token
    when there is one, else from `read()`, kept under the token (if `claim` set one and the
    frame is large enough to be worth a file) for the next reader."""
    token = _token(company_id)
    if token is None:
        return read()
    path = _folder() / f"open-items-{company_id}-{token}.arrow"
    if path.exists():
        return pl.read_ipc(path)
    frame = read()
    if frame.height >= CACHE_MIN_ITEMS:
        _keep(frame, path, company_id)
    return frame


def _keep(frame: pl.DataFrame, path: Path, company_id: int) -> None:
    """Write the file whole (a reader never sees half of one), then drop the company's older
    files: their tokens are gone for good."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.part")
    frame.write_ipc(part)
    part.replace(path)
    for old in path.parent.glob(f"open-items-{company_id}-*.arrow"):
        if old != path:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
