"""Running arrears commands in tests as a person at the terminal.

Commands act as the person whose access token the terminal presents (ARREARS_TOKEN). Tests say
who sits at the terminal with `as_=` (a person or a username), or, in the desk's older tests,
with `--user NAME` among the arguments: the helper takes it out and gives that person a real
token, exactly as `arrears token create` and `export ARREARS_TOKEN=...` would. The commands
themselves have no --user option.
"""

from __future__ import annotations

import io
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command

from arrears.apps.accounts.models import AccessToken
from arrears.apps.accounts.services import token_create
from arrears.apps.common.cli import TOKEN_ENV

_MADE: dict[int, str] = {}


def token_for(person: Any) -> str:
    """The person's personal access token (their own, made by themselves): made once, then
    reused while it still works, so a test can count rows around a command."""
    if isinstance(person, str):
        person = get_user_model().objects.get(username=person)
    made = _MADE.get(person.pk)
    if made is not None:
        prefix = made.removeprefix("arr_").split("_", 1)[0]
        if AccessToken.objects.filter(prefix=prefix, person=person).exists():
            return made
    _MADE[person.pk] = token_create(actor=person, name="test terminal").secret
    return _MADE[person.pk]


NOBODY = "-"  # `token=NOBODY`: the terminal presents no token at all


def prepare(args: Any) -> tuple[list[str], str]:
    """Take `--user NAME` (or `--user=NAME`) out of the args and make that person's token now,
    before a test counts rows (a token is a row too): (args, token). An unknown name gets no
    token: the command then meets nobody at the terminal."""
    args_, name = [str(a) for a in args], None
    for i, a in enumerate(args_):
        if a == "--user" and i + 1 < len(args_):
            name = args_[i + 1]
            del args_[i : i + 2]
            break
        if a.startswith("--user="):
            name = a.removeprefix("--user=")
            del args_[i]
            break
    known = (
        name is not None
        and "\x00" not in name  # PostgreSQL cannot even compare text holding NUL
        and get_user_model().objects.filter(username=name).exists()
    )
    return args_, token_for(name) if known else NOBODY


def run(
    *args: Any, as_: Any = "admin", token: str | None = None, stdout: Any = None, **kw: Any
) -> str:
    """`arrears ARGS...` as `as_` (or the `--user NAME` among the args; by default the test
    world's administrator, `admin`; None: nobody); returns what it printed."""
    args_ = [str(a) for a in args]
    if "--user" in args_:
        i = args_.index("--user")
        as_ = args_[i + 1]
        del args_[i : i + 2]
    out = stdout if stdout is not None else io.StringIO()
    old = os.environ.get(TOKEN_ENV)
    if token is not None:  # made beforehand, e.g. to count the rows a refusal leaves alone
        as_ = ""
        if token == NOBODY:
            os.environ.pop(TOKEN_ENV, None)
        else:
            os.environ[TOKEN_ENV] = token
    elif as_ is not None:
        os.environ[TOKEN_ENV] = token_for(as_)
    try:
        call_command(*args_, stdout=out, **kw)
    finally:
        if as_ is not None:
            if old is None:
                os.environ.pop(TOKEN_ENV, None)
            else:
                os.environ[TOKEN_ENV] = old
    return out.getvalue() if isinstance(out, io.StringIO) else ""
