"""Collection strategies (ladders), cases, their history, next actions, and runs.

A case is the collection file of one debtor in one currency (DOMAIN.md "Words"). The rules
that move cases live in `arrears.domain.ladder` and `arrears.domain.batch.daily_run`; these
models store what the run decided and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from arrears.apps.ledger.models import Company, Debtor, OpenItem
from arrears.domain.actions import ActionState, NextActionKind, Outcome
from arrears.domain.ladder import Channel, Mode, Role

# The foreign keys the database does not check (`db_constraint=False`), each marked
# RUN_GUARANTEED where it is declared: the daily run writes these columns in bulk, and on
# PostgreSQL checking them cost a lookup (and a row lock) per inserted row at COMMIT, about
# half of a first run's time (issue #13 §6). The run itself guarantees what they checked:
# - every id it writes comes from a row it read in the same transaction (items and debtors
#   from `run_items`, cases from the `cases_case` read right after inserting them) or made
#   itself (its own `Run` row, its company, which it holds the run lock of);
# - no code deletes a company, debtor, open item, case or run row (imports close items, they
#   never delete them); the Django admin and any ORM delete still apply each key's
#   `on_delete` (PROTECT, CASCADE, SET_NULL), which Django enforces itself, not the database.
# `tests/apps/cases/test_run_rows_unchecked.py` checks that a run leaves no row pointing at
# nothing, that these are exactly the unchecked keys, and that `on_delete` still holds. Every
# other key stays checked by the database: the rows people write at the desk (actors, owners,
# promises, plans, approvals) are few and keep their constraints.
RUN_GUARANTEED = (
    ("cases_itemstep", "item_id", "ledger_openitem"),
    ("cases_credithold", "debtor_id", "ledger_debtor"),
    ("cases_case", "company_id", "ledger_company"),
    ("cases_case", "debtor_id", "ledger_debtor"),
    ("cases_case", "driving_item_id", "ledger_openitem"),
    ("cases_caseevent", "case_id", "cases_case"),
    ("cases_caseevent", "run_id", "cases_run"),
    ("cases_action", "case_id", "cases_case"),
    ("cases_action", "run_id", "cases_run"),
    ("cases_holdchange", "debtor_id", "ledger_debtor"),
    ("cases_holdchange", "run_id", "cases_run"),
)


class Strategy(models.Model):
    """A ladder and the segment of debtors it applies to (lowest priority first)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="strategies")
    code = models.SlugField(max_length=32)
    name = models.CharField(max_length=200)
    mode = models.CharField(
        max_length=16,
        choices=[(m.value, m.value) for m in Mode],
        help_text="sequential: one step per run; jump: straight to the step the age implies",
    )
    priority = models.PositiveIntegerField(default=100)
    risk_tiers = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    min_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="strategy_code_per_company")
        ]

    def __str__(self) -> str:
        return self.name


