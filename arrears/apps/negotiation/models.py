"""The negotiation desk's records (DOMAIN.md §5-8): promises, negotiations, approvals, plans,
disputes, excuses, write-offs and hand-overs.

The rules live in `arrears.domain` (promises, negotiation, plans, disputes, excuses); these models
store what was agreed and what the daily sweep found. Amounts are integer minor units in the
case currency. Who did what is a user (`*_by`), except the debtor's contact, which is a name.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models

from arrears.apps.cases.models import Case
from arrears.apps.ledger.models import OpenItem
from arrears.domain.disputes import DisputeOutcome, DisputeReason
from arrears.domain.excuses import Excuse
from arrears.domain.negotiation import Condition, EventKind
from arrears.domain.plans import DayCount
from arrears.domain.promises import PromiseChannel, PromiseState

USER = settings.AUTH_USER_MODEL


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(str(v), str(v)) for v in enum]


class PromiseToPay(models.Model):
    """§7 A dated commitment from the debtor; the daily sweep matches payments against it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="promises")
    given_on = models.DateField()
    channel = models.CharField(max_length=16, choices=_choices(PromiseChannel))
    given_by = models.CharField(max_length=200, help_text="the debtor's contact who gave it")
    taken_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField(OpenItem, blank=True, related_name="+")  # none: whole case
    currency = models.CharField(max_length=3)
    total_minor = models.BigIntegerField()
    state = models.CharField(
        max_length=16, choices=_choices(PromiseState), default=PromiseState.OPEN
    )
    paid_minor = models.BigIntegerField(default=0)
    days_late = models.PositiveIntegerField(default=0)
    closed_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    evaluated_on = models.DateField(null=True, blank=True)
    negotiation = models.ForeignKey(
        "Negotiation", null=True, blank=True, on_delete=models.SET_NULL, related_name="promises"
    )
    conditions = models.JSONField(default=list, blank=True)  # Condition values agreed with it
    # payment references of the day it was given already in the balance it was checked against
    already_counted = models.JSONField(default=list, blank=True)
    # a promise on the whole case: the items due when it was given (what it was measured
    # against); it counts their payments and money on account, never a later invoice's
    covered_items = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"P{self.pk} {self.case} {self.state}"


class PromisePart(models.Model):
    """One dated amount of a promise."""

    promise = models.ForeignKey(PromiseToPay, on_delete=models.CASCADE, related_name="parts")
    on = models.DateField()
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["promise", "on"]
        constraints = [models.UniqueConstraint(fields=["promise", "on"], name="one_part_a_day")]

    def __str__(self) -> str:
        return f"{self.on}: {self.amount_minor}"


class NegotiationStatus(models.TextChoices):
    OPEN = "open"
    AGREED = "agreed"
    CLOSED = "closed"  # ended without an agreement (by the collector, or idle too long)


class Negotiation(models.Model):
    """§5-6 One negotiation on a case: the proposals and answers until an agreement."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="negotiations")
    started_on = models.DateField()
    status = models.CharField(
        max_length=8, choices=NegotiationStatus.choices, default=NegotiationStatus.OPEN
    )
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"negotiation {self.pk} on {self.case} ({self.status})"


class NegotiationEvent(models.Model):
    """One step of the exchange (`arrears.domain.negotiation.NegotiationEvent`), in order."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=_choices(EventKind))
    on = models.DateField()
    by = models.CharField(max_length=200)  # a username, or the debtor's contact
    first_on = models.DateField(null=True, blank=True)
    first_minor = models.BigIntegerField(null=True, blank=True)
    last_on = models.DateField(null=True, blank=True)
    total_minor = models.BigIntegerField(null=True, blank=True)
    instalments = models.PositiveIntegerField(null=True, blank=True)
    condition = models.CharField(max_length=32, blank=True, choices=_choices(Condition))
    conditions = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    reason_code = models.CharField(max_length=32, blank=True)
    recommended = models.CharField(max_length=16, blank=True)
    script = models.TextField(blank=True, help_text="what the collector was advised to say")

    class Meta:
        ordering = ["negotiation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "seq"], name="negotiation_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.kind} on {self.on}"


class PlanStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval"
    GOOD_STANDING = "good_standing"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class PaymentPlan(models.Model):
    """§6-7 A schedule of instalments agreed on a case, with an optional acceleration clause."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    negotiation = models.ForeignKey(
        Negotiation, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    agreed_on = models.DateField()
    currency = models.CharField(max_length=3)
    principal_minor = models.BigIntegerField()
    annual_rate = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    day_count = models.CharField(max_length=8, choices=_choices(DayCount), blank=True)
    acceleration_clause = models.BooleanField(default=True)
    grace_business_days = models.PositiveSmallIntegerField(default=3)
    items = models.ManyToManyField(OpenItem, blank=True, related_name="+")  # none: whole case
    status = models.CharField(max_length=16, choices=PlanStatus.choices)
    defaulted_on = models.DateField(null=True, blank=True)
    due_at_once_minor = models.BigIntegerField(null=True, blank=True)
    evaluated_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    conditions = models.JSONField(default=list, blank=True)  # Condition values agreed with it
    already_counted = models.JSONField(default=list, blank=True)  # as on PromiseToPay
    withdrawn_on = models.DateField(null=True, blank=True)
    # Item numbers the plan covered when agreed (for a whole-case plan, the case's open items
    # then): the acceleration clause reaches these and no item booked later.
    covered_items = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"plan {self.pk} on {self.case} ({self.status})"


class Instalment(models.Model):
    """One dated payment of a plan (seq 0: the down payment), tracked like an item."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    principal_minor = models.BigIntegerField()
    interest_minor = models.BigIntegerField(default=0)
    paid_minor = models.BigIntegerField(default=0)
    settled_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="instalment_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.due_on}"


