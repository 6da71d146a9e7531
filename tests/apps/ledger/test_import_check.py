"""`import_check`, a large file's preview: every row checked as `import_file` checks it, the
errors row by row, who may asked first, and nothing written, not even to be rolled back, for
every kind of file (a complete items file closes nothing)."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.ledger.imports import ImportRejected, import_check
from arrears.apps.ledger.models import OpenItem
from arrears.domain.refusal import NotAllowed
from tests import factories
from tests.apps.ledger.import_support import (
    EXAMPLES,
    ITEMS_HEADER,
    csv_file,
    ledger_snapshot,
    ledger_world,
    where,
)
from tests.factories import admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    company = ledger_world()
    d1 = factories.debtor(company, code="D1")
    factories.item(d1, due=date(2026, 10, 1), number="INV-OLD", amount=80_00)
    return company


GOOD = "INV-NEW,invoice,D1,2026-09-01,2026-10-01,EUR,100.00,60.50,30 days net"


def test_a_debtors_file_is_checked_and_nothing_is_written(acme):
    before = ledger_snapshot()
    import_check(actor=admin(), company=acme, kind="debtors", path=EXAMPLES / "debtors.csv")
    assert ledger_snapshot() == before


def test_a_complete_items_file_closes_nothing_when_only_checked(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{GOOD}\n")
    import_check(actor=admin(), company=acme, kind="items", path=path, complete=True)
    assert OpenItem.objects.get(number="INV-OLD").open_minor == 80_00
    assert not OpenItem.objects.filter(number="INV-NEW").exists()


def test_every_error_is_said_with_its_row_as_the_import_says_it(acme, tmp_path):
    bad = GOOD.replace("INV-NEW,", "INV-2,").replace("D1,", "NOBODY,")
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{GOOD}\n{bad}\n")
    before = ledger_snapshot()
    with pytest.raises(ImportRejected) as info:
        import_check(actor=admin(), company=acme, kind="items", path=path)
    assert where(info.value.errors) == [(3, "debtor_code")]
    assert ledger_snapshot() == before


def test_anyone_but_the_administrator_is_refused_before_the_file_is_read(acme, tmp_path):
    path = csv_file(tmp_path, f"{ITEMS_HEADER}\n{GOOD}\n")
    cora = factories.collector("cora", acme)
    with pytest.raises(NotAllowed):
        import_check(actor=cora, company=acme, kind="items", path=path)
