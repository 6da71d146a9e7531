"""Template filters of the desk: stored codes and amounts in the words the terminal uses
(`arrears.apps.cases.presentation.say`, `arrears.domain.money.format_minor`), so a page
never words them a second way. Loaded for every template (settings: TEMPLATES builtins)."""

from __future__ import annotations

from django import template

from arrears.apps.cases.presentation import say
from arrears.domain.money import format_minor

register = template.Library()


@register.filter(name="say")
def say_filter(value: object) -> str:
    """A stored code in plain words: `left_message` -> "left a message"."""
    return say(value)


@register.filter
def money(minor: int | None, currency: str) -> str:
    """Integer minor units with their currency: 123450, "EUR" -> "EUR 1,234.50"."""
    return "" if minor is None else format_minor(int(minor), currency)


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """`mapping[key]`, or "" (a form's chosen value or error by the field's name)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
