"""A small world for the negotiation desk: a company on the default ladder, a debtor owned by
collector cora with overdue items and a case, a second collector (carl) who must be refused,
two credit managers (maria, mike) and a legal user (lena); and a second company, globex, whose
collector olga owns a debtor there (no run: tests open its case when they need one) and must
never see acme's, nor acme's people globex's."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Case
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger.models import Allocation, Company, Debtor, OpenItem, Payment
from arrears.apps.negotiation.cli import refusal_words
from arrears.apps.negotiation.services import case_ensure
from arrears.domain.ladder import Role
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal
from tests import factories
from tests.factories import admin, run_as_admin

AS_OF = date(2026, 11, 25)  # a Wednesday
_refs = itertools.count(1)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@dataclass
class World:
    company: Company
    cora: Any
    carl: Any
    maria: Any
    mike: Any
    lena: Any
    debtor: Debtor
    old: OpenItem  # EUR 600, 30 days overdue
    new: OpenItem  # EUR 400, 5 days overdue
    case: Case
    other: Company  # globex
    olga: Any  # globex's collector
    other_debtor: Debtor  # olga's, with an overdue EUR 250 item

    def refresh(self) -> World:
        self.case.refresh_from_db()
        self.debtor.refresh_from_db()
        self.old = factories.item_read(self.old)  # with what the desk's sweep holds for it
        self.new = factories.item_read(self.new)
        return self


def world(as_of: date = AS_OF, run: bool = True) -> World:
    company = factories.company()
    strategies_install_defaults(actor=admin(), company=company)
    cora, carl = factories.collector("cora", company), factories.collector("carl", company)
    maria = user_ensure(username="maria", role=Role.CREDIT_MANAGER, company=company)
    mike = user_ensure(username="mike", role=Role.CREDIT_MANAGER, company=company)
    lena = user_ensure(username="lena", role=Role.LEGAL, company=company)
    Membership.objects.filter(person=cora, company=company).update(reports_to=maria)
    debtor = factories.debtor(company, owner=cora)
    old = factories.item(debtor, due=as_of - timedelta(days=30), amount=600_00, number="INV-OLD")
    new = factories.item(debtor, due=as_of - timedelta(days=5), amount=400_00, number="INV-NEW")
    if run:
        run_as_admin(company=company, as_of=as_of)
        case = Case.objects.get(debtor=debtor, currency="EUR")
    else:  # no run yet: the desk opens the case (as the demo's seed does)
        case = case_ensure(debtor=debtor, currency="EUR", on=as_of)
    other = Company.objects.create(
        code="globex", name="Globex Ltd", currency="EUR", jurisdiction="DE"
    )  # no administrator shared with acme: `--company` stays optional for acme's people
    olga = factories.collector("olga", other)
    other_debtor = factories.debtor(other, code="GLOBEX-1", owner=olga)
    factories.item(other_debtor, due=as_of - timedelta(days=30), amount=250_00)
    old, new = factories.item_read(old), factories.item_read(new)
    return World(
        company, cora, carl, maria, mike, lena, debtor, old, new, case, other, olga, other_debtor
    )


def pay(item: OpenItem, amount_minor: int, on: date, *, reduce_open: bool = True) -> Payment:
    """A payment allocated to one item, as the ERP import would mirror it."""
    p = Payment.objects.create(
        company=item.company,
        debtor=item.debtor,
        reference=f"PAY-{next(_refs):05d}",
        received_on=on,
        currency=item.currency,
        amount_minor=amount_minor,
    )
    Allocation.objects.create(payment=p, item=item, amount_minor=amount_minor)
    if reduce_open:
        item.open_minor -= amount_minor
        item.save(update_fields=["open_minor"])
    return p


def pay_split(parts: list[tuple[OpenItem, int]], on: date) -> Payment:
    """One payment allocated across several items."""
    first = parts[0][0]
    p = Payment.objects.create(
        company=first.company,
        debtor=first.debtor,
        reference=f"PAY-{next(_refs):05d}",
        received_on=on,
        currency=first.currency,
        amount_minor=sum(a for _, a in parts),
    )
    for item, amount in parts:
        Allocation.objects.create(payment=p, item=item, amount_minor=amount)
        item.open_minor -= amount
        item.save(update_fields=["open_minor"])
    return p


def credited(
    dispute: Any, outcome: Any, *, by: Any, approver: Any, on: date = AS_OF, **kw: Any
) -> Any:
    """A dispute resolved by a credit (note or partial): asked by `by`, approved by `approver`."""
    from arrears.apps.negotiation.models import Approval
    from arrears.apps.negotiation.services import approval_decide, dispute_resolve

    dispute_resolve(dispute=dispute, actor=by, outcome=outcome, as_of=on, **kw)
    request = Approval.objects.get(dispute=dispute, status="requested")
    approval_decide(approval=request, actor=approver, approve=True, reason="agreed", as_of=on)
    dispute.refresh_from_db()
    return dispute


def refused(code: str, call: Callable[..., Any], /, **kw: Any) -> Refusal:
    """The refusal `call(**kw)` raises, asserting its code (the figures are the caller's)."""
    with pytest.raises(Refusal) as got:
        call(**kw)
    assert got.value.code == code, got.value.plain()
    return got.value


def terminal_words(code: str, **figures: Any) -> str:
    """What the terminal prints for a refusal with this code and these figures."""
    return refusal_words(Refusal(code, **figures))
