"""A letter or email the ladder queued, marked sent (or failed) by the person who sent it.

Until the outbox sends messages itself (the communications work), a collector prints the
letter or sends the email and records it here, so the worklist stops listing it and the
case's history says when it went out. A message moves queued -> sent | failed, never back
(`arrears.domain.actions`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import person_id, require_action
from arrears.apps.cases.models import Action, ActionStatus
from arrears.apps.cases.services.actions import (
    _about,
    _check_day,
    _locked,
    _move,
    _record,
    _require_open,
)
from arrears.domain.actions import ActionState, kind_of


def message_mark(
    *, actor: Any, action_id: int, on: date, failed: bool = False, note: str = ""
) -> Action:
    """Record that a queued letter or email went out on `on` (or failed to); the same call
    again changes nothing."""
    person_id(actor)
    to = ActionState.FAILED if failed else ActionState.SENT
    with transaction.atomic():
        action, case = _locked(action_id)
        require_action(
            actor,
            action_id=action.pk,
            action_role=action.role,
            company_id=case.company_id,
            owner_id=case.debtor.owner_id,
            what="record a letter or email as sent",
        )
        if action.status == to.value:
            return action
        _move(action, kind_of(action.channel, action.step_code), to)
        _require_open(case, action)
        _check_day(action, on)
        action.status = ActionStatus(to.value)
        action.note, action.done_on, action.done_by = note.strip(), on, actor
        action.save(update_fields=["status", "note", "done_on", "done_by"])
        rule = "message_failed" if failed else "message_sent"
        _record(case, action, actor=actor, on=on, detail={**_about(action), "rule": rule})
    return action
