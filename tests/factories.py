"""Small builders for test data. Every fixture world has a second company and collector, so
that tests can check what must stay out of reach."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import CreditHold, ItemDeskInput
from arrears.apps.cases.services import RunResult, run_daily
from arrears.apps.communications.services import sender_set
from arrears.apps.ledger.imports import ImportSummary, import_file
from arrears.apps.ledger.models import Company, Debtor, OpenItem
from arrears.apps.negotiation.services import SweepResult, negotiation_sweep
from arrears.domain.access import PersonRole
from arrears.domain.ladder import Role

_seq = itertools.count(1)


def company(code: str = "acme", currency: str = "EUR", **kw: Any) -> Company:
    """A company with an administrator, `admin` (the same person in every test company)."""
    defaults = {"name": f"{code.title()} GmbH", "currency": currency, "jurisdiction": "DE"}
    defaults.update(kw)
    made = Company.objects.get_or_create(code=code, defaults=defaults)[0]
    user_ensure(username="admin", role=PersonRole.ADMINISTRATOR, company=made)
    return made


def admin() -> Any:
    """The test world's administrator (`company()` makes `admin` one of each company): who
    imports, runs the daily run, sets rates and installs ladders in the tests."""
    return get_user_model().objects.get(username="admin")


def sender(company: Company, **kw: Any) -> None:
    """The company's sender details (its name, a postal address, a reply address and an IBAN),
    set by the administrator: without them nothing goes through the outbox. `kw` overrides."""
    fields: dict[str, Any] = {
        "name": company.name,
        "address": "Werkstr. 5\n80331 München",
        "email": f"billing@{company.code}.example",
        "iban": "DE89 3704 0044 0532 0130 00",
    }
    fields.update(kw)
    sender_set(actor=admin(), company=company, **fields)


def run_as_admin(*, company: Company, as_of: date, **kw: Any) -> RunResult:
    """The daily run, as the company's administrator runs it (`run_daily` asks who runs)."""
    return run_daily(actor=admin(), company=company, as_of=as_of, **kw)


def sweep_as_admin(*, company: Company, as_of: date, **kw: Any) -> SweepResult:
    """The negotiation desk's daily sweep on its own, as the company's administrator (as the
    run does it: `negotiation_sweep` asks who sweeps)."""
    return negotiation_sweep(actor=admin(), company=company, as_of=as_of, **kw)


def import_as_admin(*, company: Company, kind: str, path: Path, **kw: Any) -> ImportSummary:
    """An import of the ERP's file, as the company's administrator (`import_file` asks who)."""
    return import_file(actor=admin(), company=company, kind=kind, path=path, **kw)


def collector(username: str = "cora", company_: Company | None = None) -> Any:
    """A collector; a member of `company_` when given."""
    return user_ensure(username=username, role=Role.COLLECTOR, company=company_)


def credit_manager(username: str = "maria", company_: Company | None = None) -> Any:
    """A credit manager; a member of `company_` when given."""
    return user_ensure(username=username, role=Role.CREDIT_MANAGER, company=company_)


def debtor(company_: Company, code: str | None = None, **kw: Any) -> Debtor:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "code": code or f"D{n:05d}",
        "name": f"Debtor {n}",
        "country": "DE",
        "risk_tier": "medium",
    }
    on_hold = kw.pop("on_hold", False)  # a credit hold the run set (cases.CreditHold)
    defaults.update(kw)
    made = Debtor.objects.create(company=company_, **defaults)
    if on_hold:
        CreditHold.objects.create(debtor=made)
    return made


def on_hold(debtor_: Debtor) -> bool:
    """Whether `debtor_` is on credit hold now."""
    return CreditHold.objects.filter(debtor=debtor_).exists()


def item(
    debtor_: Debtor,
    *,
    due: date,
    amount: int = 100_00,
    open_: int | None = None,
    number: str | None = None,
    currency: str | None = None,
    kind: str = "invoice",
    issue_date: date | None = None,  # default: 30 days before it falls due
    excluded_minor: int = 0,  # what the desk's sweep holds back (cases.ItemDeskInput)
    broken_promises: int = 0,  # the breaks the sweep counts for it
    **kw: Any,
) -> OpenItem:
    made = OpenItem.objects.create(
        company=debtor_.company,
        debtor=debtor_,
        number=number or f"INV-{next(_seq):06d}",
        kind=kind,
        issue_date=issue_date or due - timedelta(days=30),
        due_date=due,
        currency=currency or debtor_.company.currency,
        original_minor=amount,
        open_minor=amount if open_ is None else open_,
        **kw,
    )
    if excluded_minor or broken_promises:
        desk_input_set(made, excluded_minor=excluded_minor, broken_promises=broken_promises)
    return made


def desk_input_set(item_: OpenItem, **values: int) -> None:
    """Set what the desk's sweep tells the ladder about `item_` (as the sweep would)."""
    ItemDeskInput.objects.update_or_create(item=item_, defaults=values)


def items_read() -> QuerySet[OpenItem]:
    """Items with `excluded_minor` and `broken_promises` as the ladder reads them (0: no row)."""
    return OpenItem.objects.annotate(
        excluded_minor=Coalesce("desk_input__excluded_minor", 0),
        broken_promises=Coalesce("desk_input__broken_promises", 0),
    )


def item_read(item_: OpenItem) -> OpenItem:
    """`item_` fresh from the database, with what the desk's sweep holds for it."""
    return items_read().get(pk=item_.pk)


def payable(debtor_: Debtor, number: str, due: date, minor: int) -> Any:
    """What we owe `debtor_` as its customer (a supplier invoice, EUR, issued 1 September 2026)."""
    from arrears.apps.ledger.models import Payable

    return Payable.objects.create(
        company=debtor_.company,
        debtor=debtor_,
        number=number,
        issue_date=date(2026, 9, 1),
        due_date=due,
        currency="EUR",
        original_minor=minor,
        open_minor=minor,
    )
