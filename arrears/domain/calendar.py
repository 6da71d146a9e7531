"""A company's calendar: the holidays its business-day rules skip besides Saturdays and Sundays
(`arrears.domain.dates`: every rule takes them as a frozenset of dates).

A company keeps its own days (`arrears holidays add|remove|list`, `arrears import holidays`);
a jurisdiction's public holidays can seed them from the `holidays` package where it is
installed (`pip install 'arrears[calendars]'`): `default_holidays`.
"""

from __future__ import annotations

import importlib
from datetime import date

from arrears.domain.dates import FIRST_DAY
from arrears.domain.refusal import Refusal

MAX_NAME = 100  # a holiday's name, as stored


def default_holidays(jurisdiction: str, year: int) -> dict[date, str]:
    """The public holidays of `jurisdiction` (an ISO 3166 country code: DE, FR, GB...) in
    `year`, by day, from the `holidays` package. Refused (nothing to write) without the
    package, for a jurisdiction it has no calendar for (EU), or a year before `FIRST_DAY`."""
    if not FIRST_DAY.year <= year <= 9999:
        raise Refusal("holidays.bad_year", year=year, first=FIRST_DAY.year)
    try:
        lib = importlib.import_module("holidays")
    except ImportError:
        raise Refusal("holidays.no_defaults") from None
    try:
        days = lib.country_holidays(jurisdiction.upper(), years=year)
    except (NotImplementedError, KeyError, AttributeError):
        raise Refusal("holidays.no_default_calendar", jurisdiction=jurisdiction) from None
    return {d: str(name)[:MAX_NAME] for d, name in sorted(days.items()) if d.year == year}
