"""`arrears fees export FILE.csv|FILE.xlsx [--as-of DAY]` (or `--csv FILE`, `--xlsx FILE`): the
fees and interest claimed per item, for the ERP to book; each line exported once, marked
(`reports.fee_export`, docs/fees-and-limitation.md). A credit manager's, like the set-off
export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.cli import add_day_option, day
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.presentation import (
    FEE_ACTIONS_WORDS,
    fees_exported_words,
    interest_not_exported_words,
)
from arrears.apps.reports.fee_export import fees_export
from arrears.words import say as say_refusal


class Command(PersonCommand):
    help = "Export the fees and interest claimed per item for the ERP (each line once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["export"])
        parser.add_argument("file", nargs="?", type=Path, help="FILE.csv or FILE.xlsx")
        parser.add_argument("--csv", type=Path, help="the CSV file to write")
        parser.add_argument("--xlsx", type=Path, help="the XLSX file to write")
        add_day_option(parser, "the interest is to this day")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        path = o["csv"] or o["xlsx"] or o["file"]
        if path is None:
            raise CommandError(FEE_ACTIONS_WORDS["export"])
        fmt = "csv" if o["csv"] else "xlsx" if o["xlsx"] else None
        done = fees_export(actor=person, company=company, path=path, as_of=day(o), fmt=fmt)
        self.stdout.write(fees_exported_words(done.lines, path))
        if done.missing is not None:
            self.stdout.write(
                interest_not_exported_words(done.without_interest, say_refusal(done.missing))
            )
