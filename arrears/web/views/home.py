"""The landing page: the person's companies at a glance."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arrears.apps.cases.selectors import company_overview


def home(request: HttpRequest) -> HttpResponse:
    """The person's companies at a glance (login required: LoginRequiredMiddleware)."""
    companies = company_overview(actor=request.user, as_of=date.today())
    return render(request, "home.html", {"companies": companies})
