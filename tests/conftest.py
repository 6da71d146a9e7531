from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _quiet_hypothesis_db(settings):  # noqa: PT004 - settings fixture keeps tests isolated
    return settings


@pytest.fixture(autouse=True)
def _desk_clock(monkeypatch):
    """Tests date desk writes and daily runs freely (scenarios run weeks ahead of the real day);
    the tests of the bound move this seam back to a fixed today."""
    from datetime import date

    from arrears.apps.common import clock

    monkeypatch.setattr(clock, "today", lambda: date(2099, 12, 31))


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """What the code keeps in Django's cache (the worklist's figures of the day) starts empty:
    ids and days repeat from test to test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_token_from_home(monkeypatch, tmp_path):
    """A test never reads the developer's own token file, nor a token left in the shell."""
    monkeypatch.setenv("ARREARS_TOKEN_FILE", str(tmp_path / "no-token"))
    monkeypatch.delenv("ARREARS_TOKEN", raising=False)


# No wall-clock deadlines in tests (speed is measured in bench/): a property test that takes
# longer on a busy machine is not wrong.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("arrears", deadline=None)
_hypothesis_settings.load_profile("arrears")
