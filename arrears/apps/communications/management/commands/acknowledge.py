"""`arrears acknowledge ITEM --on DATE --kind written|part_payment|demand [--note ...]`: record
that the debtor acknowledged an item (or paid part of it, or that we demanded it in writing
outside the outbox); it moves the item's limitation date by the jurisdiction's rule
(docs/fees-and-limitation.md). Audited."""

from __future__ import annotations

from typing import Any

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.communications.limitation import acknowledge
from arrears.apps.communications.models import AcknowledgementKind
from arrears.apps.communications.presentation import acknowledged_words


class Command(PersonCommand):
    help = "Record a debtor's acknowledgement of an item: it restarts the limitation period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("item", help="the item's number")
        parser.add_argument("--on", type=iso_date, required=True, help="the day it happened")
        parser.add_argument("--kind", required=True, choices=AcknowledgementKind.values)
        parser.add_argument("--note", default="", help="what was acknowledged, and how")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        row = acknowledge(
            actor=person,
            company=company,
            item_number=o["item"],
            on=o["on"],
            kind=o["kind"],
            note=o["note"],
        )
        self.stdout.write(acknowledged_words(row, o["item"]))
