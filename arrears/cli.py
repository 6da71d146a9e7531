"""The `arrears` command: a thin front over the Django management commands.

`arrears run --as-of 2026-11-25` is `python manage.py run --as-of 2026-11-25` (manage.py comes
here too). `arrears help` lists arrears' own commands, grouped, one line each; `arrears help
COMMAND` shows a command's options; Django's own commands (`migrate`, `runserver`...) still
work and are listed by `arrears help --django`.

This is also the one place where a reader that stops early (`arrears explain X | head`) ends
the command quietly, for every command.
"""

from __future__ import annotations

import os
import sys
import textwrap

# Every command arrears adds, by what a person does with it (`tests/apps/common/test_terminal_front.py`
# keeps this list complete).
GROUPS: dict[str, tuple[str, ...]] = {
    "set-up": ("setup", "ladder", "negotiation-policy", "holidays", "demo", "generate_demo"),
    "people": ("people", "token", "login", "whoami", "assign"),
    "ledger": ("import", "rate"),
    "run": ("run", "explain"),
    "desk: actions": ("action-done", "action-sent", "action-cancel"),
    "desk: negotiation": (
        "propose",
        "promise",
        "plan",
        "dispute",
        "excuse",
        "writeoff",
        "approve",
        "handover",
        "negotiation-history",
        "promise-cancel",
        "plan-withdraw",
        "negotiation-close",
        "approval-withdraw",
        "writeoff-cancel",
    ),
    "letters": (
        "letter",
        "statement",
        "claim-pack",
        "call-script",
        "sender",
        "outbox",
        "template",
        "tone",
    ),
    "fees and limitation": ("fee", "acknowledge", "limitation", "interest", "rates"),
    "clearing": ("setoff", "clear"),
    "reports": ("worklist", "ageing", "kpis", "backtest", "propensity", "fees"),
}
HELP = ("help", "--help", "-h")
FOOTER = (
    "`arrears help COMMAND` shows a command's options. Every command acts as the person whose "
    "access token the terminal presents (`arrears login`, or ARREARS_TOKEN). Django's own "
    "commands (migrate, runserver...) still work: `arrears help --django`."
)


def own_commands() -> dict[str, str]:
    """arrears' commands (not Django's), each with its one-line help."""
    from django.core.management import get_commands, load_command_class

    return {
        name: load_command_class(app, name).help.strip().splitlines()[0]
        for name, app in sorted(get_commands().items())
        if app.startswith("arrears.")
    }


def overview() -> str:
    """`arrears help`: arrears' own commands by group, each with one line."""
    import django

    django.setup()
    commands = own_commands()
    listed = {n for names in GROUPS.values() for n in names}
    groups = dict(GROUPS)
    others = tuple(n for n in commands if n not in listed)
    if others:  # never hidden: a command nobody grouped yet still shows
        groups["other"] = others
    width = max(len(n) for n in commands)
    lines = ["Usage: arrears COMMAND [options]", ""]
    for group, names in groups.items():
        lines.append(f"{group}:")
        lines += [f"  {n:<{width}}  {commands[n]}" for n in names if n in commands]
        lines.append("")
    return "\n".join([*lines, textwrap.fill(FOOTER, width=96)]) + "\n"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.web.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args or (len(args) == 1 and args[0] in HELP):
            sys.stdout.write(overview())
        elif args[0] in HELP and args[1:] == ["--django"]:
            execute_from_command_line(["arrears", "help"])
        else:
            execute_from_command_line(["arrears", *args])
        sys.stdout.flush()  # here, so that a closed pipe is met inside the `try`
    except BrokenPipeError:  # `arrears explain X | head`: the reader has seen enough, and
        devnull = os.open(os.devnull, os.O_WRONLY)  # nothing failed: exit 0, quietly (the
        os.dup2(devnull, sys.stdout.fileno())  # interpreter's last flush then goes nowhere)
        sys.exit(0)


if __name__ == "__main__":
    main()
