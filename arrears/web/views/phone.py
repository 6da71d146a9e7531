"""On the phone: what a collector records on the case page while the debtor is on the line,
through the services and presenters of the terminal's `excuse`, `propose`, `promise`, `plan`
and `letter`:

- the excuse heard, its prepared answer shown the moment it is picked, and which answer was
  used (`excuse_log`);
- the debtor's proposal and the negotiation engine's answer beside it: the counter with its
  reason, the condition to ask for, every payment, "needs approval" beyond the walk-away point;
  accepting our offer, or the collector's own choice with its reason (`negotiation_propose`);
- a promise or a plan (`promise_create`, `plan_create`);
- the letter or email of the case's step, previewed (as HTML or its PDF) and queued to the
  outbox for the worker (`letter_queue`).

Each view finds the case in the person's company (another company's is not found), asks the
access rule before reading a form (403, nothing written), and lets the service decide the
rest; a refusal stands beside its field (422, nothing written). htmx gets the panel back and,
after a write, the case's live part (what to do, the timeline) out of band; a plain form post
is sent back to the case page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import Case
from arrears.apps.clearing.presentation import setoff_hint
from arrears.apps.clearing.selectors import case_setoff_possible
from arrears.apps.common import clock
from arrears.apps.communications.outbox import preview_pdf
from arrears.apps.communications.presentation import (
    interest_not_shown_words,
    letter_preview_words,
    queued_words,
)
from arrears.apps.communications.rendering import render as render_message
from arrears.apps.communications.selectors import case_letter_preview, case_written_steps
from arrears.apps.communications.services import letter_queue
from arrears.apps.communications.template_settings import company_template
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.policy import desk_policy
from arrears.apps.negotiation.presentation import (
    excuse_follow_lines,
    excuse_logged_words,
    plan_made_lines,
    promise_made_lines,
    proposal_answer,
)
from arrears.apps.negotiation.services import (
    OverrideIn,
    excuse_log,
    negotiation_propose,
    plan_create,
    promise_create,
)
from arrears.domain.access import Verb
from arrears.domain.excuses import CATALOGUE, OWN_WORDS, Excuse
from arrears.domain.money import MoneyError
from arrears.domain.negotiation import Condition
from arrears.domain.negotiation.history import Action
from arrears.domain.plans.model import DONT_ADD_UP, PlanError
from arrears.domain.promises import PromiseChannel
from arrears.domain.promises import PromisePart as DomainPart
from arrears.domain.promises import PromiseToPay as DomainPromise
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.web.forms import (
    DeskForm,
    ExcuseForm,
    LetterForm,
    PlanForm,
    PromiseForm,
    ProposalForm,
)
from arrears.web.phone_tags import phone_context
from arrears.web.views.case import _context as case_context
from arrears.web.views.case import _desk, page_context
from arrears.web.views.common import Bound, case_form, company_of, htmx_partial, refused
from arrears.words import say

Shown = dict[str, Any]  # what a panel shows of what was recorded

PANEL_OF: dict[type[DeskForm], str] = {
    ExcuseForm: "excuse",
    ProposalForm: "proposal",
    PromiseForm: "promise",
    PlanForm: "plan",
    LetterForm: "letter",
}


def _case(request: HttpRequest, company: str, case_id: int, verb: Verb) -> tuple[Company, Case]:
    """The case of the person's company (another's is not found), if they may `verb` on it
    (`NotAllowed` otherwise, before any form is read)."""
    firm = company_of(request, company)
    case = Case.objects.select_related("debtor", "company").filter(pk=case_id, company=firm)
    found = case.first()
    if found is None:
        raise Http404(str(case_id))
    require(
        request.user,
        verb,
        company_id=firm.pk,
        owner_id=found.debtor.owner_id,
        what=f"act on {found.debtor.code}'s case",
    )
    return firm, found


def _answer(
    request: HttpRequest,
    firm: Company,
    case: Case,
    panel: str,
    form: DeskForm,
    shown: dict[str, Any] | None = None,
) -> HttpResponse:
    """The panel again: with the form's errors beside their fields (422), or with what was
    recorded and, for htmx, the case's live part out of band."""
    htmx = getattr(request, "htmx", False)
    if not form.errors and not htmx:
        return redirect(reverse("case", args=[firm.code, case.pk]) + f"#phone-{panel}")
    status = 422 if form.errors else 200
    desk = _desk(request, firm, case.pk)
    whole = page_context(request, firm, desk) if not htmx else case_context(firm, desk)
    context = {
        **whole,
        "phone_forms": {panel: form} if form.errors or panel == "proposal" else {},
        "phone_shown": {panel: shown or {}},
    }
    if not htmx:
        return render(request, "desk/case.html", context, status=status)
    context |= phone_context(context)
    context |= {
        "panel": f"desk/_phone_{panel}.html",
        "form": context["forms"][panel],
        "shown": shown or {},
        "oob": not form.errors,
    }
    return render(request, "desk/_phone_answer.html", context, status=status)


