"""`arrears negotiation-policy show|export|load FILE`: the company's desk policy
(walk-away table, concessions, strictness, conditions, reasons, plan grace, excuse follow-ups);
`load` takes JSON or TOML and stores only the fields it names (credit managers only)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import PersonCommand, add_company_option, export_text
from arrears.apps.negotiation.presentation import (
    policy_loaded_words,
    policy_named_words,
    policy_own_words,
)
from arrears.apps.negotiation.selectors import negotiation_policy_read
from arrears.apps.negotiation.services import negotiation_policy_load
from arrears.domain.negotiation.document import policy_document

UNREADABLE = "{path}: {problem}"


def read_document(path: Path) -> dict[str, Any]:
    """A policy document from a .toml or .json file."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            return tomllib.loads(text)
        got = json.loads(text)
    except (OSError, ValueError) as e:
        raise CommandError(UNREADABLE.format(path=path, problem=e)) from None
    if not isinstance(got, dict):
        raise CommandError(UNREADABLE.format(path=path, problem="not a table of fields"))
    return got


class Command(PersonCommand):
    help = "Show, export or load the company's negotiation policy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["show", "export", "load"])
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="load: the document to read (.toml or .json); export: the JSON file to write "
            "(default: standard output)",
        )
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["action"] == "load":
            if o["file"] is None:
                raise CommandError("give the FILE to load")
            doc = read_document(o["file"])
            try:
                negotiation_policy_load(company=company, actor=person, document=doc)
            except (ValueError, PermissionError) as e:
                raise CommandError(str(e)) from None
            self.stdout.write(policy_loaded_words(company.code, doc))
            return
        shown = negotiation_policy_read(actor=person, company=company)
        whole = policy_document(shown.policy)
        if o["action"] == "export":
            what = policy_named_words(company.code)
            export_text(self, json.dumps(whole, indent=2), o["file"], what=what)
            return
        self.stdout.write(policy_own_words(company.code, shown.own))
        self.stdout.write(json.dumps(whole, indent=2))
