"""Shared by the bench scripts: the cached demo ledger, a fresh database, a timer."""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

OUT = Path(__file__).resolve().parent / "out"
ITEMS, SEED, AS_OF = 1_000_000, 42, date(2026, 11, 25)
COMPANY = "bench"
COLLECTORS = ("alice", "bob", "carol", "dave")
ADMIN = "bench-admin"  # the bench company's administrator: imports and runs are theirs


def bench_admin() -> Any:
    """The person the bench imports and runs as (`bench_import` makes them)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=ADMIN)


def add_ledger_args(parser: Any) -> None:
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)


@dataclass(frozen=True)
class Built:
    """A generated ledger on disk: the CSV paths and what generation recorded."""

    folder: Path
    paths: dict[str, Path]
    meta: dict[str, Any]


def ledger_folder(items: int, seed: int, as_of: date) -> Path:
    return OUT / f"ledger-{items}-{seed}-{as_of.isoformat()}"


def load_built(items: int, seed: int, as_of: date) -> Built | None:
    folder = ledger_folder(items, seed, as_of)
    meta_path = folder / "ledger.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    paths = {k: folder / f"{k}.csv" for k in ("debtors", "items", "payments")}
    return Built(folder, paths, meta)


def db_tag() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def _pg_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def use_database(name: str, *, fresh: bool = False, copy_of: str | None = None) -> str:
    """Point Django at database `name` (a SQLite file in bench/out, or a PostgreSQL database
    on DATABASE_URL's server), optionally emptied or copied from another; then set Django up."""
    if db_tag() == "postgresql":
        if fresh or copy_of:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            template = f' TEMPLATE "{copy_of}"' if copy_of else ""
            _pg_admin(f'CREATE DATABASE "{name}"{template}')
        os.environ["DATABASE_URL"] = _pg_url(name)
    else:
        path = OUT / f"{name}.sqlite3"
        if fresh or copy_of:
            for extra in ("", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
        if copy_of:
            with sqlite3.connect(OUT / f"{copy_of}.sqlite3") as src, sqlite3.connect(path) as dst:
                src.backup(dst)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.web.settings")
    import django

    django.setup()
    return os.environ["DATABASE_URL"]


def db_name(items: int, seed: int, as_of: date, stage: str) -> str:
    """`ARREARS_BENCH_PREFIX` (default arrears_bench) starts the name: several people may
    bench on one PostgreSQL server."""
    prefix = os.environ.get("ARREARS_BENCH_PREFIX", "arrears_bench")
    return f"{prefix}_{stage}_{items}_{seed}_{as_of:%Y%m%d}"


@contextmanager
def timed(
    label: str, rows: int | None = None, into: dict[str, float] | None = None
) -> Iterator[None]:
    """Print how long the block took (and rows/s when rows is given)."""
    t = time.perf_counter()
    yield
    s = time.perf_counter() - t
    rate = f"  {rows / s:>12,.0f} rows/s" if rows else ""
    print(f"{label:<44} {s:8.2f} s{rate}", flush=True)
    if into is not None:
        into[label] = s


def median_seconds(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of `repeat` calls after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result
