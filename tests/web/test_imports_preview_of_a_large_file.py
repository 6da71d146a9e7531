"""A large file's preview on the imports page (issue #15: at least
`ARREARS_IMPORT_BACKGROUND_ROWS` rows) checks every row as the import would, then stops before
the first write instead of writing the whole file to roll it back: the administrator sees its
row count and first rows, or each error with its row, and nothing is written; the worker then
imports it as before. A small file's preview still shows its exact counts."""

from __future__ import annotations

import re

import pytest

from arrears.apps.ledger.imports import debtors
from tests.factories import admin
from tests.web.conftest import signed_in
from tests.web.test_imports_page import BAD, _ledger, _preview

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _large(settings, tmp_path):
    """Files of two rows or more count as large; uploads wait in the test's own folder."""
    settings.DATA_DIR = tmp_path
    settings.ARREARS_IMPORT_BACKGROUND_ROWS = 2


@pytest.fixture
def no_writes(monkeypatch):
    """Any write of the debtors' rows fails the test: the preview must not even begin one."""

    def write(*args, **kwargs):
        raise AssertionError("the preview of a large file wrote rows")

    monkeypatch.setattr(debtors, "write_chunks", write)


def test_a_large_file_is_checked_and_its_first_rows_shown_without_writing_a_row(w, no_writes):
    before = _ledger()
    response = _preview(signed_in(admin()))
    text = response.content.decode()
    assert response.status_code == 200, text
    assert "debtors: 3 rows checked, no errors" in text
    assert "<td>Nordwind GmbH</td>" in text and "<td>HRB 2</td>" in text
    assert 'id="confirm"' in text and re.search(r'name="token" value="[0-9a-f]+"', text)
    assert _ledger() == before


def test_a_large_file_s_errors_stand_with_their_rows_and_nothing_is_written(w, no_writes):
    before = _ledger()
    response = _preview(signed_in(admin()), text=BAD)
    text = response.content.decode()
    assert response.status_code == 422
    assert re.search(r"<li>[^<]*row 3[^<]*</li>", text), text
    assert 'id="confirm"' not in text and _ledger() == before


def test_a_small_file_s_preview_still_counts_what_it_would_change(w, settings):
    settings.ARREARS_IMPORT_BACKGROUND_ROWS = 4
    text = _preview(signed_in(admin())).content.decode()
    assert "debtors: 3 rows: 2 created, 1 updated, 0 unchanged" in text


@pytest.mark.parametrize("who", ["cora", "maria", "olga"])
def test_only_the_company_s_administrator_previews_a_large_file(w, no_writes, who):
    before = _ledger()
    response = _preview(signed_in(getattr(w, who)))
    assert response.status_code in (403, 404) and "rows checked" not in response.content.decode()
    assert _ledger() == before
