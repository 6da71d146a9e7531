"""The browser tests walk the web tests' desk world (tests/web/conftest.py)."""

from tests.web.conftest import _desk_today, _fast_hashing, w  # noqa: F401 - fixtures
