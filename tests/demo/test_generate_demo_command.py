"""`arrears generate_demo` writes the three files and says where and how many rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_writes_the_three_csvs_and_prints_their_paths_and_row_counts(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "generate_demo",
        "--items",
        "100",
        "--seed",
        "2",
        "--as-of",
        "2026-11-25",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for line, kind in zip(lines, ["debtors", "items", "payments"], strict=True):
        path, count = line.split("\t")
        assert Path(path) == tmp_path / f"{kind}.csv"
        rows = len(Path(path).read_text().splitlines()) - 1
        assert count == f"{rows} rows"
    assert lines[1].endswith("\t100 rows") and lines[0].endswith("\t10 rows")


def test_running_it_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    args = ["--items", "50", "--seed", "9", "--as-of", "2026-11-25"]
    call_command("generate_demo", *args, "--out", str(tmp_path / "a"), stdout=io.StringIO())
    call_command("generate_demo", *args, "--out", str(tmp_path / "b"), stdout=io.StringIO())
    for kind in ("debtors", "items", "payments"):
        a = (tmp_path / "a" / f"{kind}.csv").read_bytes()
        assert a == (tmp_path / "b" / f"{kind}.csv").read_bytes()


def test_a_size_out_of_range_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="between 10 and 1,000,000, got 5"):
        call_command(
            "generate_demo",
            "--items",
            "5",
            "--seed",
            "1",
            "--as-of",
            "2026-11-25",
            "--out",
            str(tmp_path / "none"),
        )
    assert not (tmp_path / "none").exists()
