"""`arrears whoami`: the person the terminal acts as, and their role in each company."""

from __future__ import annotations

from typing import Any

from arrears.apps.accounts.presentation import whoami_lines
from arrears.apps.accounts.selectors import roles_of
from arrears.apps.common.cli import PersonCommand


class Command(PersonCommand):
    help = "Who the terminal acts as (from the access token), and their roles."

    def act(self, person: Any, o: dict[str, Any]) -> None:
        for line in whoami_lines(person.get_username(), roles_of(actor=person)):
            self.stdout.write(line)
