from django.contrib import admin

from arrears.apps.cases.models import (
    Action,
    Case,
    CaseEvent,
    HoldChange,
    Run,
    Strategy,
    StrategyStep,
)


class StrategyStepInline(admin.TabularInline[StrategyStep, Strategy]):
    model = StrategyStep
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin[Strategy]):
    list_display = ["code", "name", "mode", "priority", "company"]
    inlines = [StrategyStepInline]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = [
        "debtor",
        "currency",
        "status",
        "step_code",
        "next_action_on",
        "next_action_kind",
        "next_action_step_code",
    ]
    list_filter = ["status", "step_code", "currency"]
    search_fields = ["debtor__code", "debtor__name"]
    raw_id_fields = ["debtor", "driving_item"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin[Run]):
    list_display = ["id", "company", "as_of", "status", "started_at", "finished_at"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin[Action]):
    list_display = ["id", "case", "step_code", "channel", "role", "due_on", "status", "outcome"]
    list_filter = ["status", "channel", "outcome"]
    raw_id_fields = ["case", "run", "done_by"]


admin.site.register(CaseEvent)
admin.site.register(HoldChange)
