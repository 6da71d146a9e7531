"""Helpers for the import tests: small files in tmp_path, and refusals that must write nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.ledger.imports import ImportRejected, RowError
from arrears.apps.ledger.models import (
    Allocation,
    Company,
    Contact,
    Debtor,
    ImportBatch,
    OpenItem,
    Payment,
)
from tests.factories import import_as_admin

EXAMPLES = Path(__file__).resolve().parents[3] / "arrears" / "apps" / "ledger" / "examples"

ITEMS_HEADER = (
    "number,kind,debtor_code,issue_date,due_date,currency,original_amount,open_amount,payment_terms"
)
PAYMENTS_HEADER = "reference,debtor_code,received_on,currency,amount,item_number,allocated_amount"


def csv_file(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    """Write dedented CSV text (first newline dropped) and return its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def ledger_counts() -> dict[str, int]:
    models = (Debtor, Contact, OpenItem, Payment, Allocation, ImportBatch, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


def refused(company: Company, kind: str, path: Path) -> list[RowError]:
    """Import `path`, expect a refusal, check nothing was written; return the errors."""
    before = ledger_counts()
    with pytest.raises(ImportRejected) as info:
        import_as_admin(company=company, kind=kind, path=path)
    assert ledger_counts() == before
    return info.value.errors


def where(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in errors]


def ledger_world() -> Company:
    """acme, the company the tests import into, beside a second company with a debtor, an item
    and a payment of its own, and two collectors: what an import must never reach."""
    from datetime import date

    from tests import factories

    factories.collector("cora")
    factories.collector("otto")
    rival = factories.company("rival")
    d = factories.debtor(rival, code="R1")
    item = factories.item(d, due=date(2026, 10, 1), number="R-INV-1")
    payment = Payment.objects.create(
        company=rival,
        debtor=d,
        reference="R-PAY-1",
        received_on=date(2026, 10, 5),
        currency="EUR",
        amount_minor=100_00,
        unapplied_minor=0,
    )
    Allocation.objects.create(payment=payment, item=item, amount_minor=100_00)
    return factories.company()


def ledger_snapshot() -> dict[str, list[dict[str, object]]]:
    """Every row of the ledger tables an import writes, to compare before and after."""
    models = (Debtor, Contact, OpenItem, Payment, Allocation, ImportBatch, AuditEvent)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
