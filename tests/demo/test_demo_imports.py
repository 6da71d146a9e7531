"""A generated demo ledger imports cleanly, and re-importing it changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.imports import ImportSummary
from arrears.apps.ledger.models import Allocation, Debtor, OpenItem, Payment
from arrears.apps.ledger.services import company_setup
from arrears.demo import DemoLedger, write_csv
from arrears.domain.ladder import Role
from tests import factories
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

KINDS = ("debtors", "items", "payments")


def _import_all(ledger: DemoLedger, folder: Path) -> dict[str, ImportSummary]:
    company = factories.company("demo", name="Demo GmbH")
    company_setup(
        actor=factories.admin(), code="other", name="Other SA", currency="EUR", jurisdiction="FR"
    )
    for name in ("alice", "bob", "carol", "dave"):
        user_ensure(username=name, role=Role.COLLECTOR, company=company)  # owners are members
    paths = write_csv(ledger, folder)
    return {kind: import_as_admin(company=company, kind=kind, path=paths[kind]) for kind in KINDS}


def test_a_thousand_item_demo_imports_every_row(ledger: DemoLedger, tmp_path: Path) -> None:
    summaries = _import_all(ledger, tmp_path)
    for kind in KINDS:
        s = summaries[kind]
        rows = ledger.frame(kind).height
        assert (s.rows, s.created, s.updated) == (rows, rows, 0)
    assert Debtor.objects.filter(company__code="demo").count() == ledger.debtors.height
    assert OpenItem.objects.filter(company__code="demo").count() == ledger.items.height
    references = ledger.payments["reference"].n_unique()
    assert Payment.objects.filter(company__code="demo").count() == references
    applied = ledger.payments["item_number"].drop_nulls().len()
    assert Allocation.objects.filter(payment__company__code="demo").count() == applied
    assert not Debtor.objects.filter(company__code="other").exists()


def test_importing_the_demo_again_changes_nothing(ledger: DemoLedger, tmp_path: Path) -> None:
    _import_all(ledger, tmp_path)
    again = _import_all(ledger, tmp_path)
    for kind in KINDS:
        s = again[kind]
        assert (s.created, s.updated, s.unchanged) == (0, 0, ledger.frame(kind).height)
