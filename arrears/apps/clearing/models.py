"""Set-offs proposed, decided and booked (rule 11): collection state, never the ERP's. The
ERP books an approved set-off from the file arrears writes (`arrears setoff export`); its next
items and payables files show both sides reduced, so arrears itself never changes what the
ERP said."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from arrears.apps.ledger.models import Company, Debtor, OpenItem, Payable


class SetOffState(models.TextChoices):
    PROPOSED = "proposed"  # waits for a credit manager other than the proposer
    APPROVED = "approved"  # to be exported to the ERP, then booked there
    REFUSED = "refused"
    BOOKED = "booked"  # the ERP booked it: never again


OPEN_STATES = (SetOffState.PROPOSED, SetOffState.APPROVED)


class SetOff(models.Model):
    """One set-off with one debtor in one currency: their due invoices against ours to them."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="setoffs")
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    proposed_on = models.DateField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=SetOffState.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    exported_on = models.DateField(null=True, blank=True)  # in a file for the ERP
    booked_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "currency"],
                condition=models.Q(state__in=["proposed", "approved"]),
                name="one_open_setoff_per_debtor_and_currency",
            )
        ]

    def __str__(self) -> str:
        return f"S{self.pk} {self.debtor_id} {self.currency} {self.amount_minor} ({self.state})"


class SetOffPair(models.Model):
    """One of our invoices set against one of theirs, for an amount no larger than either."""

    setoff = models.ForeignKey(SetOff, on_delete=models.CASCADE, related_name="pairs")
    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="+")
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    # the item's open amount when the set-off was approved: a later fall in it, less payments
    # since, is the ERP booking the set-off (`arrears.domain.booking`)
    item_open_at_minor = models.BigIntegerField(null=True, blank=True)
    # the payable's open amount when approved: a later fall in it is the ERP booking the
    # set-off; until then a new proposal cannot offer it again (`clearing.selectors`)
    payable_open_at_minor = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["setoff", "item", "payable"], name="one_pair_per_sides")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} against {self.payable_id}: {self.amount_minor}"
