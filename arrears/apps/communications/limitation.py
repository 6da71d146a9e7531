"""Limitation periods on the desk and in the run (rule 12, issue #14).

`limitation_tasks` is the run's stage (registered in `communications.apps`, in the run's
transaction): over all the company's open items at once, as the run read them (frames, the
pure columnar `arrears.domain.limitation.expiring`), it finds the claims that become
time-barred within the company's lead days (`lead_days`: its credit manager's setting,
`lead_days_set`; else `ARREARS_LIMITATION_LEAD_DAYS`, default 90) and raises, once per item and
expiry date, a task
for legal on the item's case: one task per case and day, listing its items
(`LimitationTask`). A restart that moves an item's expiry (an acknowledgement recorded since)
may raise a new task when the new date comes near; the same date never raises two.

`acknowledge` records an acknowledgement (or a part payment, or a written demand made outside
the outbox) on an item, audited; it moves the item's expiry as the jurisdiction's rule says.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import polars as pl
from django.db import transaction

from arrears.apps.accounts import access
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Run
from arrears.apps.cases.selectors import run_items_stored
from arrears.apps.cases.services.run import run_items_read
from arrears.apps.common import clock
from arrears.apps.common.bulk import insert_frame, read_frame
from arrears.apps.communications.costs import consumer_debtors, limitation_events
from arrears.apps.communications.models import (
    Acknowledgement,
    AcknowledgementKind,
    LimitationSetting,
)
from arrears.apps.communications.selectors import LeadDays, lead_days_of
from arrears.apps.ledger.models import Company, OpenItem
from arrears.domain.access import Verb
from arrears.domain.actions import ActionState
from arrears.domain.ladder import Channel, Role
from arrears.domain.limitation import expiring, may_expire_by, rule_of
from arrears.domain.refusal import Refusal

TASK_STEP = "limitation"  # the step code of the task legal gets


MOST_LEAD_DAYS = 3 * 365  # no period is shorter than 2 years: more would ask at once


def lead_days(company: Company) -> int:
    return lead_days_of(company).days


def lead_days_set(*, actor: Any, company: Company, days: int) -> LeadDays:
    """A credit manager sets how many days before a claim expires legal is asked to act (1 to
    `MOST_LEAD_DAYS`). Audited with the days before; the same again changes nothing."""
    if not 1 <= days <= MOST_LEAD_DAYS:
        raise Refusal("limitation.lead_days", days=days, most=MOST_LEAD_DAYS)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        access.require(
            actor, Verb.SET_POLICY, company_id=company.pk, what="set the limitation lead days"
        )
        before = lead_days_of(company)
        if before.own and before.days == days:
            return before
        LimitationSetting.objects.update_or_create(company=company, defaults={"lead_days": days})
        audit_record(
            action="limitation.lead_days_set",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"lead_days": days, "before": before.days, "before_own": before.own},
        )
    return LeadDays(days, True)


def limitation_tasks(*, company: Company, as_of: date, run: Run) -> dict[str, int]:
    """Raise a task for legal on each case with a claim expiring within the lead days (and not
    yet barred) that no task was raised for at this expiry date.

    By column over the open items the run read (`run_items_read`; read again only outside a
    run): only the items whose first expiry falls within the lead days can be near
    (`may_expire_by`), so interruptions are read for those alone, and the open cases only when
    some claim is near. Writes only the tasks due."""
    rule = rule_of(company.jurisdiction)
    if rule is None:
        return {}
    stored = run_items_read(company)
    if stored is None:
        stored = run_items_stored(company=company)
    if stored.height == 0:
        return {}
    items = stored.select(
        "item_id",
        "debtor_id",
        "currency",
        due_on="due_date",
        rule=pl.lit(rule.code),
        consumer=pl.col("debtor_id").is_in(consumer_debtors(company).implode()),
    )
    lead = lead_days(company)
    candidates = may_expire_by(items, as_of + timedelta(days=lead))
    if candidates.height == 0:
        return {"limitation_tasks": 0}
    latest = cast(date, candidates["due_on"].max())
    events = limitation_events(company, as_of, due_by=latest)
    near = expiring(candidates, events, as_of, lead).join(
        candidates.select("item_id", "debtor_id", "currency"), on="item_id"
    )
    if near.height == 0:
        return {"limitation_tasks": 0}
    cases = read_frame(
        "SELECT id AS case_id, debtor_id, currency FROM cases_case "
        "WHERE company_id = %s AND status = 'open'",
        [company.pk],
        {"case_id": pl.Int64(), "debtor_id": pl.Int64(), "currency": pl.String()},
    )
    near = near.join(cases, on=["debtor_id", "currency"]).select("item_id", "case_id", "expires_on")
    if near.height == 0:
        return {"limitation_tasks": 0}
    raised = read_frame(
        "SELECT t.item_id, t.expires_on FROM communications_limitationtask t "
        "JOIN ledger_openitem i ON i.id = t.item_id WHERE i.company_id = %s",
        [company.pk],
        {"item_id": pl.Int64(), "expires_on": pl.Date()},
    )
    new = near.join(raised, on=["item_id", "expires_on"], how="anti")
    if new.height == 0:
        return {"limitation_tasks": 0}
    cases = new.select("case_id").unique().sort("case_id")
    # a case may already have today's limitation task open (an earlier run of the day)
    open_today = read_frame(
        "SELECT a.case_id, a.id AS action_id FROM cases_action a JOIN cases_case c ON c.id = a.case_id "
        "WHERE c.company_id = %s AND a.step_code = %s AND a.due_on = %s AND a.status = %s",
        [company.pk, TASK_STEP, as_of, ActionState.OPEN.value],
        {"case_id": pl.Int64(), "action_id": pl.Int64()},
    )
    insert_frame(
        "cases_action",
        cases.join(open_today, on="case_id", how="anti").select(
            "case_id",
            run_id=pl.lit(run.pk, dtype=pl.Int64),
            step_code=pl.lit(TASK_STEP),
            channel=pl.lit(Channel.TASK.value),
            role=pl.lit(Role.LEGAL.value),
            due_on=pl.lit(as_of),
            status=pl.lit(ActionState.OPEN.value),
            outcome=pl.lit(""),
            note=pl.lit(""),
            cancelled_reason=pl.lit(""),
        ),
    )
    actions = read_frame(
        "SELECT a.case_id, a.id AS action_id FROM cases_action a JOIN cases_case c ON c.id = a.case_id "
        "WHERE c.company_id = %s AND a.step_code = %s AND a.due_on = %s AND a.status = %s",
        [company.pk, TASK_STEP, as_of, ActionState.OPEN.value],
        {"case_id": pl.Int64(), "action_id": pl.Int64()},
    )
    insert_frame(
        "communications_limitationtask",
        new.join(actions, on="case_id").select(
            "item_id", "expires_on", "action_id", raised_on=pl.lit(as_of)
        ),
    )
    return {"limitation_tasks": cases.height, "limitation_items": new.height}


def acknowledge(
    *, actor: Any, company: Company, item_number: str, on: date, kind: str, note: str = ""
) -> Acknowledgement:
    """Record that the debtor acknowledged an item (or paid part of it, or that we demanded it
    in writing) on a day: anyone who may act on the debtor's case. Refused: another company's
    item, a day in the future or before the item was issued, an unknown kind. The same event
    again (item, day and kind) records nothing new and returns the first."""
    item = (
        OpenItem.objects.select_related("debtor")
        .filter(company=company, number=item_number)
        .first()
    )
    if item is None:
        raise Refusal("acknowledge.unknown_item", item=item_number, company=company.code)
    access.require(
        actor,
        Verb.CHANGE_CASE,
        company_id=company.pk,
        owner_id=item.debtor.owner_id,
        what=f"record an acknowledgement of {item.debtor.code}",
    )
    if kind not in AcknowledgementKind.values:
        raise Refusal("acknowledge.kind", kind=kind, kinds=", ".join(AcknowledgementKind.values))
    today = clock.today()
    if on > today:
        raise Refusal("acknowledge.future", on=on, today=today)
    if on < item.issue_date:
        raise Refusal("acknowledge.before_issue", on=on, item=item.number, issued=item.issue_date)
    same = Acknowledgement.objects.filter(item=item, on=on, kind=kind).first()
    if same is not None:  # recorded already (a form sent twice, a command run again)
        return same
    row = Acknowledgement.objects.create(
        item=item, on=on, kind=kind, note=note.strip(), recorded_by=actor
    )
    audit_record(
        action="limitation.acknowledged",
        actor=actor,
        object_type="acknowledgement",
        object_id=row.pk,
        detail={
            "item": item.number,
            "debtor": item.debtor.code,
            "on": on.isoformat(),
            "kind": kind,
            "note": note.strip(),
        },
    )
    return row
