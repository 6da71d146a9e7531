"""`{% phone_panels %}`: the case page's "On the phone" panels (`views.phone`), each form
unbound unless a view hands back one with its errors (`phone_forms`) or what was recorded
(`phone_shown`). Loaded for every template (settings: TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any

from django import template

from arrears.apps.common import clock
from arrears.apps.communications.selectors import case_written_steps
from arrears.web.forms import ExcuseForm, LetterForm, PlanForm, PromiseForm, ProposalForm

register = template.Library()

FORMS = {
    "excuse": ExcuseForm,
    "proposal": ProposalForm,
    "promise": PromiseForm,
    "plan": PlanForm,
    "letter": LetterForm,
}


def phone_form(panel: str, data: Any = None) -> Any:
    """A panel's form, its fields named and identified under the panel's prefix."""
    return FORMS[panel](data, prefix=panel)


@register.inclusion_tag("desk/_phone.html", takes_context=True)
def phone_panels(context: Any) -> dict[str, Any]:
    return phone_context(context)


def phone_context(context: Any) -> dict[str, Any]:
    given = context.get("phone_forms") or {}
    out = {
        "company": context["company"],
        "case": context["case"],
        "desk": context["desk"],
        "today": clock.today(),
        "forms": {p: given.get(p) or phone_form(p) for p in FORMS},
        "shown": context.get("phone_shown") or {},
        "letters": case_written_steps(case=context["case"]),
    }
    if context.get("csrf_token") is not None:  # an inclusion tag's own context has none
        out["csrf_token"] = context["csrf_token"]
    return out


@register.filter
def prepared_answer(code: object) -> Any:
    """The catalogue's prepared answer to an excuse code (None for anything else)."""
    from arrears.domain.excuses import CATALOGUE, Excuse

    return CATALOGUE.get(Excuse(str(code))) if code in set(Excuse) else None
