"""The outbox's task: send one message (Django's tasks framework, database backend: the task
row is written in the same transaction as what enqueued it, no broker). Run by the
django-tasks worker (`arrears db_worker`) or driven once by `arrears outbox send`."""

from __future__ import annotations

from django_tasks import task

from arrears.apps.communications.outbox import send_one


@task()
def send_message(message_id: int) -> str:
    """Send outbox row `message_id` (`outbox.send_one`: nothing happens twice)."""
    return send_one(message_id)
