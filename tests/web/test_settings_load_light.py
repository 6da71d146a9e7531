"""Django's settings load without the data libraries: every process that starts Django (a
worker, the web server, a one-line command) pays for settings, and only what uses frames pays
for Polars. The outbox's default attempts come from a module that imports nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from arrears.domain import outbox, outbox_attempts

ROOT = Path(__file__).resolve().parents[2]


def test_the_settings_load_without_polars(tmp_path):
    env = {**os.environ, "ARREARS_DATA_DIR": str(tmp_path)}
    env.pop("ARREARS_OUTBOX_ATTEMPTS", None)  # the default, not a setting of this shell
    code = (
        "import sys, arrears.web.settings as s; "
        "print(s.ARREARS_OUTBOX_ATTEMPTS, 'polars' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [str(outbox_attempts.MAX_ATTEMPTS), "False"]


def test_the_outbox_fails_a_message_after_the_one_number_of_attempts():
    assert outbox.MAX_ATTEMPTS is outbox_attempts.MAX_ATTEMPTS
    at = datetime(2026, 12, 5, 9, 0)
    assert outbox.after_failure(outbox_attempts.MAX_ATTEMPTS, at) == (outbox.S.FAILED, None)
    assert outbox.after_failure(outbox_attempts.MAX_ATTEMPTS - 1, at)[0] == outbox.S.QUEUED
