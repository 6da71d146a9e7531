"""Dates and business days. `as_of` is always an argument: the domain never reads the clock."""

from __future__ import annotations

import re
from datetime import date, timedelta

# The earliest day anything is dated on (a run's or a desk write's as-of date, a date typed in
# a command): no ledger goes back further, so an earlier year is a typing error, and every
# date computed back from a day (record windows, grace periods, catch-up) stays far above
# `date.min` instead of crashing on it.
FIRST_DAY = date(1900, 1, 1)


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
NOT_A_DATE = "{text!r} is not a date (use YYYY-MM-DD)"
DATE_TOO_EARLY = "{day} is before {first}: no ledger goes back that far (a mistyped year?)"


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD, and nothing else: not the compact `20261204` nor the week
    date `2026-W49-5` that `date.fromisoformat` also reads, nor a day before `FIRST_DAY`."""
    if not ISO_DATE.fullmatch(text):
        raise ValueError(NOT_A_DATE.format(text=text))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(NOT_A_DATE.format(text=text)) from None
    if day < FIRST_DAY:
        raise ValueError(DATE_TOO_EARLY.format(day=day, first=FIRST_DAY))
    return day


def next_business_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first Monday-to-Friday day after `day` that is not a holiday. The calendar's last
    day (`date.max`) stays where it is: a date stored that far ahead still reads as "never",
    instead of crashing whoever counts from it."""
    d = day
    while d < date.max:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            return d
    return date.max


def is_business_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    """Monday to Friday, and not one of the company's holidays."""
    return day.weekday() < 5 and day not in holidays


def business_day_by(
    day: date, *, after: date, holidays: frozenset[date] = frozenset()
) -> date | None:
    """The last business day on or before `day` that is still after `after` (None: none is):
    a date a creditor asks for moves earlier, never later, to fall on a business day."""
    d = day
    while d > after:
        if is_business_day(d, holidays):
            return d
        d -= timedelta(days=1)
    return None


def add_business_days(day: date, n: int, holidays: frozenset[date] = frozenset()) -> date:
    """`day` moved forward by `n` business days (n >= 0)."""
    d = day
    for _ in range(n):
        d = next_business_day(d, holidays)
    return d


def days_before(day: date, n: int) -> date:
    """`day` moved back by `n` days, never below `date.min`."""
    return day - timedelta(days=n) if n < (day - date.min).days else date.min


def days_after(day: date, n: int) -> date:
    """`day` moved forward by `n` days, never beyond `date.max`."""
    return day + timedelta(days=n) if n < (date.max - day).days else date.max


def days_past_due(due: date, as_of: date) -> int:
    """DPD: as-of date minus due date (negative before the due date)."""
    return (as_of - due).days


def add_years(day: date, years: int) -> date:
    """The same day `years` later; a period counted from 29 February ends on 28 February in
    a common year (the month's last day, as § 188(3) BGB has it; Polars' `offset_by` agrees,
    so batch code and this one-item version give the same day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


def on_business_day(day: date, *, after: date, holidays: frozenset[date] = frozenset()) -> date:
    """`day` on a business day: the last one on or before it that is still after `after`
    (a date a creditor sets moves earlier, never later: `business_day_by`), else, where none
    is, the next business day after it."""
    got = business_day_by(day, after=after, holidays=holidays)
    if got is not None:
        return got
    return day if is_business_day(day, holidays) else next_business_day(day, holidays)
