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
