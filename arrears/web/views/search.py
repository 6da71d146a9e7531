"""Find a debtor by code, name, registration number or VAT id, from every page's header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from arrears.apps.cases.selectors import SEARCH_MOST, debtor_search
from arrears.web.views.common import company_of


def search_page(request: HttpRequest, company: str) -> HttpResponse:
    """The debtors the person may read whose code or name holds the words, or whose
    registration number or VAT id they are; one debtor with one case opens that case at once."""
    firm = company_of(request, company)
    query = request.GET.get("q", "").strip()
    hits = debtor_search(actor=request.user, company_id=firm.pk, text=query)
    if len(hits) == 1 and len(hits[0].cases) == 1:
        return redirect("case", firm.code, hits[0].cases[0].case_id)
    context = {"company": firm, "query": query, "hits": hits, "most": SEARCH_MOST}
    return render(request, "desk/search.html", context)
