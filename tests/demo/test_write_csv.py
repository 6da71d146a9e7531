"""The written CSVs keep the column contract of docs/import-format.md."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from arrears.demo import DemoLedger, write_csv

FORMAT = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


def documented_columns() -> dict[str, dict[str, bool]]:
    """kind -> {column: required} from the tables under each '## kind' heading."""
    out: dict[str, dict[str, bool]] = {}
    kind = ""
    for line in FORMAT.read_text().splitlines():
        heading = re.match(r"## (\w+) \(natural key", line)
        if heading:
            kind = heading.group(1)
            out[kind] = {}
        cells = [c.strip() for c in line.strip("|").split("|")]
        if kind and line.startswith("|") and len(cells) >= 3 and cells[0] not in ("column", "---"):
            for name in cells[0].split(","):
                out[kind][name.strip()] = cells[1] == "yes"
    return out


@pytest.fixture(scope="module")
def written(ledger: DemoLedger, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_csv(ledger, tmp_path_factory.mktemp("demo"))


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("kind", ["debtors", "items", "payments"])
def test_header_has_exactly_the_documented_columns(kind: str, written: dict[str, Path]) -> None:
    header, _ = _rows(written[kind])
    assert written[kind].name == f"{kind}.csv"
    assert sorted(header) == sorted(documented_columns()[kind])


@pytest.mark.parametrize("kind", ["debtors", "items", "payments"])
def test_required_columns_are_filled_in_every_row(kind: str, written: dict[str, Path]) -> None:
    required = [c for c, req in documented_columns()[kind].items() if req]
    _, rows = _rows(written[kind])
    assert rows
    for n, row in enumerate(rows, start=2):
        assert all(row[c] for c in required), (n, row)


def test_dates_are_iso_and_allocations_come_with_item_numbers(written: dict[str, Path]) -> None:
    _, items = _rows(written["items"])
    _, payments = _rows(written["payments"])
    iso = re.compile(r"\d{4}-\d\d-\d\d")
    assert all(iso.fullmatch(r["issue_date"]) and iso.fullmatch(r["due_date"]) for r in items)
    assert all(iso.fullmatch(r["received_on"]) for r in payments)
    assert all(bool(r["item_number"]) == bool(r["allocated_amount"]) for r in payments)
