"""What every negotiation service shares: who may act, finding the case, recording history.

Object-level permission (§1, one owner): a collector acts only on the cases of debtors they
own; a credit manager acts on any case and is the only one who approves. Users hold roles as
Django groups named after `arrears.domain.ladder.Role` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from arrears.apps.accounts import access
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Action, ActionStatus, Case, CaseEvent, CaseStatus, Run
from arrears.apps.cases.selectors import holidays_for, last_run
from arrears.apps.common import clock
from arrears.apps.ledger.models import Company, Debtor
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import Negotiation, NegotiationEvent
from arrears.apps.negotiation.policy import desk_policy
from arrears.apps.negotiation.services.handovers import role_for_case
from arrears.domain.access import Verb
from arrears.domain.dates import FIRST_DAY, days_after, next_business_day
from arrears.domain.ladder import Channel, Role
from arrears.domain.money import MAX_AMOUNT, MAX_DIGITS, Money
from arrears.domain.negotiation import Condition, EventKind
from arrears.domain.refusal import Refusal


class Refused(Refusal, ValueError):
    """Input the desk cannot accept; nothing was written. A `Refusal` (a code and the figures
    behind it, put into words by `arrears.apps.negotiation.presentation`), and a ValueError
    for the callers that catch those."""


AGENCY = Role.AGENCY.value  # the group of users standing for a collection agency


def has_role(user: Any, role: Role | str, company_id: int) -> bool:
    """The person holds `role` in the company (roles in other companies do not count)."""
    return access.has_role(user, company_id, str(role))


def require_case_access(user: Any, case: Case) -> None:
    """The debtor's owner (collector, legal, agency) or a credit manager of the case's
    company; anyone else is refused (`arrears.domain.access`)."""
    access.require(
        user,
        Verb.CHANGE_CASE,
        company_id=case.company_id,
        owner_id=case.debtor.owner_id,
        what=f"act on {case.debtor.code}'s case",
    )


def require_credit_manager(
    user: Any, what: str, company_id: int, verb: Verb = Verb.APPROVE
) -> None:
    """A credit manager of the company (approvals, policy, hand-overs)."""
    access.require(user, verb, company_id=company_id, what=what)


def today() -> date:
    """The real day (a seam the tests move; `clock.today` unless moved here)."""
    return clock.today()


def require_desk_day(company: Company, day: date, *, now: date | None = None) -> None:
    """A desk write is dated on a day the desk can speak for: never after today (nothing is
    known yet), nor before the company's last finished daily run (`cases.selectors.last_run`:
    the run already judged that day, and a commitment back-dated behind it would change what
    the run decided; a failed run judged nothing), nor before `FIRST_DAY`."""
    now = now or today()
    if day > now:
        raise Refused("desk.after_today", day=day, today=now)
    if day < FIRST_DAY:
        raise Refused("desk.too_early", day=day, first=FIRST_DAY)
    last = last_run(company=company)
    if last is not None and day < last.as_of:
        raise Refused("desk.before_run", day=day, last=last.as_of, company=company.code)


def require_within_horizon(
    company: Company, as_of: date, dated: Iterable[tuple[str, date]]
) -> None:
    """Every date a desk write names (a promised payment, an instalment, a first payment, a
    deadline) lies at most the policy's `horizon_days` after `as_of`: a date further ahead is
    a typing error, and stored it would be read by every daily run from then on. Each date
    comes with what it is, a code (`promised_payment`; words: `presentation.THING_WORDS`)."""
    days = desk_policy(company).horizon_days
    last = days_after(as_of, days)
    for what, day in dated:
        if day > last:
            raise Refused("desk.beyond_horizon", what=what, day=day, days=days, as_of=as_of)


def require_amounts(what: str, amounts: Iterable[Money | None]) -> None:
    """No amount on the desk reaches `MAX_AMOUNT` (13 digits before the decimal point), as
    the commands read them: what is stored, summed and printed stays within its columns.
    `what`: a code, as for `require_within_horizon` (`promised_amount`)."""
    for amount in amounts:
        if amount is not None and abs(amount.amount) >= MAX_AMOUNT:
            raise Refused(
                "desk.amount_too_large",
                what=what,
                amount=amount.amount,
                currency=amount.currency,
                digits=MAX_DIGITS,
            )


def refuse_named_twice(keys: Iterable[str], what: str) -> None:
    """Each item at most once in a write's parts or items (one amount per item); `what` is
    the write, a code (`promise`, `plan`, `write_off`)."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise Refused("desk.named_twice", item=key, what=what)
        seen.add(key)


def require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise Refused(
            "desk.case_closed",
            case=case.pk,
            currency=case.currency,
            debtor=case.debtor.code,
            reason=case.closed_reason,
        )


