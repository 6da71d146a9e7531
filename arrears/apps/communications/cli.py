"""Command-line helpers for the communications commands: a company's setting that a person
shows or sets (`arrears sender`, `arrears limitation` and `arrears interest`, each `set|show`)."""

from __future__ import annotations

import argparse
from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb


class SetOrShowCommand(PersonCommand):
    """`arrears NAME set ...|show [--company C]`: `show` reads the company's setting for a
    person who may read the company; `set` hands the options to the service, which asks who
    may; either way the setting is then written in words (`said`).

    Subclasses give `set_help`, `add_set_arguments`, `shown`, `put` and `said`."""

    set_help = ""

    def add_set_arguments(self, put: argparse.ArgumentParser) -> None:
        raise NotImplementedError

    def shown(self, company: Company) -> Any:
        """The setting as it stands (the person may read the company)."""
        raise NotImplementedError

    def put(self, person: Any, company: Company, o: dict[str, Any]) -> Any:
        """The setting set from the options (the service asks who may), as it now stands."""
        raise NotImplementedError

    def said(self, company: Company, setting: Any) -> None:
        """Write the setting in words."""
        raise NotImplementedError

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        put = sub.add_parser("set", help=self.set_help)
        self.add_set_arguments(put)
        show = sub.add_parser("show")
        for p in (put, show):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "show":
            require(person, Verb.READ, company_id=company.pk)
            setting = self.shown(company)
        else:
            setting = self.put(person, company, o)
        self.said(company, setting)
