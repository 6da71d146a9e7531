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


# The elements whose right edge passes the viewport's, the innermost first: what a failing
# "nothing spills sideways" check names, so that the fix is found from the message.
_SPILLING = """(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right <= limit + 0.5 || r.width === 0) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > limit + 0.5)) continue;
    let boxed = false;  // inside a box that scrolls sideways on its own (a wide table's)
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if ((x === 'auto' || x === 'scroll' || x === 'hidden') && a.getBoundingClientRect().right <= limit + 0.5) { boxed = true; break; }
    }
    if (boxed) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    out.push(`${name} right=${Math.round(r.right)} "${(el.textContent || '').trim().slice(0, 60)}"`);
  }
  return out.slice(0, 8);
}"""


def assert_fits(page: object, width: int, what: str) -> None:
    """Nothing on the page spills sideways past `width` CSS pixels (the window at 200% zoom);
    on failure, the message names the elements that do."""
    scrolled = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    if scrolled > width:
        spilling = page.evaluate(_SPILLING, width)  # type: ignore[attr-defined]
        raise AssertionError(f"{what} is {scrolled}px wide at 200%: " + "; ".join(spilling))
