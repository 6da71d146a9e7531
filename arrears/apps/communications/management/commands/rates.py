"""`arrears rates import FILE`, `arrears rates list`: the reference-rate tables late interest is
charged from (the ECB's rate, the Bundesbank's base rate, Bank Rate, China's LPR; not exchange
rates, which are `arrears rate`). A newer table is imported without a code change: checked
whole, all or nothing, the same table again changes nothing (a credit manager or an
administrator, audited): docs/interest-rates.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import PersonCommand, add_company_option, no_such_file_words
from arrears.apps.communications.presentation import rate_table_imported_words, rate_tables_words
from arrears.apps.communications.rate_tables import rate_table_import, rate_tables_list


class Command(PersonCommand):
    help = "Import a newer reference-rate table for late interest, or list the tables in use."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        put = sub.add_parser(
            "import", help="a table in the shipped format (docs/interest-rates.md)"
        )
        put.add_argument("file", type=Path)
        listing = sub.add_parser("list", help="each series: its source and the days it covers")
        for p in (put, listing):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "list":
            tables, refused = rate_tables_list(actor=person, company=company)
            self.stdout.write(rate_tables_words(tables, refused))
            return
        path = o["file"]
        if not path.is_file():
            raise CommandError(no_such_file_words(path))
        done = rate_table_import(actor=person, company=company, path=path)
        self.stdout.write(rate_table_imported_words(done))
