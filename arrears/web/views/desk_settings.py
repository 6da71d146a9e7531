"""The settings pages, for a credit manager (who may set the company's policy): the ladders,
the letter and email templates with the tone check, the negotiation policy (people and the
interest regime, which an administrator changes too, are in `settings_people.py`).

Each page is the terminal's command on the desk: the same selectors and services
(`arrears ladder`, `template`, `tone`, `negotiation-policy`), the same refusals in the
same words, beside the field they are about; bad input writes nothing (the services check
before they write). Anyone else of the company is refused (403) before anything is read; a
company the person does not belong to is not found (404)."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from arrears.apps.cases.presentation import ladder_lines
from arrears.apps.cases.selectors import strategies_read
from arrears.apps.cases.services.strategies import strategies_install
from arrears.apps.communications.presentation import LANGUAGES
from arrears.apps.communications.template_settings import (
    CHANNELS,
    steps_known,
    template_preview,
    template_read,
    template_reset,
    template_rows,
    template_set,
    tone_add,
    tone_read,
    tone_remove,
)
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.selectors import negotiation_policy_read
from arrears.apps.negotiation.services import negotiation_policy_load
from arrears.domain.ladder import LadderError
from arrears.domain.ladder_config import strategies_from_toml, strategies_to_toml
from arrears.domain.negotiation.document import policy_document
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.web.settings_forms import (
    DocumentForm,
    TemplateForm,
    ToneForm,
)
from arrears.web.views.common import refused, settings_gate


def _page(
    request: HttpRequest, name: str, firm: Company, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        f"desk/settings/{name}.html",
        {"company": firm, "section": name, **context},
        status=status,
    )


# --- overview --------------------------------------------------------


@require_GET
def settings_home(request: HttpRequest, company: str) -> HttpResponse:
    """What each setting is, and the interest regime the company's jurisdiction applies."""
    firm = settings_gate(request, company)
    if isinstance(firm, HttpResponse):
        return firm
    return _page(request, "home", firm, {})


# --- ladders ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ladder_page(request: HttpRequest, company: str) -> HttpResponse:
    """The ladders as `arrears ladder show` prints them, and as the TOML `arrears ladder
    load` reads: a changed document replaces them all once it reads as valid ladders."""
    firm = settings_gate(request, company)
    if isinstance(firm, HttpResponse):
        return firm
    strategies = strategies_read(actor=request.user, company=firm)
    form = DocumentForm(request.POST or None, initial={"document": strategies_to_toml(strategies)})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            wanted = strategies_from_toml(form.cleaned_data["document"])
            strategies_install(actor=request.user, company=firm, strategies=wanted)
            saved = True
        except LadderError as e:
            form.add_error("document", str(e))
        except Refusal as e:
            return refused(request, e, {"company": firm})
    if saved:
        return redirect("settings-ladder", firm.code)
    context = {"form": form, "lines": ladder_lines(strategies)}
    return _page(request, "ladder", firm, context, 422 if form.errors else 200)


# --- the negotiation policy ------------------------------------------------------------------


def _policy_document(text: str) -> dict[str, Any]:
    """JSON, or TOML, as `arrears negotiation-policy load` reads a file."""
    try:
        got = json.loads(text)
    except ValueError:
        try:
            got = tomllib.loads(text)
        except ValueError as e:
            raise ValueError(f"neither JSON nor TOML: {e}") from None
    if not isinstance(got, dict):
        raise ValueError("not a table of fields")
    return got


@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest, company: str) -> HttpResponse:
    """The negotiation policy (walk-away table, concessions, conditions, plan grace...): the
    whole document as the desk works by it, and the company's own fields to change."""
    firm = settings_gate(request, company)
    if isinstance(firm, HttpResponse):
        return firm
    shown = negotiation_policy_read(actor=request.user, company=firm)
    own = json.dumps(shown.own or {}, indent=2, ensure_ascii=False)
    form = DocumentForm(request.POST or None, initial={"document": own})
    if request.method == "POST" and form.is_valid():
        try:
            doc = _policy_document(form.cleaned_data["document"])
            negotiation_policy_load(company=firm, actor=request.user, document=doc)
            return redirect("settings-policy", firm.code)
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except ValueError as e:
            form.add_error("document", str(e))
    whole = json.dumps(policy_document(shown.policy), indent=2, ensure_ascii=False)
    context = {"form": form, "whole": whole}
    return _page(request, "policy", firm, context, 422 if form.errors else 200)


# --- templates and the tone check ------------------------------------------------------------


def _templates_context(request: HttpRequest, firm: Company, tone_form: ToneForm) -> dict[str, Any]:
    rows = template_rows(actor=request.user, company=firm)
    by_step: dict[str, list[Any]] = {}
    for r in rows:
        by_step.setdefault(r.step, []).append(r)
    return {
        "by_step": by_step,
        "languages": LANGUAGES,
        "channels": CHANNELS,
        "tone": tone_read(actor=request.user, company=firm),
        "tone_form": tone_form,
    }


@require_GET
def templates_page(request: HttpRequest, company: str) -> HttpResponse:
    """Every template (step, channel, language): the company's own or shipped; the tone
    check's phrases per language, shipped and the company's own."""
    firm = settings_gate(request, company)
    if isinstance(firm, HttpResponse):
        return firm
    return _page(request, "templates", firm, _templates_context(request, firm, ToneForm()))


@require_http_methods(["POST"])
def tone_change(request: HttpRequest, company: str, verb: str) -> HttpResponse:
    """Add (or remove) a phrase the company's templates may not use."""
    firm = settings_gate(request, company)
    if isinstance(firm, HttpResponse):
        return firm
    form = ToneForm(request.POST)
    if form.is_valid():
        change = tone_add if verb == "add" else tone_remove
        try:
            change(actor=request.user, company=firm, **form.cleaned_data)
            return redirect("settings-templates", firm.code)
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            form.refuse(e)
    context = _templates_context(request, firm, form)
    return _page(request, "templates", firm, {**context, "tone_verb": verb}, 422)


@require_http_methods(["GET", "POST"])
def template_page(
    request: HttpRequest, company: str, step: str, channel: str, language: str
) -> HttpResponse:
    """One template: its text to edit, checked on preview and on save (the tone check's or
    the render check's refusal beside the text, with its line); reset to the shipped one."""
    firm = settings_gate(request, company)
    if isinstance(firm, HttpResponse):
        return firm
    key = {"step": step, "channel": channel, "language": language}
    if step not in steps_known(firm) or channel not in CHANNELS or language not in LANGUAGES:
        raise Http404(f"{step}/{channel}/{language}")
    have = template_read(actor=request.user, company=firm, **key)
    form = TemplateForm(request.POST or None, initial={"text": have.text})
    preview = None
    saved = request.GET.get("saved", "")
    do = request.POST.get("do", "")
    if request.method == "POST" and do == "reset":
        template_reset(actor=request.user, company=firm, **key)
        return redirect("settings-template", firm.code, step, channel, language)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if do == "save":
                done = template_set(actor=request.user, company=firm, text=text, **key)
                url = redirect("settings-template", firm.code, step, channel, language)
                url["Location"] += "?saved=" + ("yes" if done.changed else "same")
                return url
            preview = template_preview(actor=request.user, company=firm, text=text, **key)
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            form.refuse(e)
    context = {
        "form": form,
        "have": have,
        "preview": preview,
        "saved": saved,
    }
    status = 422 if form.errors else 200
    return _page(request, "template", firm, {**context, **key}, status)
