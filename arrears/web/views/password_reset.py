"""Password reset by email through the outbox: Django's own flow (its tokens, which expire
after `PASSWORD_RESET_TIMEOUT` and die once the password changes), with the email queued
for the outbox's worker instead of sent by the page. The page answers the same whether the
address belongs to anyone (no one learns who has an account), and sign-in lockouts stay as
they are: a reset sets a password, it does not lift a lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from arrears.apps.communications.person_mail import person_mail_queue


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, its email handed to the outbox's worker (`person_mail_queue`)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        person_mail_queue(to=to_email, subject=subject, body=body)


password_reset = auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
