"""§5-8 in the daily run: judge every standing promise and plan, escalate overdue disputes, and
write what the ladder reads (`cases.ItemDeskInput`: excluded part, broken promises, the day a
defaulted plan made an item due at once).

Called by `run_daily` inside its transaction, before the ladder decides (registered in
`negotiation.apps`: cases never imports the desk), so a promise broken today moves the case up
the ladder today. Promises and plans are judged one by one (they scale with the negotiations,
not the ledger) on receipts read in one query; the ladder's inputs are computed over the whole
ledger in columns (`sweep_frames`). Each change is recorded once (an
event with its reason, a follow-up the next business day): repeating a date changes nothing.
A dry run does all of it inside a transaction it rolls back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q

from arrears.apps.accounts.access import require
from arrears.apps.accounts.selectors import manager_of
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import (
    PENDING_STATUSES,
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    ClosedReason,
    Run,
)
from arrears.apps.cases.selectors import holidays_for
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, OpenItem
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.models import (
    Approval,
    ApprovalKind,
    Dispute,
    DisputeStatus,
    ExcuseLog,
    Instalment,
    ItemAcceleration,
    PaymentPlan,
    PlanStatus,
    PromiseToPay,
    WriteOff,
)
from arrears.apps.negotiation.policy import promise_policy
from arrears.apps.negotiation.services import sweep_frames as frames
from arrears.apps.negotiation.services.balances import plan_receipts, promise_scope
from arrears.apps.negotiation.services.common import case_event, follow_up
from arrears.apps.negotiation.services.promises import promise_evaluate
from arrears.apps.negotiation.services.withdrawals import approvals_withdraw, requests_expire
from arrears.domain.access import Verb
from arrears.domain.dates import days_before, next_business_day
from arrears.domain.ladder import Channel, Role
from arrears.domain.matching import Receipt, spread_over_items
from arrears.domain.money import Money
from arrears.domain.plans import plan_default, plan_exclusions, plan_status
from arrears.domain.promises import PromisePolicy, PromiseState, hold_back
from arrears.domain.promises import follow_up as promise_follow_up
from arrears.domain.refusal import NotAllowed

_KINDS = ", ".join(f"'{k.value}'" for k in DUNNABLE_KINDS)
FAILED = (PromiseState.BROKEN, PromiseState.PARTLY_KEPT)


@dataclass
class SweepResult:
    as_of: date
    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class _Ctx:
    as_of: date
    run: Run | None
    policy: PromisePolicy
    receipts: dict[int, list[Receipt]]
    items: dict[int, dict[str, tuple[int, date, Money]]]  # case -> number -> (id, due, open)
    disputed: pl.DataFrame  # item_id, minor: open disputed parts
    holidays: frozenset[date]  # the company's, read once per run: business days skip them
    held: list[dict[str, int]] = field(default_factory=list)  # item_id, minor
    counts: Counter[str] = field(default_factory=Counter)


def negotiation_sweep(
    *,
    actor: Any,
    company: Company,
    as_of: date,
    run: Run | None = None,
    dry_run: bool = False,
) -> SweepResult:
    """Judge promises and plans, escalate disputes, store the ladder's inputs (see module).

    Who sweeps is who runs: the company's administrator (`run_daily` passes its own actor
    through); anyone else, or a person other than the actor of the `run` it is given, is
    refused (`NotAllowed`) and nothing is written."""
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company.pk, what="sweep the negotiation desk")
        if run is not None and run.actor_id != actor.pk:
            raise NotAllowed(
                "desk.sweep_not_the_runs_actor", person=actor.get_username(), run=run.pk
            )
        pending, credits, others = frames.pending(company, as_of)
        ctx = _context(company, as_of, run, decided=[pending, credits, others])
        _close_written_off(company, ctx, pending)  # first: nothing breaks on a closed case
        ctx.counts["requests_expired"] += len(requests_expire(company, on=as_of))
        _promises(company, ctx)
        _plans(company, ctx)
        _disputes(company, ctx)
        _excuse_follow_ups_close(company, ctx)
        ctx.counts["items_accelerated_changed"] = frames.accelerations_write(company)
        ctx.counts["items_excluded_changed"] = frames.exclusions_write(
            company,
            [
                ctx.disputed,
                credits,
                pending,
                others,
                pl.DataFrame(ctx.held, schema=frames.ITEM_MINOR),
            ],
        )
        ctx.counts["items_broken_changed"] = frames.broken_counts_write(company, as_of, ctx.policy)
        if dry_run:
            transaction.set_rollback(True)  # a dry run shows what would change, keeps nothing
        elif any(n for k, n in ctx.counts.items() if not k.endswith("_judged")):
            audit_record(
                action="negotiation.sweep",
                object_type="company",
                object_id=company.pk,
                detail={"as_of": as_of.isoformat(), **ctx.counts},
            )
    return SweepResult(as_of, dry_run, ctx.counts)


# Cases with a standing promise or plan, or a failed promise within the record window (a
# payment dated by its date but imported late may still make it kept: §7).
_STANDING = (
    "SELECT case_id FROM negotiation_promisetopay WHERE state = 'open' "
    "OR (state IN ('broken', 'partly_kept') AND given_on >= %s) UNION "
    "SELECT case_id FROM negotiation_paymentplan WHERE status = 'good_standing' "
    "OR (status = 'defaulted' AND NOT acceleration_clause)"
)


def _context(
    company: Company, as_of: date, run: Run | None, *, decided: list[pl.DataFrame]
) -> _Ctx:
    disputed = frames.disputed(company, as_of)
    policy = promise_policy(company)
    since = _record_since(as_of, policy)
    items = _items(company, since, [disputed, *decided])
    holidays = holidays_for(company=company)
    return _Ctx(as_of, run, policy, _receipts(company, since), items, disputed, holidays)


def _record_since(as_of: date, policy: PromisePolicy) -> date:
    """The first day a promise given counts in the debtor's record (the policy's window)."""
    days = policy.record_window_days
    return days_before(as_of, days) if days is not None else date(1900, 1, 1)


def _receipts(company: Company, since: date) -> dict[int, list[Receipt]]:
    """Per case with a standing promise or plan: the allocations of payments to its items."""
    got = read_frame(
        "SELECT c.id AS case_id, p.reference, p.received_on, a.amount_minor, i.number, "
        "c.currency FROM ledger_allocation a JOIN ledger_payment p ON p.id = a.payment_id "
        "JOIN ledger_openitem i ON i.id = a.item_id "
        "JOIN cases_case c ON c.debtor_id = i.debtor_id AND c.currency = i.currency "
        f"WHERE c.company_id = %s AND a.amount_minor > 0 AND c.id IN ({_STANDING}) "
        # money on account counts towards commitments on the whole case (docs/negotiation.md)
        "UNION ALL SELECT c.id, p.reference, p.received_on, p.unapplied_minor, '', c.currency "
        "FROM ledger_payment p JOIN cases_case c "
        "ON c.debtor_id = p.debtor_id AND c.currency = p.currency "
        f"WHERE c.company_id = %s AND p.unapplied_minor > 0 AND c.id IN ({_STANDING})",
        [company.pk, since, company.pk, since],
        {
            "case_id": pl.Int64(),
            "reference": pl.String(),
            "received_on": pl.Date(),
            "amount_minor": pl.Int64(),
            "number": pl.String(),
            "currency": pl.String(),
        },
    )
    out: dict[int, list[Receipt]] = defaultdict(list)
    for case_id, ref, on, minor, number, cur in got.iter_rows():
        out[case_id].append(Receipt(ref, on, Money.from_minor(minor, cur), number))
    return out


def _items(
    company: Company, since: date, excluded: list[pl.DataFrame]
) -> dict[int, dict[str, tuple[int, date, Money]]]:
    """Per case with a standing promise or plan: its open items outside open disputes and
    approved write-offs and credits not yet booked (what a promise or plan can hold back, so
    no euro is excluded twice), oldest first."""
    items = read_frame(
        "SELECT c.id AS case_id, i.id AS item_id, i.number, i.due_date, i.open_minor, c.currency "
        "FROM ledger_openitem i JOIN cases_case c "
        "ON c.debtor_id = i.debtor_id AND c.currency = i.currency "
        f"WHERE c.company_id = %s AND i.open_minor > 0 AND i.kind IN ({_KINDS}) "
        f"AND c.id IN ({_STANDING})",
        [company.pk, since],
        {
            "case_id": pl.Int64(),
            "item_id": pl.Int64(),
            "number": pl.String(),
            "due_date": pl.Date(),
            "open_minor": pl.Int64(),
            "currency": pl.String(),
        },
    )
    held = pl.concat(excluded).group_by("item_id").agg(pl.col("minor").sum())
    free = (
        items.join(held, on="item_id", how="left")
        .with_columns(open_minor=pl.col("open_minor") - pl.col("minor").fill_null(0))
        .filter(pl.col("open_minor") > 0)
        .sort("due_date", "item_id")
        .select("case_id", "item_id", "number", "due_date", "open_minor", "currency")
    )
    out: dict[int, dict[str, tuple[int, date, Money]]] = defaultdict(dict)
    for case_id, item_id, number, due, minor, cur in free.iter_rows():
        out[case_id][number] = (item_id, due, Money.from_minor(minor, cur))
    return out


def _hold(ctx: _Ctx, case_id: int, parts: dict[str, Money]) -> None:
    items = ctx.items.get(case_id, {})
    for number, amount in parts.items():
        if number in items and amount.to_minor() > 0:
            ctx.held.append({"item_id": items[number][0], "minor": amount.to_minor()})


def _open_items(ctx: _Ctx, case_id: int) -> dict[str, tuple[date, Money]]:
    return {k: (due, amount) for k, (_, due, amount) in ctx.items.get(case_id, {}).items()}


def _promises(company: Company, ctx: _Ctx) -> None:
    failed = Q(state__in=FAILED, given_on__gte=_record_since(ctx.as_of, ctx.policy))
    rows = (
        PromiseToPay.objects.filter(
            Q(state=PromiseState.OPEN) | failed, case__company=company, given_on__lte=ctx.as_of
        )
        .select_related("case", "taken_by")
        .prefetch_related("parts", "items")
    )
    for p in rows:
        ctx.counts["promises_judged"] += 1
        s = promise_evaluate(
            p,
            ctx.receipts.get(p.case_id, []),
            as_of=ctx.as_of,
            policy=ctx.policy,
            holidays=ctx.holidays,
        )
        if p.state in FAILED:
            _promise_rejudged(p, s, ctx)
            continue
        hold = hold_back(s)
        if hold is not None:
            scope = promise_scope(p) - {load.ON_ACCOUNT}  # only the items it counts on
            open_ = {
                k: v for k, v in _open_items(ctx, p.case_id).items() if not scope or k in scope
            }
            _hold(ctx, p.case_id, spread_over_items(hold.amount, open_, hold.item_keys))
        if (s.state, s.paid.to_minor(), s.days_late) == (p.state, p.paid_minor, p.days_late):
            continue
        p.state, p.paid_minor, p.days_late = str(s.state), s.paid.to_minor(), s.days_late
        p.closed_on, p.evaluated_on = s.closed_on, ctx.as_of
        p.save(update_fields=["state", "paid_minor", "days_late", "closed_on", "evaluated_on"])
        if s.state is not PromiseState.OPEN:
            _promise_closed(p, s, ctx)


def _promise_rejudged(p: PromiseToPay, s: Any, ctx: _Ctx) -> None:
    """§7 A failed promise judged again on receipts imported since: a payment dated by its
    deadline counts whenever it arrived. Kept after all: its follow-up is cancelled and the
    ladder no longer counts it (`broken_counts_write` reads the state)."""
    was, failed_on = p.state, p.closed_on
    if (str(s.state), s.paid.to_minor(), s.days_late, s.closed_on) == (
        p.state,
        p.paid_minor,
        p.days_late,
        p.closed_on,
    ):
        return
    p.state, p.paid_minor, p.days_late = str(s.state), s.paid.to_minor(), s.days_late
    p.closed_on, p.evaluated_on = s.closed_on, ctx.as_of
    p.save(update_fields=["state", "paid_minor", "days_late", "closed_on", "evaluated_on"])
    if p.state == was:
        return  # more of it paid by the deadline, still failed: no new event
    ctx.counts[f"promises_rejudged_{s.state}"] += 1
    detail: dict[str, Any] = {
        "rule": "promise_rejudged",
        "promise": p.pk,
        "was": was,
        "state": str(s.state),
        "paid_minor": s.paid.to_minor(),
        "total_minor": p.total_minor,
        "currency": p.currency,
        "days_late": s.days_late,
    }
    if s.state is PromiseState.KEPT:
        detail["cancelled_follow_up"] = _follow_up_cancel(p, failed_on, ctx)
    case_event(p.case, on=ctx.as_of, kind="promise", reason=detail, run=ctx.run)


def _follow_up_cancel(p: PromiseToPay, failed_on: date | None, ctx: _Ctx) -> str | None:
    """Cancel the open follow-up the promise's failure on `failed_on` set (the next business
    day, as `_promise_closed` booked it), unless another failed promise of the case needs the
    same one; returns its due date (None: nothing cancelled)."""
    if failed_on is None:
        return None
    due = next_business_day(failed_on, ctx.holidays)
    others = PromiseToPay.objects.filter(case_id=p.case_id, state__in=FAILED).exclude(pk=p.pk)
    if any(next_business_day(o.closed_on, ctx.holidays) == due for o in others if o.closed_on):
        return None
    done = Action.objects.filter(
        case_id=p.case_id, step_code="promise_follow_up", due_on=due, status=ActionStatus.OPEN
    ).update(status=ActionStatus.CANCELLED, cancelled_reason="promise_kept", cancelled_on=ctx.as_of)
    return due.isoformat() if done else None


def _promise_closed(p: PromiseToPay, s: Any, ctx: _Ctx) -> None:
    ctx.counts[f"promises_{s.state}"] += 1
    detail: dict[str, Any] = {
        "rule": f"promise_{s.state}",
        "promise": p.pk,
        "paid_minor": s.paid.to_minor(),
        "total_minor": p.total_minor,
        "currency": p.currency,
        "days_late": s.days_late,
    }
    fu = promise_follow_up(s, policy=ctx.policy, holidays=ctx.holidays)
    if fu is not None:
        detail.update(
            failed_on=fu.failed_on.isoformat(),
            shortfall_minor=fu.shortfall.to_minor(),
            escalate=fu.escalate,
            follow_up_on=fu.follow_up_on.isoformat(),
        )
        follow_up(
            p.case,
            step_code="promise_follow_up",
            due_on=fu.follow_up_on,
            run=ctx.run,
        )
    case_event(p.case, on=ctx.as_of, kind="promise", reason=detail, run=ctx.run)


def _plans(company: Company, ctx: _Ctx) -> None:
    # A defaulted plan without the acceleration clause still shields its later instalments.
    live = Q(status=PlanStatus.GOOD_STANDING) | Q(
        status=PlanStatus.DEFAULTED, acceleration_clause=False
    )
    rows = (
        PaymentPlan.objects.filter(live, case__company=company, agreed_on__lte=ctx.as_of)
        .select_related("case")
        .prefetch_related("instalments", "items")
    )
    for plan in rows:
        ctx.counts["plans_judged"] += 1
        domain = load.plan_domain(plan)
        got = ctx.receipts.get(plan.case_id, [])
        got = plan_receipts(plan, got)  # never a payment of an invoice outside it
        s = plan_status(domain, got, as_of=ctx.as_of, holidays=ctx.holidays)
        _instalments(plan, s)
        # only what it covers: not an invoice booked, or one not yet due, left outside it
        covered = _covered(plan, domain.item_keys, ctx.items.get(plan.case_id, {}))
        open_ = {k: v for k, v in _open_items(ctx, plan.case_id).items() if k in covered}
        _hold(ctx, plan.case_id, plan_exclusions(s, open_))
        if str(s.state) == plan.status:
            continue
        plan.status = str(s.state)
        plan.evaluated_on = ctx.as_of
        detail: dict[str, Any] = {
            "rule": f"plan_{s.state}",
            "plan": plan.pk,
            "paid_minor": s.paid.to_minor(),
            "currency": plan.currency,
        }
        d = plan_default(s, holidays=ctx.holidays)
        if d is not None:
            plan.defaulted_on, plan.due_at_once_minor = d.defaulted_on, d.due_at_once.to_minor()
            detail.update(
                defaulted_on=d.defaulted_on.isoformat(),
                missed=d.missed_seq,
                due_at_once_minor=d.due_at_once.to_minor(),
                acceleration_clause=plan.acceleration_clause,
                escalate=d.escalate,
            )
            follow_up(
                plan.case,
                step_code="plan_default_follow_up",
                due_on=d.follow_up_on,
                run=ctx.run,
            )
            if plan.acceleration_clause:
                detail["accelerated_items"] = _accelerate(
                    plan, domain.item_keys, d.defaulted_on, ctx
                )
        plan.save(update_fields=["status", "evaluated_on", "defaulted_on", "due_at_once_minor"])
        ctx.counts[f"plans_{s.state}"] += 1
        case_event(plan.case, on=ctx.as_of, kind="plan", reason=detail, run=ctx.run)


def _accelerate(plan: PaymentPlan, keys: frozenset[str], on: date, ctx: _Ctx) -> list[str]:
    """§6-7 The acceleration clause: every item the plan covered is due at once from the
    default: its items, or for a whole-case plan the case's items open when it was agreed
    (`covered_items`), never an invoice booked later. The ladder reads `accelerated_on` (copied
    to `cases.ItemDeskInput` by `sweep_frames.accelerations_write`) as the item's due date when
    it is earlier."""
    items = ctx.items.get(plan.case_id, {})
    covered = _covered(plan, keys, items)
    later = {k: (i, due) for k, (i, due, _) in items.items() if k in covered and due > on}
    for item_id, _ in later.values():
        ItemAcceleration.objects.update_or_create(
            item_id=item_id, defaults={"plan": plan, "accelerated_on": on}
        )
    ctx.counts["items_accelerated"] += len(later)
    return sorted(later)


def _covered(
    plan: PaymentPlan, keys: frozenset[str], items: dict[str, tuple[int, date, Money]]
) -> frozenset[str]:
    if keys:
        return keys
    if plan.covered_items:
        return frozenset(plan.covered_items)
    # A plan stored before `covered_items`: the items issued by the day it was agreed.
    ids = [i for i, _, _ in items.values()]
    return frozenset(
        OpenItem.objects.filter(id__in=ids, issue_date__lte=plan.agreed_on).values_list(
            "number", flat=True
        )
    )


def _instalments(plan: PaymentPlan, s: Any) -> None:
    """Instalments are tracked like items: what is paid on each and when it was settled."""
    changed = []
    for row, st in zip(plan.instalments.all(), s.instalments, strict=True):
        if (row.paid_minor, row.settled_on) != (st.paid.to_minor(), st.settled_on):
            row.paid_minor, row.settled_on = st.paid.to_minor(), st.settled_on
            changed.append(row)
    Instalment.objects.bulk_update(changed, ["paid_minor", "settled_on"])


def _disputes(company: Company, ctx: _Ctx) -> None:
    """A dispute past its deadline goes to its owner's manager (or, lacking one, to the
    credit managers: an unowned escalation is a defect the event records)."""
    rows = Dispute.objects.filter(
        case__company=company,
        status=DisputeStatus.OPEN,
        deadline__lt=ctx.as_of,
        escalated_on__isnull=True,
    ).select_related("case", "owner")
    for d in rows:
        manager = manager_of(d.owner_id, company.pk)
        d.escalated_to, d.escalated_on = manager, ctx.as_of
        d.save(update_fields=["escalated_to", "escalated_on"])
        detail = {
            "rule": "dispute_overdue",
            "dispute": d.pk,
            "deadline": d.deadline.isoformat(),
            "days_over": (ctx.as_of - d.deadline).days,
            "owner": d.owner.get_username(),
            "escalated_to": manager.get_username() if manager else "",
            "defect": "" if manager else "owner has no manager: credit managers decide",
        }
        case_event(d.case, on=ctx.as_of, kind="dispute", reason=detail, run=ctx.run)
        follow_up(
            d.case,
            step_code="dispute_escalation",
            due_on=ctx.as_of,
            channel=Channel.TASK,
            role=Role.CREDIT_MANAGER,
            run=ctx.run,
        )
        ctx.counts["disputes_escalated"] += 1


def _excuse_follow_ups_close(company: Company, ctx: _Ctx) -> None:
    """§8 An excuse's follow-ups (a call back, a payment to verify, a copy to send) are moot
    once the case has paid what it owed when the excuse was heard: they are cancelled."""
    pending = Action.objects.filter(
        case__company=company, step_code__startswith="excuse_", status__in=PENDING_STATUSES
    )
    for case_id in sorted(set(pending.values_list("case_id", flat=True))):
        log = (
            ExcuseLog.objects.filter(
                case_id=case_id, logged_on__lte=ctx.as_of, owed_minor__isnull=False
            )
            .order_by("-logged_on", "-id")
            .first()
        )
        if log is None or log.owed_minor is None:
            continue
        case = Case.objects.get(pk=case_id)
        got = load.receipts(case)
        paid = sum(r.amount.to_minor() for r in got if log.logged_on <= r.received_on <= ctx.as_of)
        if paid < log.owed_minor:
            continue
        n = pending.filter(case_id=case_id).update(
            status=ActionStatus.CANCELLED, cancelled_reason="paid", cancelled_on=ctx.as_of
        )
        ctx.counts["excuse_follow_ups_closed"] += n


def _close_written_off(company: Company, ctx: _Ctx, pending: pl.DataFrame) -> None:
    """§2 A case whose whole balance is written off closes as written off, not as paid."""
    ids = frames.fully_written_off(company, ctx.as_of, pending)["case_id"].to_list()
    for case in Case.objects.filter(pk__in=ids):
        offs = WriteOff.objects.filter(case=case, status="approved", closed_case_on__isnull=True)
        detail = {"rule": "written_off", "write_offs": sorted(offs.values_list("pk", flat=True))}
        offs.update(closed_case_on=ctx.as_of)
        # Nothing is left to promise: a standing promise must not break on a closed case,
        # and one waiting for approval goes with its request.
        PromiseToPay.objects.filter(case=case, state=PromiseState.OPEN).update(
            state=PromiseState.CANCELLED, cancelled_on=ctx.as_of, closed_on=ctx.as_of
        )
        PromiseToPay.objects.filter(case=case, state=PromiseState.PENDING_APPROVAL).update(
            state=PromiseState.WITHDRAWN, cancelled_on=ctx.as_of, closed_on=ctx.as_of
        )
        PaymentPlan.objects.filter(case=case, status=PlanStatus.PENDING_APPROVAL).update(
            status=PlanStatus.WITHDRAWN, withdrawn_on=ctx.as_of
        )
        approvals_withdraw(
            Approval.objects.filter(case=case).exclude(kind=ApprovalKind.WRITE_OFF),
            actor=None,
            on=ctx.as_of,
            reason="the case closed as written off",
        )
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED,
            closed_reason=ClosedReason.WRITTEN_OFF,
            closed_on=ctx.as_of,
            next_action_on=None,
            next_action_kind="",
            next_action_step_code="",
            next_action_channel="",
            next_action_role="",
            overdue_minor=0,
        )
        case_event(case, on=ctx.as_of, kind="closed", reason=detail, run=ctx.run)
        ctx.counts["cases_written_off"] += 1
