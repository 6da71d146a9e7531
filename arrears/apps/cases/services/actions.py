"""A person completes or cancels an action (§1-2): the call was made, the review done, the task
no longer needed; or records a letter or email the ladder queued as sent (or failed). The rules
(which moves are allowed, which outcomes a call or a review can have, what an outcome schedules
next) are `arrears.domain.actions`; this module locks, asks access, stores what the rules decide
and records it in the case's history and the audit trail. Who may: the person holding the
action's role (`arrears.domain.access.decide_action`: the owning collector their own calls, a
credit manager any action, legal its tasks), asked after the lock (`_locked_for`). The case's
next action stays the daily run's to choose (one writer): the next run picks up what was done
and what was booked.

Until the outbox sends messages itself (the communications work), a collector prints the letter
or sends the email and records it here (`message_mark`), so the worklist stops listing it and
the case's history says when it went out. A message moves queued -> sent | failed, never back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import person_id, require_action
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    StrategyStep,
)
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.common import clock
from arrears.domain.actions import (
    NO_STEP_REVIEW_DAYS,
    ActionState,
    FollowUp,
    check_done_on,
    follow_up_after,
    kind_of,
    outcome_for,
    transition,
)
from arrears.domain.dates import next_business_day
from arrears.domain.refusal import Refusal

REASON_MOST = 200  # characters of a cancel reason (`Action.cancelled_reason`)


def today() -> date:
    """The real day (a seam the tests move; `clock.today` unless moved here)."""
    return clock.today()


@dataclass(frozen=True)
class Completed:
    """The action done, and the follow-up its outcome booked (None: nothing follows)."""

    action: Action
    follow_up: Action | None


def action_complete(
    *, actor: Any, action_id: int, outcome: str, note: str = "", on: date
) -> Completed:
    """Mark a person's action done on `on` with its outcome; book what the outcome calls for
    (the next review, a retried call). Doing it again with the same outcome changes nothing."""
    with transaction.atomic():
        action, case = _locked_for(actor, action_id, "complete an action on this account")
        if action.status == ActionStatus.DONE and action.outcome == outcome:
            return Completed(action, None)
        kind = kind_of(action.channel, action.step_code)
        _move(action, kind, ActionState.DONE)
        _require_open(case, action)
        got = outcome_for(kind, outcome)
        _check_day(action, on)
        holidays = holidays_for(company=case.company)
        after = follow_up_after(
            kind,
            got,
            step_code=action.step_code,
            done_on=on,
            follow_up_days=_follow_up_days(case),
            holidays=holidays,
        )
        action.status, action.outcome, action.note = ActionStatus.DONE, got.value, note.strip()
        action.done_on, action.done_by = on, actor
        action.save(update_fields=["status", "outcome", "note", "done_on", "done_by"])
        booked = None if after is None else _book(case, after, role=action.role, holidays=holidays)
        detail = {
            **_about(action),
            "rule": "action_done",
            "outcome": got.value,
            "note": action.note,
            "follow_up": _about(booked) if booked is not None else None,
        }
        _record(case, action, actor=actor, on=on, detail=detail)
    return Completed(action, booked)


def action_cancel(*, actor: Any, action_id: int, reason: str, on: date) -> Action:
    """Cancel an open action (or a queued message) on `on`, saying why. Cancelling it again
    for the same reason changes nothing."""
    why = reason.strip()
    with transaction.atomic():
        action, case = _locked_for(actor, action_id, "cancel an action on this account")
        if action.status == ActionStatus.CANCELLED and action.cancelled_reason == why:
            return action
        _move(action, kind_of(action.channel, action.step_code), ActionState.CANCELLED)
        _require_open(case, action)
        if not why:
            raise Refusal("action.no_reason", action=action.pk)
        if len(why) > REASON_MOST:
            raise Refusal("action.reason_too_long", action=action.pk, most=REASON_MOST)
        _check_day(action, on)
        action.status, action.cancelled_reason = ActionStatus.CANCELLED, why
        action.cancelled_on, action.done_by = on, actor
        action.save(update_fields=["status", "cancelled_reason", "cancelled_on", "done_by"])
        detail = {**_about(action), "rule": "action_cancelled", "reason": why}
        _record(case, action, actor=actor, on=on, detail=detail)
    return action


def message_mark(
    *, actor: Any, action_id: int, on: date, failed: bool = False, note: str = ""
) -> Action:
    """Record that a queued letter or email went out on `on` (or failed to); the same call
    again changes nothing."""
    to = ActionState.FAILED if failed else ActionState.SENT
    with transaction.atomic():
        action, case = _locked_for(actor, action_id, "record a letter or email as sent")
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


def _locked_for(actor: Any, action_id: int, what: str) -> tuple[Action, Case]:
    """The action and its case, locked (in that order, as every writer of actions takes them),
    once the person is known to be someone and, after the lock, to hold the action's role
    (`require_action`): `what` they asked to do, for the refusal's words."""
    person_id(actor)
    action = Action.objects.select_for_update().filter(pk=action_id).first()
    if action is None:
        raise Refusal("action.unknown", action=action_id)
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("debtor").get(pk=action.case_id)
    )
    require_action(
        actor,
        action_id=action.pk,
        action_role=action.role,
        company_id=case.company_id,
        owner_id=case.debtor.owner_id,
        what=what,
    )
    return action, case


