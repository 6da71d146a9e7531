"""Importing the ledger from the ERP's files: debtors, items, payments (CSV or XLSX), and
the exchange rates into the company currency.

The format is docs/import-format.md. `import_file` is the one entry point; a file is
imported whole or not at all, and re-importing it changes nothing.
"""

from __future__ import annotations

from arrears.apps.ledger.imports.errors import ImportRejected, RowError
from arrears.apps.ledger.imports.service import KINDS, import_check, import_file
from arrears.apps.ledger.imports.upsert import ImportSummary

__all__ = ["KINDS", "ImportRejected", "ImportSummary", "RowError", "import_check", "import_file"]
