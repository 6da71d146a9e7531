"""What every desk view shares: the company from the URL, refusals as pages, htmx partials,
the settings pages' guard, and the case page's form handling."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from arrears.apps.accounts.access import companies_of, may, require
from arrears.apps.common.reads import once
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.selectors import companies_listed
from arrears.domain.access import Verb
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


Bound = tuple[Company, Any, Any]  # the company, what the form acts on, the form bound to the post


def case_form(
    bind: Callable[..., Bound],
    answer: Callable[..., HttpResponse],
    *,
    not_allowed_page: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """What every form of the case page does around its service, in one place: POST only
    (CSRF by the middleware); `bind(request, company, **url)` finds what the form acts on and
    asks who may, before any form is read (a refusal is its page: 403, or 404 for another
    company's, nothing written), and binds the form to the post; the decorated handler
    `(request, firm, target, form, **url)` runs only on a valid form, calls its service and
    returns what to show (its own further errors go on the form). A `NotAllowed` from it is
    the refusal's page when `not_allowed_page`, else stands beside the form, as any other
    refusal does; `answer(request, firm, target, form, shown, **url)` renders the outcome."""

    def wrap(handler: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @require_POST
        @wraps(handler)
        def view(request: HttpRequest, company: str, **url: Any) -> HttpResponse:
            try:
                firm, target, form = bind(request, company, **url)
            except Refusal as e:
                return refused(request, e, {"company": company_of(request, company)})
            shown = None
            if form.is_valid():
                try:
                    shown = handler(request, firm, target, form, **url)
                except NotAllowed as e:
                    if not_allowed_page:
                        return refused(request, e, {"company": firm})
                    form.refuse(e)
                except Refusal as e:
                    form.refuse(e)
            return answer(request, firm, target, form, shown, **url)

        return view

    return wrap


def settings_gate(
    request: HttpRequest, company: str, *, administrators: bool = False
) -> Company | HttpResponse:
    """The settings pages' one guard: the company (another's: 404) if the person sets its
    policy (a credit manager) or, with `administrators`, administers it; else the refusal."""
    firm = company_of(request, company)
    if administrators and may(request.user, Verb.ADMINISTER, company_id=firm.pk):
        return firm
    try:
        require(request.user, Verb.SET_POLICY, company_id=firm.pk, what="change the settings")
    except NotAllowed as e:
        return refused(request, e, {"company": firm})
    return firm
