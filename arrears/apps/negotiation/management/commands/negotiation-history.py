"""`arrears negotiation-history DEBTOR [--as-of DATE] [--csv]`: the case's whole negotiation,
in order (as it stood at the end of the as-of day)."""

from __future__ import annotations

from typing import Any

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.negotiation.cli import case_of
from arrears.apps.negotiation.presentation import history_row_words, negotiation_csv
from arrears.apps.negotiation.selectors import negotiation_rows


class Command(PersonCommand):
    help = "Print a case's negotiation history (proposals, counters, approvals), or as CSV."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor")
        parser.add_argument("--currency")
        parser.add_argument("--csv", action="store_true", help="CSV on standard output")
        parser.add_argument(
            "--as-of", type=iso_date, default=None, help="YYYY-MM-DD: the history up to that day"
        )
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        case = case_of(self.company_for(person, o), o)
        rows = negotiation_rows(actor=person, case=case, as_of=o["as_of"])
        if o["csv"]:
            self.stdout.write(negotiation_csv(rows), ending="")
            return
        for r in rows:
            self.stdout.write(history_row_words(r))
