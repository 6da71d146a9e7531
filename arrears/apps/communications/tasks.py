"""The outbox's task: send one message, with the company's other due emails over the same
SMTP connection (Django's tasks framework, database backend: the task
row is written in the same transaction as what enqueued it, no broker). Run by the
django-tasks worker (`arrears db_worker`) or driven once by `arrears outbox send`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from arrears.apps.communications.outbox import send_with_due


@task()
def send_message(message_id: int) -> str:
    """Send outbox row `message_id`, and the company's other emails due now in the same batch
    over one SMTP connection (`outbox.send_with_due`: nothing happens twice)."""
    return send_with_due(message_id)


def send_messages_enqueue(message_ids: Iterable[int]) -> int:
    """One `send_message` task per message, written in bulk (the run writes thousands): the
    same rows the database backend's `enqueue` writes one at a time. Given a query of the
    ids, one INSERT ... SELECT: one statement, however many.
    Another backend: one `enqueue` each."""
    backend = send_message.get_backend()
    if isinstance(backend, DatabaseBackend) and isinstance(message_ids, QuerySet):
        return _insert_select(backend, message_ids)
    ids = [int(x) for x in message_ids]
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


# A random (version 4) UUID made by the database, as Django stores a UUIDField there (`%%`:
# the statement has parameters).
_UUID = {
    "postgresql": "gen_random_uuid()",
    "sqlite": "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
    "substr('89ab', 1 + abs(random()) %% 4, 1) || substr(hex(randomblob(2)), 2) || "
    "hex(randomblob(6)))",
}


def _insert_select(backend: DatabaseBackend, ids: QuerySet[Any]) -> int:
    """The rows `bulk_create` would write, for every id the query selects, in one statement;
    the database makes each row's id (a UUID, as the model's default does)."""
    vendor = connection.vendor
    if vendor not in _UUID:  # another database: through the ORM
        return send_messages_enqueue(list(ids))
    ops, meta = connection.ops, DBTaskResult._meta
    sql, params = ids.values_list("pk", flat=True).query.sql_with_params()  # a column "pk"
    json = "::jsonb" if vendor == "postgresql" else ""
    cols = [
        "id",
        "status",
        "enqueued_at",
        "args_kwargs",
        "priority",
        "task_path",
        "worker_ids",
        "queue_name",
        "backend_name",
        "run_after",
        "return_value",
        "exception_class_path",
        "traceback",
    ]
    names = ", ".join(ops.quote_name(meta.get_field(c).column or c) for c in cols)  # type: ignore[union-attr]
    pk = "q.pk::text" if vendor == "postgresql" else "q.pk"
    args = f"'{{\"args\": [' || {pk} || '], \"kwargs\": {{}}}}'"
    statement = (
        f"INSERT INTO {ops.quote_name(meta.db_table)} ({names}) "
        f"SELECT {_UUID[vendor]}, %s, %s, ({args}){json}, %s, %s, ('[]'){json}, %s, %s, %s, "
        f"NULL, '', '' FROM ({sql}) AS q"
    )
    values = [
        TaskResultStatus.READY.value,
        ops.adapt_datetimefield_value(timezone.now()),
        send_message.priority,
        send_message.module_path,
        send_message.queue_name,
        backend.alias,
        ops.adapt_datetimefield_value(get_date_max()),  # what the backend stores for "no time"
    ]
    with connection.cursor() as cur:
        cur.execute(statement, [*values, *params])
        return int(cur.rowcount)


@task()
def send_person_mail(mail_id: int) -> str:
    """Send an email to a person of the desk (`person_mail.person_mail_send`)."""
    from arrears.apps.communications.person_mail import person_mail_send

    return person_mail_send(mail_id)
