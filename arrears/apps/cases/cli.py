"""Command-line helpers for the cases commands: action numbers and the day of a record."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from arrears.apps.cases.services import actions
from arrears.apps.common.cli import iso_date

ASSIGN_USAGE = (
    "say whom to assign: `arrears assign DEBTOR --to USER --reason ...` for one debtor, or "
    "`arrears assign --unowned [--rule round-robin|country|segment] --reason ...` for every "
    "debtor without an owner"
)


def action_id(text: str) -> int:
    """argparse type for an action's number as explain shows it (A12) or bare (12)."""
    digits = text[1:] if text[:1] in ("A", "a") else text
    if not (digits.isascii() and digits.isdigit()):  # not another script's digits, nor '²'
        raise argparse.ArgumentTypeError(f"{text!r} is not an action number (A12 or 12)")
    return int(digits)


def add_day_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--as-of", type=iso_date, help=f"{what} (default: today)")


def day(o: dict[str, Any]) -> date:
    """The --as-of day, or today."""
    got = o.get("as_of")
    return got if isinstance(got, date) else actions.today()
