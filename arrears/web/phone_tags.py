"""`{% phone_panels %}`: the case page's "On the phone" panels (`views.phone`), each form
unbound unless a view hands back one with its errors (`phone_forms`) or what was recorded
(`phone_shown`); `{% phone_field %}`, one labelled input of them. Loaded for every template
(settings: TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


@register.simple_tag(takes_context=True)
def phone_field(
    context: Any,
    f: Any,
    label: Any = None,
    type: Any = None,  # noqa: A002 (the input's own attribute name)
    size: Any = None,
    inputmode: Any = None,
    grow: Any = None,
) -> SafeString:
    """One labelled input of a panel's form (`f`, a bound field) with its errors beside it,
    as a `<div class="field">`: the case page shows some thirty of them, an include each cost
    more than the rest of the panel."""
    auto_id, errors = f.auto_id, f.errors
    value = f.value()
    attrs = [
        format_html(' size="{}"', size) if size else "",
        ' autocomplete="off"' if type == "text" or not type else "",
        format_html(' inputmode="{}"', inputmode) if inputmode else "",
        format_html(' aria-invalid="true" aria-describedby="{}-error"', auto_id) if errors else "",
    ]
    return format_html(
        '<div class="field{}"><label for="{}">{}</label>\n'
        '<input id="{}" name="{}" type="{}" value="{}"{}>\n{}</div>\n',
        " grow" if grow else "",
        auto_id,
        label or f.label,
        auto_id,
        f.html_name,
        type or "text",
        "" if value is None else render_value_in_context(value, context),
        SafeString("".join(attrs)),
        format_html_join(
            "", '<span class="error" id="{}-error">{}</span>', ((auto_id, e) for e in errors)
        ),
    )


@register.filter
def prepared_answer(code: object) -> Any:
    """The catalogue's prepared answer to an excuse code (None for anything else)."""
    from arrears.domain.excuses import CATALOGUE, Excuse

    return CATALOGUE.get(Excuse(str(code))) if code in set(Excuse) else None
