"""The outbox's task: send one message (Django's tasks framework, database backend: the task
row is written in the same transaction as what enqueued it, no broker). Run by the
django-tasks worker (`arrears db_worker`) or driven once by `arrears outbox send`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from arrears.apps.communications.outbox import send_one


@task()
def send_message(message_id: int) -> str:
    """Send outbox row `message_id` (`outbox.send_one`: nothing happens twice)."""
    return send_one(message_id)


def send_messages_enqueue(message_ids: Iterable[int]) -> int:
    """One `send_message` task per message, written in bulk (the run writes thousands): the
    same rows the database backend's `enqueue` writes one at a time. Another backend: one
    `enqueue` each."""
    ids = list(message_ids)
    backend = send_message.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for pk in ids:
            send_message.enqueue(pk)
        return len(ids)
    rows: list[Any] = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": [pk], "kwargs": {}}),
            priority=send_message.priority,
            task_path=send_message.module_path,
            queue_name=send_message.queue_name,
            run_after=get_date_max(),  # what the backend stores for "no time set"
            backend_name=backend.alias,
        )
        for pk in ids
    ]
    DBTaskResult.objects.bulk_create(rows, batch_size=1000)
    return len(ids)
