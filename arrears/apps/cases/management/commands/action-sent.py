"""`arrears action-sent A12 [--failed] [--note ...]`: a queued letter or email went out."""

from __future__ import annotations

from typing import Any

from arrears.apps.cases.cli import action_id, add_day_option, day
from arrears.apps.cases.presentation import describe_action
from arrears.apps.cases.services import message_mark
from arrears.apps.common.cli import PersonCommand


class Command(PersonCommand):
    help = "Record that a queued letter or email was sent (or, with --failed, could not be)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", type=action_id, help="the action's number (A12 or 12)")
        parser.add_argument("--failed", action="store_true", help="it could not be sent")
        parser.add_argument("--note", default="", help="e.g. the address it went to")
        add_day_option(parser, "the day it went out")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        a = message_mark(
            actor=person, action_id=o["action"], on=day(o), failed=o["failed"], note=o["note"]
        )
        self.stdout.write(describe_action(a))
