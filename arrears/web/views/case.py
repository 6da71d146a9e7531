"""The case page and what a collector does on it: record a call's outcome."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from arrears.apps.cases.services import action_complete, actions
from arrears.apps.clearing.presentation import case_setoff_lines
from arrears.apps.clearing.selectors import case_setoff
from arrears.apps.communications.call_scripts import call_script
from arrears.apps.communications.costs import CaseCosts, case_costs
from arrears.apps.communications.models import AcknowledgementKind
from arrears.apps.communications.presentation import (
    ACK_KIND_WORDS,
    ack_item_words,
    case_without_interest_words,
    fee_line_words,
)
from arrears.apps.communications.selectors import (
    case_message_pdf,
    case_messages_without_interest,
)
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.case_desk import NO_CASE, CaseDesk, case_desk
from arrears.domain.refusal import Refusal
from arrears.web.forms import AcknowledgeForm, ActionDoneForm, FeeWaiveForm
from arrears.web.views.common import Bound, case_form, company_of, refused
from arrears.words import say


def _desk(request: HttpRequest, firm: Company, case_id: int) -> CaseDesk:
    """The case as the desk shows it; a case of another company is not found (404)."""
    try:
        return case_desk(
            actor=request.user, company=firm, case_id=case_id, as_of=timezone.localdate()
        )
    except Refusal as e:
        if e.code == NO_CASE:
            raise Http404(str(case_id)) from None
        raise


def _context(
    firm: Company, desk: CaseDesk, form: ActionDoneForm | None = None, form_for: int = 0
) -> dict[str, Any]:
    return {
        "company": firm,
        "desk": desk,
        "case": desk.case,
        "today": actions.today(),
        "form": form,
        "form_for": form_for,
    }


def cost_forms(costs: CaseCosts, data: Any = None) -> tuple[FeeWaiveForm, AcknowledgeForm]:
    """The cost panel's two forms, offering this case's own fees (owed, not asked about yet)
    and open items: bound to `data` when posted."""
    fees = [(f.id, fee_line_words(f)) for f in costs.fees if f.owed and f.waiver != "requested"]
    items = [(line.item, ack_item_words(line)) for line in costs.lines]
    kinds = [(k, ACK_KIND_WORDS.get(k, k)) for k in AcknowledgementKind.values]
    waive = FeeWaiveForm(data, fees=fees, prefix="waive")
    ack = AcknowledgeForm(
        data, items=items, kinds=kinds, prefix="ack", initial={"on": actions.today()}
    )
    return waive, ack


def page_context(
    request: HttpRequest,
    firm: Company,
    desk: CaseDesk,
    form: ActionDoneForm | None = None,
    form_for: int = 0,
    posted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the whole case page shows (`desk/case.html`), with its panels from the apps above
    the case: a set-off possible or pending (rule 11), and the interest, fees and limitation
    with their forms (`posted`: a cost form posted and refused, to show again with its errors)."""
    setoff = case_setoff(
        actor=request.user,
        company=firm,
        debtor_id=desk.case.debtor_id,
        currency=desk.case.currency,
        as_of=actions.today(),
    )
    costs = case_costs(case=desk.case, company=firm, as_of=actions.today())
    script = None  # a pending call's script (desk/call_script.html); not for sales (notes)
    if desk.pending:
        try:
            script = call_script(actor=request.user, case=desk.case, as_of=actions.today())
        except Refusal:
            script = None
    waive_form, ack_form = cost_forms(costs)
    late = case_messages_without_interest(case=desk.case)
    return {
        **_context(firm, desk, form, form_for),
        "setoff_lines": case_setoff_lines(setoff),
        "costs": costs,
        "cost_words": [fee_line_words(f) for f in costs.fees],
        "waive_form": waive_form,
        "ack_form": ack_form,
        **(posted or {}),
        "call_script": script,
        "without_interest": (
            case_without_interest_words(late.sent, late.to_send, say(late.why)) if late.why else ""
        ),
    }


@require_GET
def case_page(request: HttpRequest, company: str, case_id: int) -> HttpResponse:
    """The case: debtor, contacts, items, step and why, hold and why, record, timeline."""
    firm = company_of(request, company)
    try:
        desk = _desk(request, firm, case_id)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    context = page_context(request, firm, desk)
    return render(request, "desk/case.html", context)


def _action_form(request: HttpRequest, company: str, case_id: int, action_id: int) -> Bound:
    """The case (refused if the person may not read it, not found if another company's) and
    the outcome form bound to the post, for an open action of this case only (else 404)."""
    firm = company_of(request, company)
    desk = _desk(request, firm, case_id)
    if action_id not in {p.action_id for p in desk.pending}:
        raise Http404(f"A{action_id}")  # not an open action of this case
    return firm, desk, ActionDoneForm(request.POST)


def _action_answer(
    request: HttpRequest,
    firm: Company,
    desk: CaseDesk,
    form: ActionDoneForm,
    shown: Any,
    case_id: int,
    action_id: int,
) -> HttpResponse:
    """htmx gets the case's live part back; a plain form post is sent back to the case page;
    bad input stands beside its field (422)."""
    htmx = getattr(request, "htmx", False)
    if form.errors:
        if htmx:
            return render(
                request, "desk/_case_live.html", _context(firm, desk, form, action_id), status=422
            )
        return render(
            request,
            "desk/case.html",
            page_context(request, firm, desk, form, action_id),
            status=422,
        )
    if not htmx:
        return redirect("case", firm.code, case_id)
    return render(request, "desk/_case_live.html", _context(firm, _desk(request, firm, case_id)))


@case_form(_action_form, _action_answer)
def action_done(
    request: HttpRequest, firm: Company, desk: CaseDesk, form: ActionDoneForm, **url: Any
) -> None:
    """Record what came of an open action of this case (`action_complete`, which asks who may).
    htmx gets the case's live part back; a plain form post is sent back to the case page. Bad
    input stands beside its field, and nothing is written."""
    d = form.cleaned_data
    action_complete(
        actor=request.user,
        action_id=url["action_id"],
        outcome=d["outcome"],
        note=d["note"],
        on=d["on"],
    )


@require_GET
def message_pdf(request: HttpRequest, company: str, case_id: int, message_id: int) -> HttpResponse:
    """A message of the case's timeline on paper, as the outbox printed or prints it, for a
    person who may read the case; another case's message, or another company's, is not found."""
    firm = company_of(request, company)
    try:
        got = case_message_pdf(
            actor=request.user, company=firm, case_id=case_id, message_id=message_id
        )
    except Refusal as e:
        return refused(request, e, {"company": firm})
    if got is None:
        raise Http404(f"M{message_id}")
    name, data = got
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
