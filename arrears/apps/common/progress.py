"""Progress of long work (the demo, an import, the run) for a person watching a terminal.

One status line on standard error, rewritten in place, and cleared when the work is done, so
that what the command prints on standard output stays as it is. Nothing at all when standard
error is not a terminal (a pipe, a file, a cron job's mail, the tests): a log gets the result,
not the chatter.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


class Progress:
    """`step("importing items")`, `count(done, total, "rows written")`, then `end()`."""

    def __init__(self, stream: TextIO | Any) -> None:
        # A command's `self.stderr` wraps the stream, adding a line end and a colour to each
        # write: the status line goes to the stream itself.
        self.stream = getattr(stream, "_out", stream)
        isatty = getattr(self.stream, "isatty", None)
        self.shown = bool(isatty and isatty())
        self._started = time.monotonic()
        self._text = ""

    def step(self, text: str) -> None:
        """Show what is being done now."""
        self._text = text
        self._write(f"{text} ...")

    def count(self, done: int, total: int, what: str) -> None:
        """Show how far the current step has come ("items: 200,000 / 1,000,000 rows")."""
        share = f" ({100 * done // total}%)" if total else ""
        self._write(f"{self._text}: {done:,} / {total:,} {what}{share}")

    def end(self) -> None:
        """Clear the status line (the command's own output follows on standard output)."""
        if self.shown:
            self.stream.write(CLEAR)
            self.stream.flush()

    def _write(self, text: str) -> None:
        if not self.shown:
            return
        seconds = int(time.monotonic() - self._started)
        self.stream.write(f"{CLEAR}{text}  [{seconds // 60}:{seconds % 60:02d}]")
        self.stream.flush()
