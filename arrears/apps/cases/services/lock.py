"""One run at a time per company: a lock row whose primary key is the company.

The insert commits on its own, before the run's transaction, so a second process sees it at
once and is refused without waiting. A run that dies without cleaning up leaves the row: the
next run refuses and names the holder, and an operator breaks it with `arrears run
--break-lock` after checking, which also marks the dead run as failed.

On SQLite a writer holds the whole database: a second run that finds the database written
to does not queue behind it (it would run the same day again once the first is done, or end
in a raw "database is locked" after the timeout); it waits a few seconds at most, then is
refused like any run that finds the lock taken.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from arrears.apps.cases.models import Run, RunFailure, RunLock, RunStatus
from arrears.apps.ledger.models import Company
from arrears.domain.refusal import Refusal

LOCKED = "run.locked"
BUSY = "run.busy"
OVERLAPPED = "run.overlapped"
LOCK_WAIT_SECONDS = 5  # SQLite: how long taking the lock waits for another writer


class RunLocked(Refusal, RuntimeError):
    """Refused: a run for this company is already in progress (or the database is busy):
    `code` and figures say which (`run.locked`, `run.busy`, `run.overlapped`)."""


def is_busy(e: BaseException) -> bool:
    """Is this SQLite's "database is locked" (a writer held it past the timeout)?"""
    return isinstance(e, OperationalError) and "locked" in str(e).lower()


@contextmanager
def _short_wait() -> Iterator[None]:
    """On SQLite, wait at most `LOCK_WAIT_SECONDS` for another writer (not the 30 s a desk
    write may wait), so a run never queues behind another run."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as c:
        c.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
    try:
        yield
    finally:
        timeout = int(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        with connection.cursor() as c:
            c.execute(f"PRAGMA busy_timeout = {timeout * 1000}")


def _refusal(company: Company) -> RunLocked:
    held = RunLock.objects.filter(company=company).first()
    return RunLocked(
        LOCKED,
        company=company.code,
        run_id=getattr(held, "run_id", "?"),
        holder=getattr(held, "holder", "?"),
        since=getattr(held, "acquired_at", "?"),
    )


def lock_break(*, company: Company) -> None:
    """Clear a dead run's lock; the run it belonged to, still `running`, ends as failed, and
    so does any other run of the company still marked running whose lock is already gone (a
    process killed between its lock's release and its last write): no run can be going on
    without the lock, and a run left "running" keeps the worklist's figures from being kept."""
    held = RunLock.objects.filter(company=company).first()
    Run.objects.filter(company=company, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        summary={"failed": RunFailure.LOCK_BROKEN.value},
    )
    if held is not None:
        RunLock.objects.filter(company=company, run_id=held.run_id).delete()


def lock_take(*, company: Company, since: datetime | None = None) -> RunLock:
    """Take the company's lock (its run not known yet), or refuse at once: a lock row seen,
    (SQLite) the database written to by another process for more than a few seconds, or
    another run that finished after `since` (when the run was asked for: it waited)."""
    holder = f"{socket.gethostname()} pid {os.getpid()}"
    since = since or timezone.now()
    if RunLock.objects.filter(company=company).exists():
        raise _refusal(company)
    try:
        with _short_wait(), transaction.atomic():
            lock = RunLock.objects.create(
                company=company, run_id=0, holder=holder, acquired_at=timezone.now()
            )
    except IntegrityError:
        raise _refusal(company) from None
    except OperationalError as e:
        if is_busy(e):
            raise RunLocked(BUSY, seconds=LOCK_WAIT_SECONDS) from None
        raise
    # Started together, this one waited for the database while the other ran and let go of
    # the lock: refused too, as if it had found the lock.
    other = Run.objects.filter(company=company, dry_run=False, finished_at__gte=since).first()
    if other is not None:
        RunLock.objects.filter(pk=lock.pk).delete()
        raise RunLocked(OVERLAPPED, company=company.code, run_id=other.pk)
    return lock


@contextmanager
def run_lock(*, company: Company, run_id: int, break_lock: bool = False) -> Iterator[None]:
    """Hold the company's lock for run `run_id` (kept for callers that made the run first)."""
    if break_lock:
        lock_break(company=company)
    lock = lock_take(company=company)
    RunLock.objects.filter(pk=lock.pk).update(run_id=run_id)
    try:
        yield
    finally:
        RunLock.objects.filter(company=company, run_id=run_id).delete()
