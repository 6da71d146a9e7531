"""The daily snapshot (issue #16): what was open at the end of each run's day, per company,
currency, bucket and collector, so that figures over time read a few rows a day instead of
the whole ledger's history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from arrears.apps.ledger.models import Company
from arrears.domain.kpi import BUCKET_NAMES


class DailySnapshot(models.Model):
    """One (company, day, currency, bucket, owner): the open amount and the number of open
    dunnable items. Written by the daily run (`reports.snapshots.snapshot_write`); a re-run of
    the day replaces that day's rows."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    bucket = models.CharField(max_length=8, choices=[(b, b) for b in BUCKET_NAMES])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # the debtor's collector that day; null when unowned
    open_minor = models.BigIntegerField()
    items = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "day", "currency", "bucket", "owner"],
                name="reports_snapshot_one_row",
            )
        ]
        indexes = [models.Index(fields=["company", "day"], name="reports_snapshot_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.currency} {self.bucket}"


class DailyTotal(models.Model):
    """One (company, day, currency): all the company had billed (dunnable items issued on or
    before the day) and credited by the end of the day, as the run read its ledger that day
    (`kpi.TOTALS`): a period's credit sales are two days' difference. Written with the day's
    snapshot; a re-run of the day replaces them."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    billed_minor = models.BigIntegerField()
    credited_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "day", "currency"], name="reports_total_one_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency}"


class DailyRoll(models.Model):
    """How the balance open at the end of the previous month stood on the day (`kpi.ROLLS`):
    per currency, bucket then and bucket on the day (null: no longer open), the two balances
    and the number of items; the roll and cure rates of the month to date are their sums.
    Written with the day's snapshot; a re-run of the day replaces them."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    bucket = models.SmallIntegerField()
    later_bucket = models.SmallIntegerField(null=True, blank=True)
    from_minor = models.BigIntegerField()
    later_minor = models.BigIntegerField()
    items = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["company", "day"], name="reports_roll_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.currency} {self.bucket}->{self.later_bucket}"
