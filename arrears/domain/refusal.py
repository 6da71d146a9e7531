"""Refusals are data: a stable code and the figures behind it (STYLE 15).

A service that will not do what it is asked raises a `Refusal`; the presentation module of its
app turns the code and figures into the words a person reads, the same words on the terminal,
a web page, an API error body or a letter. Tests assert codes and figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar


class Refusal(Exception):
    """Nothing was written: `code` says why (`promise.above_due`), `figures` with what.

    `presenter` is set by `arrears.words` when the apps start, so that even `str(refusal)` in a
    log reads as the person would read it; without it, the code and figures.
    """

    presenter: ClassVar[Callable[[Refusal], str] | None] = None

    def __init__(self, code: str, /, **figures: Any) -> None:
        self.code = code
        self.figures = figures
        super().__init__(code)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its figures (a refusal raised in a worker process arrives whole)."""
        return (_refused, (type(self), self.code, self.figures))

    def __str__(self) -> str:
        if Refusal.presenter is not None:
            return Refusal.presenter(self)
        return self.plain()

    def plain(self) -> str:
        """The code and figures, as a log line."""
        shown = ", ".join(f"{k}={v}" for k, v in self.figures.items())
        return f"{self.code} ({shown})" if shown else self.code


def _refused(kind: type[Refusal], code: str, figures: dict[str, Any]) -> Refusal:
    return kind(code, **figures)


class NotAllowed(Refusal, PermissionError):
    """The person may not do this: not a member, wrong role, not the owner, own request."""
