"""No test has a wall-clock deadline (speed is measured in bench/, never in tests): a property
test that runs slower on a busy 2-core machine is not wrong."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent
TIMED = re.compile(r"deadline\s*=\s*(?!None\b)[^,)\n]*(timedelta|\d)")


def test_every_property_test_runs_without_a_deadline():
    assert settings.default.deadline is None


def test_no_test_file_sets_a_deadline_of_its_own():
    for path in TESTS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"settings\((.*?)\)", text, flags=re.S):
            assert not TIMED.search(call), (path.name, call)
