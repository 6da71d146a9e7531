"""What every desk view shares: the company from the URL, refusals as pages, htmx partials."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from arrears.apps.accounts.access import companies_of
from arrears.apps.common.reads import once
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.selectors import companies_listed
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.words import say


def company_of(request: HttpRequest, code: str) -> Company:
    """The company the URL names, if the person belongs to it; any other is unknown (404), so
    that a page never tells whether another company exists."""
    found = [c for c in companies_listed(companies_of(request.user)) if c.code == code]
    if not found:
        raise Http404(code)
    return once(("company", code), lambda: found[0])  # the page's header asks it again


def company_named(code: str) -> Company | None:
    """The company with this code, whoever asks (the page's header: the caller asks access);
    read once per page (`common.reads`)."""
    return once(("company", code), lambda: Company.objects.filter(code=code).first())


def htmx_partial(request: HttpRequest, full: str, partial: str) -> str:
    """The template to answer with: the partial when htmx asks for a piece of the page."""
    return partial if getattr(request, "htmx", False) else full


def refused(request: HttpRequest, e: Refusal, context: dict[str, Any]) -> HttpResponse:
    """A refusal in the words the terminal shows: 403 when the person may not, else 422."""
    status = 403 if isinstance(e, NotAllowed) else 422
    template = htmx_partial(request, "desk/refused.html", "desk/_refused.html")
    return render(request, template, {**context, "refusal": say(e)}, status=status)
