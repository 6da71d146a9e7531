"""`arrears action-done A12 --outcome no_answer [--note ...] [--as-of DATE]`: record what came
of a call, a task or a review; a review books the next one, a call nobody answered is tried
again the next business day (docs/actions.md)."""

from __future__ import annotations

from typing import Any

from arrears.apps.cases.cli import action_id, add_day_option, day
from arrears.apps.cases.presentation import describe_action, follow_up_words
from arrears.apps.cases.services import action_complete
from arrears.apps.common.cli import PersonCommand
from arrears.domain.actions import Outcome


class Command(PersonCommand):
    help = "Mark an action done with its outcome (the company is the action's)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", type=action_id, help="the action's number (A12 or 12)")
        parser.add_argument(
            "--outcome", required=True, help="one of: " + ", ".join(o.value for o in Outcome)
        )
        parser.add_argument("--note", default="", help="what the debtor said, what was done")
        add_day_option(parser, "the day it was done")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        done = action_complete(
            actor=person, action_id=o["action"], outcome=o["outcome"], note=o["note"], on=day(o)
        )
        self.stdout.write(describe_action(done.action))
        if done.follow_up is not None:
            self.stdout.write(follow_up_words(done.follow_up))
