"""Shared bits for the management commands: dates and company options, clean errors."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.ledger.models import Company
from arrears.apps.ledger.selectors import CompanyNotFound, company_resolve
from arrears.domain.dates import parse_date


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD, strictly (`arrears.domain.dates.parse_date`)."""
    try:
        return parse_date(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


NO_VALUE = "--{option}=--: '--' alone is not a value"


def option_lists(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The options whose value is a list (repeated: `action="append"`)."""
    return frozenset(a.dest for a in parser._actions if isinstance(a, argparse._AppendAction))


def refuse_empty_values(options: dict[str, Any], lists: frozenset[str]) -> None:
    """argparse reads `--reason=--` as an empty list instead of the text '--' (it drops the
    '--' as the end of options): refuse it rather than pass a list where text is expected."""
    for dest, value in options.items():
        values = value if dest in lists and isinstance(value, list) else [value]
        if any(isinstance(v, list) for v in values):
            raise CommandError(NO_VALUE.format(option=dest.replace("_", "-")))


def add_company_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--company", help="company code (default: the only company)")


def company_option(code: str | None) -> Company:
    try:
        return company_resolve(code)
    except CompanyNotFound as e:
        raise CommandError(str(e)) from None
