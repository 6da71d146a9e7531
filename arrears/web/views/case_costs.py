"""The case page's cost panel, for what the terminal does already: ask for a fee to be waived
(`arrears fee waive`: the request waits on the approvals page for a credit manager who did not
ask) and record a debtor's acknowledgement (`arrears acknowledge`: it restarts the item's
limitation). The same services decide who may and what is refused; a refusal stands beside
its field and nothing is written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from arrears.apps.cases.services import actions
from arrears.apps.communications.costs import case_costs
from arrears.apps.communications.fees import fee_waive_request
from arrears.apps.communications.limitation import acknowledge
from arrears.apps.ledger.models import Company
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.web.views.case import _desk, cost_forms, page_context
from arrears.web.views.common import company_of, htmx_partial, refused


def _answer(
    request: HttpRequest, firm: Company, case_id: int, posted: dict[str, forms.Form]
) -> HttpResponse:
    """A plain post that went through goes back to the case page; htmx gets the cost panel
    back, fresh; a refused form comes back with its errors beside the fields (422)."""
    failed = any(f.errors for f in posted.values())
    htmx = getattr(request, "htmx", False)
    if not failed and not htmx:
        return redirect("case", firm.code, case_id)
    desk = _desk(request, firm, case_id)
    context = page_context(request, firm, desk, posted=posted if failed else None)
    template = htmx_partial(request, "desk/case.html", "desk/_case_costs.html")
    return render(request, template, context, status=422 if failed else 200)


def _posted(
    request: HttpRequest, company: str, case_id: int, which: int
) -> tuple[Company, Any] | HttpResponse:
    """The company, and the panel's form `which` (0: waive, 1: acknowledge) bound to the post
    with this case's own choices; a case the person may not read is refused (404 another
    company's)."""
    firm = company_of(request, company)
    try:
        desk = _desk(request, firm, case_id)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    costs = case_costs(case=desk.case, company=firm, as_of=actions.today())
    return firm, cost_forms(costs, request.POST)[which]


@require_POST
def fee_waive(request: HttpRequest, company: str, case_id: int) -> HttpResponse:
    """Ask for one of the case's fees to be waived, with a reason (`fee_waive_request`)."""
    got = _posted(request, company, case_id, 0)
    if isinstance(got, HttpResponse):
        return got
    firm, form = got
    if form.is_valid():
        try:
            fee_waive_request(
                actor=request.user,
                company=firm,
                fee_id=form.cleaned_data["fee"],
                reason=form.cleaned_data["reason"],
            )
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            form.refuse(e)
    return _answer(request, firm, case_id, {"waive_form": form})


@require_POST
def acknowledgement(request: HttpRequest, company: str, case_id: int) -> HttpResponse:
    """Record an acknowledgement of one of the case's items (`acknowledge`)."""
    got = _posted(request, company, case_id, 1)
    if isinstance(got, HttpResponse):
        return got
    firm, form = got
    if form.is_valid():
        d = form.cleaned_data
        try:
            acknowledge(
                actor=request.user,
                company=firm,
                item_number=d["item"],
                on=d["on"],
                kind=d["kind"],
                note=d["note"],
            )
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            form.refuse(e)
    return _answer(request, firm, case_id, {"ack_form": form})
