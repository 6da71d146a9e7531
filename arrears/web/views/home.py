"""The home page: a person's worklist in their first company (by code)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from arrears.apps.accounts.access import companies_of
from arrears.apps.ledger.selectors import companies_listed


def home(request: HttpRequest) -> HttpResponse:
    """Straight to the worklist; a person of no company is told so."""
    companies = companies_listed(companies_of(request.user))
    if not companies:
        return render(request, "home.html", {})
    return redirect("worklist", companies[0].code)
