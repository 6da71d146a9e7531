"""Rule 11: what an approved set-off takes, on both sides, is not offered again by a second
proposal until the ERP's files show it booked (never more than either side): neither our
invoice's part nor their invoice's, whether or not the day's run came between, and whether or
not the set-off was already marked booked."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.clearing.selectors import payables_held, setoff_proposals
from arrears.apps.clearing.services import setoff_book, setoff_decide, setoff_export, setoff_propose
from arrears.apps.ledger.models import OpenItem, Payable
from tests import factories
from tests.apps.clearing.worlds import brick_world

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)
NEXT = date(2026, 12, 1)


@pytest.fixture
def brick(tmp_path):
    """BRICK owes A 500 and B 300 (both due); we owe it S1 250 and S2 400. The first set-off
    (650: all of A and 150 of B, all of S1 and S2) is approved, sent to the ERP and marked
    booked, but the ERP's files do not show it yet. rival has its own BRICK, untouched."""
    c, d, other = brick_world()
    maria = factories.credit_manager("maria")
    factories.payable(other, "S1", date(2026, 10, 1), 999_00)
    first = setoff_propose(
        actor=factories.collector("cora"), company=c, debtor_code="BRICK", as_of=AS_OF
    )
    assert first.amount_minor == 650_00
    setoff_decide(actor=maria, setoff_id=first.id, approve=True, on=AS_OF)
    setoff_export(actor=maria, company=c, path=tmp_path / "setoffs.csv", on=AS_OF)
    setoff_book(actor=maria, setoff_id=first.id, on=AS_OF)
    return c


def offered(company) -> list[tuple[str, str, int]]:
    found = setoff_proposals(
        actor=factories.collector("cora"), company=company, as_of=AS_OF, debtor_code="BRICK"
    )
    return [(p.receivable, p.payable, p.amount_minor) for s in found for p in s.pairs]


@pytest.mark.parametrize("run_between", [False, True])
def test_nothing_is_offered_again_while_the_erp_has_not_booked_the_first(brick, run_between):
    if run_between:
        factories.run_as_admin(company=brick, as_of=AS_OF)
    assert offered(brick) == []  # S1 and S2 are taken whole: nothing left on our side


@pytest.mark.parametrize("run_between", [False, True])
def test_a_new_supplier_invoice_is_set_only_against_what_the_first_left(brick, run_between):
    if run_between:
        factories.run_as_admin(company=brick, as_of=AS_OF)
    factories.payable(OpenItem.objects.get(company=brick, number="A").debtor, "S3", AS_OF, 200_00)
    assert offered(brick) == [("B", "S3", 150_00)]  # not A again, nor S1 or S2


def test_once_the_erp_s_files_show_it_booked_nothing_is_held_and_the_rest_is_offered(brick):
    debtor = OpenItem.objects.get(company=brick, number="A").debtor
    factories.payable(debtor, "S3", AS_OF, 200_00)
    OpenItem.objects.filter(company=brick, number="A").update(open_minor=0)
    OpenItem.objects.filter(company=brick, number="B").update(open_minor=150_00)
    Payable.objects.filter(company=brick, number__in=["S1", "S2"]).update(open_minor=0)
    factories.run_as_admin(company=brick, as_of=NEXT)
    assert payables_held(brick.pk) == {}
    assert offered(brick) == [("B", "S3", 150_00)]


def test_a_payable_booked_in_part_holds_only_the_rest(brick):
    Payable.objects.filter(company=brick, number="S2").update(open_minor=100_00)  # 300 booked
    s2 = Payable.objects.get(company=brick, number="S2")
    s1 = Payable.objects.get(company=brick, number="S1")
    assert payables_held(brick.pk) == {s1.pk: 250_00, s2.pk: 100_00}
    assert offered(brick) == []  # what S2 still shows open is the set-off's, not to offer
