"""`arrears negotiation-policy show|export|load FILE [--user U]`: the company's desk policy
(walk-away table, concessions, strictness, conditions, reasons, plan grace, excuse follow-ups);
`load` takes JSON or TOML and stores only the fields it names (credit managers only)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from arrears.apps.common.cli import add_company_option, company_option
from arrears.apps.negotiation.cli import user_named
from arrears.apps.negotiation.policy import company_document, desk_policy
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


class Command(BaseCommand):
    help = "Show, export or load the company's negotiation policy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["show", "export", "load"])
        parser.add_argument("file", nargs="?", type=Path, help="the document to load")
        parser.add_argument("--user", help="who loads it (a credit manager)")
        add_company_option(parser)

    def handle(self, *args: Any, **o: Any) -> None:
        company = company_option(o["company"])
        if o["action"] == "load":
            if o["file"] is None or not o["user"]:
                raise CommandError("give the FILE to load and --user (a credit manager)")
            doc = read_document(o["file"])
            try:
                negotiation_policy_load(company=company, actor=user_named(o["user"]), document=doc)
            except (ValueError, PermissionError) as e:
                raise CommandError(str(e)) from None
            self.stdout.write(f"negotiation policy of {company.code}: {', '.join(sorted(doc))}")
            return
        whole = policy_document(desk_policy(company))
        if o["action"] == "export":
            self.stdout.write(json.dumps(whole, indent=2))
            return
        own = sorted(company_document(company))
        self.stdout.write(f"company {company.code} sets: {', '.join(own) or 'nothing (defaults)'}")
        self.stdout.write(json.dumps(whole, indent=2))
