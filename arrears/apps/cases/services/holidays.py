"""The company's holiday calendar (§ business days): a credit manager's or an administrator's
to change, one day at a time, from a CSV file, or from a jurisdiction's public holidays.

Every write locks the company's row first, then asks who acts (`Verb.SET_CALENDAR`), then
writes only what differs and audits it: adding a day that is there with the same name, or
importing the same file again, changes nothing. A file is taken whole or not at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Holiday
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.calendar import MAX_NAME, default_holidays
from arrears.domain.dates import parse_date
from arrears.domain.refusal import Refusal
from arrears.domain.text import first_control

WHAT = "change the company's holidays"
COLUMNS = ("date", "name")
MAX_ERRORS = 50


@dataclass(frozen=True)
class HolidaysChanged:
    """What a change of the calendar did, by day."""

    created: list[date] = field(default_factory=list)
    renamed: list[date] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)
    removed: list[date] = field(default_factory=list)


def holiday_add(*, actor: Any, company: Company, day: date, name: str = "") -> HolidaysChanged:
    """Add `day` to the company's holidays (or rename it)."""
    return _set(actor, company, {day: _name(name)}, action="holidays.add")


def holiday_remove(*, actor: Any, company: Company, day: date) -> HolidaysChanged:
    """Take `day` off the company's holidays; a day that is not one is refused."""
    with transaction.atomic():
        _lock(company)
        require(actor, Verb.SET_CALENDAR, company_id=company.pk, what=WHAT)
        deleted, _ = Holiday.objects.filter(company=company, day=day).delete()
        if not deleted:
            raise Refusal("holidays.not_a_holiday", day=day)
        audit_record(
            action="holidays.remove",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"removed": [day.isoformat()]},
        )
    return HolidaysChanged(removed=[day])


def holidays_import(*, actor: Any, company: Company, path: Path) -> HolidaysChanged:
    """The days of a CSV file (`date` YYYY-MM-DD, optional `name`), all or nothing: any bad row
    and nothing is written (every error names its row and column). Days already there take the
    file's name; days not in the file stay."""
    require(actor, Verb.SET_CALENDAR, company_id=company.pk, what=WHAT)  # before the file
    days = read_holidays_file(path)
    return _set(actor, company, days, action="holidays.import", detail={"file": path.name})


def holidays_add_defaults(*, actor: Any, company: Company, year: int) -> HolidaysChanged:
    """The public holidays of the company's jurisdiction in `year` (the `holidays` package),
    added beside its own days; a day it already has keeps its name."""
    require(actor, Verb.SET_CALENDAR, company_id=company.pk, what=WHAT)
    days = default_holidays(company.jurisdiction, year)
    have = set(
        Holiday.objects.filter(company=company, day__in=list(days)).values_list("day", flat=True)
    )
    return _set(
        actor,
        company,
        {d: n for d, n in days.items() if d not in have},
        action="holidays.add_defaults",
        detail={"jurisdiction": company.jurisdiction, "year": year},
        kept=sorted(have),
    )


def _set(
    actor: Any,
    company: Company,
    days: Mapping[date, str],
    *,
    action: str,
    detail: dict[str, Any] | None = None,
    kept: list[date] | None = None,
) -> HolidaysChanged:
    with transaction.atomic():
        _lock(company)
        require(actor, Verb.SET_CALENDAR, company_id=company.pk, what=WHAT)
        stored = {h.day: h for h in Holiday.objects.filter(company=company, day__in=list(days))}
        created = [d for d in sorted(days) if d not in stored]
        renamed = [d for d in sorted(days) if d in stored and stored[d].name != days[d]]
        unchanged = sorted([*(d for d in days if d in stored and d not in renamed), *(kept or [])])
        Holiday.objects.bulk_create(Holiday(company=company, day=d, name=days[d]) for d in created)
        for d in renamed:
            stored[d].name = days[d]
        Holiday.objects.bulk_update([stored[d] for d in renamed], ["name"])
        if created or renamed or action == "holidays.import":  # an import is recorded anyway
            audit_record(
                action=action,
                actor=actor,
                object_type="company",
                object_id=company.pk,
                detail={
                    **(detail or {}),
                    "created": [d.isoformat() for d in created],
                    "renamed": [d.isoformat() for d in renamed],
                    "unchanged": len(unchanged),
                },
            )
    return HolidaysChanged(created=created, renamed=renamed, unchanged=unchanged)


def _lock(company: Company) -> None:
    """One change of a company's calendar at a time (the second waits, then sees the first)."""
    Company.objects.select_for_update().filter(pk=company.pk).first()


def _name(text: str) -> str:
    name = text.strip()
    if len(name) > MAX_NAME:
        raise Refusal("holidays.name_too_long", most=MAX_NAME)
    code = first_control(name)
    if code is not None:
        raise Refusal("holidays.control_in_name", code=code)
    return name


class HolidaysFileRejected(Refusal):
    """The file is refused whole: `errors` name each bad row and column."""


def read_holidays_file(path: Path) -> dict[date, str]:
    """The days of a holidays CSV file (UTF-8, a header row `date[,name]`), or
    `HolidaysFileRejected` with every error (the first 50) by row and column."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HolidaysFileRejected("holidays.file_not_utf8", file=path.name) from None
    except OSError as e:
        raise HolidaysFileRejected(
            "holidays.file_unreadable", file=path.name, problem=str(e)
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [c.strip() for c in rows[0]] if rows else []
    if not header or "date" not in header:
        raise HolidaysFileRejected("holidays.file_header", file=path.name)
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise HolidaysFileRejected("holidays.file_column", file=path.name, column=unknown[0])
    errors: list[str] = []
    days: dict[date, str] = {}
    at = {c: header.index(c) for c in header}
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(f"row {n}: {len(row)} fields, the header has {len(header)}")
            continue
        cell = row[at["date"]].strip()
        try:
            day = parse_date(cell)
        except ValueError as e:
            errors.append(f"row {n}, date: {e}")
            continue
        if day in days:
            errors.append(f"row {n}, date: {day} is in the file twice")
            continue
        try:
            days[day] = _name(row[at["name"]]) if "name" in at else ""
        except Refusal as e:
            errors.append(f"row {n}, name: {e}")
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f"; and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        raise HolidaysFileRejected(
            "holidays.file_rejected", file=path.name, errors="; ".join(shown) + more
        )
    if not days:
        raise HolidaysFileRejected("holidays.file_empty", file=path.name)
    return days
