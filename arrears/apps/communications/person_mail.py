"""Emails to the desk's own people (a password reset link): queued in the request's
transaction, sent by the outbox's worker (`arrears db_worker`), retried with the outbox's
backoff and attempts, never sent inline by the page that asked."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from arrears.apps.communications.models import PersonMail, PersonMailState
from arrears.domain.outbox import after_failure


def person_mail_queue(*, to: str, subject: str, body: str) -> PersonMail:
    """Queue one email and its sending task (both written when the caller's transaction
    commits, or neither)."""
    from arrears.apps.communications.tasks import send_person_mail

    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "arrears.local"
    with transaction.atomic():
        mail = PersonMail.objects.create(
            to=to,
            subject=" ".join(subject.split())[:300],
            body=body,
            message_id=f"<person.{uuid.uuid4().hex}@{domain}>",
        )
        send_person_mail.enqueue(mail.pk)
    return mail


def person_mail_send(mail_id: int) -> str:
    """Send one queued email; what became of it (`sent`, `queued` again, `failed`, or its state
    when there was nothing to do)."""
    with transaction.atomic():
        m = PersonMail.objects.select_for_update().filter(pk=mail_id).first()
        if m is None:
            return "unknown"
        if m.state != PersonMailState.QUEUED:
            return str(m.state)
        m.attempts += 1
        m.save(update_fields=["attempts"])
        mail = EmailMessage(
            subject=m.subject,
            body=m.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[m.to],
            headers={"Message-ID": m.message_id},
        )
    try:
        mail.send(fail_silently=False)
    except Exception as e:  # any failure of the backend: this attempt failed
        return _failed(m.pk, f"{type(e).__name__}: {e}"[:2000])
    PersonMail.objects.filter(pk=m.pk).update(
        state=PersonMailState.SENT, sent_at=timezone.now(), body=""
    )
    return PersonMailState.SENT.value


def _failed(mail_id: int, error: str) -> str:
    from arrears.apps.communications.tasks import send_person_mail

    now = timezone.now()
    with transaction.atomic():
        m = PersonMail.objects.select_for_update().get(pk=mail_id)
        first = timedelta(seconds=settings.ARREARS_OUTBOX_BACKOFF_SECONDS)
        to, next_at = after_failure(
            m.attempts, now, most=settings.ARREARS_OUTBOX_ATTEMPTS, first=first
        )
        m.last_error = error
        if to.value == "failed":
            m.state, m.body = PersonMailState.FAILED, ""
        m.save(update_fields=["last_error", "state", "body"])
        if m.state == PersonMailState.QUEUED:
            send_person_mail.using(run_after=next_at).enqueue(m.pk)
    return str(m.state)
