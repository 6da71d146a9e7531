"""What communications stores: a company's sender and payment details (what every letter and
email says about who writes and where to pay), and the outbox (issue #14: each message the
daily run decided on, written in the run's transaction, sent afterwards by a worker)."""

from __future__ import annotations

from django.db import models

from arrears.apps.cases.models import Action, Case, Run
from arrears.apps.ledger.models import Company
from arrears.domain.outbox import OutboxState


class SenderDetails(models.Model):
    """Who a company's letters and emails come from and how the debtor pays: set by an
    administrator (`arrears sender set`). A company without them sends nothing through the
    outbox: a letter without a sender or a bank account is not complete."""

    company = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="sender"
    )
    name = models.CharField(max_length=200)
    address = models.TextField(help_text="postal address, one line per line")
    email = models.EmailField(help_text="the From address of emails")
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    account = models.CharField(max_length=100, blank=True, help_text="an account without IBAN")
    bank = models.CharField(max_length=200, blank=True)
    # the payment reference: {debtor} (its code), {currency}, {case} (the case's number)
    reference_format = models.CharField(max_length=100, default="{debtor}-{currency}")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class OutboxMessage(models.Model):
    """One message the run decided on: a letter or an email of a case's step on a run's day.

    The unique (case, step, day) makes a re-run write nothing new. The run writes only the
    decision (case, step, day, channel, action, recipient, language, payment reference,
    Message-ID); the message is rendered from the case as of that day when it is first
    claimed for sending (or printed), and stored then, once: subject, texts, the letter's
    figures (from which the PDF is made identically each time) and the PDF's fingerprint, so
    that a resend is the same message. Where its sending stands: `arrears.domain.outbox`."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outbox")
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="outbox")
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.PROTECT)
    step_code = models.CharField(max_length=32)
    run_on = models.DateField()
    channel = models.CharField(max_length=16)  # email or letter
    language = models.CharField(max_length=8)
    recipient = models.TextField()  # email addresses, comma-separated; or the address lines
    # rendered when first claimed for sending (empty until then; `rendered_at` says when)
    subject = models.CharField(max_length=300, blank=True, default="")
    body = models.TextField(blank=True, default="")  # the email's text
    paper_body = models.TextField(blank=True, default="")  # the letter's text, the table's mark
    # the letter's figures, sender and recipient: the PDF's input
    figures = models.JSONField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, default="")  # the PDF's fingerprint
    rendered_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=100)
    message_id = models.CharField(max_length=200, unique=True)  # the email's Message-ID
    state = models.CharField(
        max_length=16,
        choices=[(s.value, s.value) for s in OutboxState],
        default=OutboxState.QUEUED.value,
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    handled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step_code", "run_on"], name="one_message_per_case_step_and_day"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.step_code} of case {self.case_id} on {self.run_on}"


class PersonMailState(models.TextChoices):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class PersonMail(models.Model):
    """An email to a person of the desk (a password reset link), queued in the same
    transaction as the request that asked for it and sent by the outbox's worker (the
    `send_person_mail` task), never inline. The body (which holds the link) is blanked once
    the email is sent or has failed: nothing secret waits in the table longer than needed."""

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        max_length=8, choices=PersonMailState.choices, default=PersonMailState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"mail {self.pk} ({self.state})"
