"""The case page's cost panel, for what the terminal does already: ask for a fee to be waived
(`arrears fee waive`: the request waits on the approvals page for a credit manager who did not
ask) and record a debtor's acknowledgement (`arrears acknowledge`: it restarts the item's
limitation). The same services decide who may and what is refused; a refusal stands beside
its field and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from arrears.apps.cases.services import actions
from arrears.apps.communications.costs import case_costs
from arrears.apps.communications.fees import fee_waive_request
from arrears.apps.communications.limitation import acknowledge
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.case_desk import CaseDesk
from arrears.web.views.case import _desk, cost_forms, page_context
from arrears.web.views.common import Bound, case_form, company_of, htmx_partial


def _answer(
    request: HttpRequest, firm: Company, case: CaseDesk, form: forms.Form, shown: Any, **url: Any
) -> HttpResponse:
    """A plain post that went through goes back to the case page; htmx gets the cost panel
    back, fresh; a refused form comes back with its errors beside the fields (422)."""
    failed = bool(form.errors)
    htmx = getattr(request, "htmx", False)
    case_id = case.case.pk
    if not failed and not htmx:
        return redirect("case", firm.code, case_id)
    desk = _desk(request, firm, case_id)
    posted = {f"{form.prefix}_form": form} if failed else None
    context = page_context(request, firm, desk, posted=posted)
    template = htmx_partial(request, "desk/case.html", "desk/_case_costs.html")
    return render(request, template, context, status=422 if failed else 200)


def _posted(which: int) -> Callable[..., Bound]:
    """Finds the case (one the person may not read is refused, another company's is not
    found) and binds the panel's form `which` (0: waive, 1: acknowledge) to the post, with
    this case's own choices."""

    def bind(request: HttpRequest, company: str, case_id: int) -> Bound:
        firm = company_of(request, company)
        desk = _desk(request, firm, case_id)
        costs = case_costs(case=desk.case, company=firm, as_of=actions.today())
        return firm, desk, cost_forms(costs, request.POST)[which]

    return bind


@case_form(_posted(0), _answer)
def fee_waive(request: HttpRequest, firm: Company, desk: CaseDesk, form: Any, **url: Any) -> None:
    """Ask for one of the case's fees to be waived, with a reason (`fee_waive_request`)."""
    fee_waive_request(
        actor=request.user,
        company=firm,
        fee_id=form.cleaned_data["fee"],
        reason=form.cleaned_data["reason"],
    )


@case_form(_posted(1), _answer)
def acknowledgement(
    request: HttpRequest, firm: Company, desk: CaseDesk, form: Any, **url: Any
) -> None:
    """Record an acknowledgement of one of the case's items (`acknowledge`)."""
    d = form.cleaned_data
    acknowledge(
        actor=request.user,
        company=firm,
        item_number=d["item"],
        on=d["on"],
        kind=d["kind"],
        note=d["note"],
    )
