"""`arrears import {debtors,items,payments} FILE`: mirror the ERP's file, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.ledger.imports import ImportRejected, import_file
from arrears.apps.ledger.models import ImportKind

LARGE = 100_000  # files with at least this many rows to write get progress lines


class Command(PersonCommand):
    help = "Import debtors, items or payments from a CSV (UTF-8) or XLSX file (all or nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--complete",
            action="store_true",
            help="items: the file lists every open item; close open items missing from it",
        )
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if not o["file"].is_file():
            raise CommandError(f"no such file: {o['file']}")
        try:
            summary = import_file(
                company=company,
                actor=person,
                kind=o["kind"],
                path=o["file"],
                progress=self._progress,
                complete=o["complete"],
            )
        except ImportRejected as e:
            raise CommandError(f"{o['file']}: {e}", returncode=1) from None
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(str(summary))

    def _progress(self, done: int, total: int) -> None:
        if total < LARGE:
            return
        if done == 0:
            self.stderr.write(f"file validated; {total:,} rows to write")
        else:
            self.stderr.write(f"written {done:,} / {total:,} rows")
