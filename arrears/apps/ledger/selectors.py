"""Reads for the ledger."""

from __future__ import annotations

from arrears.apps.ledger.models import Company

NO_COMPANY = "no company yet: create one with `arrears setup --company CODE ...` or `arrears demo`"
WHICH_COMPANY = "there are several companies ({codes}): say which with --company"
UNKNOWN_COMPANY = "unknown company {code!r} (known: {codes})"


class CompanyNotFound(LookupError):
    pass


def company_resolve(code: str | None = None) -> Company:
    """The company named by `code`, or the only one when no code is given."""
    if code:
        try:
            return Company.objects.get(code=code)
        except Company.DoesNotExist:
            codes = ", ".join(Company.objects.values_list("code", flat=True)) or "none"
            raise CompanyNotFound(UNKNOWN_COMPANY.format(code=code, codes=codes)) from None
    companies = list(Company.objects.all()[:2])
    if not companies:
        raise CompanyNotFound(NO_COMPANY)
    if len(companies) > 1:
        codes = ", ".join(Company.objects.values_list("code", flat=True))
        raise CompanyNotFound(WHICH_COMPANY.format(codes=codes))
    return companies[0]