def _posted(form_class: type[DeskForm]) -> Callable[..., Bound]:
    """Finds the case the person may change (403 before any form is read; another company's
    is not found) and binds the panel's form to the post."""

    def bind(request: HttpRequest, company: str, case_id: int) -> Bound:
        firm, case = _case(request, company, case_id, Verb.CHANGE_CASE)
        return firm, case, form_class(request.POST, prefix=PANEL_OF[form_class])

    return bind


def _panel(
    request: HttpRequest, firm: Company, case: Case, form: DeskForm, shown: Any, **url: Any
) -> HttpResponse:
    return _answer(request, firm, case, PANEL_OF[type(form)], form, shown or {})


@require_GET
def excuse_answer(request: HttpRequest, company: str, case_id: int) -> HttpResponse:
    """The prepared answer to the excuse just picked, and what it sets (now, then), shown at
    once while the debtor is on the line."""
    try:
        firm, case = _case(request, company, case_id, Verb.CHANGE_CASE)
    except NotAllowed as e:
        return refused(request, e, {"company": company_of(request, company)})
    code = request.GET.get("excuse-excuse") or request.GET.get("excuse") or ""  # the panel's select
    prepared = CATALOGUE.get(Excuse(code)) if code in set(Excuse) else None
    context: dict[str, Any] = {"prepared": prepared, "follow": []}
    if prepared is not None:
        days = desk_policy(firm).follow_up_days(prepared.excuse)
        context["follow"] = excuse_follow_lines(prepared, days)
    return render(request, "desk/_phone_excuse_prepared.html", context)


@case_form(_posted(ExcuseForm), _panel, not_allowed_page=False)
def excuse(request: HttpRequest, firm: Company, case: Case, form: DeskForm, **url: Any) -> Shown:
    """Log the excuse heard and the answer used (`excuse_log`)."""
    d = form.cleaned_data
    r = excuse_log(
        case=case,
        actor=request.user,
        excuse=Excuse(d["excuse"]),
        as_of=clock.today(),
        contact=d["contact"].strip(),
        note=d["note"].strip(),
        answer=OWN_WORDS if d["answer"] == OWN_WORDS else None,
    )
    lines = excuse_logged_words(r).splitlines()
    if r.log.excuse == Excuse.OTHERS_OWE_US:  # rule 11: we may owe them too, as the terminal
        hint = setoff_hint(
            case_setoff_possible(actor=request.user, case=case, as_of=r.log.logged_on)
        )
        lines += [hint] if hint else []
    return {"lines": lines}


@case_form(_posted(ProposalForm), _panel, not_allowed_page=False)
def propose(request: HttpRequest, firm: Company, case: Case, form: DeskForm, **url: Any) -> Shown:
    """Enter the debtor's proposal; the engine's answer beside it (`negotiation_propose`)."""
    d = form.cleaned_data
    try:
        terms = form.terms(case.currency)  # type: ignore[attr-defined]
        override = None
        if d["override"]:
            condition = Condition(d["condition"]) if d["condition"] else None
            override = OverrideIn(Action(d["override"]), terms, d["reason"], condition)
        r = negotiation_propose(
            case=case,
            actor=request.user,
            proposal=terms,
            proposed_by=d["contact"],
            as_of=clock.today(),
            override=override,
        )
    except Refusal:  # a Refused is a ValueError too: said beside its field by `case_form`
        raise
    except (ValueError, MoneyError) as e:  # terms that do not hold, an override without why
        form.refuse(e, "reason" if d["override"] and "override" in str(e) else None)
        return {}
    return {"answer": proposal_answer(r, override), "contact": d["contact"]}


@case_form(_posted(PromiseForm), _panel, not_allowed_page=False)
def promise(request: HttpRequest, firm: Company, case: Case, form: DeskForm, **url: Any) -> Shown:
    """Record a promise to pay taken on the phone (`promise_create`)."""
    d = form.cleaned_data
    parts = form.parts(case.currency)  # type: ignore[attr-defined]
    for n, (on, amount) in parts.items():
        try:  # the domain's rules for one part, said beside its amount
            DomainPromise("", on, (DomainPart(on, amount),), PromiseChannel.PHONE, "-", "-")
        except ValueError as e:
            form.refuse(e, f"amount_{n}")
    if not form.is_valid():
        return {}
    try:
        p = promise_create(
            case=case,
            actor=request.user,
            parts=list(parts.values()),
            given_by=d["contact"],
            channel=PromiseChannel.PHONE,
            as_of=clock.today(),
            conditions=d["conditions"],
            override_reason=d["override_reason"],
        )
    except Refusal:  # a Refused is a ValueError too: said beside its field by `case_form`
        raise
    except (ValueError, MoneyError) as e:
        form.refuse(e)
        return {}
    asked = p.approval_set.filter(status="requested").first()
    return {"lines": promise_made_lines(p, asked)}


