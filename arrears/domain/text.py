"""Text a person or a file gives us: what cannot be stored.

Unicode's control characters (category Cc: C0, DEL, C1) but tab and line feed are refused
wherever text comes in (imported cells, the terminal's options): NUL cannot be stored in
PostgreSQL at all, and the others are invisible junk from broken exports or pasted text.
"""

from __future__ import annotations

import re

CONTROL = r"[\x00-\x08\x0B-\x1F\x7F-\x9F]"
CONTROL_NAMES = {
    chr(c): f"U+{c:04X}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))
}
_CONTROL = re.compile(CONTROL)


def first_control(text: str) -> str | None:
    """The name (U+0000) of the first control character in `text`, or None."""
    found = _CONTROL.search(text)
    return None if found is None else CONTROL_NAMES[found.group()]


# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(...)`,
# `+cmd|...`, `@SUM(...)`): enough to phish or leak from a file someone opens.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START = "^[" + "".join(re.escape(c) for c in FORMULA_STARTS) + "]"  # the same, as regex


def neutralise(text: str) -> str:
    """Text for a cell of a CSV or XLSX export, which a spreadsheet shows and never runs: a
    leading `'` where the text could start a formula. Every export calls this (one rule)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def counted(n: int, one: str, many: str | None = None) -> str:
    """'1 promise', '2 promises', '1,200 days': a count with its noun in the right number."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"
