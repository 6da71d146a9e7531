"""The admin reads; services write.

Every arrears model is read-only in the Django admin: changes go through the services, which
check access, lock rows and record the audit trail; an edit in the admin would pass all three.
The project's admin site makes each registered arrears model read-only as it is registered, so
no app can forget (Django's own users and groups stay editable for superusers).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

ARREARS_APPS = frozenset(
    {
        "accounts",
        "ledger",
        "cases",
        "negotiation",
        "communications",
        "clearing",
        "reports",
        "common",
    }
)


def is_administrator(user: Any) -> bool:
    """Who may open the admin: an active person the installation marked as staff who is an
    active administrator of a company (a collector or credit manager marked staff by mistake
    is still refused), or a superuser (the installation's own account)."""
    if not (user.is_active and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    from arrears.apps.accounts.models import Membership
    from arrears.domain.access import PersonRole

    return (
        bool(user.is_staff)
        and Membership.objects.filter(
            person=user, role=PersonRole.ADMINISTRATOR, active=True
        ).exists()
    )


class ReadOnly:
    """Mixed into each arrears ModelAdmin: view (for whoever may open the admin), never add,
    change or delete."""

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_module_permission(self, request: Any) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlySite(admin.AdminSite):
    site_header = "arrears (read only: changes go through the desk and the commands)"

    def has_permission(self, request: Any) -> bool:
        """Administrators only (`is_administrator`); everyone else is sent to sign in."""
        return is_administrator(request.user)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        )
        for model in models:
            base = admin_class or admin.ModelAdmin
            label = getattr(model, "_meta").app_label  # noqa: B009 - a model class
            ours = label in ARREARS_APPS or model.__module__.startswith("arrears.")
            if ours and not issubclass(base, ReadOnly):
                base = type(f"ReadOnly{base.__name__}", (ReadOnly, base), {})
            super().register(model, base, **options)


class ArrearsAdminConfig(AdminConfig):
    default_site = "arrears.web.admin.ReadOnlySite"
