"""`arrears worklist`: today's and overdue actions, highest priority first, with their reasons."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.cases.worklist import worklist
from arrears.apps.clearing.presentation import setoff_mark
from arrears.apps.clearing.selectors import setoff_marks
from arrears.apps.common.cli import PersonCommand, add_company_option, company_option, iso_date
from arrears.apps.communications.presentation import outbox_line
from arrears.apps.communications.selectors import outbox_list
from arrears.apps.reports.presentation import worklist_title
from arrears.apps.reports.worklist_exports import render_table, write_csv, write_xlsx
from arrears.domain.ladder import Channel
from arrears.domain.scoring import BUCKET_CODES


class Command(PersonCommand):
    help = "Show your worklist (or a collector's, or your team's): what to do today, in order."

    def add_arguments(self, parser: Any) -> None:
        add_company_option(parser)
        whose = parser.add_mutually_exclusive_group()
        whose.add_argument("--for", dest="owner", metavar="USERNAME", help="a collector's list")
        whose.add_argument("--team", action="store_true", help="the people who report to you")
        parser.add_argument("--on", type=iso_date, default=None, help="YYYY-MM-DD (today)")
        parser.add_argument("--channel", help=", ".join(Channel))
        parser.add_argument("--step", help="a ladder step or desk action code, e.g. call")
        parser.add_argument("--bucket", help="days overdue: " + ", ".join(BUCKET_CODES))
        parser.add_argument("--currency", help="the cases' currency, e.g. EUR")
        parser.add_argument("--csv", metavar="FILE", help="also write the list as CSV")
        parser.add_argument("--xlsx", metavar="FILE", help="also write the list as XLSX")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = company_option(o["company"], person)  # only theirs are named
        on = o["on"] or timezone.localdate()
        filters = {k: o[k] for k in ("owner", "team", "channel", "step", "bucket", "currency")}
        lines = worklist(actor=person, company_id=company.pk, on=on, **filters)
        try:
            if o["csv"]:
                write_csv(lines, o["csv"])
            if o["xlsx"]:
                write_xlsx(lines, o["xlsx"])
        except (ValueError, OSError) as e:  # too many rows for a sheet, unwritable file
            raise CommandError(str(e)) from None
        title = worklist_title(
            company=company.code, on=on, count=len(lines), owner=o["owner"], team=o["team"]
        )
        marks = (
            {  # rule 11: a set-off possible or pending on the line's case
                k: setoff_mark(state)
                for k, state in setoff_marks(actor=person, company=company, as_of=on).items()
            }
            if lines
            else {}
        )
        self.stdout.write(render_table(lines, title=title, marks=marks) if lines else title)
        if not (o["owner"] or o["team"]):
            settle = [
                m
                for state in ("failed", "uncertain")
                for m in outbox_list(actor=person, company=company, state=state)
            ]
            if settle:  # the outbox could not send these: a person settles each
                # names the terminal command that settles them: the terminal's words
                self.stdout.write(f"messages to settle ({len(settle)}): `arrears outbox`")
                for m in settle:
                    self.stdout.write(f"  {outbox_line(m)}")
