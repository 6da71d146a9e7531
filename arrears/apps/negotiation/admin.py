from django.contrib import admin

from arrears.apps.negotiation.models import (
    Approval,
    Dispute,
    DisputePart,
    ExcuseLog,
    Handover,
    Instalment,
    Negotiation,
    NegotiationEvent,
    PaymentPlan,
    PromisePart,
    PromiseToPay,
    WriteOff,
    WriteOffPart,
)


class PromisePartInline(admin.TabularInline[PromisePart, PromiseToPay]):
    model = PromisePart
    extra = 0


@admin.register(PromiseToPay)
class PromiseAdmin(admin.ModelAdmin[PromiseToPay]):
    list_display = ["id", "case", "given_on", "given_by", "taken_by", "total_minor", "state"]
    list_filter = ["state", "channel"]
    search_fields = ["case__debtor__code", "given_by"]
    raw_id_fields = ["case", "negotiation"]
    filter_horizontal = ["items"]
    inlines = [PromisePartInline]


class NegotiationEventInline(admin.TabularInline[NegotiationEvent, Negotiation]):
    model = NegotiationEvent
    extra = 0


@admin.register(Negotiation)
class NegotiationAdmin(admin.ModelAdmin[Negotiation]):
    list_display = ["id", "case", "started_on", "status", "started_by"]
    list_filter = ["status"]
    raw_id_fields = ["case"]
    inlines = [NegotiationEventInline]


class InstalmentInline(admin.TabularInline[Instalment, PaymentPlan]):
    model = Instalment
    extra = 0


@admin.register(PaymentPlan)
class PaymentPlanAdmin(admin.ModelAdmin[PaymentPlan]):
    list_display = ["id", "case", "agreed_on", "principal_minor", "status", "defaulted_on"]
    list_filter = ["status"]
    raw_id_fields = ["case", "negotiation"]
    inlines = [InstalmentInline]


class DisputePartInline(admin.TabularInline[DisputePart, Dispute]):
    model = DisputePart
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin[Dispute]):
    list_display = ["id", "case", "reason", "owner", "deadline", "status", "escalated_to"]
    list_filter = ["status", "reason", "outcome"]
    raw_id_fields = ["case"]
    inlines = [DisputePartInline]


class WriteOffPartInline(admin.TabularInline[WriteOffPart, WriteOff]):
    model = WriteOffPart
    extra = 0
    raw_id_fields = ["item"]


@admin.register(WriteOff)
class WriteOffAdmin(admin.ModelAdmin[WriteOff]):
    list_display = ["id", "case", "requested_by", "requested_on", "status", "closed_case_on"]
    list_filter = ["status"]
    raw_id_fields = ["case", "dispute"]
    inlines = [WriteOffPartInline]


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin[Approval]):
    list_display = ["id", "kind", "case", "requested_by", "requested_on", "status", "decided_by"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["case", "negotiation", "plan", "write_off"]


@admin.register(ExcuseLog)
class ExcuseLogAdmin(admin.ModelAdmin[ExcuseLog]):
    list_display = ["logged_on", "excuse", "case", "by", "next_action_on"]
    list_filter = ["excuse"]
    raw_id_fields = ["case"]


admin.site.register(Handover)
