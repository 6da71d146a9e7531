"""Dates and business days. `as_of` is always an argument: the domain never reads the clock."""

from __future__ import annotations

from datetime import date, timedelta


def next_business_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first Monday-to-Friday day after `day` that is not a holiday."""
    d = day + timedelta(days=1)
    while d.weekday() >= 5 or d in holidays:
        d += timedelta(days=1)
    return d


def add_business_days(day: date, n: int, holidays: frozenset[date] = frozenset()) -> date:
    """`day` moved forward by `n` business days (n >= 0)."""
    d = day
    for _ in range(n):
        d = next_business_day(d, holidays)
    return d


def days_past_due(due: date, as_of: date) -> int:
    """DPD: as-of date minus due date (negative before the due date)."""
    return (as_of - due).days
