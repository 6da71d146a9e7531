"""The words for the ledger's refusals: an amount in a currency without an exchange rate."""

from __future__ import annotations

WORDS = {
    "fx.no_rate": "no exchange rate into {company_currency} for {currencies} valid on {on}: add "
    "one with `arrears rate set {first} RATE --from DATE` (DATE on or before {on}), or import a "
    "rates file with `arrears import rates FILE` (format: docs/import-format.md)",
}
