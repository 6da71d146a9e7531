from __future__ import annotations

import importlib
import io

import pytest
from django.core.management.base import CommandError

from arrears.apps.ledger.models import OpenItem
from tests import factories, terminal
from tests.apps.ledger.import_support import EXAMPLES, ITEMS_HEADER, csv_file, ledger_counts

pytestmark = pytest.mark.django_db

# `import` is a keyword, so the command module is reached by name.
Command = importlib.import_module("arrears.apps.ledger.management.commands.import").Command


@pytest.fixture
def acme():
    company = factories.company()
    terminal.run("import", "debtors", str(EXAMPLES / "debtors.csv"), stdout=io.StringIO())
    return company


def test_import_prints_created_updated_unchanged_and_changed_columns(acme, tmp_path):
    out = io.StringIO()
    terminal.run("import", "items", str(EXAMPLES / "items.csv"), "--company", "acme", stdout=out)
    assert out.getvalue().startswith("items: 9 rows: 9 created, 0 updated, 0 unchanged")
    path = csv_file(
        tmp_path, (EXAMPLES / "items.csv").read_text().replace("780.00,30", "700.00,30")
    )
    out = io.StringIO()
    terminal.run("import", "items", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "items: 9 rows: 0 created, 1 updated, 8 unchanged",
        "  open_amount: changed in 1 rows",
    ]
    assert OpenItem.objects.get(number="INV-2026-0003").open_minor == 70000


def test_a_refused_file_exits_with_status_1_listing_the_errors_and_writes_nothing(acme, tmp_path):
    path = csv_file(
        tmp_path, f"{ITEMS_HEADER}\nINV-1,invoice,D10001,2026-09-01,2026-10-01,EUX,1,1,\n"
    )
    token = terminal.token_for("admin")
    before = ledger_counts()
    with pytest.raises(CommandError) as info:
        terminal.run("import", "items", str(path), token=token)
    assert info.value.returncode == 1
    assert "row 2, column currency: unknown currency 'EUX'" in str(info.value)
    assert ledger_counts() == before


def test_a_missing_file_is_a_clean_error(acme, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        terminal.run("import", "items", str(tmp_path / "nope.csv"))
