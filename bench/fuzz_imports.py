"""Fuzz the four imports with a larger budget than the test suite's: the same strategies and
property as tests/apps/ledger/test_import_fuzz.py (random bytes, odd CSVs, mutated examples,
odd and corrupted XLSX, for debtors, items, payments and rates), many more inputs.

    .venv/bin/python -m bench.fuzz_imports [--examples N] [-k EXPR]
    ARREARS_FUZZ_EXAMPLES=300 .venv/bin/python -m bench.fuzz_imports

`--examples` (or ARREARS_FUZZ_EXAMPLES) is per test, and there are 20 tests (5 sorts of file x
4 kinds). Runs on SQLite, or PostgreSQL when DATABASE_URL is set (pytest-django makes its own
test database). Prints how many files were imported, accepted and refused, and every failure
(Hypothesis shrinks each to a smallest file and prints it); exits 1 if any.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

TESTS = "tests/apps/ledger/test_import_fuzz.py"


class _Report:
    """A pytest plugin that counts what the fuzz tests imported and which tests failed."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failed.append(report.nodeid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = int(os.environ.get("ARREARS_FUZZ_EXAMPLES", "200"))
    parser.add_argument("--examples", type=int, default=default, help="per test (20 tests)")
    parser.add_argument("-k", dest="select", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    os.environ["ARREARS_FUZZ_EXAMPLES"] = str(args.examples)  # read by fuzz_support

    import pytest

    report = _Report()
    options = ["-q", "-p", "no:cacheprovider", "-o", "addopts=", TESTS]
    if args.select:
        options += ["-k", args.select]
    started = time.perf_counter()
    status = pytest.main(options, plugins=[report])
    seconds = time.perf_counter() - started

    from tests.apps.ledger.fuzz_support import KINDS, TRIED

    total = sum(TRIED.values())
    print(
        f"\nfuzz_imports: {total:,} files imported in {seconds:,.0f} s "
        f"({args.examples:,} examples per test)"
    )
    for kind in KINDS:
        accepted, refused = TRIED[(kind, "accepted")], TRIED[(kind, "refused")]
        print(
            f"  {kind:9} {accepted + refused:6,} files: {accepted:,} accepted, {refused:,} refused"
        )
    print(f"  failures: {len(report.failed)}" + "".join(f"\n    {n}" for n in report.failed))
    return 1 if report.failed or status not in (0, 5) else 0


if __name__ == "__main__":
    sys.exit(main())
