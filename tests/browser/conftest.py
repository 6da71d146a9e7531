"""The browser tests walk the web tests' desk world (tests/web/conftest.py) in Debian's
Chromium, driven through Playwright (which downloads no browser here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import _desk_today, _fast_hashing, w  # noqa: F401 - fixtures

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium "
    "(`apt-get install -y chromium`, as .ci/run does); Playwright downloads no browser here",
)


@pytest.fixture
def browser(monkeypatch) -> Iterator[object]:
    """Chromium through Playwright's sync API. Its event loop shares the test's thread, where
    the test also reads the database: Django is told that is safe here, and the connections
    opened inside the loop's context are closed before it ends (else PostgreSQL keeps them,
    and the test database cannot be dropped)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            connections.close_all()
            chromium.close()
