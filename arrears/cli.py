"""The `arrears` command: a thin front over the Django management commands.

`arrears run --as-of 2026-11-25` is `python manage.py run --as-of 2026-11-25`; any Django
command works too (`arrears migrate`, `arrears createsuperuser`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.web.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        execute_from_command_line(["arrears", *(args or ["help"])])
    except BrokenPipeError:  # `arrears explain X | head`: the reader has seen enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
