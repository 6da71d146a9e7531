"""Property-based fuzzing of the four imports (debtors, items, payments, rates): whatever the
file, the import succeeds (and a second import of it changes nothing) or refuses it with row-
and column-named errors and leaves every table as it was. Small budget here (fuzz_support.FUZZ); bench/fuzz_imports.py runs thousands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.apps.ledger.fuzz_support import FUZZ, KINDS, MAKERS, check_import, world, write

pytestmark = pytest.mark.django_db

kinds = pytest.mark.parametrize("kind", KINDS)


@pytest.fixture
def acme():
    return world()


def _fuzz(acme, tmp_path, data, kind: str, maker: str) -> None:
    suffix, content = data.draw(MAKERS[maker](kind), label="file")
    check_import(acme, kind, write(tmp_path, kind, suffix, content))


@kinds
@FUZZ
@given(data=st.data())
def test_random_bytes_are_imported_or_refused_cleanly(acme, tmp_path, kind, data):
    _fuzz(acme, tmp_path, data, kind, "random_bytes")


@kinds
@FUZZ
@given(data=st.data())
def test_csvs_with_odd_cells_quotes_and_line_ends_are_imported_or_refused_cleanly(
    acme, tmp_path, kind, data
):
    _fuzz(acme, tmp_path, data, kind, "odd_csvs")


@kinds
@FUZZ
@given(data=st.data())
def test_mutated_example_files_are_imported_or_refused_cleanly(acme, tmp_path, kind, data):
    _fuzz(acme, tmp_path, data, kind, "mutated_examples")


@kinds
@FUZZ
@given(data=st.data())
def test_xlsx_with_odd_cells_is_imported_or_refused_cleanly(acme, tmp_path, kind, data):
    _fuzz(acme, tmp_path, data, kind, "odd_xlsxs")


@kinds
@FUZZ
@given(data=st.data())
def test_corrupted_xlsx_is_imported_or_refused_cleanly(acme, tmp_path, kind, data):
    _fuzz(acme, tmp_path, data, kind, "broken_xlsxs")
