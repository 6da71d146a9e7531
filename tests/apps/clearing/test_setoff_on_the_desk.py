"""Rule 11 on the desk: between a set-off's approval and the ERP booking it, the case's own
view (what may still be negotiated, promised or written off) holds back exactly what the daily
run's sweep holds back, item by item: both read one definition (`sweep_frames.pending_parts`),
so the case page and `explain` never offer money the ladder has set aside."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import run_items
from arrears.apps.clearing.services import setoff_decide, setoff_propose
from arrears.apps.ledger.models import OpenItem
from arrears.apps.negotiation import convert
from arrears.apps.negotiation.models import WriteOffPart
from arrears.apps.negotiation.services import negotiation_balance, writeoff_request
from tests import factories
from tests.apps.clearing.worlds import brick_world

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)
NEXT = date(2026, 12, 1)


@pytest.fixture
def brick():
    """BRICK owes A 500 and B 300 (both due); we owe it S1 250 and S2 400: the set-off takes
    all of A and 150 of B. rival has its own BRICK, untouched."""
    c, d, other = brick_world()
    made = setoff_propose(
        actor=factories.collector("cora"), company=c, debtor_code="BRICK", as_of=AS_OF
    )
    setoff_decide(
        actor=factories.credit_manager("maria"), setoff_id=made.id, approve=True, on=AS_OF
    )
    return c


def held_by_the_run(company) -> dict[str, int]:
    numbers = dict(OpenItem.objects.filter(company=company).values_list("pk", "number"))
    return {
        numbers[i]: x
        for i, x in run_items(company=company).select("item_id", "excluded_minor").iter_rows()
    }


def held_by_the_desk(case: Case) -> dict[str, int]:
    numbers = dict(OpenItem.objects.filter(debtor=case.debtor).values_list("pk", "number"))
    away = convert.decided_away_minor(case)
    return {n: away.get(pk, 0) for pk, n in numbers.items() if pk in away or n in ("A", "B")}


def the_case(company) -> Case:
    return Case.objects.get(company=company, debtor__code="BRICK", currency="EUR")


def test_the_case_holds_back_what_the_run_holds_back_once_approved(brick):
    factories.run_as_admin(company=brick, as_of=AS_OF)
    case = the_case(brick)
    assert held_by_the_desk(case) == held_by_the_run(brick) == {"A": 500_00, "B": 150_00}
    assert negotiation_balance(case, AS_OF).to_minor() == 150_00  # B's rest, as the run duns


@pytest.mark.parametrize(
    ("a_now", "b_now"),
    [
        (500_00, 300_00),  # the ERP has booked nothing yet
        (0, 150_00),  # booked in full, as a reduction of both items
        (500_00, 150_00),  # B's part booked, A's not yet
        (500_00, 100_00),  # B's part booked and 50 paid besides
    ],
)
def test_the_case_and_the_run_agree_item_by_item_as_the_erp_books_it(brick, a_now, b_now):
    factories.run_as_admin(company=brick, as_of=AS_OF)
    OpenItem.objects.filter(company=brick, number="A").update(open_minor=a_now)
    OpenItem.objects.filter(company=brick, number="B").update(open_minor=b_now)
    factories.run_as_admin(company=brick, as_of=NEXT)
    run = held_by_the_run(brick)
    desk = held_by_the_desk(the_case(brick))
    assert {k: v for k, v in desk.items() if k in run} == run
    assert negotiation_balance(the_case(brick), NEXT).to_minor() == sum(
        o - run.get(n, 0)
        for n, o in OpenItem.objects.filter(company=brick).values_list("number", "open_minor")
    )


def test_a_whole_case_write_off_takes_only_what_the_setoff_leaves(brick):
    factories.run_as_admin(company=brick, as_of=AS_OF)
    wo = writeoff_request(
        case=the_case(brick), actor=factories.collector("cora"), reason="tiny rest", as_of=AS_OF
    )
    parts = {p.item.number: p.amount_minor for p in WriteOffPart.objects.filter(write_off=wo)}
    assert parts == {"B": 150_00}
