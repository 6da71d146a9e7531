"""One run at a time per company: a lock row whose primary key is the company.

The insert commits on its own, before the run's transaction, so a second process sees it at
once. A run that dies without cleaning up leaves the row: the next run refuses and names the
holder, and an operator breaks it with `arrears run --break-lock` after checking.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from arrears.apps.cases.models import RunLock
from arrears.apps.ledger.models import Company

LOCKED = (
    "another run holds the lock for {company} (run {run_id}, {holder}, since {since}); "
    "wait for it, or if it died, break the lock with: arrears run --break-lock"
)


class RunLocked(RuntimeError):
    """Refused: a run for this company is already in progress."""


@contextmanager
def run_lock(*, company: Company, run_id: int, break_lock: bool = False) -> Iterator[None]:
    holder = f"{socket.gethostname()} pid {os.getpid()}"
    if break_lock:
        RunLock.objects.filter(company=company).delete()
    try:
        with transaction.atomic():
            RunLock.objects.create(
                company=company, run_id=run_id, holder=holder, acquired_at=timezone.now()
            )
    except IntegrityError:
        held = RunLock.objects.filter(company=company).first()
        raise RunLocked(
            LOCKED.format(
                company=company.code,
                run_id=getattr(held, "run_id", "?"),
                holder=getattr(held, "holder", "?"),
                since=getattr(held, "acquired_at", "?"),
            )
        ) from None
    try:
        yield
    finally:
        RunLock.objects.filter(company=company, run_id=run_id).delete()
