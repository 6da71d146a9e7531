"""A test world for the outbox: a company that sends through it (sender details set), a
debtor with an email contact and a postal address, a second company and a second collector."""

from __future__ import annotations

from datetime import date

from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger.models import Contact
from tests import factories

DUE = date(2025, 6, 1)
DAY1 = date(2025, 6, 5)  # 4 days overdue: the reminder, by email


def world() -> dict:
    acme = factories.company("acme")
    cora = factories.collector("cora", acme)
    carl = factories.collector("carl", acme)
    maria = factories.credit_manager("maria", acme)
    k1 = factories.debtor(
        acme,
        code="K1",
        name="Kunde GmbH",
        owner=cora,
        address_line1="Hauptstr. 1",
        postcode="10115",
        city="Berlin",
    )
    Contact.objects.create(debtor=k1, name="Anna Kunde", email="anna@kunde.example")
    factories.item(k1, due=DUE, amount=100_000, number="INV-1")
    globex = factories.company("globex", currency="GBP", jurisdiction="GB")
    olga = factories.collector("olga", globex)
    g1 = factories.debtor(globex, code="G1", owner=olga)
    Contact.objects.create(debtor=g1, name="Gina", email="gina@g1.example")
    factories.item(g1, due=DUE, amount=50_000, number="G-INV")
    admin = factories.admin()
    for company in (acme, globex):
        strategies_install_defaults(company=company, actor=admin)
        factories.sender(company, bic="COBADEFFXXX")
    return {
        "acme": acme,
        "globex": globex,
        "cora": cora,
        "carl": carl,
        "maria": maria,
        "olga": olga,
        "k1": k1,
        "admin": admin,
    }


def company_with_emails(code: str, debtors: int) -> object:
    """A company sending through the outbox with `debtors` debtors, each owing one overdue
    invoice and with an email contact (ap0@CODE.example, ap1@...)."""
    company = factories.company(code)
    admin = factories.admin()
    strategies_install_defaults(company=company, actor=admin)
    factories.sender(company)
    for n in range(debtors):
        d = factories.debtor(company, code=f"{code.upper()}{n}", address_line1="Hauptstr. 1")
        Contact.objects.create(debtor=d, name="AP", email=f"ap{n}@{code}.example")
        factories.item(d, due=DUE, amount=10_000 + n, number=f"{code}-{n}")
    return company
