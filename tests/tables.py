"""Every table's rows, to check that a refusal wrote nothing anywhere."""

from __future__ import annotations

from typing import Any

from django.apps import apps

# Left out, and why: a token's last use is recorded when it is presented, as any sign-in is,
# before the command is judged; it is not a change the command made.
SIGN_IN_ONLY = {"accounts.AccessToken": {"last_used_at"}}


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """All rows of every installed model (auth, sessions and audit included), by primary key.
    Nothing else is left out: a refusal must leave even the audit trail and the run log as
    they were."""
    out = {}
    for m in apps.get_models(include_auto_created=True):
        skip = SIGN_IN_ONLY.get(m._meta.label, set())
        rows = m._default_manager.order_by("pk").values()
        out[m._meta.label] = [{k: v for k, v in r.items() if k not in skip} for r in rows]
    return out
