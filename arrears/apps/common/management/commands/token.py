"""`arrears token create|list|revoke`: personal access tokens for the terminal and the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from arrears.apps.accounts.presentation import (
    no_person_words,
    token_line,
    token_made_words,
    token_revoked_words,
)
from arrears.apps.accounts.selectors import tokens_list
from arrears.apps.accounts.services import TOKEN_DAYS, token_create, token_revoke
from arrears.apps.common.cli import PersonCommand


class Command(PersonCommand):
    help = "Make, list and revoke personal access tokens (yours; an administrator: members')."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        make = sub.add_parser("create", help="a new token, shown once")
        make.add_argument("--name", default="terminal", help="where it is used")
        make.add_argument("--days", type=int, default=TOKEN_DAYS, help="how long it lives")
        make.add_argument("--person", default="", help="an administrator: for this member")
        listing = sub.add_parser("list", help="tokens (never their secrets)")
        listing.add_argument("--person", default="")
        revoke = sub.add_parser("revoke", help="stop a token working")
        revoke.add_argument("prefix", help="the token's prefix, as the list shows it")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        if o["verb"] == "revoke":
            prefix = token_revoke(actor=person, prefix=o["prefix"])
            self.stdout.write(token_revoked_words(prefix))
            return
        whose = _person(o["person"]) if o["person"] else None
        if o["verb"] == "create":
            made = token_create(actor=person, name=o["name"], person=whose, days=o["days"])
            self.stdout.write(made.secret)
            self.stderr.write(token_made_words(made.expires_at))
            return
        for t in tokens_list(actor=person, person=whose):
            self.stdout.write(token_line(t))


def _person(username: str) -> Any:
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise CommandError(no_person_words(username))
    return found
