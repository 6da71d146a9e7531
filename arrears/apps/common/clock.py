"""The real day, in one place: the seam the tests move.

Desk writes and daily runs are dated on days that have happened: never after `today()`. The
tests date their worlds freely (scenarios run weeks ahead of the real day) by moving this
seam, and the tests of the bounds move it back.
"""

from __future__ import annotations

from datetime import date


def today() -> date:
    """The real day (a seam the tests move)."""
    return date.today()
