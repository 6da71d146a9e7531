"""The shared refusals in words (`arrears.words`): a file the person named cannot be written."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "common.unwritable": "{path}: cannot write the file ({problem})",
}
