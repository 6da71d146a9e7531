"""`arrears login`: check a personal access token and keep it for the next commands."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from arrears.apps.accounts.services import token_authenticate
from arrears.apps.common.cli import logged_in_words, token_file
from arrears.domain.refusal import Refusal
from arrears.words import say


class Command(BaseCommand):
    help = "Read a personal access token from standard input, check it, save it (mode 600)."

    def handle(self, *args: Any, **o: Any) -> None:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise CommandError("paste your token on standard input: arrears login < token.txt")
        try:
            person = token_authenticate(secret)
        except Refusal as e:
            raise CommandError(say(e)) from None
        path = token_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secret + "\n")
        os.chmod(path, 0o600)
        self.stdout.write(logged_in_words(person.get_username(), path))
