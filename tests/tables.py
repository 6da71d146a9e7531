"""Every table's rows, to check that a refusal wrote nothing anywhere."""

from __future__ import annotations

from typing import Any

from django.apps import apps


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """All rows of every installed model (auth, sessions and audit included), by primary key.
    Nothing is left out: a refusal must leave even the audit trail and the run log as they
    were."""
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values())
        for m in apps.get_models(include_auto_created=True)
    }
