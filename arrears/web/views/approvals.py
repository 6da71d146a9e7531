"""The approvals page: what waits for a credit manager's decision, from every app that asks
for one (`common.decisions`), each with its figures and the asker's reason; approve or refuse
with a reason, through the same services as the terminal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from arrears.apps.accounts.access import may
from arrears.apps.common import clock, decisions
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.web.forms import DecisionForm
from arrears.web.views.common import company_named, company_of, htmx_partial, refused

PER_PAGE = 25

SORT_CHOICES = (  # the sort links above the list, in the order shown (`decisions.SORTS`)
    ("kind", "kind"),
    ("asked", "oldest first"),
    ("-asked", "newest first"),
    ("debtor", "debtor"),
    ("what", "what is asked"),
    ("by", "asked by"),
)


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "kind")
    return sort if sort.removeprefix("-") in decisions.SORTS and sort != "-kind" else "kind"


def _context(
    request: HttpRequest, firm: Company, rows: decisions.Listing, focus: str = ""
) -> dict[str, Any]:
    """One page of what waits, in the order asked (`?sort=`, `?page=`; the page holding the
    request `focus`, a key, when given): the database counts what waits (for the page, its
    pager and the header) and reads the page's requests alone, however many wait."""
    number: Any = request.GET.get("page")
    at = rows.position(focus) if focus else None
    if at is not None:
        number = at // PER_PAGE + 1
    page = Paginator(rows, PER_PAGE).get_page(number)
    return {
        "company": firm,
        "rows": list(page),
        "page": page,
        "sort": _sort(request),
        "sort_choices": SORT_CHOICES,
        "total": len(rows),
        "me": request.user.pk,
        "query": "",
        "approvals_waiting": len(rows),
    }


@require_GET
def approvals_page(request: HttpRequest, company: str) -> HttpResponse:
    """Everything waiting in the company for a credit manager's decision (credit managers), a
    page at a time; htmx gets the list alone (sorting, paging)."""
    firm = company_of(request, company)
    try:
        rows = decisions.listing(actor=request.user, company=firm, sort=_sort(request))
    except Refusal as e:
        return refused(request, e, {"company": firm})
    template = htmx_partial(request, "desk/approvals.html", "desk/_approvals_list.html")
    return render(request, template, _context(request, firm, rows))


@require_POST
def approval_decide(request: HttpRequest, company: str, kind: str, id: int) -> HttpResponse:
    """Approve or refuse one request. htmx gets the row back with the decision in words (or,
    refused, the row with the refusal beside its field, nothing written); a plain form post is
    sent back to the page."""
    firm = company_of(request, company)
    found = decisions.KINDS.get(kind)
    if found is None:
        raise Http404(kind)
    form = DecisionForm(request.POST)
    done = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            done = decisions.decide(
                actor=request.user,
                company=firm,
                kind=kind,
                id=id,
                approve=d["verdict"] == "approve",
                reason=d["reason"],
                on=clock.today(),
                choice=d["choice"],
            )
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            form.refuse(e, found.fields)
    htmx = getattr(request, "htmx", False)
    if not form.errors:
        if not htmx:
            messages.success(request, done)
            return redirect("approvals", firm.code)
        return render(request, "desk/_approval_done.html", {"key": f"{kind}-{id}", "done": done})
    try:
        rows = decisions.listing(actor=request.user, company=firm, sort=_sort(request))
        row = next(iter(found.waiting(actor=request.user, company=firm, ids=[id])), None)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    context = {
        **_context(request, firm, rows, focus=f"{kind}-{id}"),
        "form": form,
        "form_for": f"{kind}-{id}",
        "orphan": row is None,
    }
    if htmx and row is not None:
        return render(request, "desk/_approval.html", {**context, "w": row}, status=422)
    if htmx:  # decided or withdrawn meanwhile: the refusal in the row's place
        return render(
            request,
            "desk/_approval_done.html",
            {"key": f"{kind}-{id}", "errors": form.errors},
            status=422,
        )
    return render(request, "desk/approvals.html", context, status=422)


class WaitingCount:
    """How many requests wait for the signed-in credit manager's decision in the page's
    company; None for anyone else (the header shows no link then). Counted only when a page
    shows it (the template calls it), never for an htmx partial."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.counted: tuple[int | None] | None = None

    def __call__(self) -> int | None:
        if self.counted is None:
            self.counted = (self._count(),)
        return self.counted[0]

    def _count(self) -> int | None:
        match = self.request.resolver_match
        code = match.kwargs.get("company") if match else None
        user = self.request.user
        if not code or not user.is_authenticated:
            return None
        firm = company_named(code)
        if firm is None or not may(user, Verb.APPROVE, company_id=firm.pk):
            return None
        return len(decisions.listing(actor=user, company=firm))


class MayImport(WaitingCount):
    """Whether the page's company lets the signed-in person import (its administrator)."""

    def _count(self) -> int | None:
        match = self.request.resolver_match
        code = match.kwargs.get("company") if match else None
        firm = company_named(code) if code else None
        user = self.request.user
        if firm is None or not user.is_authenticated:
            return None
        return 1 if may(user, Verb.ADMINISTER, company_id=firm.pk) else None


def approvals_count(request: HttpRequest) -> dict[str, object]:
    """Context processor: `approvals_waiting`, counted when the header shows it, and
    `may_import`, asked when the header shows it."""
    return {"approvals_waiting": WaitingCount(request), "may_import": MayImport(request)}
