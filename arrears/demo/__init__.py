"""A seeded demo ledger (debtors, items, payments) in the import format, for demos, tests and
benchmarks. Pure: no Django, no I/O except `write_csv`."""

from __future__ import annotations

from arrears.demo.generate import DemoLedger, generate_ledger, write_csv

__all__ = ["DemoLedger", "generate_ledger", "write_csv"]