def _move(action: Action, kind: Any, to: ActionState) -> None:
    """The domain's transition, refused with the action's id and what it is now."""
    try:
        transition(kind, action.status, to)
    except Refusal as e:
        raise Refusal(e.code, action=action.pk, outcome=action.outcome, **e.figures) from None


def _require_open(case: Case, action: Action) -> None:
    if case.status != CaseStatus.OPEN:
        raise Refusal(
            "action.case_closed",
            action=action.pk,
            debtor=case.debtor.code,
            currency=case.currency,
            reason=case.closed_reason,
        )


def _check_day(action: Action, on: date) -> None:
    try:
        check_done_on(on, due_on=action.due_on, today=today())
    except Refusal as e:
        raise Refusal(e.code, action=action.pk, **e.figures) from None


def _follow_up_days(case: Case) -> int:
    """The review cadence of the case's step (a case with no step yet: the ladder's default)."""
    days = (
        StrategyStep.objects.filter(
            strategy__company_id=case.company_id,
            strategy__code=case.strategy_code,
            code=case.step_code,
        )
        .values_list("follow_up_days", flat=True)
        .first()
    )
    return int(days) if days else NO_STEP_REVIEW_DAYS


def _book(case: Case, after: FollowUp, *, role: str, holidays: frozenset[date]) -> Action:
    """The follow-up as a pending action: the one already pending for that step and day, else
    a new one. One action per step and day: a day already taken by a done or cancelled action
    of the same step moves the follow-up to the next business day."""
    due = after.due_on
    while True:
        same = Action.objects.filter(case=case, step_code=after.step_code, due_on=due)
        pending = same.filter(status=ActionStatus.OPEN).first()
        if pending is not None:
            return pending
        if not same.exists():
            break
        due = next_business_day(due, holidays)
    return Action.objects.create(
        case=case,
        step_code=after.step_code,
        channel=after.channel.value,
        role=role,
        due_on=due,
        status=ActionStatus.OPEN,
    )


def _about(a: Action) -> dict[str, Any]:
    return {
        "action": a.pk,
        "step_code": a.step_code,
        "channel": a.channel,
        "role": a.role,
        "due_on": a.due_on.isoformat(),
    }


def _record(case: Case, action: Action, *, actor: Any, on: date, detail: dict[str, Any]) -> None:
    """The change in the case's history and in the audit trail, with the same detail."""
    CaseEvent.objects.create(case=case, on=on, kind=EventKind.ACTION, reason=detail, actor=actor)
    audit_record(
        action=f"cases.{detail['rule']}",
        actor=actor,
        object_type="action",
        object_id=action.pk,
        detail=detail,
    )
