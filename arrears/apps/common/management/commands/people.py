"""`arrears people add|list|role|deactivate|reports-to`: who works in a company, in what role."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.accounts.presentation import (
    access_policy_line,
    member_change_line,
    password_set_line,
    people_count_line,
    person_line,
)
from arrears.apps.accounts.selectors import access_policy_read, people_list
from arrears.apps.accounts.services import (
    access_policy_set,
    member_add,
    member_deactivate,
    member_role_change,
    password_set,
    reports_to_set,
)
from arrears.apps.common.cli import PersonCommand, add_company_option, company_option
from arrears.domain.access import PersonRole

ROLES = [str(r) for r in PersonRole]
PASSWORDS_DIFFER = "the two passwords differ: nothing was changed"
NO_PASSWORD = "no password given (type it at the prompt, or pipe one line into the command)"


class Command(PersonCommand):
    help = "Add, list, change the role of and deactivate people; set who reports to whom."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="give a person (new or known) a role in the company")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=ROLES)
        add.add_argument("--email", default="")
        add.add_argument("--name", default="", help="full name")
        add.add_argument("--reports-to", default="", help="their manager's username")
        listing = sub.add_parser("list", help="the company's people")
        listing.add_argument("--all", action="store_true", help="inactive people too")
        role = sub.add_parser("role", help="change a member's role")
        role.add_argument("username")
        role.add_argument("role", choices=ROLES)
        off = sub.add_parser("deactivate", help="end a member's role in the company")
        off.add_argument("username")
        line = sub.add_parser("reports-to", help="set a member's manager ('' for nobody)")
        line.add_argument("username")
        line.add_argument("manager")
        access = sub.add_parser("access", help="may collectors read cases they do not own?")
        access.add_argument("--collectors-read-others", choices=["yes", "no"], default=None)
        for p in (add, listing, role, off, line, access):
            add_company_option(p)
        secret = sub.add_parser(
            "password",
            help="set a person's web password (asked twice at a terminal; else one line on stdin)",
        )
        secret.add_argument("username")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        if o["verb"] == "password":  # a person's, not a company's
            done = password_set(actor=person, username=o["username"], password=_password())
            self.stdout.write(password_set_line(done))
            return
        company = company_option(o["company"], person)
        verb, cid = o["verb"], company.pk
        if verb == "access":
            wanted = o["collectors_read_others"]
            if wanted is None:
                allowed = access_policy_read(actor=person, company_id=cid)
            else:
                allowed = access_policy_set(
                    actor=person, company_id=cid, collectors_read_others=wanted == "yes"
                )
            self.stdout.write(access_policy_line(company.code, allowed))
            return
        if verb == "list":
            rows = people_list(actor=person, company_id=cid, include_inactive=o["all"])
            for r in rows:
                self.stdout.write(person_line(r))
            self.stdout.write(people_count_line(len(rows), company.code))
            return
        if verb == "add":
            change = member_add(
                actor=person,
                company_id=cid,
                username=o["username"],
                role=o["role"],
                email=o["email"],
                name=o["name"],
                reports_to=o["reports_to"],
            )
        elif verb == "role":
            change = member_role_change(
                actor=person, company_id=cid, username=o["username"], role=o["role"]
            )
        elif verb == "deactivate":
            change = member_deactivate(actor=person, company_id=cid, username=o["username"])
        else:
            change = reports_to_set(
                actor=person, company_id=cid, username=o["username"], manager=o["manager"]
            )
        self.stdout.write(member_change_line(change, company=company.code, verb=verb))


def _password() -> str:
    """The new password: typed twice without echo at a terminal, else the first line of
    standard input (a script, or a test)."""
    if sys.stdin.isatty():
        first = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != first:
            raise CommandError(PASSWORDS_DIFFER)
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise CommandError(NO_PASSWORD)
    return first
