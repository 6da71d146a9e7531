"""Shared bits for the management commands: dates and company options, clean errors."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arrears.apps.accounts.access import companies_of
from arrears.apps.accounts.services import token_authenticate
from arrears.apps.common.files import write_file
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.selectors import CompanyNotFound, company_resolve
from arrears.domain.dates import parse_date
from arrears.domain.refusal import Refusal
from arrears.domain.text import first_control
from arrears.words import say


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD, strictly (`arrears.domain.dates.parse_date`)."""
    try:
        return parse_date(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


NOT_A_COUNT = "{text!r} is not a number (use the digits 0-9)"


def count(text: str) -> int:
    """argparse type for a whole number typed at the terminal: ASCII digits only, as amounts
    are read (`int` would also take another script's digits, '+3', '1_000' and spaces)."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(NOT_A_COUNT.format(text=text))
    return int(text)


NO_VALUE = "--{option}=--: '--' alone is not a value"


def option_lists(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The options whose value is a list (repeated: `action="append"`)."""
    return frozenset(a.dest for a in parser._actions if isinstance(a, argparse._AppendAction))


def refuse_empty_values(options: dict[str, Any], lists: frozenset[str]) -> None:
    """argparse reads `--reason=--` as an empty list instead of the text '--' (it drops the
    '--' as the end of options): refuse it rather than pass a list where text is expected."""
    for dest, value in options.items():
        values = value if dest in lists and isinstance(value, list) else [value]
        if any(isinstance(v, list) for v in values):
            raise CommandError(NO_VALUE.format(option=dest.replace("_", "-")))


CONTROL_IN_OPTION = (
    "{option}: contains the control character {code}, which cannot be stored: type the text "
    "again without it"
)


def refuse_bad_values(options: dict[str, Any], lists: frozenset[str]) -> None:
    """What every command refuses before it reads or writes anything: an option given as '--'
    alone (`refuse_empty_values`) and text holding a control character (NUL and the like:
    `arrears.domain.text`, the import's rule)."""
    refuse_empty_values(options, lists)
    for dest, value in options.items():
        for v in value if isinstance(value, list | tuple) else [value]:
            code = first_control(v) if isinstance(v, str) else None
            if code is not None:
                option = "--" + dest.replace("_", "-")
                raise CommandError(CONTROL_IN_OPTION.format(option=option, code=code))


def export_text(command: BaseCommand, text: str, path: Path | None, *, what: str) -> None:
    """An export: into the file the person named (saying so), else on standard output."""
    if path is None:
        command.stdout.write(text)
        return
    try:
        write_file(path, text if text.endswith("\n") else text + "\n")
    except Refusal as e:  # a command that is not a PersonCommand says it too
        raise CommandError(say(e)) from None
    command.stdout.write(f"{what} written to {path}")


def add_company_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--company", help="company code (default: the only company)")


def company_option(code: str | None, person: Any = None) -> Company:
    """The company the command is about; given the person at the terminal, one of theirs."""
    among = None if person is None else companies_of(person)
    try:
        return company_resolve(code, among=among)
    except CompanyNotFound as e:
        raise CommandError(str(e)) from None


# --- who is at the terminal ---------------------------------------------------------------

TOKEN_ENV = "ARREARS_TOKEN"
TOKEN_FILE_ENV = "ARREARS_TOKEN_FILE"
NO_TOKEN = (
    "who are you? give your personal access token: `arrears login` (saves it in {path}) or "
    "set ARREARS_TOKEN; an administrator makes one with `arrears token create --person YOU`"
)


def token_file() -> Path:
    """Where `arrears login` keeps the token: $ARREARS_TOKEN_FILE, else in the user's home."""
    named = os.environ.get(TOKEN_FILE_ENV)
    if named:
        return Path(named)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "arrears" / "token"


def terminal_token() -> str | None:
    """The token the terminal presents: $ARREARS_TOKEN, else the token file's first line."""
    text = os.environ.get(TOKEN_ENV, "").strip()
    if text:
        return text
    path = token_file()
    try:
        return path.read_text(encoding="utf-8").strip().splitlines()[0].strip() or None
    except (OSError, UnicodeDecodeError, IndexError):
        return None


def terminal_person() -> Any:
    """The authenticated person at the terminal, or a clean command error saying how to log in."""
    secret = terminal_token()
    if not secret:
        raise CommandError(NO_TOKEN.format(path=token_file()))
    try:
        return token_authenticate(secret)
    except Refusal as e:
        raise CommandError(say(e)) from None


class TerminalCommand(BaseCommand):
    """A command a person types: knows which of its options are lists (repeatable), for
    `refuse_bad_values`."""

    lists: frozenset[str] = frozenset()

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        self.lists = option_lists(parser)
        return parser


class PersonCommand(TerminalCommand):
    """A command that acts as the authenticated person at the terminal. Subclasses write
    `act(person, options)`; refusals become clean command errors in the app's words."""

    def handle(self, *args: Any, **o: Any) -> None:
        refuse_bad_values(o, self.lists)
        person = terminal_person()
        try:
            self.act(person, o)
        except Refusal as e:
            raise CommandError(say(e)) from None

    def act(self, person: Any, o: dict[str, Any]) -> None:
        raise NotImplementedError

    def company_for(self, person: Any, o: dict[str, Any]) -> Company:
        """The company named by --company (or the person's only one: others are not even
        named). What the person may do there, the service or selector asks itself."""
        return company_option(o.get("company"), person)


# Words that only the terminal says, so they live here and not in a presentation module:
# each names a path typed at the terminal, a terminal command or the token's environment
# variable, which a web page or a letter never shows.
NO_SUCH_FILE = "no such file: {path}"


def no_such_file_words(path: object) -> str:
    """The FILE argument names nothing on this machine."""
    return NO_SUCH_FILE.format(path=path)


def first_administrator_words(username: str, secret: str) -> str:
    """`arrears setup` on a new installation: the token, and how the terminal keeps it."""
    return (
        f"first administrator: {username}; their access token (shown once):"
        f"\n{secret}\nsave it with `arrears login` (paste it) or export "
        f"{TOKEN_ENV}=..."
    )


def logged_in_words(username: str, path: Path) -> str:
    return f"logged in as {username} (token saved in {path})"


def demo_welcome_words(tokens: Path, collectors: list[str] | tuple[str, ...]) -> str:
    """Where the demo's people's tokens are, and the terminal commands to try next."""
    return (
        f"\nthe demo's people have access tokens in {tokens}/ (one file each: admin, maria "
        f"the credit manager, collectors {', '.join(collectors)}, lena (legal), inkasso (the "
        "agency)); act as one with\n"
        f"  export {TOKEN_ENV}=$(cat {tokens}/alice)\n"
        "next: `arrears worklist` (alice's day), `arrears explain <debtor code>` (why is an "
        "account at its step?), `arrears ageing`, `arrears people list` (as admin)"
    )


def file_written_words(path: Path, size: int) -> str:
    """A file the terminal was asked to write (`--pdf FILE`), and its size."""
    return f"\nwritten {path} ({size:,} bytes)\n"
