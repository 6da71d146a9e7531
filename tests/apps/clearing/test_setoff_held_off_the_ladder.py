"""Rule 11: between a set-off's approval and the ERP booking it, the ladder does not dun what
is set off (a fully set-off item drops out, a partly set-off one is dunned for the rest); when
the ERP's files show it booked (as a reduction, or as a payment under the set-off's reference)
nothing is taken off twice; a re-run of the day changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.cases.selectors import run_items
from arrears.apps.clearing.models import SetOff
from arrears.apps.clearing.services import setoff_decide, setoff_propose
from arrears.apps.ledger.models import Allocation, OpenItem, Payment
from tests import factories
from tests.apps.clearing.worlds import brick_world

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)
NEXT = date(2026, 12, 1)


@pytest.fixture
def brick():
    """BRICK owes A 500 and B 300 (both due); we owe it S1 250 and S2 400: 650 is set off,
    all of A (500) and 150 of B. rival has its own BRICK, untouched."""
    c, d, other = brick_world()
    return c


def _approve(company) -> SetOff:
    made = setoff_propose(
        actor=factories.collector("cora"), company=company, debtor_code="BRICK", as_of=AS_OF
    )
    assert made.amount_minor == 650_00
    setoff_decide(
        actor=factories.credit_manager("maria"), setoff_id=made.id, approve=True, on=AS_OF
    )
    return SetOff.objects.get(pk=made.id)


def dunned(company) -> dict[str, int]:
    """What the ladder reads as dunnable per item: open less what it must not dun."""
    numbers = dict(OpenItem.objects.filter(company=company).values_list("pk", "number"))
    return {
        numbers[i]: o - x
        for i, o, x in run_items(company=company)
        .select("item_id", "open_minor", "excluded_minor")
        .iter_rows()
    }


def test_a_proposed_setoff_is_still_dunned_whole(brick):
    setoff_propose(
        actor=factories.collector("cora"), company=brick, debtor_code="BRICK", as_of=AS_OF
    )
    factories.run_as_admin(company=brick, as_of=AS_OF)
    assert dunned(brick) == {"A": 500_00, "B": 300_00}


def test_an_approved_setoff_leaves_only_the_rest_to_dun_until_the_erp_books_it(brick):
    _approve(brick)
    factories.run_as_admin(company=brick, as_of=AS_OF)
    assert dunned(brick) == {"A": 0, "B": 150_00}
    # the rival's BRICK is none of this
    rival = factories.company("rival")
    assert OpenItem.objects.get(company=rival).open_minor == 999_00


def test_re_running_the_day_changes_nothing(brick):
    _approve(brick)
    factories.run_as_admin(company=brick, as_of=AS_OF)
    again = factories.sweep_as_admin(company=brick, as_of=AS_OF)
    assert again.counts["items_excluded_changed"] == 0
    assert dunned(brick) == {"A": 0, "B": 150_00}


def test_when_the_erp_books_it_as_a_reduction_nothing_is_taken_off_twice(brick):
    _approve(brick)
    factories.run_as_admin(company=brick, as_of=AS_OF)
    OpenItem.objects.filter(company=brick, number="A").update(open_minor=0)
    OpenItem.objects.filter(company=brick, number="B").update(open_minor=150_00)
    factories.run_as_admin(company=brick, as_of=NEXT)
    assert dunned(brick) == {"B": 150_00}


def test_when_the_erp_books_it_as_a_payment_under_its_reference_nothing_is_taken_off_twice(
    brick,
):
    s = _approve(brick)
    factories.run_as_admin(company=brick, as_of=AS_OF)
    b = OpenItem.objects.get(company=brick, number="B")
    paid = Payment.objects.create(
        company=brick,
        debtor=b.debtor,
        reference=f"S{s.pk}",
        received_on=NEXT,
        currency="EUR",
        amount_minor=150_00,
    )
    Allocation.objects.create(payment=paid, item=b, amount_minor=150_00)
    OpenItem.objects.filter(pk=b.pk).update(open_minor=150_00)
    OpenItem.objects.filter(company=brick, number="A").update(open_minor=0)
    factories.run_as_admin(company=brick, as_of=NEXT)
    assert dunned(brick) == {"B": 150_00}


def test_a_payment_of_the_rest_before_the_erp_books_it_leaves_nothing_to_dun(brick):
    _approve(brick)
    factories.run_as_admin(company=brick, as_of=AS_OF)
    b = OpenItem.objects.get(company=brick, number="B")
    paid = Payment.objects.create(
        company=brick,
        debtor=b.debtor,
        reference="BANK-1",
        received_on=NEXT,
        currency="EUR",
        amount_minor=150_00,
    )
    Allocation.objects.create(payment=paid, item=b, amount_minor=150_00)
    OpenItem.objects.filter(pk=b.pk).update(open_minor=150_00)
    factories.run_as_admin(company=brick, as_of=NEXT)
    assert dunned(brick) == {"A": 0, "B": 0}  # the 150 left is the set-off's, not to dun


def test_a_refused_setoff_holds_nothing_back(brick):
    made = setoff_propose(
        actor=factories.collector("cora"), company=brick, debtor_code="BRICK", as_of=AS_OF
    )
    setoff_decide(
        actor=factories.credit_manager("maria"),
        setoff_id=made.id,
        approve=False,
        on=AS_OF,
        reason="they dispute S2",
    )
    factories.run_as_admin(company=brick, as_of=AS_OF)
    assert dunned(brick) == {"A": 500_00, "B": 300_00}
