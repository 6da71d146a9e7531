"""Writes for accounts: audit records and role membership."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

from arrears.apps.accounts.models import AuditEvent
from arrears.domain.ladder import Role


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a change; every write service calls this inside its transaction."""
    user: Any = actor if isinstance(actor, AbstractBaseUser) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
    )


def user_ensure(*, username: str, role: Role, email: str = "", first_name: str = "") -> Any:
    """Create (or find) a user holding the given role; no password: they log in once set."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first_name}
    )
    group, _ = Group.objects.get_or_create(name=str(role))
    user.groups.add(group)
    return user
