"""The ledger mirrored from the ERP: creditor company, debtors, open items, payments.

Amounts are integer minor units (`*_minor`) with the currency beside them: exact, and fast in
bulk. `arrears.domain.money.Money` turns them back into Decimals for display and rules.
The ERP is the book of record: imports mirror it, keyed on the ERP's natural keys.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from arrears.domain.interest import ContractRate, stated
from arrears.domain.money import Money


class Company(models.Model):
    """The creditor: the company whose receivables we collect."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    jurisdiction = models.CharField(max_length=8, help_text="e.g. DE, FR, GB, EU, CN")
    hold_when_over_limit = models.BooleanField(default=True)
    hold_after_days_past_due = models.PositiveIntegerField(null=True, blank=True, default=60)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class RiskTier(models.TextChoices):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class DebtorKind(models.TextChoices):
    """Who the debtor is in law: a business (the default) or a consumer, for whom the
    statutory interest, the fixed compensation and the limitation period differ (§9, §12)."""

    BUSINESS = "business"
    CONSUMER = "consumer"


class Debtor(models.Model):
    """A customer that owes money; one owner (a collector) at any moment (§1)."""

    company = models.ForeignKey(  # indexed by the unique (company, code) index
        Company, on_delete=models.PROTECT, related_name="debtors", db_index=False
    )
    code = models.CharField(max_length=64, help_text="the ERP's customer number")
    name = models.CharField(max_length=200)
    registration_number = models.CharField(max_length=64, blank=True)
    vat_number = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2)
    language = models.CharField(max_length=8, default="en")
    # The postal address a letter goes to (the ERP's; optional columns of the debtors import).
    address_line1 = models.CharField(max_length=200, blank=True, db_default="")
    address_line2 = models.CharField(max_length=200, blank=True, db_default="")
    postcode = models.CharField(max_length=20, blank=True, db_default="")
    city = models.CharField(max_length=100, blank=True, db_default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    credit_limit_minor = models.BigIntegerField(null=True, blank=True)  # company currency
    risk_tier = models.CharField(max_length=16, choices=RiskTier.choices, default=RiskTier.MEDIUM)
    kind = models.CharField(  # the ERP's (an optional column of the debtors import)
        max_length=16,
        choices=DebtorKind.choices,
        default=DebtorKind.BUSINESS,
        db_default="business",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debtors",
    )
    # The contract's late-interest rate (the ERP's: optional columns of the debtors import),
    # a percentage of each `contract_rate_per` (year or month), stored as the exact decimal
    # text ("1.5", no trailing zeros) so a re-import compares equal; empty: none stated.
    contract_rate = models.CharField(max_length=16, blank=True, db_default="")
    contract_rate_per = models.CharField(max_length=8, blank=True, db_default="")
    # Whether the debtor is on credit hold is arrears' own: see cases.CreditHold.
    manual_hold = models.BooleanField(default=False, help_text="set by a person; runs keep it")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="debtor_code_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def consumer(self) -> bool:
        return self.kind == DebtorKind.CONSUMER

    @property
    def contract(self) -> ContractRate | None:
        """The contract's late-interest rate, as stated (None: none stated)."""
        return stated(self.contract_rate, self.contract_rate_per)

    @property
    def credit_limit(self) -> Money | None:
        if self.credit_limit_minor is None:
            return None
        return Money.from_minor(self.credit_limit_minor, self.company.currency)


class Contact(models.Model):
    """A person at the debtor we talk to."""

    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    INVOICE = "invoice"
    DEBIT_NOTE = "debit_note"
    INSTALMENT = "instalment"
    CREDIT_NOTE = "credit_note"


DUNNABLE_KINDS = (ItemKind.INVOICE, ItemKind.DEBIT_NOTE, ItemKind.INSTALMENT)


class OpenItem(models.Model):
    """An invoice, debit note, instalment or credit note, as the ERP said.

    Credit notes are never dunned; their open amount reduces the debtor's exposure.
    """

    # No index of its own: the unique (company, number) index leads with company.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="items", db_index=False
    )
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="items")
    number = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=ItemKind.choices, default=ItemKind.INVOICE)
    issue_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    original_minor = models.BigIntegerField()
    open_minor = models.BigIntegerField()
    payment_terms = models.CharField(max_length=64, blank=True)
    # Its place on the ladder, the part not dunned and the broken promises that count for it
    # are arrears' own, not the ERP's: see cases.ItemStep and cases.ItemDeskInput.

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="item_number_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    @property
    def open_amount(self) -> Money:
        return Money.from_minor(self.open_minor, self.currency)

    @property
    def original_amount(self) -> Money:
        return Money.from_minor(self.original_minor, self.currency)


class Payment(models.Model):
    """Money received from a debtor, as the ERP booked it."""

    company = models.ForeignKey(  # indexed by the unique (company, reference) index
        Company, on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(max_length=64)
    received_on = models.DateField()
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    unapplied_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "reference"], name="payment_reference_per_company"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Allocation(models.Model):
    """The part of a payment applied to one item."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="allocations")
    amount_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "item"], name="one_allocation_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.item_id}: {self.amount_minor}"


class ExchangeRate(models.Model):
    """Company-currency units per unit of `currency`, valid from a date (at most 6 decimals)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="rates")
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    valid_from = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "currency", "valid_from"], name="one_rate_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} from {self.valid_from}"


class ImportKind(models.TextChoices):
    DEBTORS = "debtors"
    ITEMS = "items"
    PAYMENTS = "payments"
    PAYABLES = "payables"


class Payable(models.Model):
    """What we owe a debtor who is also our supplier (their invoice to us), as the ERP said:
    the other side of a set-off (rule 11). Keyed on our ERP's document number."""

    company = models.ForeignKey(  # indexed by the unique (company, number) index
        Company, on_delete=models.PROTECT, related_name="payables", db_index=False
    )
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="payables")
    number = models.CharField(max_length=64)
    issue_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    original_minor = models.BigIntegerField()
    open_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="payable_number_per_company")
        ]

    def __str__(self) -> str:
        return f"payable {self.number}"


class ImportBatch(models.Model):
    """One imported file and what it changed."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    changes = models.JSONField(default=dict)  # column -> number of rows where it changed
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.rows} rows)"


class ItemsVersion(models.Model):
    """Per company: a random token naming the state of its open items, or empty.

    The database empties a company's token itself (triggers, migration
    `0012_items_version_per_company`) whenever a statement inserts, deletes or updates one of
    its items' company, debtor, currency, due date, open amount or kind, whoever runs it (an
    import, a payment's allocation, clearing, a test, psql); another company's token stays. The
    daily run names the state it is about to read with a fresh token (`items_cache.claim`,
    which makes the company's row at its first run) and keeps the items it read in a file under
    that token (`items_cache.open_items`): a later run finds the same token only if none of the
    company's items changed since, and then reads the file instead of the table.
    """

    company = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"open items of company {self.company_id}: {self.token or '(changed)'}"
