"""Exactly once through a crash: the worker runs in a subprocess and is killed (SIGKILL) after
the SMTP server has the message and before the worker marks it sent. A restarted worker does
not send it again: the message arrived once, and its row is uncertain for a person to settle."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from arrears.apps.communications.models import OutboxMessage
from tests import factories, terminal
from tests.apps.communications import support

ROOT = Path(__file__).resolve().parents[3]


def _database_env(tmp_path: Path) -> dict[str, str]:
    """The child sees the test's database: PostgreSQL's test database by name; SQLite's
    in-memory test database copied to a file (and copied back by `_take_back`)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return {
            "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        }
    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return {"DATABASE_URL": f"sqlite:///{path}"}


def _take_back(env: dict[str, str]) -> None:
    if connection.vendor == "sqlite":
        with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as source:
            source.backup(connection.connection)


def _worker(env: dict[str, str], port: int, token: str, **extra: str) -> subprocess.Popen:
    child_env = {
        **os.environ,
        **env,
        "ARREARS_TOKEN": token,
        "ARREARS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ARREARS_SMTP_HOST": "127.0.0.1",
        "ARREARS_SMTP_PORT": str(port),
        **extra,
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "outbox", "send", "--company=acme"],
        env=child_env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_sending_and_marking_sends_nothing_twice(smtp, tmp_path):
    box, port = smtp
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    token = terminal.token_for("admin")
    env = _database_env(tmp_path)
    child = _worker(env, port, token)
    box.kill_on_receipt = child.pid  # the server has the message: kill before it is marked
    out, err = child.communicate()
    assert child.returncode == -9, err.decode()
    assert len(box.received) == 1
    # restarted: a row left `sending` is taken for a crashed send, never sent blindly again
    again = _worker(env, port, token, ARREARS_OUTBOX_LEASE_SECONDS="0")
    out, err = again.communicate()
    assert again.returncode == 0, err.decode()
    assert "found uncertain: 1" in out.decode()
    third = _worker(env, port, token, ARREARS_OUTBOX_LEASE_SECONDS="0")
    assert third.wait() == 0
    _take_back(env)
    assert len(box.received) == 1  # exactly once
    m = OutboxMessage.objects.get(company=w["acme"])
    assert m.state == "uncertain" and m.attempts == 1
    assert str(box.received[0]["Message-ID"]) == m.message_id
