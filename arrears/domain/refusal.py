"""Refusals are data: a stable code and the figures behind it (STYLE 15).

A service that will not do what it is asked raises a `Refusal`; the presentation module of its
app turns the code and figures into the words a person reads, the same words on the terminal,
a web page, an API error body or a letter. Tests assert codes and figures.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """Nothing was written: `code` says why (`promise.above_due`), `figures` with what."""

    def __init__(self, code: str, /, **figures: Any) -> None:
        self.code = code
        self.figures = figures
        super().__init__(code)

    def __str__(self) -> str:
        # Words come from the presenters; this is the fallback for logs and tracebacks.
        shown = ", ".join(f"{k}={v}" for k, v in self.figures.items())
        return f"{self.code} ({shown})" if shown else self.code


class NotAllowed(Refusal, PermissionError):
    """The person may not do this: not a member, wrong role, not the owner, own request."""
