"""What communications stores: a company's sender and payment details (what every letter and
email says about who writes and where to pay), and the outbox (issue #14: each message the
daily run decided on, written in the run's transaction, sent afterwards by a worker)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from arrears.apps.cases.models import Action, Case, Run
from arrears.apps.ledger.models import Company, OpenItem
from arrears.domain.outbox import OutboxState

USER = settings.AUTH_USER_MODEL


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
    # the letterhead and the imprint a business letter carries (optional)
    phone = models.CharField(max_length=50, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="", help_text="ISO code")
    vat_id = models.CharField(max_length=32, blank=True, default="")
    registration = models.CharField(
        max_length=200, blank=True, default="", help_text="register court and number"
    )
    directors = models.CharField(
        max_length=300, blank=True, default="", help_text="managing directors, where required"
    )

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


class MessageItem(models.Model):
    """An item a sent letter or email listed (its figures' lines): the written demand that
    interrupts a claim's limitation where the law counts one (the Netherlands, China) is a
    demand of these items only, not of every item the debtor owes. Written when the message
    is marked sent (`outbox._sent_many`), once."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "item"], name="one_line_per_message_item")
        ]

    def __str__(self) -> str:
        return f"item {self.item_id} listed by message {self.message_id}"


class Fee(models.Model):
    """A fee the daily run charged on an item when it stood on a ladder step with a fee (rule 9;
    `arrears.domain.fees`): collection's own record, never the ERP's tables. Unique per item,
    step and kind, and the statutory compensation unique per item: a re-run charges nothing
    new, whatever the number of runs. Waived only with a credit manager's approval
    (`FeeWaiver`); exported once for the ERP to book (`export`)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="fees")
    step = models.SmallIntegerField()  # the step's place in the item's ladder (0: the first)
    step_code = models.CharField(max_length=32)
    kind = models.CharField(max_length=16)  # fixed, percent, compensation
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    charged_on = models.DateField()
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waived_on = models.DateField(null=True, blank=True)
    export = models.ForeignKey(
        "FeeExport", null=True, blank=True, on_delete=models.PROTECT, related_name="fees"
    )
    # a fee waived after it was exported: the export that told the ERP to reverse it
    waiver_export = models.ForeignKey(
        "FeeExport", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "step", "kind"], name="one_fee_per_item_step"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(kind="compensation"),
                name="one_compensation_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} fee {self.amount_minor} {self.currency} on item {self.item_id}"


class WaiverStatus(models.TextChoices):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


class FeeWaiver(models.Model):
    """A request to waive a fee, with its reason, and a credit manager's decision on it: the
    one who asked may not decide (four eyes). Approved, the fee is no longer owed."""

    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="waivers")
    reason = models.TextField()
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=WaiverStatus.choices, default=WaiverStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fee"],
                condition=models.Q(status="requested"),
                name="one_open_waiver_per_fee",
            )
        ]

    def __str__(self) -> str:
        return f"waiver {self.pk} of fee {self.fee_id} ({self.status})"


class FeeExport(models.Model):
    """One export of fees and interest for the ERP (`arrears fees export`): each fee is in one
    export only; the interest column is the interest accrued to the export's day."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"fee export {self.pk} of {self.as_of}"


class InterestExported(models.Model):
    """The interest to date last exported for an item: the next export shows the increase."""

    item = models.OneToOneField(
        OpenItem, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    interest_minor = models.BigIntegerField()
    as_of = models.DateField()

    def __str__(self) -> str:
        return f"interest {self.interest_minor} of item {self.item_id} to {self.as_of}"


class AcknowledgementKind(models.TextChoices):
    WRITTEN = "written"  # the debtor acknowledged the debt in writing
    PART_PAYMENT = "part_payment"  # a part payment recorded as an acknowledgement
    DEMAND = "demand"  # our written demand (a letter, where the law counts it)


class Acknowledgement(models.Model):
    """An event that interrupts or restarts an item's limitation period (rule 12), recorded on
    the desk (`arrears acknowledge`), audited. Whether it counts is the jurisdiction's rule."""

    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="acknowledgements")
    on = models.DateField()
    kind = models.CharField(max_length=16, choices=AcknowledgementKind.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} on {self.on} for item {self.item_id}"


class LimitationTask(models.Model):
    """The task the run raised for legal before an item's claim becomes time-barred: one per
    item and expiry date (a restart that moves the date may raise a new one later)."""

    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField()
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "expires_on"], name="one_limitation_task_per_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"limitation task for item {self.item_id} (expires {self.expires_on})"


class LimitationSetting(models.Model):
    """How many days before an item's claim becomes time-barred the run asks legal to act
    (rule 12): a credit manager's setting per company (`arrears limitation set`), audited. A
    company without one uses `settings.ARREARS_LIMITATION_LEAD_DAYS` (90 by default)."""

    company = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    lead_days = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"legal is asked {self.lead_days} days before a claim is time-barred"


class InterestSetting(models.Model):
    """A company's interest terms, set by a credit manager (`arrears interest set`, the
    interest settings page), audited: the regime it charges where not its jurisdiction's
    (`contract`: the contracts' own rates; empty: the jurisdiction's), the contractual rate its debtors' contracts state where
    the ERP gives none for the debtor (a percentage a year or a month, exact decimal text as
    `ContractRate.text` writes it; empty: none), and the courts' markup on the reference rate
    where the regime makes it a setting (China: the one-year LPR x 1.3 to 1.5; empty: the
    regime's default in `regimes.toml`)."""

    company = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    regime = models.CharField(max_length=32, blank=True, default="")
    contract_rate = models.CharField(max_length=16, blank=True, default="")
    contract_rate_per = models.CharField(max_length=8, blank=True, default="")
    markup = models.CharField(max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return f"interest terms of {self.company_id}"


class TemplateOverride(models.Model):
    """A credit manager's own text for a step's message in one channel and language, used
    instead of the shipped template (`templates/communications/<language>/<step>.txt`) for
    the company's messages; deleting it returns to the shipped one (`arrears template reset`).
    Saved only after the tone check and the render check (`template_settings.template_set`)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    step_code = models.CharField(max_length=32)
    channel = models.CharField(max_length=16)  # letter or email
    language = models.CharField(max_length=8)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "step_code", "channel", "language"],
                name="one_template_per_step_channel_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.step_code} {self.channel} {self.language} of {self.company_id}"


class TonePhrase(models.Model):
    """A phrase a company's credit manager adds to the tone check's shipped list for a
    language (`arrears tone add`): no template of the company may contain it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    phrase = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "language", "phrase"], name="one_tone_phrase_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.phrase}"


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