def _plan_error_field(form: PlanForm, e: Exception) -> str | None:
    """Where a plan the domain refuses is said: instalments that do not add up, beside the
    total covered; a day too early, beside the first day typed."""
    if str(e).startswith(DONT_ADD_UP.split("{", 1)[0]):
        return "principal"
    return "on_1" if form.by_hand() else "first_due"


@case_form(_posted(PlanForm), _panel, not_allowed_page=False)
def plan(request: HttpRequest, firm: Company, case: Case, form: DeskForm, **url: Any) -> Shown:
    """Agree a payment plan (`plan_create`): equal monthly instalments, or instalments entered
    by hand; its instalments and whether it waits for a credit manager beside it."""
    assert isinstance(form, PlanForm)
    d = form.cleaned_data
    try:
        made = plan_create(
            case=case,
            actor=request.user,
            as_of=clock.today(),
            schedule=form.schedule(case.currency),
            conditions=d["conditions"],
            override_reason=d["override_reason"],
        )
    except Refusal:  # a Refused is a ValueError too: said beside its field by `case_form`
        raise
    except PlanError as e:
        form.refuse(e, _plan_error_field(form, e))
        return {}
    except (ValueError, MoneyError) as e:
        form.refuse(e)
        return {}
    asked = made.approval_set.filter(status="requested").first()
    dues = list(made.instalments.all())
    return {"lines": plan_made_lines(made, dues, asked, case.currency)}


def _step(request: HttpRequest, case: Case) -> str:
    """The written step asked for (`?step=`: one of the case's ladder, nothing else), else the
    one the desk offers first."""
    ladder = case_written_steps(case=case)
    asked = request.GET.get("step") or request.GET.get("letter-step") or ""  # the panel's select
    step = asked.strip() or ladder.chosen
    if step and step not in {code for code, _, _ in ladder.steps}:
        said = {"debtor": case.debtor.code, "currency": case.currency}
        raise Refusal("outbox.not_written", step=step, **said)
    return step


def _preview(request: HttpRequest, firm: Company, case: Case, step: str) -> Any:
    """The letter of `step` as of today, as `arrears letter --step` previews it."""
    if not step:
        raise Refusal("communications.no_step", debtor=case.debtor.code, currency=case.currency)
    return case_letter_preview(
        actor=request.user,
        company=firm,
        debtor_code=case.debtor.code,
        currency=case.currency,
        as_of=clock.today(),
        step_code=step,
    )


@require_GET
def letter_preview(request: HttpRequest, company: str, case_id: int) -> HttpResponse:
    """The letter or email the case's step sends, as the debtor would read it."""
    try:
        firm, case = _case(request, company, case_id, Verb.READ_OTHERS)
        step = _step(request, case)
        found, missing = _preview(request, firm, case, step)
        own, phrases = company_template(firm.pk, found.letter.step_code, "letter", found.language)
        message = render_message(
            found.letter,
            found.language,
            debtor=found.debtor,
            company=found.company,
            reference=found.reference,
            text=own,
            extra_hedges=phrases,
        )
    except Refusal as e:
        return refused(request, e, {"company": company_of(request, company)})
    context = {
        "company": firm,
        "case": case,
        "step": step,
        "preview": letter_preview_words(message.subject, message.body),
        "missing": interest_not_shown_words(say(missing)) if missing else "",
    }
    template = htmx_partial(request, "desk/letter.html", "desk/_phone_letter_preview.html")
    return render(request, template, context)


@require_GET
def letter_pdf(request: HttpRequest, company: str, case_id: int) -> HttpResponse:
    """The same letter as the PDF `arrears letter --pdf` writes."""
    try:
        firm, case = _case(request, company, case_id, Verb.READ_OTHERS)
        step = _step(request, case)
        found, _ = _preview(request, firm, case, step)
        own, phrases = company_template(firm.pk, found.letter.step_code, "letter", found.language)
        data = preview_pdf(found, company=firm, debtor=case.debtor, text=own, extra_hedges=phrases)
    except Refusal as e:
        return refused(request, e, {"company": company_of(request, company)})
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{case.debtor.code}-{case.currency}-{step}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@case_form(_posted(LetterForm), _panel)
def letter_send(
    request: HttpRequest, firm: Company, case: Case, form: DeskForm, **url: Any
) -> Shown:
    """Queue the letter or email of the case's step to the outbox (`letter_queue`)."""
    m = letter_queue(
        actor=request.user,
        company=firm,
        case_id=case.pk,
        channel=form.cleaned_data["channel"],
        as_of=clock.today(),
        step_code=form.cleaned_data["step"],
    )
    return {"lines": [queued_words(m)]}
