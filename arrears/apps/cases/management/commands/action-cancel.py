"""`arrears action-cancel A12 --reason "paid at the counter" [--as-of DATE]`: an action that is
no longer to do (a call, a task, a review, or a letter not yet sent), with the reason."""

from __future__ import annotations

from typing import Any

from arrears.apps.cases.cli import action_id, add_day_option, day
from arrears.apps.cases.presentation import describe_action
from arrears.apps.cases.services import action_cancel
from arrears.apps.common.cli import PersonCommand


class Command(PersonCommand):
    help = "Cancel an open action, saying why (the company is the action's)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", type=action_id, help="the action's number (A12 or 12)")
        parser.add_argument("--reason", required=True, help="why it is no longer to do")
        add_day_option(parser, "the day it was cancelled")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        a = action_cancel(actor=person, action_id=o["action"], reason=o["reason"], on=day(o))
        self.stdout.write(describe_action(a))
