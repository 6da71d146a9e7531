"""How often the outbox tries a message before it fails (issue #14), apart from `outbox`: the
settings read the default (`ARREARS_OUTBOX_ATTEMPTS`) when Django starts, and this module
imports nothing, so settings load without Polars. `outbox` takes its numbers from here.
"""

from __future__ import annotations

from datetime import timedelta

# Twelve attempts, doubling from a minute to at most six hours: a message fails only after
# about twenty hours of retries, so a mail relay down for a working day fails nothing.
MAX_ATTEMPTS = 12
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MOST = timedelta(hours=6)
