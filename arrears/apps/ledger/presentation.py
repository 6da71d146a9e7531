"""The words for the ledger: its refusals (an amount in a currency without an exchange rate)
and an exchange rate as a person reads it (the terminal now, the web desk and the API next)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from arrears.apps.ledger.models import Company, ExchangeRate

if TYPE_CHECKING:
    from arrears.apps.ledger.imports import ImportSummary

WORDS = {
    "ledger.jurisdiction": "{jurisdiction!r} is not a jurisdiction arrears knows: give a "
    "country's ISO 3166 code in capitals (DE, FR, NL, GB, CN...), or EU for the Late Payment "
    "Directive itself",
    "fx.no_rate": "no exchange rate into {company_currency} for {currencies} valid on {on}: add "
    "one with `arrears rate set {first} RATE --from DATE` (DATE on or before {on}), or import a "
    "rates file with `arrears import rates FILE` (format: docs/import-format.md)",
}


def rate_line(rate: ExchangeRate, company_currency: str) -> str:
    """'1 USD = 0.92 EUR from 2026-01-01': a unit of the currency in the company's."""
    per_unit = f"{Decimal(rate.rate).normalize():f}"  # 0.92, not 0.920000 as stored
    return f"1 {rate.currency} = {per_unit} {company_currency} from {rate.valid_from}"


def import_summary_words(s: ImportSummary) -> str:
    """What an import did: its counts, the columns it changed, and what it kept and why."""
    lines = [
        f"{s.kind}: {s.rows:,} rows: {s.created:,} created, "
        f"{s.updated:,} updated, {s.unchanged:,} unchanged"
        + (f", {s.closed:,} absent and closed (paid in the ERP)" if s.closed else "")
    ]
    lines += [f"  {col}: changed in {n:,} rows" for col, n in s.changes.items() if n]
    lines += [f"  {note}" for note in s.notes]
    return "\n".join(lines)


def import_checked_words(kind: str, rows: int) -> str:
    """A large file's preview: checked whole, not yet compared row by row in words."""
    return (
        f"{kind}: {rows:,} rows checked, no errors. A file this large is imported by the task "
        "worker once confirmed; it then says what it created, updated and left unchanged."
    )


def imported_words(s: ImportSummary) -> str:
    """One line for an import among others (the demo's)."""
    return (
        f"imported {s.kind}: {s.rows:,} rows, {s.created:,} created, "
        f"{s.updated:,} updated, {s.unchanged:,} unchanged"
    )


def generating_words(items: int, seed: int, folder: object) -> str:
    return f"generating {items:,} items (seed {seed}) into {folder}"


def company_ready_words(company: Company) -> str:
    return f"company {company.code} ({company.name}, {company.currency}) ready"
