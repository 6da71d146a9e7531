"""`import_file`: one file in, all or nothing, recorded as an `ImportBatch` and an audit event."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.common.bulk import LARGE_WRITE, statistics_refresh
from arrears.apps.ledger.imports.debtors import import_debtors
from arrears.apps.ledger.imports.items import import_items
from arrears.apps.ledger.imports.payables import import_payables
from arrears.apps.ledger.imports.payments import import_payments
from arrears.apps.ledger.imports.rates import import_rates
from arrears.apps.ledger.imports.read import Table, read_table
from arrears.apps.ledger.imports.upsert import ImportSummary, Progress
from arrears.apps.ledger.models import Company, ImportBatch, ImportKind
from arrears.domain.access import Verb

UNKNOWN_KIND = "unknown kind of file {kind!r}: use debtors, items, payments, payables or rates"
RATES = "rates"  # exchange rates: recorded by their audit event (ImportBatch's kinds are the ERP's)
COMPLETE_ITEMS_ONLY = "--complete applies to items files only"

Importer = Callable[..., ImportSummary]
# The tables each kind of file writes in bulk: their planner statistics are refreshed after a
# large import (`bulk.statistics_refresh`).
_TABLES: dict[str, tuple[str, ...]] = {
    ImportKind.DEBTORS: ("ledger_debtor", "ledger_contact"),
    ImportKind.ITEMS: ("ledger_openitem",),
    ImportKind.PAYMENTS: ("ledger_payment", "ledger_allocation", "ledger_openitem"),
}
_IMPORTERS: dict[str, Importer] = {
    ImportKind.DEBTORS: import_debtors,
    ImportKind.ITEMS: import_items,
    ImportKind.PAYMENTS: import_payments,
    ImportKind.PAYABLES: import_payables,
    RATES: import_rates,
}
KINDS = tuple(_IMPORTERS)


def import_file(
    *,
    actor: Any,
    company: Company,
    kind: str,
    path: Path,
    progress: Progress | None = None,
    complete: bool = False,
) -> ImportSummary:
    """Import a debtors, items, payments, payables or exchange rates file (CSV or XLSX) for `company`,
    as its administrator (`NotAllowed` for anyone else, writing nothing).

    Raises `ImportRejected` (every error with row and column) and writes nothing if any row
    is wrong. `progress(done, total)` is called with (0, total) once the file is validated,
    then as rows are written, every 100,000 rows. `complete` (items only): the file is the
    ERP's full list of open items, and open items missing from it are closed.
    """
    # Asked first: the answer is the person's role in the company, which no lock below guards,
    # and a refused person's file is not even read.
    require(actor, Verb.ADMINISTER, company_id=company.pk, what="import the ledger")
    importer = _IMPORTERS.get(kind)
    if importer is None:
        raise ValueError(UNKNOWN_KIND.format(kind=kind))
    if complete and kind != ImportKind.ITEMS:
        raise ValueError(COMPLETE_ITEMS_ONLY)
    table: Table = read_table(path)
    with transaction.atomic():
        # One import per company at a time: a second waits here rather than racing the diff.
        Company.objects.select_for_update().filter(pk=company.pk).first()
        extra = {"complete": True} if complete else {}
        summary = importer(table, company=company, progress=progress, **extra)
        _record(company=company, path=path, summary=summary, actor=actor)
    if summary.created + summary.updated + summary.closed >= LARGE_WRITE:
        statistics_refresh(_TABLES.get(kind, ()))
    return summary


class _Checked(Exception):
    """Raised by `import_check`'s progress hook where the first write would begin."""


def _stop_before_writing(done: int, total: int) -> None:
    raise _Checked


def import_check(
    *, actor: Any, company: Company, kind: str, path: Path, complete: bool = False
) -> None:
    """Check a file as `import_file` would, writing nothing: who may, every row validated and
    compared with the ledger (`ImportRejected`, every error with row and column, as the import
    says them), then stop where the first row would be written (each importer reports
    progress (0, total) there). A large file's preview: writing it all only to roll it back
    took most of its time."""
    try:
        with transaction.atomic():
            import_file(
                actor=actor,
                company=company,
                kind=kind,
                path=path,
                complete=complete,
                progress=_stop_before_writing,
            )
            raise _Checked  # an importer that wrote without saying: rolled back all the same
    except _Checked:
        return


def _record(*, company: Company, path: Path, summary: ImportSummary, actor: Any) -> None:
    detail = {**asdict(summary), "company": company.code, "filename": path.name[:255]}
    if summary.kind == RATES:
        detail["sha256"] = _sha256(path)
        audit_record(
            action="import.rates",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail=detail,
        )
        return
    batch = ImportBatch.objects.create(
        company=company,
        kind=summary.kind,
        filename=path.name[:255],
        sha256=_sha256(path),
        rows=summary.rows,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        changes=summary.changes,
        actor=actor,
    )
    audit_record(
        action=f"import.{summary.kind}",
        actor=actor,
        object_type="importbatch",
        object_id=batch.pk,
        detail=detail,
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