def require_currency(what: str, got: str, case: Case) -> None:
    """An amount (`what`, a code: `promised_amount`) in the case's currency."""
    if got != case.currency:
        raise Refused("desk.wrong_currency", what=what, got=got, want=case.currency)


def case_lock(case: Case, *, actor: Any = None, open_: bool = True) -> None:
    """Serialise the desk's writes on one case (two collectors, one overlap check). Given the
    actor, who may act (and, with `open_`, whether the case is open) is asked again of the
    locked row: the owner or the status may have changed since the case was read."""
    locked = Case.objects.select_for_update().filter(pk=case.pk).first()
    if actor is None or locked is None:
        return
    case.status, case.closed_reason = locked.status, locked.closed_reason
    case.debtor.owner_id = (
        Debtor.objects.filter(pk=case.debtor_id).values_list("owner_id", flat=True).first()
    )
    require_case_access(actor, case)
    if open_:
        require_open(case)


def case_ensure(*, debtor: Debtor, currency: str, on: date) -> Case:
    """The debtor's case in `currency`, opened now if the daily run has not opened it yet."""
    case, created = Case.objects.get_or_create(
        debtor=debtor,
        currency=currency,
        defaults={"company": debtor.company, "opened_on": on},
    )
    if created:
        case_event(case, on=on, kind="opened", reason={"rule": "negotiation_desk"})
    return case


def case_event(
    case: Case,
    *,
    on: date,
    kind: str,
    reason: dict[str, Any],
    actor: Any = None,
    run: Run | None = None,
) -> CaseEvent:
    """One line of the case's history with the rule and figures behind it."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return CaseEvent.objects.create(case=case, run=run, on=on, kind=kind, reason=reason, actor=user)


def record_change(
    case: Case, *, actor: Any, on: date, kind: str, obj: Any, detail: dict[str, Any]
) -> None:
    """The change in the case's history and in the audit trail, with the same detail."""
    case_event(case, on=on, kind=kind, reason=detail, actor=actor)
    audit_record(
        action=f"negotiation.{detail['rule']}",
        actor=actor,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        detail=detail,
    )


# Conditions someone must check: each becomes a dated task the next business day (§6).
VERIFY = frozenset(
    {
        Condition.PAYMENT_TODAY,
        Condition.WRITTEN_ACKNOWLEDGEMENT,
        Condition.DIRECT_DEBIT_MANDATE,
        Condition.POST_DATED_PAYMENT_ORDER,
        Condition.GUARANTOR,
    }
)


def conditions_follow_up(case: Case, conditions: Sequence[str], *, on: date) -> list[Action]:
    """A `verify_<condition>` task for each condition that needs checking (a payment today, a
    signed acknowledgement, a mandate, a payment order, a guarantor), due the next business
    day."""
    due = next_business_day(on, holidays_for(company=case.company))
    return [
        follow_up(case, step_code=f"verify_{c}", due_on=due, channel=Channel.TASK)
        for c in conditions
        if Condition(c) in VERIFY
    ]


def follow_up(
    case: Case,
    *,
    step_code: str,
    due_on: date,
    channel: Channel = Channel.PHONE,
    role: Role | str | None = None,
    run: Run | None = None,
) -> Action:
    """A dated next action on the case; one per code and day, so repeating adds nothing.
    Without `role`, whoever owns the case now (`handovers.role_for_case`)."""
    if role is None:
        role = role_for_case(case)
    action, _ = Action.objects.get_or_create(
        case=case,
        step_code=step_code,
        due_on=due_on,
        defaults={
            "run": run,
            "channel": str(channel),
            "role": str(role),
            "status": ActionStatus.OPEN,
        },
    )
    return action


def store_events(neg: Negotiation, events: Any, *, start: int, script: str) -> None:
    """Store domain events of a negotiation from `start` on; `script` goes with the answer."""
    rows = []
    said = next(  # the script goes with the answer: the first event after the proposal
        (k for k, e in enumerate(events) if k and e.kind is not EventKind.APPROVAL_WITHDRAWN), None
    )
    for k, e in enumerate(events):
        rows.append(
            NegotiationEvent(
                negotiation=neg,
                seq=start + k + 1,
                kind=str(e.kind),
                on=e.on,
                by=e.by,
                condition=str(e.condition) if e.condition else "",
                conditions=[str(c) for c in e.conditions],
                reason=e.reason,
                reason_code=e.reason_code,
                recommended=str(e.recommended) if e.recommended else "",
                script=script if k == said else "",
                **load.terms_fields(e.terms),
            )
        )
    NegotiationEvent.objects.bulk_create(rows)
