"""The `arrears` command itself: `arrears help` lists arrears' own commands, grouped, one line
each, and none of Django's; a reader that stops early ends any command without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arrears import cli

DJANGO_INTERNALS = ("flush", "squashmigrations", "startproject", "sqlflush", "dbshell")


def test_every_arrears_command_is_in_exactly_one_group():
    listed = [n for names in cli.GROUPS.values() for n in names]
    assert sorted(listed) == sorted(cli.own_commands())


def test_help_lists_arrears_commands_by_group_one_line_each_and_no_django_internals(capsys):
    cli.main(["help"])
    out = capsys.readouterr().out
    words = {line.split()[0] for line in out.splitlines() if line.startswith("  ")}
    assert words == set(cli.own_commands())
    assert not words & set(DJANGO_INTERNALS)
    for group in ("set-up:", "people:", "ledger:", "run:", "desk: actions:", "reports:"):
        assert group in out.splitlines()
    assert "  run " in out and "Run the collection ladder" in out


def test_help_on_a_command_and_djangos_own_list_still_work(capsys):
    cli.main(["help", "run"])
    assert "--dry-run" in capsys.readouterr().out
    cli.main(["help", "--django"])
    assert "squashmigrations" in capsys.readouterr().out


ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "argv",
    [
        ["-c", "from arrears.cli import main; main(['help', '--django'])"],
        [str(ROOT / "manage.py"), "help"],  # the same front, the same one place
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly_and_successfully(argv, tmp_path):
    """`arrears explain X | head`: the reader has what it wanted; nothing failed (exit 0)."""
    env = {**os.environ, "ARREARS_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    child = subprocess.Popen(
        [sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    child.stdout.close()  # the reader is gone before the command writes (`| head -0`)
    err = child.stderr.read().decode()
    child.wait()
    assert err == "" and child.returncode == 0, err
