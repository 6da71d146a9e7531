"""`arrears kpis`: the figures that say whether collection works, on screen, as CSV files, as
an XLSX workbook and as a chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.reports.charts import ChartError, write_chart
from arrears.apps.reports.exports import write_rows_csv, write_sheets_xlsx
from arrears.apps.reports.kpis import MONTHS, kpi_report
from arrears.apps.reports.presentation import (
    csv_rows,
    heading,
    months_of,
    render,
    sheet,
    tables,
)

MAX_MONTHS = 120


def months_arg(text: str) -> int:
    import argparse

    try:
        return months_of(text, MAX_MONTHS)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


class Command(PersonCommand):
    help = "Show the collection figures: DSO, CEI, ageing over time, roll and cure rates, promises kept, expected cash, per collector, collectability."

    def add_arguments(self, parser: Any) -> None:
        add_company_option(parser)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (today)")
        parser.add_argument(
            "--months", type=months_arg, default=MONTHS, help=f"months back (default {MONTHS})"
        )
        parser.add_argument(
            "--csv", metavar="FOLDER", help="also write each table as FOLDER/NAME.csv"
        )
        parser.add_argument(
            "--xlsx", metavar="FILE", help="also write every table into one workbook"
        )
        parser.add_argument("--chart", metavar="FILE", help="also draw the charts (.png or .svg)")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        as_of = o["as_of"] or timezone.localdate()
        report = kpi_report(actor=person, company=company, as_of=as_of, months=o["months"])
        shown = tables(report)
        try:
            if o["csv"]:
                folder = Path(o["csv"])
                folder.mkdir(parents=True, exist_ok=True)
                for t in shown:
                    write_rows_csv(t.header, csv_rows(t), folder / f"{t.name}.csv")
            if o["xlsx"]:
                write_sheets_xlsx([sheet(t) for t in shown], o["xlsx"])
            if o["chart"]:
                write_chart(report, o["chart"])
        except (ChartError, ValueError, OSError) as e:  # a wrong file kind, unwritable place
            raise CommandError(str(e)) from None
        self.stdout.write("\n\n".join([heading(report), *map(render, shown)]))
