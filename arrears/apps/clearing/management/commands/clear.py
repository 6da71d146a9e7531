"""`arrears clear FILE`: the multilateral clearing of an obligations file (who owes whom)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.clearing.obligations import clearing_propose
from arrears.apps.clearing.presentation import FIRM_HEADER, clearing_summary, firm_rows
from arrears.apps.common.cli import PersonCommand, add_company_option, no_such_file_words
from arrears.apps.ledger.imports import ImportRejected
from arrears.apps.reports.exports import write_rows_csv


class Command(PersonCommand):
    help = "Clear chains of debt in an obligations file (debtor, creditor, amount, currency): the most debt removed, no firm's net position changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV or XLSX: debtor, creditor, amount, currency")
        add_company_option(parser)
        parser.add_argument("--csv", metavar="FILE", help="also write the per-firm table")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(no_such_file_words(path))
        try:
            proposal = clearing_propose(actor=person, company=company, path=path)
        except ImportRejected as e:  # every bad row, named
            raise CommandError(str(e)) from None
        if o["csv"]:
            try:
                write_rows_csv(FIRM_HEADER, firm_rows(proposal), o["csv"])
            except OSError as e:
                raise CommandError(str(e)) from None
        self.stdout.write(clearing_summary(proposal))
