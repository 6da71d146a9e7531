"""`arrears ladder show|export|load`: read and change the company's collection strategies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.presentation import ladder_lines, ladders_loaded_words
from arrears.apps.cases.selectors import strategies_read
from arrears.apps.cases.services.strategies import strategies_install
from arrears.apps.common.cli import PersonCommand, add_company_option, export_text
from arrears.domain.ladder import LadderError
from arrears.domain.ladder_config import strategies_from_toml, strategies_to_toml


class Command(PersonCommand):
    help = "Show, export (TOML) or load (TOML, replacing all) the collection strategies."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["show", "export", "load"])
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="TOML file: load reads it, export writes it (default: standard output)",
        )
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["action"] == "load":
            if o["file"] is None:
                raise CommandError("load needs a TOML file (see `arrears ladder export`)")
            try:
                strategies = strategies_from_toml(o["file"].read_text(encoding="utf-8"))
            except (LadderError, OSError, UnicodeDecodeError) as e:
                raise CommandError(f"{o['file']}: {e}") from None
            strategies_install(actor=person, company=company, strategies=strategies)
            self.stdout.write(ladders_loaded_words(len(strategies), company.code))
            return
        strategies = strategies_read(actor=person, company=company)
        if o["action"] == "export":
            what = f"{len(strategies)} strategies of {company.code}"
            export_text(self, strategies_to_toml(strategies), o["file"], what=what)
            return
        for line in ladder_lines(strategies):
            self.stdout.write(line)
