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
