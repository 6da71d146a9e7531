"""Reads for the ledger."""

from __future__ import annotations

from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.ledger.models import Company, ExchangeRate
from arrears.domain.access import Verb

NO_COMPANY = "no company yet: create one with `arrears setup --company CODE ...` or `arrears demo`"
WHICH_COMPANY = "there are several companies ({codes}): say which with --company"
UNKNOWN_COMPANY = "unknown company {code!r} (yours: {codes})"
NOT_A_MEMBER = "you hold no role in any company: ask an administrator to add you"


class CompanyNotFound(LookupError):
    pass


def company_resolve(code: str | None = None, *, among: list[int] | None = None) -> Company:
    """The company named by `code`, or the only one when no code is given. With `among` (the
    companies a person belongs to), only those: the others are not even named."""
    known = Company.objects.all() if among is None else Company.objects.filter(pk__in=among)
    if code:
        try:
            return known.get(code=code)
        except Company.DoesNotExist:
            codes = ", ".join(known.values_list("code", flat=True)) or "none"
            raise CompanyNotFound(UNKNOWN_COMPANY.format(code=code, codes=codes)) from None
    companies = list(known.order_by("code")[:2])
    if not companies:
        raise CompanyNotFound(NO_COMPANY if among is None else NOT_A_MEMBER)
    if len(companies) > 1:
        codes = ", ".join(known.order_by("code").values_list("code", flat=True))
        raise CompanyNotFound(WHICH_COMPANY.format(codes=codes))
    return companies[0]


def exchange_rates_list(*, actor: Any, company: Company) -> list[ExchangeRate]:
    """The company's exchange rates into its currency, by currency and first day: to any of
    its members (the rules every figure is converted by, not a note). One query however many."""
    require(actor, Verb.READ, company_id=company.pk)
    return list(ExchangeRate.objects.filter(company=company).order_by("currency", "valid_from"))


def companies_listed(ids: list[int]) -> list[Company]:
    """The companies with these ids (a person's: `accounts.access.companies_of`), by code."""
    return list(Company.objects.filter(pk__in=ids).order_by("code"))
