"""`arrears setoff show|propose|approve|refuse|list|export|booked`: where we also owe a
debtor, what could be set off, and the set-off's life from proposal to booking in the ERP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.clearing.models import SetOffState
from arrears.apps.clearing.presentation import record_line, setoff_lines, setoffs_written_words
from arrears.apps.clearing.selectors import setoff_proposals, setoffs_list
from arrears.apps.clearing.services import (
    setoff_book,
    setoff_decide,
    setoff_export,
    setoff_propose,
)
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date


def setoff_id(text: str) -> int:
    import argparse

    digits = text.removeprefix("S").removeprefix("s")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise argparse.ArgumentTypeError(f"{text!r} is not a set-off number (e.g. S12)")
    return int(digits)


class Command(PersonCommand):
    help = "Set-off with debtors who are also our suppliers: show, propose, approve or refuse, list, export for the ERP, mark booked."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        show = sub.add_parser("show", help="what could be set off now (all debtors, or one)")
        show.add_argument("debtor", nargs="?")
        propose = sub.add_parser("propose", help="record one debtor's set-off for approval")
        propose.add_argument("debtor")
        propose.add_argument("--currency", help="when the debtor has set-offs in several")
        approve = sub.add_parser("approve", help="a credit manager (not the proposer)")
        approve.add_argument("id", type=setoff_id)
        refuse = sub.add_parser("refuse", help="a credit manager, saying why")
        refuse.add_argument("id", type=setoff_id)
        refuse.add_argument("--reason", required=True)
        listing = sub.add_parser("list", help="recorded set-offs, newest first")
        listing.add_argument("--state", choices=SetOffState.values)
        export = sub.add_parser("export", help="approved set-offs into a CSV for the ERP (once)")
        export.add_argument("file")
        booked = sub.add_parser("booked", help="the ERP booked an exported set-off")
        booked.add_argument("id", type=setoff_id)
        for p in (show, propose, approve, refuse, listing, export, booked):
            add_company_option(p)
            p.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (today)")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        on = o["as_of"] or timezone.localdate()
        verb = o["verb"]
        if verb == "show":
            found = setoff_proposals(
                actor=person, company=company, as_of=on, debtor_code=o["debtor"]
            )
            self.stdout.write(setoff_lines(found, company=company.code, as_of=on.isoformat()))
        elif verb == "propose":
            made = setoff_propose(
                actor=person,
                company=company,
                debtor_code=o["debtor"],
                as_of=on,
                currency=o["currency"],
            )
            self.stdout.write(record_line(made))
        elif verb in ("approve", "refuse"):
            decided = setoff_decide(
                actor=person,
                setoff_id=o["id"],
                approve=verb == "approve",
                on=on,
                reason=o.get("reason") or "",
            )
            self.stdout.write(record_line(decided))
        elif verb == "list":
            states = (o["state"],) if o["state"] else ()
            rows = setoffs_list(actor=person, company=company, states=states)
            self.stdout.write("\n".join(map(record_line, rows)) or "no set-off recorded")
        elif verb == "export":
            try:
                n = setoff_export(actor=person, company=company, path=Path(o["file"]), on=on)
            except OSError as e:
                raise CommandError(str(e)) from None
            self.stdout.write(setoffs_written_words(n, o["file"]))
        else:
            self.stdout.write(record_line(setoff_book(actor=person, setoff_id=o["id"], on=on)))