class StrategyStep(models.Model):
    """One rung of a ladder; see `arrears.domain.ladder.Step` for what each field means."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=32)
    name = models.CharField(max_length=200)
    min_days_past_due = models.IntegerField()
    min_gap_days = models.PositiveIntegerField(default=0)
    min_overdue_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    min_broken_promises = models.PositiveIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=16, choices=[(c.value, c.value) for c in Channel])
    role = models.CharField(max_length=16, choices=[(r.value, r.value) for r in Role])
    follow_up_days = models.PositiveIntegerField(default=7)
    # rule 9: what reaching the step costs (`arrears.domain.fees`); no kind: no fee
    fee_kind = models.CharField(max_length=16, blank=True, default="")
    fee_amount_minor = models.BigIntegerField(default=0)  # fixed: in fee_currency
    fee_currency = models.CharField(max_length=3, blank=True, default="")
    fee_basis_points = models.PositiveIntegerField(default=0)  # percent: 150 = 1.5%
    attach_statement = models.BooleanField(default=False)

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="step_position"),
            models.UniqueConstraint(fields=["strategy", "code"], name="step_code"),
        ]

    def __str__(self) -> str:
        return self.name


class ItemStep(models.Model):
    """Where an open item stands on its strategy's ladder (§2-3), written by the daily run.

    Kept apart from the ERP's item row: a busy day rewrites only this narrow table (no ledger
    indexes to maintain), and the import never has to know the ladder exists.
    """

    item = models.OneToOneField(
        OpenItem,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ladder",
        db_constraint=False,  # RUN_GUARANTEED
    )
    strategy_code = models.CharField(max_length=32)
    step = models.SmallIntegerField()
    step_on = models.DateField()

    def __str__(self) -> str:
        return f"item {self.item_id}: {self.strategy_code} step {self.step} since {self.step_on}"


class CreditHold(models.Model):
    """§3 A debtor on credit hold: it may not buy more on credit until cleared. Set and lifted
    by the daily run (`arrears.domain.credit_hold`; a hold a person set, `Debtor.manual_hold`,
    it never lifts); a row while the hold stands, `HoldChange` keeps why and when.

    Apart from the ERP's debtor row: the import never touches it.
    """

    debtor = models.OneToOneField(
        Debtor,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="credit_hold",
        db_constraint=False,  # RUN_GUARANTEED
    )

    def __str__(self) -> str:
        return f"debtor {self.debtor_id} on credit hold"


class ItemDeskInput(models.Model):
    """What the negotiation desk's daily sweep tells the ladder about an open item: the part not
    to dun (§1, §5-8: `arrears.domain.exclusions`), the breaks on its case that count for it
    (§7: `arrears.domain.broken_promises`) and the day a defaulted plan made it due at once
    (§6-7: `arrears.domain.plans.acceleration`). No row: none of these.

    Kept apart from the ERP's item row, as `ItemStep` is: the import never touches it, and a day
    rewrites only the few rows the desk changed.
    """

    item = models.OneToOneField(
        OpenItem, primary_key=True, on_delete=models.CASCADE, related_name="desk_input"
    )
    excluded_minor = models.BigIntegerField(default=0)
    broken_promises = models.PositiveIntegerField(default=0)
    accelerated_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return (
            f"item {self.item_id}: {self.excluded_minor} held back, "
            f"{self.broken_promises} broken promises"
        )


class DeskInputsVersion(models.Model):
    """How many times a company's `ItemDeskInput` rows were written: what the worklist keeps
    of a case's figures is kept under this number (`worklist._LEDGER_VERSION`), so a write
    outside a run (a set-off approved at the desk) shows at once. Bumped by the one place
    that writes those rows, `services.desk_inputs.desk_inputs_store`. No row: never written."""

    company = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"company {self.company_id}: desk inputs version {self.version}"


class Holiday(models.Model):
    """A day the company does not work, besides Saturdays and Sundays: its collection calendar
    (a setting of the company's, not the ERP's data). Every business-day rule counts past it:
    a call retried the next business day, a promise's grace, a plan's instalment dates, a
    dispute's deadline (`arrears.domain.dates`, with the company's days as a frozenset)."""

    company = models.ForeignKey(  # indexed by the unique (company, day) index
        Company, on_delete=models.CASCADE, related_name="holidays", db_index=False
    )
    day = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "day"], name="one_holiday_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}".rstrip()


class CaseStatus(models.TextChoices):
    OPEN = "open"
    CLOSED = "closed"


class ClosedReason(models.TextChoices):
    """Why a case closed (`arrears.domain.cases.closed_reason`): paid, credited (credit notes
    or a dispute's credit), settled (by both: the amounts beside it), or an approved write-off."""

    PAID = "paid"
    CREDITED = "credited"
    SETTLED = "settled"
    WRITTEN_OFF = "written_off"


class Case(models.Model):
    """The collection file of one debtor in one currency: owner, step, next action (§1-2)."""

    # No index of their own (issue #13 §6: each is one more write per case a first run opens):
    # the company's reads walk the (company, status, ...) indexes below, a debtor's the unique
    # (debtor, currency) one, both led by the column.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="cases", db_constraint=False, db_index=False
    )  # RUN_GUARANTEED
    debtor = models.ForeignKey(
        Debtor, on_delete=models.PROTECT, related_name="cases", db_constraint=False, db_index=False
    )  # RUN_GUARANTEED
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_reason = models.CharField(max_length=16, choices=ClosedReason.choices, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # §2 what settled a case the run closed: payments and credits since it last closed
    settled_paid_minor = models.BigIntegerField(default=0)
    settled_credited_minor = models.BigIntegerField(default=0)
    strategy_code = models.CharField(max_length=32, blank=True)
    step = models.SmallIntegerField(null=True, blank=True)
    step_code = models.CharField(max_length=32, blank=True)
    step_on = models.DateField(null=True, blank=True)
    open_minor = models.BigIntegerField(default=0)
    overdue_minor = models.BigIntegerField(default=0)
    oldest_due_on = models.DateField(null=True, blank=True)
    driving_item = models.ForeignKey(  # RUN_GUARANTEED
        OpenItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,  # nothing looks cases up by it (no code deletes an item: see above)
    )
    # The dated next action (§2), as the run last chose it: a ladder step, a review of the
    # case, or an open call or task (`arrears.domain.actions.NextActionKind`), with the step
    # code (the action's code for a call or task, `review` for a review), channel and role.
    next_action_on = models.DateField(null=True, blank=True)
    next_action_kind = models.CharField(
        max_length=8, choices=[(k.value, k.value) for k in NextActionKind], blank=True
    )
    next_action_step_code = models.CharField(max_length=32, blank=True)
    next_action_channel = models.CharField(
        max_length=16, choices=[(c.value, c.value) for c in Channel], blank=True
    )
    next_action_role = models.CharField(
        max_length=16, choices=[(r.value, r.value) for r in Role], blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["debtor", "currency"], name="one_case_per_currency")
        ]
        indexes = [
            models.Index(fields=["company", "status", "next_action_on"]),
            # the currencies of the open cases, one index step each (`worklist_filters`)
            models.Index(fields=["company", "status", "currency"], name="case_open_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.debtor.code} {self.currency}"


class RunStatus(models.TextChoices):
    """A run's state (`Run.status` is plain text; these are its values)."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RunFailure(models.TextChoices):
    """Why a run failed (`Run.summary["failed"]`)."""

    INTERRUPTED = "interrupted"  # Ctrl-C, or its process told to stop
    BUSY = "busy"  # SQLite: another writer held the database past the timeout
    ERROR = "error"  # anything else (the terminal showed what)
    LOCK_BROKEN = "lock_broken"  # `arrears run --break-lock`: its process had died


# The typed next action's columns besides its date (written together, cleared together).
NEXT_ACTION_FIELDS = (
    "next_action_kind",
    "next_action_step_code",
    "next_action_channel",
    "next_action_role",
)


class Run(models.Model):
    """One daily run for one company and as-of date."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="runs")
    as_of = models.DateField()
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, default="running")  # running, done, failed
    summary = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    def __str__(self) -> str:
        return f"run {self.pk} as of {self.as_of}"


class RunLock(models.Model):
    """Held while a run writes, so two runs for a company cannot overlap."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, primary_key=True)
    run_id = models.BigIntegerField()
    holder = models.CharField(max_length=200)
    acquired_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"lock {self.company_id} by run {self.run_id}"


class EventKind(models.TextChoices):
    # written by the daily run
    OPENED = "opened"
    STEP = "step"
    CLOSED = "closed"
    REOPENED = "reopened"
    # written by the negotiation desk (arrears.apps.negotiation)
    PROMISE = "promise"
    NEGOTIATION = "negotiation"
    PLAN = "plan"
    DISPUTE = "dispute"
    EXCUSE = "excuse"
    APPROVAL = "approval"
    WRITE_OFF = "write_off"
    HANDOVER = "handover"
    # a person completed or cancelled an action (arrears.apps.cases.services.actions)
    ACTION = "action"


class CaseEvent(models.Model):
    """A change to a case, with its reason: rule, inputs and run (answers "why is it here?")."""

    case = models.ForeignKey(  # RUN_GUARANTEED
        Case, on_delete=models.CASCADE, related_name="events", db_constraint=False
    )
    # Neither the run nor the person is looked up by (a history is read by case): no index of
    # their own, each one write less per event a run adds (issue #13 §6).
    run = models.ForeignKey(  # RUN_GUARANTEED
        Run, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False, db_index=False
    )
    on = models.DateField()
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_step = models.CharField(max_length=32, blank=True)
    to_step = models.CharField(max_length=32, blank=True)
    reason = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )

    class Meta:
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.kind} {self.from_step}->{self.to_step}"

    @property
    def took_step(self) -> bool:
        """The case took a ladder step (`to_step`, for the reason's rule and figures): a step
        event, or the run opening a case at its first step, which it records as one event."""
        return self.kind == EventKind.STEP or (self.kind == EventKind.OPENED and bool(self.to_step))


class ActionStatus(models.TextChoices):
    """`arrears.domain.actions.ActionState`: the life of an action and its allowed moves."""

    OPEN = ActionState.OPEN.value
    DONE = ActionState.DONE.value
    QUEUED = ActionState.QUEUED.value
    SENT = ActionState.SENT.value
    FAILED = ActionState.FAILED.value
    CANCELLED = ActionState.CANCELLED.value


PENDING_STATUSES = (ActionStatus.OPEN, ActionStatus.QUEUED)  # still to be done or sent


class Action(models.Model):
    """A dated thing to do on a case: send the letter, make the call, review the case.

    A person's action is open, then done (with an outcome) or cancelled (with a reason); a
    message is queued, then sent, failed or cancelled (`arrears.domain.actions`).
    """

    case = models.ForeignKey(  # RUN_GUARANTEED
        Case, on_delete=models.CASCADE, related_name="actions", db_constraint=False
    )
    run = models.ForeignKey(  # RUN_GUARANTEED
        Run, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    step_code = models.CharField(max_length=32)
    channel = models.CharField(max_length=16, choices=[(c.value, c.value) for c in Channel])
    role = models.CharField(max_length=16, choices=[(r.value, r.value) for r in Role])
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    outcome = models.CharField(
        max_length=16, choices=[(o.value, o.value) for o in Outcome], blank=True
    )
    note = models.TextField(blank=True)
    done_on = models.DateField(null=True, blank=True)  # done, sent or failed on
    # who completed or cancelled it (none: the run, or the case closing)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_on = models.DateField(null=True, blank=True)
    # `case_closed`, `overtaken` (the case climbed past its step), or what a person wrote
    cancelled_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            # One pending action per step and day (a done call may be tried again that day).
            models.UniqueConstraint(
                fields=["case", "step_code", "due_on"],
                condition=models.Q(status__in=["open", "queued"]),
                name="one_pending_action_per_step_and_day",
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.step_code} by {self.channel} on {self.due_on} ({self.status})"


class HoldChange(models.Model):
    """A credit hold set or lifted on a debtor (§3), with the rule and the figures behind it."""

    debtor = models.ForeignKey(  # RUN_GUARANTEED
        Debtor, on_delete=models.CASCADE, related_name="hold_changes", db_constraint=False
    )
    run = models.ForeignKey(  # RUN_GUARANTEED
        Run, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    on = models.DateField()
    hold = models.BooleanField()
    reason = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["debtor", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} hold {'set' if self.hold else 'lifted'}"


class Handoff(models.Model):
    """A debtor given to a new owner (§1: hand-offs are explicit, recorded events with a
    reason): by hand, or by a rule for the unowned (round robin, country, segment)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="handoffs")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField()
    rule = models.CharField(max_length=16)  # "by_hand" or an `AssignRule`
    key = models.CharField(max_length=64, blank=True)  # the country or tier that decided
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["debtor", "on", "id"]

    def __str__(self) -> str:
        return f"{self.debtor_id} to {self.to_owner_id} on {self.on}"


class PropensityModel(models.Model):
    """A payment-propensity model trained on the company's own ledger (§3-4, issue #16): its
    window, features and metrics, and the fitted estimator (joblib) with its SHA-256, checked
    before it is ever loaded. One model per company is active: the one the worklist uses."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    trained_at = models.DateTimeField()
    trained_from = models.DateField()  # the first as-of day learned from
    trained_until = models.DateField()  # the last as-of day learned from
    horizon = models.PositiveSmallIntegerField()  # days: P(paid in full within them)
    features = models.JSONField()  # the features the estimator reads, in order
    metrics = models.JSONField()  # auc, brier, base_rate, rows (on the days after the split)
    medians = models.JSONField(default=dict)  # per feature, over the rows it was fitted on
    # what its features meant when trained (`propensity.FEATURE_SET`): another set is refused
    feature_set = models.PositiveSmallIntegerField(default=1)
    estimator = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["company", "trained_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(active=True),
                name="one_active_propensity_model_per_company",
            )
        ]

    def __str__(self) -> str:
        return f"model {self.pk} of {self.trained_from}..{self.trained_until}"
