"""The negotiation desk's part of what waits for a credit manager (`common.decisions`): the
approval queue (terms, plans and promises beyond the walk-away point, write-offs, dispute
credits) and the hand-overs the ladder asks for (a case at its legal or agency step gives a
credit manager the task of handing it over).

Each decision goes through the service the terminal uses (`approval_decide` as `arrears
approve`, `case_handover` as `arrears handover`, `action_cancel` as `arrears action-cancel`),
which checks who may (four eyes included) and records it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F, Value

from arrears.apps.accounts.access import require
from arrears.apps.accounts.models import Membership
from arrears.apps.cases.models import Action, ActionStatus
from arrears.apps.cases.selectors import strategies_for
from arrears.apps.cases.services import action_cancel, action_complete
from arrears.apps.common.decisions import DecisionKind, Waiting
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.models import Approval, HandoverTarget
from arrears.apps.negotiation.presentation import (
    WAITING_WHAT,
    approval_decided_words,
    approval_waiting_figures,
    approval_waiting_reason,
    approval_waiting_what,
    handed_over_done_words,
    handover_choice_words,
    handover_task_cancelled_words,
    handover_waiting_figures,
)
from arrears.apps.negotiation.selectors import approvals_asked
from arrears.apps.negotiation.services import approval_decide, case_handover
from arrears.apps.negotiation.services.common import Refused
from arrears.domain.access import PersonRole, Verb
from arrears.domain.ladder import HANDOVER_ROLES, Role

HANDOVER_WHO = "handover.who"

_TARGETS = {Role.LEGAL: HandoverTarget.LEGAL, Role.AGENCY: HandoverTarget.AGENCY}
_TARGET_ROLES = {HandoverTarget.LEGAL: "legal", HandoverTarget.AGENCY: "agency"}


def _require_decider(actor: Any, company: Company) -> None:
    """Only a credit manager of the company reads what waits for a decision."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="decide what waits for approval")


def approvals_listed(*, actor: Any, company: Company) -> Any:
    """The approval queue as the page sorts it (`decisions.LISTED`)."""
    _require_decider(actor, company)
    what = models.Case(
        *(models.When(kind=k, then=Value(words)) for k, words in WAITING_WHAT.items()),
        default=F("kind"),
        output_field=models.CharField(),
    )
    return approvals_asked(actor=actor, company=company).annotate(
        w_id=F("pk"),
        w_on=F("requested_on"),
        w_debtor=F("case__debtor__code"),
        w_what=what,
        w_by=F("requested_by__username"),
    )


def approvals_waiting(
    *, actor: Any, company: Company, ids: list[int] | None = None
) -> list[Waiting]:
    """The approval queue (one query; only `ids` when given), each request with its figures
    and the asker's reason, oldest first."""
    _require_decider(actor, company)
    queue = approvals_asked(actor=actor, company=company)
    if ids is not None:
        queue = queue.filter(pk__in=ids)
    queue = queue.select_related("case", "case__debtor", "requested_by")
    return [
        Waiting(
            kind="approval",
            id=a.pk,
            label=f"A{a.pk}",
            what=approval_waiting_what(a),
            debtor_code=a.case.debtor.code,
            debtor_name=a.case.debtor.name,
            case_id=a.case_id,
            requested_by=a.requested_by.get_username(),
            requested_by_id=a.requested_by_id,
            requested_on=a.requested_on,
            reason=approval_waiting_reason(a),
            figures=approval_waiting_figures(a),
        )
        for a in queue.order_by("requested_on", "id")
    ]


def approval_decide_waiting(
    *,
    actor: Any,
    company: Company,
    id: int,
    approve: bool,
    reason: str,
    on: date,
    choice: str = "",
) -> str:
    """`arrears approve A7 --grant|--refuse --reason R`."""
    approval = (
        Approval.objects.select_related("case", "case__company", "requested_by")
        .filter(pk=id, case__company=company)
        .first()
    )
    if approval is None:
        raise Refused("approval.not_waiting", approval=id)
    decided = approval_decide(
        approval=approval, actor=actor, approve=approve, reason=reason, as_of=on
    )
    return approval_decided_words(decided)


def _handover_steps(company: Company) -> dict[str, Role]:
    """The steps of the company's ladders that hand a case over, and to whom."""
    return {
        s.code: s.role
        for strategy in strategies_for(company=company)
        for s in strategy.steps
        if s.role in HANDOVER_ROLES
    }


def _handover_tasks(company: Company, steps: dict[str, Role]) -> Any:
    return Action.objects.filter(
        case__company=company,
        status=ActionStatus.OPEN,
        role=Role.CREDIT_MANAGER,
        step_code__in=list(steps),
    ).select_related("case", "case__debtor", "case__debtor__owner")


