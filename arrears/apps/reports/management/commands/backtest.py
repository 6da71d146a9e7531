"""`arrears backtest`: replay past days to see which ranking of the open cases finds the
money: the learned expected recovery, oldest first, largest first, the rule-based score."""

from __future__ import annotations

import argparse
from typing import Any

from django.utils import timezone

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.reports.backtest import EVERY, K, backtest
from arrears.apps.reports.presentation import backtest_lines


def count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError("a whole number from 1 to 10000")
    return int(text)


class Command(PersonCommand):
    help = "Replay past days: does ranking by expected recovery find more money than oldest-first, largest-first and the rule-based score?"

    def add_arguments(self, parser: Any) -> None:
        add_company_option(parser)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (today)")
        parser.add_argument("--from", dest="first", type=iso_date, help="the first day replayed")
        parser.add_argument("--split", type=iso_date, help="train up to it, judge after it")
        parser.add_argument(
            "--every", type=count, default=EVERY, help=f"days between (default {EVERY})"
        )
        parser.add_argument("--k", type=count, default=K, help=f"cases worked a day (default {K})")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        result = backtest(
            actor=person,
            company=company,
            as_of=o["as_of"] or timezone.localdate(),
            first=o["first"],
            split=o["split"],
            every=o["every"],
            k=o["k"],
        )
        self.stdout.write(backtest_lines(result))
