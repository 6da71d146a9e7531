"""`arrears statement DEBTOR`: the debtor's statement of account, as a PDF or an XLSX file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arrears.apps.common.cli import PersonCommand, add_company_option, file_written_words, iso_date
from arrears.apps.common.clock import today
from arrears.apps.common.files import write_file
from arrears.apps.communications.pdf import statement_pdf
from arrears.apps.communications.presentation import statement_written_words
from arrears.apps.communications.statements import debtor_statement, statement_xlsx


class Command(PersonCommand):
    help = "Write a debtor's statement of account (open items, interest, payments) as PDF/XLSX."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", help="the debtor's code")
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--pdf", type=Path, help="write the statement as a PDF to this file")
        parser.add_argument("--xlsx", type=Path, help="write it as an XLSX workbook to this file")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        found = debtor_statement(
            actor=person, company=company, debtor_code=o["debtor"], as_of=o["as_of"] or today()
        )
        st = found.statement
        self.stdout.write(
            statement_written_words(found.debtor_code, st.as_of, len(st.items), len(st.totals))
        )
        for path, data in (
            (o["pdf"], statement_pdf(found) if o["pdf"] else b""),
            (o["xlsx"], statement_xlsx(found) if o["xlsx"] else b""),
        ):
            if path is not None:
                write_file(path, data)
                self.stdout.write(file_written_words(path, len(data)))
