"""Reference-rate tables: the published rate a statutory interest regime starts from.

A table is a series of (date of effect, percent a year) with the last date it is known to
cover. Tables ship as CSV files in `data/` with their source named in the file's header, and a
newer table can be read from any text in the same format (`rate_table_from_text`), so a user
updates rates without a code change. A day before the first rate or after `covers_until` is a
refusal naming the series and the day, never a silent zero.

Format (comment lines start with '#'; `series`, `source` and `covers_until` are required):

    # series: ecb_mro
    # name: ECB main refinancing operations rate, percent a year
    # source: European Central Bank, key ECB interest rates
    # covers_until: 2025-09-30
    effective_from,rate_percent
    2024-06-12,4.25
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from arrears.domain.dates import parse_date
from arrears.domain.money import parse_decimal
from arrears.domain.refusal import Refusal

HEADER = "effective_from,rate_percent"
_REQUIRED = ("series", "source", "covers_until")


@dataclass(frozen=True)
class RateTable:
    series: str
    name: str
    source: str
    covers_until: date
    changes: tuple[tuple[date, Decimal], ...]  # (effective from, percent a year), ascending

    def rate_on(self, day: date) -> Decimal:
        """The rate in force on `day` (the last change on or before it)."""
        if not self.changes or day < self.changes[0][0] or day > self.covers_until:
            raise Refusal(
                "interest.no_rate",
                series=self.series,
                day=day,
                first=self.changes[0][0] if self.changes else None,
                covers_until=self.covers_until,
            )
        i = bisect.bisect_right([d for d, _ in self.changes], day) - 1
        return self.changes[i][1]

    def changes_between(self, first: date, last: date) -> list[date]:
        """The days after `first`, up to and including `last`, on which the rate changes."""
        return [d for d, _ in self.changes if first < d <= last]


def rate_table_from_text(text: str, *, origin: str = "rate table") -> RateTable:
    """Read a table (the format above); a refusal names the line and what is wrong with it."""
    meta: dict[str, str] = {}
    changes: list[tuple[date, Decimal]] = []
    seen_header = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, _, value = line.lstrip("#").partition(":")
            meta[key.strip()] = value.strip()
            continue
        if not seen_header:
            if line.replace(" ", "") != HEADER:
                raise Refusal("interest.table_header", origin=origin, line=number, expected=HEADER)
            seen_header = True
            continue
        cells = [c.strip() for c in line.split(",")]
        try:
            if len(cells) != 2:
                raise ValueError("two cells expected")
            day, rate = parse_date(cells[0]), parse_decimal(cells[1])
        except ValueError as e:
            raise Refusal("interest.table_line", origin=origin, line=number, why=str(e)) from None
        if changes and day <= changes[-1][0]:
            raise Refusal("interest.table_order", origin=origin, line=number, day=day)
        changes.append((day, rate))
    missing = [k for k in _REQUIRED if not meta.get(k)]
    if missing:
        raise Refusal("interest.table_meta", origin=origin, missing=", ".join(missing))
    if not changes:
        raise Refusal("interest.table_empty", origin=origin)
    try:
        covers_until = parse_date(meta["covers_until"])
    except ValueError as e:
        raise Refusal("interest.table_meta", origin=origin, missing=f"covers_until ({e})") from None
    if covers_until < changes[-1][0]:
        raise Refusal("interest.table_order", origin=origin, line=0, day=covers_until)
    return RateTable(
        series=meta["series"],
        name=meta.get("name", meta["series"]),
        source=meta["source"],
        covers_until=covers_until,
        changes=tuple(changes),
    )


def shipped_tables() -> dict[str, RateTable]:
    """The tables that ship with arrears, by series (a fresh dict: callers may replace one)."""
    return dict(_shipped_tables())


@cache
def _shipped_tables() -> dict[str, RateTable]:
    """Read once: the package's data files do not change while arrears runs."""
    tables = {}
    for entry in resources.files(__package__).joinpath("data").iterdir():
        if entry.name.endswith(".csv"):
            table = rate_table_from_text(entry.read_text(encoding="utf-8"), origin=entry.name)
            tables[table.series] = table
    return tables
