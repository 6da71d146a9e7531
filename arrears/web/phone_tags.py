"""`{% phone_panels %}`: the case page's "On the phone" panels (`views.phone`), each form
unbound unless a view hands back one with its errors (`phone_forms`) or what was recorded
(`phone_shown`); `{% phone_field %}`, one labelled input of theirs. Loaded for every template
(settings: TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag(takes_context=True)
def phone_field(
    context: Any,
    f: Any,
    type: str = "",
    size: Any = None,
    inputmode: str = "",
    label: str = "",
    grow: Any = False,
) -> SafeString:
    """One input of a phone panel's form with its label and errors beside it: a template
    included some 36 times a case page was a sixth of the page's template time. Each value is
    shown as a template shows it (`render_value_in_context`: escaped, localised)."""

    def shown(value: Any) -> str:
        return str(render_value_in_context(value, context))

    field_id = shown(f.auto_id)
    value = f.value()
    attrs = f' size="{shown(size)}"' if size else ""
    attrs += ' autocomplete="off"' if type == "text" or not type else ""
    attrs += f' inputmode="{shown(inputmode)}"' if inputmode else ""
    errors = f.errors
    if errors:
        attrs += f' aria-invalid="true" aria-describedby="{field_id}-error"'
    said = "".join(f'<span class="error" id="{field_id}-error">{shown(e)}</span>' for e in errors)
    return mark_safe(  # noqa: S308 (every value above went through shown(): escaped)
        f'<div class="field{" grow" if grow else ""}"><label for="{field_id}">'
        f"{shown(label or f.label)}</label>\n"
        f'<input id="{field_id}" name="{shown(f.html_name)}" type="{shown(type or "text")}" '
        f'value="{shown("" if value is None else value)}"{attrs}>\n{said}</div>\n'
    )
