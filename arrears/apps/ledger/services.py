"""Writes for the ledger outside imports: companies and exchange rates.

Each takes the acting person and asks `arrears.apps.accounts.access` inside its transaction:
a company and its rates are its administrator's. The one write no person asks for is a new
installation's first company (`company_bootstrap`), whose first administrator it creates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import require, require_administrator
from arrears.apps.accounts.services import (
    administrator_bootstrap,
    audit_record,
    company_administrator_add,
)
from arrears.apps.ledger.models import Company, ExchangeRate
from arrears.domain.access import Verb
from arrears.domain.fx import conversion_factor
from arrears.domain.jurisdictions import jurisdiction_checked
from arrears.domain.money import exponent


def company_setup(*, actor: Any, code: str, name: str, currency: str, jurisdiction: str) -> Company:
    """Create the company (by an administrator, who administers it too from then on) or update
    its name and jurisdiction (by its administrator); the currency cannot change once set.
    An unknown jurisdiction is refused in words (`ledger.jurisdiction`), writing nothing."""
    exponent(currency)  # refuses unknown currencies with a clear message
    jurisdiction = jurisdiction_checked(jurisdiction)
    with transaction.atomic():
        existing = Company.objects.select_for_update().filter(code=code).first()
        if existing is None:
            require_administrator(actor, what="add a company")
        else:
            require(actor, Verb.ADMINISTER, company_id=existing.pk, what="change the company")
        company, created = _company_put(code, name, currency, jurisdiction)
        if created:
            company_administrator_add(actor=actor, company_id=company.pk)
        _audit_setup(company, created, actor)
    return company


def company_bootstrap(
    *, code: str, name: str, currency: str, jurisdiction: str, admin: str, email: str = ""
) -> tuple[Company, Any]:
    """A new installation: its company and its first administrator (`admin`), who acts from
    then on. Refused, writing nothing, once any administrator exists (then an administrator
    adds companies: `company_setup`)."""
    exponent(currency)
    jurisdiction = jurisdiction_checked(jurisdiction)
    with transaction.atomic():
        company, created = _company_put(code, name, currency, jurisdiction)
        person = administrator_bootstrap(company_id=company.pk, username=admin, email=email)
        _audit_setup(company, created, person)
    return company, person


def _company_put(code: str, name: str, currency: str, jurisdiction: str) -> tuple[Company, bool]:
    company, created = Company.objects.get_or_create(
        code=code, defaults={"name": name, "currency": currency, "jurisdiction": jurisdiction}
    )
    if not created and company.currency != currency:
        raise ValueError(
            f"company {code} keeps its books in {company.currency}; it cannot become {currency}"
        )
    if not created and (company.name, company.jurisdiction) != (name, jurisdiction):
        company.name, company.jurisdiction = name, jurisdiction
        company.save(update_fields=["name", "jurisdiction"])
    return company, created


def _audit_setup(company: Company, created: bool, actor: Any) -> None:
    audit_record(
        action="company.setup",
        actor=actor,
        object_type="company",
        object_id=company.pk,
        detail={
            "created": created,
            "currency": company.currency,
            "jurisdiction": company.jurisdiction,
        },
    )


def exchange_rate_set(
    *, actor: Any, company: Company, currency: str, rate: Decimal, valid_from: date
) -> ExchangeRate:
    """Record the rate (company currency per unit of `currency`) valid from a date: the
    company's administrator's to set."""
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company.pk, what="set exchange rates")
        conversion_factor(currency, company.currency, rate)  # validates currency, sign, decimals
        obj, _ = ExchangeRate.objects.update_or_create(
            company=company, currency=currency, valid_from=valid_from, defaults={"rate": rate}
        )
        audit_record(
            action="fx.set",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"currency": currency, "rate": str(rate), "valid_from": valid_from.isoformat()},
        )
    return obj
