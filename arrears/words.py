"""The words a person reads for a refusal: one registry that every app's `presentation`
module fills with its codes' templates (at start-up, in its AppConfig.ready).

The terminal, the web pages, the API's error bodies and the letters all call `say`, so a
refusal reads the same everywhere. A code without words says its code and figures, never
nothing.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

from arrears.domain.refusal import Refusal

Figures = dict[str, Any]
_WORDS: dict[str, str] = {}
_ENRICH: dict[str, Callable[[Figures], Figures]] = {}


def register(
    words: Mapping[str, str], *, enrich: Callable[[Figures], Figures] | None = None
) -> None:
    """Add an app's templates; a code may be registered once (one place per code).
    `enrich` adds figures in words (a role's name, an amount with its currency) to the
    figures of that app's codes before the template is filled."""
    for code, template in words.items():
        if _WORDS.get(code, template) != template:
            raise ValueError(f"{code} has words in two places")
        _WORDS[code] = template
        if enrich is not None:
            _ENRICH[code] = enrich


def words_for(code: str) -> str | None:
    return _WORDS.get(code)


class _Figures(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def say(refusal: Refusal) -> str:
    """The refusal in words: its code's template filled with its figures."""
    template = _WORDS.get(refusal.code)
    if template is None:
        return refusal.plain()
    figures = dict(refusal.figures)
    if refusal.code in _ENRICH:
        figures = _ENRICH[refusal.code](figures)
    return string.Formatter().vformat(template, (), _Figures(figures))


Refusal.presenter = say