class DisputeStatus(models.TextChoices):
    OPEN = "open"
    RESOLVED = "resolved"


class Dispute(models.Model):
    """§8 A contested part of one or more items, excluded from dunning while it is open."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(max_length=24, choices=_choices(DisputeReason))
    note = models.TextField(blank=True)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    deadline = models.DateField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=8, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    outcome = models.CharField(max_length=16, choices=_choices(DisputeOutcome), blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credited_minor = models.BigIntegerField(default=0)
    escalated_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"dispute {self.pk} on {self.case} ({self.status})"


class DisputePart(models.Model):
    """The disputed amount of one item; after a credit, what is credited until it is booked."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parts")
    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    credited_minor = models.BigIntegerField(default=0)
    open_at_minor = models.BigIntegerField(null=True, blank=True)  # item open when credited

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dispute", "item"], name="one_part_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.amount_minor}"


class ExcuseLog(models.Model):
    """§8 A contact with the debtor and the excuse given, with the answer suggested."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="excuses")
    excuse = models.CharField(max_length=32, choices=_choices(Excuse))
    logged_on = models.DateField()
    contact = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    next_action_on = models.DateField()
    # the answer used: the prepared one's code, or "own_words" ("" on a log stored before)
    answer = models.CharField(max_length=40, blank=True)
    # what the case owed when the excuse was heard (None on a log stored before): the
    # statistics judge "paid" against it
    owed_minor = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "excuse", "logged_on"], name="one_excuse_per_case_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.logged_on} {self.excuse}"


class DecisionStatus(models.TextChoices):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # taken back before a decision (replaced, agreed, cancelled)


class WriteOff(models.Model):
    """§2 A decision that a balance will not be recovered; only a credit manager approves it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="write_offs")
    reason = models.TextField()
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.REQUESTED
    )
    decided_on = models.DateField(null=True, blank=True)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="write_offs"
    )
    closed_case_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"write-off {self.pk} on {self.case} ({self.status})"


class WriteOffPart(models.Model):
    """The amount written off on one item; excluded from dunning until finance books it."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.CASCADE, related_name="parts")
    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    open_at_minor = models.BigIntegerField(null=True, blank=True)  # item open when approved

    def __str__(self) -> str:
        return f"{self.item_id}: {self.amount_minor}"


class ApprovalKind(models.TextChoices):
    TERMS = "terms"  # negotiated terms beyond the walk-away point
    PROMISE = "promise"  # a promise entered directly, beyond the walk-away point
    PLAN = "plan"
    WRITE_OFF = "write_off"
    DISPUTE_CREDIT = "dispute_credit"  # a dispute resolved by a credit note or partial credit


class Approval(models.Model):
    """An item in the credit manager's approval queue, and the decision on it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.REQUESTED
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    detail = models.JSONField(default=dict)  # what is asked, and the limits it goes beyond
    negotiation = models.ForeignKey(Negotiation, null=True, blank=True, on_delete=models.PROTECT)
    plan = models.ForeignKey(PaymentPlan, null=True, blank=True, on_delete=models.PROTECT)
    promise = models.ForeignKey(PromiseToPay, null=True, blank=True, on_delete=models.PROTECT)
    write_off = models.ForeignKey(WriteOff, null=True, blank=True, on_delete=models.PROTECT)
    dispute = models.ForeignKey(  # a credit asked on this dispute (`DISPUTE_CREDIT`)
        "Dispute", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "requested_on"])]

    def __str__(self) -> str:
        return f"approval {self.pk} {self.kind} ({self.status})"


class HandoverTarget(models.TextChoices):
    LEGAL = "legal"
    AGENCY = "agency"


class Handover(models.Model):
    """§1 An explicit hand-off of the debtor's account to legal or an agency, with a reason."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handovers")
    to = models.CharField(max_length=8, choices=HandoverTarget.choices)
    agency = models.CharField(max_length=200, blank=True)
    from_owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    reason = models.TextField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"hand-over of {self.case} to {self.to} on {self.on}"


class NegotiationPolicy(models.Model):
    """A company's desk policy document (`arrears.domain.negotiation.document`): only the fields
    it changes; everything else keeps the documented defaults. Validated before it is stored."""

    company = models.OneToOneField(
        "ledger.Company", on_delete=models.CASCADE, related_name="negotiation_policy"
    )
    document = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now=True)
    loaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"negotiation policy of {self.company_id}"


class ItemAcceleration(models.Model):
    """§6-7 An item a defaulted plan with an acceleration clause made due at once: the ladder
    duns it as due on `accelerated_on` (when that is earlier than its own due date)."""

    item = models.OneToOneField(OpenItem, on_delete=models.CASCADE, related_name="acceleration")
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="accelerations")
    accelerated_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.item_id} due at once from {self.accelerated_on}"
