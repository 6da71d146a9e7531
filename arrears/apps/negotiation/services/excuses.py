"""§8 Logging a contact and the excuse heard: the answer used (the prepared one, or the
collector's own words), what the case owed then, what the answer promised to do at once (a task
due today: "I am sending you a copy now") and a dated follow-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.cases.models import Action, Case
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.negotiation.models import ExcuseLog
from arrears.apps.negotiation.policy import desk_policy
from arrears.apps.negotiation.services.balances import negotiation_balance
from arrears.apps.negotiation.services.common import (
    Refused,
    case_lock,
    follow_up,
    record_change,
    require_case_access,
    require_desk_day,
    require_open,
)
from arrears.domain.excuses import (
    OWN_WORDS,
    Excuse,
    ExcuseAnswer,
    FollowUpAction,
    answer_codes,
    answer_for,
    next_action,
)
from arrears.domain.ladder import Channel

CHANNELS = {
    FollowUpAction.SEND_INVOICE_COPY: Channel.EMAIL,
    FollowUpAction.OPEN_DISPUTE: Channel.TASK,
    FollowUpAction.CONFIRM_WITH_SALES: Channel.TASK,
}


@dataclass(frozen=True)
class ExcuseResult:
    log: ExcuseLog
    answer: ExcuseAnswer
    action: Action
    now: Action | None = None  # what the prepared answer promised to do at once, due today


# Per follow-up that only makes sense where the case allows it (an app above registers it,
# e.g. clearing: "propose a set-off" where a set-off is possible), whether it does on a day;
# where it does not, the excuse books a call back instead (to get a date for the rest).
_POSSIBLE: dict[FollowUpAction, Callable[[Case, date], bool]] = {}


def follow_up_possible_register(
    action: FollowUpAction, possible: Callable[[Case, date], bool]
) -> None:
    _POSSIBLE[action] = possible


def excuse_log(
    *,
    case: Case,
    actor: Any,
    excuse: Excuse,
    as_of: date,
    contact: str = "",
    note: str = "",
    answer: str | None = None,
) -> ExcuseResult:
    """Record the excuse on the case with the answer used (`answer`: the prepared one's code,
    the default, or `own_words`) and what the case owes today; suggest the prepared answer;
    set what it promises to do at once (due today) and the dated follow-up (once a day)."""
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    excuse = Excuse(excuse)
    prepared = answer_for(excuse)
    answer = answer or prepared.code
    if answer not in answer_codes(excuse):
        raise Refused(
            "excuse.unknown_answer", answer=answer, excuse=str(excuse), codes=answer_codes(excuse)
        )
    days = desk_policy(case.company).follow_up_days(excuse)
    nxt = next_action(excuse, as_of=as_of, days=days, holidays=holidays_for(company=case.company))
    possible = _POSSIBLE.get(nxt.action)
    if possible is not None and not possible(case, as_of):  # e.g. no set-off to propose
        nxt = replace(nxt, action=FollowUpAction.CALL_BACK)
    with transaction.atomic():
        case_lock(case, actor=actor)
        owed = negotiation_balance(case, as_of).to_minor()
        log, created = ExcuseLog.objects.get_or_create(
            case=case,
            excuse=str(excuse),
            logged_on=as_of,
            defaults={
                "contact": contact,
                "note": note,
                "by": actor,
                "next_action_on": nxt.on,
                "answer": answer,
                "owed_minor": owed,
            },
        )
        now = None
        if prepared.now is not None and log.answer != OWN_WORDS:  # the script said "now"
            now = follow_up(
                case,
                step_code=f"excuse_{prepared.now}",
                due_on=as_of,
                channel=CHANNELS.get(prepared.now, Channel.PHONE),
            )
        action = follow_up(
            case,
            step_code=f"excuse_{nxt.action}",
            due_on=nxt.on,
            channel=CHANNELS.get(nxt.action, Channel.PHONE),
        )
        if created:
            detail = {
                "rule": "excuse",
                "excuse": str(excuse),
                "contact": contact,
                "note": note,
                "answer": nxt.answer,
                "follow_up": str(nxt.action),
                "follow_up_on": nxt.on.isoformat(),
                "answer_code": log.answer,
                "owed_minor": owed,
                "currency": case.currency,
                "now": str(now.step_code) if now else "",
            }
            record_change(case, actor=actor, on=as_of, kind="excuse", obj=log, detail=detail)
    return ExcuseResult(log, prepared, action, now)
