"""Writes for the ledger outside imports: companies and exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from arrears.apps.accounts.services import audit_record
from arrears.apps.ledger.models import Company, ExchangeRate
from arrears.domain.fx import conversion_factor
from arrears.domain.money import exponent


@transaction.atomic
def company_setup(
    *, code: str, name: str, currency: str, jurisdiction: str, actor: Any = None
) -> Company:
    """Create the company or update its name; the currency cannot change once set."""
    exponent(currency)  # refuses unknown currencies with a clear message
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
    audit_record(
        action="company.setup",
        actor=actor,
        object_type="company",
        object_id=company.pk,
        detail={"created": created, "currency": currency, "jurisdiction": jurisdiction},
    )
    return company


@transaction.atomic
def exchange_rate_set(
    *, company: Company, currency: str, rate: Decimal, valid_from: date, actor: Any = None
) -> ExchangeRate:
    """Record the rate (company currency per unit of `currency`) valid from a date."""
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
