"""Helpers for the import tests: small files in tmp_path, and refusals that must write nothing."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.imports import ImportRejected, RowError
from arrears.apps.ledger.models import (
    Allocation,
    Company,
    Contact,
    Debtor,
    ExchangeRate,
    ImportBatch,
    OpenItem,
    Payable,
    Payment,
)
from arrears.domain.access import PersonRole
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
    models = (Debtor, Contact, OpenItem, Payment, Allocation, Payable, ImportBatch, AuditEvent)
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


RIVAL = "rival"


def ledger_world() -> Company:
    """acme, the company the tests import into, with collectors cora and carl; beside it rival,
    a second company with its own administrator (rita) and collector (otto) and a ledger of its
    own: what an import into acme must never reach. rival's keys are acme's files' keys (debtors
    D1, G1 and the examples' D10001; items INV-1 and INV-2026-0001; payment P1) and some of its
    own (R1, R-INV-1, R-PAY-1), each with a contact, an open item and an allocated payment."""
    from tests import factories

    rival = Company.objects.create(
        code=RIVAL, name="Rival Ltd", currency="EUR", jurisdiction="DE"
    )  # no administrator shared with acme: acme's people name no --company
    user_ensure(username="rita", role=PersonRole.ADMINISTRATOR, company=rival)
    otto = factories.collector("otto", rival)
    for code, number, reference in [
        ("R1", "R-INV-1", "R-PAY-1"),
        ("D1", "INV-1", "P1"),
        ("D10001", "INV-2026-0001", "PAY-2026-0001"),
        ("G1", "", ""),
    ]:
        d = factories.debtor(rival, code=code, owner=otto)
        Contact.objects.create(debtor=d, name=f"Contact of {code}", email="ap@rival.example")
        if number:
            item = factories.item(d, due=date(2026, 10, 1), number=number)
            payment = Payment.objects.create(
                company=rival,
                debtor=d,
                reference=reference,
                received_on=date(2026, 10, 5),
                currency="EUR",
                amount_minor=60_00,
                unapplied_minor=0,
            )
            Allocation.objects.create(payment=payment, item=item, amount_minor=60_00)
            Payable.objects.create(
                company=rival,
                debtor=d,
                number=f"SUP-{number}",
                issue_date=date(2026, 9, 1),
                due_date=date(2026, 10, 1),
                currency="EUR",
                original_minor=40_00,
                open_minor=40_00,
            )
    acme = factories.company()
    factories.collector("cora", acme)
    factories.collector("carl", acme)
    return acme


def rival_rows() -> dict[str, list[dict[str, object]]]:
    """Every ledger row of the second company (`ledger_world`), to compare before and after."""
    rows = {
        Debtor: {"company__code": RIVAL},
        Contact: {"debtor__company__code": RIVAL},
        OpenItem: {"company__code": RIVAL},
        Payment: {"company__code": RIVAL},
        Allocation: {"payment__company__code": RIVAL},
        Payable: {"company__code": RIVAL},
        ImportBatch: {"company__code": RIVAL},
    }
    return {
        m.__name__: list(m.objects.filter(**f).order_by("pk").values()) for m, f in rows.items()
    }


@contextmanager
def rival_untouched() -> Iterator[None]:
    """What the block imports into acme leaves rival's ledger as it was."""
    before = rival_rows()
    assert before["Debtor"], "no second company: build the world with ledger_world()"
    yield
    assert rival_rows() == before


def ledger_snapshot() -> dict[str, list[dict[str, object]]]:
    """Every row of the ledger tables an import writes, to compare before and after."""
    models = (
        Debtor,
        Contact,
        OpenItem,
        Payment,
        Allocation,
        Payable,
        ExchangeRate,
        ImportBatch,
        AuditEvent,
    )
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
