from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _quiet_hypothesis_db(settings):  # noqa: PT004 - settings fixture keeps tests isolated
    return settings
