"""Read once per page: what a desk page reads several times (the company's ladders, a
debtor's payments, a case's open items...) is read once while the page is made.

`read_once()` opens the scope (the web desk wraps each GET request in it:
`web.middleware`); inside it `once(key, read)` calls `read` the first time a key is asked
and hands the same value back after. Outside any scope `once` simply reads: a run, a
terminal command or a write always sees the database as it is. The values are shared by
every caller of the page: a caller must not change one (copy it first)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_READ: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("read_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within it, each key of `once` is read once. Only where nothing is written meanwhile."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def once(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    """`read()`, or what it gave for `key` earlier in the same `read_once` scope."""
    seen = _READ.get()
    if seen is None:
        return read()
    if key not in seen:
        seen[key] = read()
    return seen[key]  # type: ignore[no-any-return]
