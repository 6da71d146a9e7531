"""A test world for fees and limitation: a German company (EUR, the BGB's EUR 40) whose
ladder prices steps, an English one (GBP, 40/70/100 by size), each with a collector, a second
collector and a credit manager."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from arrears.apps.cases.services.strategies import strategies_install
from arrears.apps.communications.models import Fee
from arrears.domain.fees import FeeKind, StepFee
from arrears.domain.ladder import DEFAULT_STEPS, Mode, Strategy
from tests import factories

DUE = date(2025, 6, 1)
REMINDER = StepFee(FeeKind.FIXED, amount_minor=5_00, currency="EUR")  # EUR 5.00
FIRM = StepFee(FeeKind.PERCENT, basis_points=100)  # 1% of what is open
COMPENSATION = StepFee(FeeKind.COMPENSATION)

# courtesy, reminder (EUR 5), call, firm demand (1%), final notice (compensation), legal
# (compensation again: still once per invoice)
_FEES = {"reminder": REMINDER, "firm_demand": FIRM, "final_notice": COMPENSATION}
PRICED = tuple(
    replace(s, fee=_FEES.get(s.code, COMPENSATION if s.code == "legal" else None))
    for s in DEFAULT_STEPS
)


def priced(mode: Mode = Mode.SEQUENTIAL) -> tuple[Strategy, ...]:
    return (Strategy("default", "Standard ladder, priced", mode, PRICED),)


def world(mode: Mode = Mode.SEQUENTIAL) -> dict:
    acme = factories.company("acme")  # DE: BGB, EUR 40
    cora = factories.collector("cora", acme)
    carl = factories.collector("carl", acme)
    maria = factories.credit_manager("maria", acme)
    mark = factories.credit_manager("mark", acme)
    k1 = factories.debtor(acme, code="K1", name="Kunde GmbH", owner=cora)
    inv1 = factories.item(k1, due=DUE, amount=1_000_00, number="INV-1")
    globex = factories.company("globex", currency="GBP", jurisdiction="GB")
    olga = factories.collector("olga", globex)
    gina = factories.credit_manager("gina", globex)
    g1 = factories.debtor(globex, code="G1", owner=olga)
    admin = factories.admin()
    strategies_install(actor=maria, company=acme, strategies=priced(mode))
    strategies_install(actor=gina, company=globex, strategies=priced(Mode.JUMP))
    return {
        "acme": acme,
        "globex": globex,
        "cora": cora,
        "carl": carl,
        "maria": maria,
        "mark": mark,
        "olga": olga,
        "gina": gina,
        "k1": k1,
        "g1": g1,
        "inv1": inv1,
        "admin": admin,
    }


def fees(company=None) -> list[tuple[str, str, str, int, str]]:
    rows = Fee.objects.order_by("item__number", "step")
    if company is not None:
        rows = rows.filter(company=company)
    return [
        (f.item.number, f.step_code, f.kind, f.amount_minor, f.currency)
        for f in rows.select_related("item")
    ]
