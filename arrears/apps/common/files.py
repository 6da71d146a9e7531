"""Writing a file a person named (a PDF, a workbook, an export): one way, with a clear refusal
when the place cannot take it (a missing folder, no permission, a full disk), never a
traceback."""

from __future__ import annotations

from pathlib import Path

from arrears.domain.refusal import Refusal


def write_file(path: Path, data: bytes | str) -> int:
    """Write `data` (bytes as they are, text as UTF-8) to `path`; returns the bytes written.
    `Refusal("common.unwritable", path, problem)` when the file cannot be written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.write_bytes(raw)
    except OSError as e:
        raise Refusal("common.unwritable", path=str(path), problem=e.strerror or str(e)) from None
    return len(raw)
