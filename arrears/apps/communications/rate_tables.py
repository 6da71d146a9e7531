"""Reference-rate tables a person imports (rules 9 and 12; docs/interest-rates.md): a newer
table of a rate the regimes read (the ECB's, the Bundesbank's base rate, Bank Rate, China's
LPR), without a code change: `arrears rates import FILE`, a credit manager's or an
administrator's, audited.

All or nothing: the file is read and checked whole first (its format, line by line, as the
shipped tables are read; a series a regime reads; it covers at least the days the table in use
covers, from the same first day), and only then written into the rates folder
(`selectors.rate_tables_folder`) as `<series>.csv`, replacing the file of that series at once
(a new file moved over the old one). The same table again changes nothing and records nothing.
The tables end where their sources' published data ends: arrears never extends one by itself.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.communications.selectors import rate_table_files, rate_tables_folder
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.interest import RateTable, rate_table_from_text, shipped_tables
from arrears.domain.refusal import Refusal


@dataclass(frozen=True)
class TableLine:
    """A reference-rate table as a person reads it: where it comes from and what it covers."""

    series: str
    name: str
    source: str
    first: date
    covers_until: date
    rates: int
    file: str  # the file in the rates folder that replaces the shipped table ("": shipped)


@dataclass(frozen=True)
class Imported:
    table: TableLine
    changed: bool  # False: the same table was in use already (nothing written)


def _line(table: RateTable, file: str) -> TableLine:
    return TableLine(
        table.series,
        table.name,
        table.source,
        table.changes[0][0],
        table.covers_until,
        len(table.changes),
        file,
    )


def _in_use() -> tuple[dict[str, TableLine], list[tuple[Path, Refusal]]]:
    """The tables in use by series (a good file of the folder over the shipped one), and the
    folder's files that are refused (which `rate_tables` would refuse to read past)."""
    found = {s: _line(t, "") for s, t in shipped_tables().items()}
    bad: list[tuple[Path, Refusal]] = []
    for path, table in rate_table_files():
        if isinstance(table, Refusal):
            bad.append((path, table))
        else:
            found[table.series] = _line(table, str(path))
    return found, bad


def rate_tables_list(*, actor: Any, company: Company) -> tuple[list[TableLine], list[Any]]:
    """The tables letters use, by series, and the folder's files refused (path, refusal), for
    any member of the company (`arrears rates list`)."""
    require(actor, Verb.READ, company_id=company.pk)
    found, bad = _in_use()
    return [found[s] for s in sorted(found)], bad


def rate_table_import(*, actor: Any, company: Company, path: Path) -> Imported:
    """Check the table in `path` whole and put it in use (see the module); refused in words
    naming the file and the line, writing nothing."""
    require(actor, Verb.SET_RATES, company_id=company.pk, what="import a reference-rate table")
    origin = path.name
    try:
        data = path.read_bytes()
    except OSError as e:
        raise Refusal("interest.table_unreadable", origin=str(path), why=e.strerror or e) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refusal("interest.table_encoding", origin=origin) from None
    table = rate_table_from_text(text, origin=origin)
    found, _ = _in_use()
    known = shipped_tables()
    if table.series not in known:
        raise Refusal(
            "interest.table_series",
            origin=origin,
            series=table.series,
            known=", ".join(sorted(known)),
        )
    now = found[table.series]
    if table.covers_until < now.covers_until:
        raise Refusal(
            "interest.table_covers_less",
            origin=origin,
            series=table.series,
            covers_until=table.covers_until,
            in_use=now.covers_until,
        )
    if table.changes[0][0] > now.first:
        raise Refusal(
            "interest.table_starts_later",
            origin=origin,
            first=table.changes[0][0],
            in_use=now.first,
        )
    folder = rate_tables_folder()
    target = folder / f"{table.series}.csv"
    body = text if text.endswith("\n") else text + "\n"
    if target.is_file() and target.read_bytes() == body.encode("utf-8"):
        return Imported(_line(table, str(target)), changed=False)
    with transaction.atomic():
        audit_record(
            action="interest.rates_imported",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={
                "series": table.series,
                "file": origin,
                "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
                "first": table.changes[0][0].isoformat(),
                "covers_until": table.covers_until.isoformat(),
                "rates": len(table.changes),
                "before_covers_until": now.covers_until.isoformat(),
            },
        )
        _write(target, body)  # last: a failed write leaves no audit record either
    return Imported(_line(table, str(target)), changed=True)


def _write(target: Path, body: str) -> None:
    """The file in place at once: written beside it, then moved over it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        part.write_text(body, encoding="utf-8")
        os.replace(part, target)
    except OSError as e:
        raise Refusal(
            "interest.table_unwritable", origin=str(target), why=e.strerror or e
        ) from None
