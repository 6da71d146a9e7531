from django.contrib import admin

from arrears.apps.ledger.models import Company, Debtor, ExchangeRate, ImportBatch, OpenItem, Payment


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin[Debtor]):
    list_display = ["code", "name", "country", "risk_tier", "owner", "manual_hold"]
    list_filter = ["risk_tier", "manual_hold", "country"]
    search_fields = ["code", "name", "vat_number"]
    raw_id_fields = ["parent"]


@admin.register(OpenItem)
class OpenItemAdmin(admin.ModelAdmin[OpenItem]):
    list_display = ["number", "kind", "debtor", "due_date", "currency", "open_minor"]
    search_fields = ["number", "debtor__code"]
    raw_id_fields = ["debtor"]


admin.site.register(Company)
admin.site.register(Payment)
admin.site.register(ExchangeRate)
admin.site.register(ImportBatch)
