"""The set-off tests' world: BRICK owes A 500 and B 300 (both due by 30 November 2026); we owe
it S1 250 and S2 400, so 650 can be set off (all of A, 150 of B). rival has its own BRICK."""

from __future__ import annotations

from datetime import date

from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger.models import Company, Debtor
from tests import factories


def brick_world(**brick: str) -> tuple[Company, Debtor, Debtor]:
    """acme (collectors cora and olaf, credit manager maria) with BRICK and its items and
    payables; rival (credit manager rita) with a BRICK owing A 999. `brick`: more fields of
    acme's BRICK (an address). Returns acme, its BRICK and rival's."""
    c = factories.company("acme")
    strategies_install_defaults(actor=factories.admin(), company=c)
    cora = factories.collector("cora", c)
    factories.collector("olaf", c)
    factories.credit_manager("maria", c)
    d = factories.debtor(c, code="BRICK", name="Brick AG", owner=cora, **brick)
    factories.item(d, number="A", due=date(2026, 10, 1), amount=500_00)
    factories.item(d, number="B", due=date(2026, 11, 1), amount=300_00)
    factories.payable(d, "S1", date(2026, 12, 31), 250_00)
    factories.payable(d, "S2", date(2027, 1, 31), 400_00)
    rival = factories.company("rival")
    factories.credit_manager("rita", rival)
    other = factories.debtor(rival, code="BRICK")
    factories.item(other, number="A", due=date(2026, 10, 1), amount=999_00)
    return c, d, other
