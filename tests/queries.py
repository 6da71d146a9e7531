"""Counting the queries a read makes, to show a list costs the same however long it grows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(read: Callable[[], Any]) -> tuple[int, Any]:
    """How many queries `read()` made, and what it returned."""
    with CaptureQueriesContext(connection) as ctx:
        got = read()
    return len(ctx.captured_queries), got
