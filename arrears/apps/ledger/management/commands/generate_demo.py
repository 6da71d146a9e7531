"""`arrears generate_demo --items N --seed S --as-of DATE --out DIR`: write a demo ledger's
debtors.csv, items.csv and payments.csv (the import format), nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from arrears.apps.common.cli import iso_date
from arrears.demo.generate import KINDS, generate_ledger, write_csv
from arrears.domain.money import MoneyError


class Command(BaseCommand):
    help = "Write a seeded demo ledger (debtors, items, payments CSVs) in the import format."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, required=True, help="items, 10 to 1,000,000")
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--as-of", type=iso_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--out", type=Path, required=True, help="directory for the CSVs")
        parser.add_argument("--currency", default="EUR", help="company currency")
        parser.add_argument(
            "--collectors", default="alice,bob,carol,dave", help="owners, comma-separated"
        )

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            ledger = generate_ledger(
                items=o["items"],
                seed=o["seed"],
                as_of=o["as_of"],
                company_currency=o["currency"].upper(),
                collectors=[c for c in o["collectors"].split(",") if c],
            )
        except (ValueError, MoneyError) as e:
            raise CommandError(str(e)) from None
        paths = write_csv(ledger, o["out"])
        for kind in KINDS:
            self.stdout.write(f"{paths[kind]}\t{ledger.frame(kind).height} rows")
