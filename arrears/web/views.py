"""The landing page; the collector's desk proper is its own app (see the issues)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arrears.apps.cases.selectors import company_overview


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"companies": company_overview(as_of=date.today())})
