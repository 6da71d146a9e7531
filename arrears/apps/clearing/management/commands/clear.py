"""`arrears clear FILE`: the multilateral clearing of an obligations file (who owes whom)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.accounts.access import companies_of
from arrears.apps.clearing.obligations import (
    ClearingProposal,
    clearing_from_ledgers,
    clearing_propose,
    ledgers_currency,
)
from arrears.apps.clearing.presentation import (
    FILE_OR_LEDGERS,
    FIRM_HEADER,
    OBLIGATION_HEADER,
    PROPOSAL_SHEETS,
    clearing_summary,
    firm_rows,
    obligation_rows,
)
from arrears.apps.common.cli import (
    PersonCommand,
    add_company_option,
    company_option,
    no_such_file_words,
)
from arrears.apps.ledger.imports import ImportRejected
from arrears.apps.ledger.models import Company
from arrears.apps.reports.exports import Sheet, number_format, write_rows_csv, write_sheets_xlsx


class Command(PersonCommand):
    help = "Clear chains of debt in an obligations file (debtor, creditor, amount, currency): the most debt removed, no firm's net position changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", nargs="?", help="CSV or XLSX: debtor, creditor, amount, currency"
        )
        add_company_option(parser)
        parser.add_argument("--csv", metavar="FILE", help="also write the per-firm table")
        parser.add_argument(
            "--proposal",
            metavar="FILE",
            help="also write the proposal to send, per obligation: before, cleared, after (CSV)",
        )
        parser.add_argument(
            "--xlsx", metavar="FILE", help="also write the proposal and the per-firm table"
        )
        parser.add_argument(
            "--from-ledgers",
            action="store_true",
            help="instead of a file: what the debtors and the companies arrears holds owe each "
            "other (open receivables and payables; debtors matched by VAT/registration number)",
        )
        parser.add_argument(
            "--companies", help="with --from-ledgers: company codes, comma-separated (all yours)"
        )
        parser.add_argument("--currency", help="with --from-ledgers: the one currency cleared")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        if o["from_ledgers"]:
            if o["file"]:
                raise CommandError(FILE_OR_LEDGERS)
            self._write(o, self._from_ledgers(person, o))
            return
        if not o["file"]:
            raise CommandError(FILE_OR_LEDGERS)
        company = self.company_for(person, o)
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(no_such_file_words(path))
        try:
            proposal = clearing_propose(actor=person, company=company, path=path)
        except ImportRejected as e:  # every bad row, named
            raise CommandError(str(e)) from None
        self._write(o, proposal)

    def _from_ledgers(self, person: Any, o: dict[str, Any]) -> ClearingProposal:
        mine = companies_of(person)
        if o["companies"]:
            codes = [c.strip() for c in o["companies"].split(",") if c.strip()]
            companies = [company_option(code, person) for code in codes]  # only theirs named
        else:
            companies = list(Company.objects.filter(pk__in=mine).order_by("code"))
        currency = o["currency"] or ledgers_currency(companies)
        return clearing_from_ledgers(actor=person, companies=companies, currency=currency.upper())

    def _write(self, o: dict[str, Any], proposal: ClearingProposal) -> None:
        firms, obligations = firm_rows(proposal), obligation_rows(proposal)
        money = number_format(proposal.currency)
        try:
            if o["csv"]:
                write_rows_csv(FIRM_HEADER, firms, o["csv"])
            if o["proposal"]:
                write_rows_csv(OBLIGATION_HEADER, obligations, o["proposal"])
            if o["xlsx"]:
                sheets = [
                    Sheet(PROPOSAL_SHEETS[0], OBLIGATION_HEADER, obligations,
                          {i: [money] * len(obligations) for i in (3, 4, 5)}),
                    Sheet(PROPOSAL_SHEETS[1], FIRM_HEADER, firms,
                          {i: [money] * len(firms) for i in range(1, len(FIRM_HEADER))}),
                ]  # fmt: skip
                write_sheets_xlsx(sheets, o["xlsx"])
        except (OSError, ValueError) as e:  # a folder not there; too many rows for a sheet
            raise CommandError(str(e)) from None
        self.stdout.write(clearing_summary(proposal))
