"""§8 Logging a contact and the excuse heard: the prepared answer and a dated follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from arrears.apps.cases.models import Action, Case
from arrears.apps.negotiation.models import ExcuseLog
from arrears.apps.negotiation.policy import desk_policy
from arrears.apps.negotiation.services.common import (
    case_lock,
    follow_up,
    record_change,
    require_case_access,
    require_desk_day,
    require_open,
)
from arrears.domain.excuses import Excuse, ExcuseAnswer, FollowUpAction, answer_for, next_action
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


def excuse_log(
    *, case: Case, actor: Any, excuse: Excuse, as_of: date, contact: str = "", note: str = ""
) -> ExcuseResult:
    """Record the excuse on the case, suggest the answer, set the follow-up (once a day)."""
    require_case_access(actor, case)
    require_desk_day(case.company, as_of)
    require_open(case)
    excuse = Excuse(excuse)
    days = desk_policy(case.company).follow_up_days(excuse)
    nxt = next_action(excuse, as_of=as_of, days=days)
    with transaction.atomic():
        case_lock(case, actor=actor)
        log, created = ExcuseLog.objects.get_or_create(
            case=case,
            excuse=str(excuse),
            logged_on=as_of,
            defaults={"contact": contact, "note": note, "by": actor, "next_action_on": nxt.on},
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
            }
            record_change(case, actor=actor, on=as_of, kind="excuse", obj=log, detail=detail)
    return ExcuseResult(log, answer_for(excuse), action)
