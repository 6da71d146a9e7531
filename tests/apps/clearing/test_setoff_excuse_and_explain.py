"""Rule 11 where the debtor says others owe them: the excuse is answered with the set-off we
could make, on the terminal and on the web desk in the same words; a "propose a set-off" call
is booked only where a set-off is possible; and once an approved set-off covers everything
overdue, `explain` says there is nothing left to dun instead of failing."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.clearing.services import setoff_decide, setoff_propose
from tests import factories, terminal
from tests.apps.clearing.worlds import brick_world

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)


def others_owe_us(code: str = "BRICK") -> str:
    return terminal.run(
        "excuse", code, "others_owe_us", "--company", "acme", "--as-of", AS_OF.isoformat(),
        as_="cora",
    )  # fmt: skip


def test_explain_says_nothing_is_left_to_dun_once_a_setoff_covers_all_that_is_overdue():
    c, brick, _ = brick_world()
    factories.payable(brick, "S3", date(2026, 12, 31), 150_00)  # we owe 800: all of A and B
    factories.run_as_admin(company=c, as_of=AS_OF)
    assert "set-off possible" in others_owe_us()  # the call to propose it is booked
    made = setoff_propose(
        actor=factories.collector("cora"), company=c, debtor_code="BRICK", as_of=AS_OF
    )
    assert made.amount_minor == 800_00
    setoff_decide(
        actor=factories.credit_manager("maria"), setoff_id=made.id, approve=True, on=AS_OF
    )
    out = terminal.run("explain", "BRICK", "--company", "acme", as_="cora")
    assert "no call script: the EUR case of BRICK has nothing overdue to dun" in out
    assert "history:" in out  # the rest of the explanation is still given


HINT = (
    "set-off possible: we owe BRICK EUR 650.00 (S1, S2); EUR 650.00 of what they owe can be "
    "set off against it: `arrears setoff propose BRICK`"
)


def booked(company) -> list[str]:
    from arrears.apps.cases.models import Action

    found = Action.objects.filter(case__company=company, step_code__startswith="excuse_")
    return sorted(found.values_list("step_code", flat=True))


def test_others_owe_us_books_a_call_to_propose_the_setoff_where_one_is_possible():
    c, _, _ = brick_world()
    factories.run_as_admin(company=c, as_of=AS_OF)
    out = others_owe_us()
    assert HINT in out and "next: propose a set-off on" in out
    assert booked(c) == ["excuse_propose_set_off"]


def test_no_setoff_call_is_booked_where_we_owe_them_only_in_another_currency():
    from arrears.apps.ledger.models import Payable

    c, brick, _ = brick_world()
    Payable.objects.filter(debtor=brick).update(currency="USD")  # their claims are in EUR
    factories.run_as_admin(company=c, as_of=AS_OF)
    out = others_owe_us()
    assert "set-off" not in out and "next: call back on" in out  # a date for what they owe
    assert booked(c) == ["excuse_call_back"]


def test_the_web_desk_answers_others_owe_us_with_the_terminal_s_setoff_words():
    from arrears.apps.cases.models import Case
    from tests.web.conftest import signed_in

    c, _, _ = brick_world()
    factories.run_as_admin(company=c, as_of=AS_OF)
    case = Case.objects.get(company=c, debtor__code="BRICK")
    data = {"excuse-excuse": "others_owe_us", "excuse-answer": "prepared", "excuse-contact": "P"}
    response = signed_in(factories.collector("cora")).post(
        f"/desk/acme/cases/{case.pk}/excuse/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = response.content.decode().replace("&#x27;", "'").replace("&#96;", "`")
    assert HINT in text, text
    assert booked(c) == ["excuse_propose_set_off"]
