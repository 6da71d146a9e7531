"""`arrears ageing`: open balances by age bucket, on screen and as CSV or XLSX."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.reports.exports import About, render_table, write_csv, write_xlsx
from arrears.apps.reports.presentation import ageing_title
from arrears.apps.reports.selectors import ageing_report
from arrears.domain.ageing import DEFAULT_BUCKETS, DIMENSIONS, AgeingError, Buckets, ageing_top


def buckets_arg(text: str) -> Buckets:
    """argparse type for '0,30,60,90'."""
    try:
        return Buckets.parse(text)
    except AgeingError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


class Command(PersonCommand):
    help = "Show open balances per age bucket, by debtor, owner and/or currency."

    def add_arguments(self, parser: Any) -> None:
        add_company_option(parser)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--by", nargs="+", action="extend", choices=DIMENSIONS, help="default: debtor"
        )
        parser.add_argument(
            "--buckets",
            type=buckets_arg,
            default=DEFAULT_BUCKETS,
            help="upper ends in days past due, e.g. 0,30,60,90 (default 0,30,60,90,180,365)",
        )
        parser.add_argument(
            "--in-company-currency",
            action="store_true",
            help="convert every amount at the latest rate on the as-of date",
        )
        parser.add_argument("--csv", metavar="FILE", help="also write the report as CSV")
        parser.add_argument("--xlsx", metavar="FILE", help="also write the report as XLSX")
        parser.add_argument("--top", type=int, metavar="N", help="the N largest per currency")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        as_of = o["as_of"] or timezone.localdate()
        by = list(dict.fromkeys(o["by"] or ["debtor"]))
        try:
            report = ageing_report(
                actor=person,
                company=company,
                as_of=as_of,
                buckets=o["buckets"],
                by=by,
                in_company_currency=o["in_company_currency"],
            )
            if o["top"] is not None:
                report = ageing_top(report, o["top"])
            about = About(
                company=company.code,
                company_name=company.name,
                as_of=as_of,
                by=by,
                currency=company.currency if o["in_company_currency"] else None,
            )
            if o["csv"]:
                write_csv(report, o["csv"], about=about)
            if o["xlsx"]:
                write_xlsx(report, o["xlsx"], about=about)
        except (ValueError, OSError) as e:  # bad spec, missing rate, unwritable file
            raise CommandError(str(e)) from None
        title = ageing_title(
            company=company.code,
            as_of=as_of,
            by=by,
            currency=company.currency if o["in_company_currency"] else None,
            empty=not report.height,
        )
        self.stdout.write(render_table(report, title=title) if report.height else title)
