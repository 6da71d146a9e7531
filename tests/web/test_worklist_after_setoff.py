"""The worklist keeps its cases' figures for the day (Django's cache) until the ledger moves:
a set-off a credit manager approves at the desk, outside any run, holds part of an item back
from dunning (rule 11), and the collector's next worklist shows what is left, not the figure
read before it."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.clearing.models import SetOff
from arrears.apps.clearing.services import setoff_propose
from arrears.apps.ledger.models import Payable
from tests.web.conftest import AS_OF, signed_in

pytestmark = pytest.mark.django_db

WORKLIST = "/desk/acme/worklist/"


def _we_owe(w, minor: int) -> None:
    Payable.objects.create(
        company=w.acme,
        debtor=w.debtor,
        number="SUP-9",
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 12, 31),
        currency="EUR",
        original_minor=minor,
        open_minor=minor,
    )


def test_the_worklist_shows_what_is_left_once_a_setoff_is_approved_at_the_desk(w):
    _we_owe(w, 500_00)
    cora = signed_in(w.cora)
    before = cora.get(WORKLIST).content.decode()
    assert "EUR 1,234.50" in before  # read, and kept for the day
    made = setoff_propose(actor=w.cora, company=w.acme, debtor_code=w.debtor.code, as_of=AS_OF)
    decided = signed_in(w.maria).post(
        f"/desk/acme/approvals/setoff/{made.id}/", {"verdict": "approve", "reason": ""}
    )
    assert decided.status_code == 302
    assert SetOff.objects.get(pk=made.id).state == "approved"
    after = cora.get(WORKLIST).content.decode()
    assert "EUR 734.50" in after and "EUR 1,234.50" not in after