def _members(company: Company) -> dict[str, list[tuple[str, str]]]:
    """The company's active legal and agency members, by role: who a case may go to."""
    out: dict[str, list[tuple[str, str]]] = {"legal": [], "agency": []}
    rows = (
        Membership.objects.filter(
            company=company, active=True, role__in=[PersonRole.LEGAL, PersonRole.AGENCY]
        )
        .select_related("person")
        .order_by("person__username")
    )
    for m in rows:
        name = m.person.get_username()
        out[str(m.role)].append((name, handover_choice_words(name, m.person.get_full_name())))
    return out


def _handover_what(target: HandoverTarget) -> str:
    return f"hand-over to {target}"


def handovers_listed(*, actor: Any, company: Company) -> Any:
    """The open hand-over tasks as the page sorts them (`decisions.LISTED`)."""
    _require_decider(actor, company)
    steps = _handover_steps(company)
    if not steps:
        return None
    what = models.Case(
        *(
            models.When(
                step_code__in=[c for c, r in steps.items() if _TARGETS[r] == target],
                then=Value(_handover_what(target)),
            )
            for target in sorted(set(_TARGETS[r] for r in steps.values()))
        ),
        default=Value(""),
        output_field=models.CharField(),
    )
    return _handover_tasks(company, steps).annotate(
        w_id=F("pk"),
        w_on=F("due_on"),
        w_debtor=F("case__debtor__code"),
        w_what=what,
        w_by=Value("the daily run", output_field=models.CharField()),
    )


def handovers_waiting(
    *, actor: Any, company: Company, ids: list[int] | None = None
) -> list[Waiting]:
    """The open hand-over tasks the ladder gave the credit managers (three queries for the
    ladders, one for the tasks, one for who may take the cases on; only `ids` when given),
    oldest first."""
    _require_decider(actor, company)
    steps = _handover_steps(company)
    if not steps:
        return []
    tasks = _handover_tasks(company, steps)
    if ids is not None:
        tasks = tasks.filter(pk__in=ids)
    tasks = list(tasks.order_by("due_on", "id"))
    if not tasks:
        return []
    members = _members(company)
    out = []
    for t in tasks:
        target = _TARGETS[steps[t.step_code]]
        owner = t.case.debtor.owner
        out.append(
            Waiting(
                kind="handover",
                id=t.pk,
                label=f"A{t.pk}",
                what=_handover_what(target),
                debtor_code=t.case.debtor.code,
                debtor_name=t.case.debtor.name,
                case_id=t.case_id,
                requested_by="the daily run",
                requested_by_id=None,
                requested_on=t.due_on,
                reason="",
                figures=handover_waiting_figures(
                    t.step_code, t.case.currency, owner.get_username() if owner else ""
                ),
                choices=tuple(members[_TARGET_ROLES[target]]),
                choice_label="new owner",
            )
        )
    return out


def handover_decide_waiting(
    *,
    actor: Any,
    company: Company,
    id: int,
    approve: bool,
    reason: str,
    on: date,
    choice: str = "",
) -> str:
    """Approved: `arrears handover DEBTOR --to T --owner CHOICE --reason R`, and the task is
    done; refused: `arrears action-cancel A12 --reason R`."""
    steps = _handover_steps(company)
    task = _handover_tasks(company, steps).filter(pk=id).first()
    if task is None:
        raise Refused("handover.not_waiting", action=id)
    if not approve:
        action_cancel(actor=actor, action_id=task.pk, reason=reason, on=on)
        return handover_task_cancelled_words(task.pk, task.case.debtor.code)
    target = _TARGETS[steps[task.step_code]]
    owner = (
        get_user_model()
        .objects.filter(
            username=choice,
            memberships__company=company,
            memberships__active=True,
            memberships__role=_TARGET_ROLES[target],
        )
        .first()
    )
    if owner is None:
        require(actor, Verb.SET_POLICY, company_id=company.pk, what="hand an account over")
        raise Refused("handover.who", to=str(target))
    with transaction.atomic():
        h = case_handover(
            case=task.case, actor=actor, to=target, new_owner=owner, reason=reason, as_of=on
        )
        action_complete(actor=actor, action_id=task.pk, outcome="done", note=reason, on=on)
    return handed_over_done_words(h)


APPROVALS = DecisionKind(
    key="approval",
    order=10,
    waiting=approvals_waiting,
    decide=approval_decide_waiting,
    listed=approvals_listed,
    fields={"approval.decision_no_reason": "reason"},
)
HANDOVERS = DecisionKind(
    key="handover",
    order=40,
    waiting=handovers_waiting,
    decide=handover_decide_waiting,
    listed=handovers_listed,
    fields={
        "handover.no_reason": "reason",
        "action.no_reason": "reason",
        "action.reason_too_long": "reason",
        HANDOVER_WHO: "choice",
        "handover.same_owner": "choice",
    },
)
