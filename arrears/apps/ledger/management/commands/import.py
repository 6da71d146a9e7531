"""`arrears import {debtors,items,payments,rates,holidays} FILE`: mirror the ERP's file (or load
the exchange rates, or the company's holidays), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.presentation import holidays_changed_lines
from arrears.apps.cases.services.holidays import holidays_import
from arrears.apps.common.cli import PersonCommand, add_company_option, no_such_file_words
from arrears.apps.common.progress import Progress
from arrears.apps.ledger.imports import KINDS, ImportRejected, import_file
from arrears.apps.ledger.presentation import import_summary_words

HOLIDAYS = "holidays"  # date,name: days the company does not work (`arrears holidays`)


class Command(PersonCommand):
    help = (
        "Import debtors, items, payments or exchange rates from a CSV or XLSX file, or the "
        "company's holidays from a CSV file (all or nothing)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=[*KINDS, HOLIDAYS])
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
            raise CommandError(no_such_file_words(o["file"]))
        if o["kind"] == HOLIDAYS:  # the company's calendar (cases), not the ERP's ledger
            changed = holidays_import(actor=person, company=company, path=o["file"])
            for line in holidays_changed_lines(changed):
                self.stdout.write(line)
            return
        shown = Progress(self.stderr)  # on a terminal only
        shown.step(f"importing {o['kind']} from {o['file'].name}")
        try:
            summary = import_file(
                company=company,
                actor=person,
                kind=o["kind"],
                path=o["file"],
                progress=lambda done, total: shown.count(done, total, "rows written"),
                complete=o["complete"],
            )
        except ImportRejected as e:
            raise CommandError(f"{o['file']}: {e}", returncode=1) from None
        except ValueError as e:
            raise CommandError(str(e)) from None
        finally:
            shown.end()
        self.stdout.write(import_summary_words(summary))
