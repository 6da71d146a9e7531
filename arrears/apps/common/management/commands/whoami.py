"""`arrears whoami`: the person the terminal acts as, and their role in each company."""

from __future__ import annotations

from typing import Any

from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.presentation import ROLE_WORDS
from arrears.apps.common.cli import PersonCommand
from arrears.domain.access import PersonRole


class Command(PersonCommand):
    help = "Who the terminal acts as (from the access token), and their roles."

    def act(self, person: Any, o: dict[str, Any]) -> None:
        self.stdout.write(person.get_username())
        rows = Membership.objects.filter(person=person, active=True).select_related("company")
        for m in rows.order_by("company__code"):
            self.stdout.write(f"  {m.company.code}: {ROLE_WORDS[PersonRole(m.role)]}")
