"""Shared bits for the management commands: dates and company options, clean errors."""

from __future__ import annotations

import argparse
from datetime import date

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


def add_company_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--company", help="company code (default: the only company)")


def company_option(code: str | None) -> Company:
    try:
        return company_resolve(code)
    except CompanyNotFound as e:
        raise CommandError(str(e)) from None
