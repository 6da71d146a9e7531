from __future__ import annotations

import pytest

from tests.apps.negotiation.support import World, world


@pytest.fixture
def w(db) -> World:
    return world()
