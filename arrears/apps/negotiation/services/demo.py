"""Seed the demo ledger with negotiations (§5-8) so the daily run has something to judge.

Deterministic for a seed: a share of the debtors with overdue items, chosen by a seeded random
generator over their codes, each gets one story told through the desk's own services (so the
data obeys every rule): a promise that will break, one still standing, one already kept, a plan
in good standing, one about to default, an overdue dispute, a fresh one, a negotiation waiting
for approval, excuses, write-offs (some approved) and hand-overs to legal or an agency. Every
desk event is dated on or after the day its case opened. Runs once per company: repeating the
demo adds nothing. The demo gets a legal user (lena) and an agency user (inkasso).

Before them, `negotiation_demo_history` writes the desk's past the generator drew
(`arrears.demo.desk`: promises kept and broken, resolved disputes, excuses, dated across the
ledger's span and consistent with its payments) in bulk, so that what the desk knew on a past
day (the payment-propensity features) is not empty for most of the ledger's history.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum

from arrears.apps.accounts.access import require
from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.services import audit_record, member_add
from arrears.apps.cases.models import Case, CaseEvent, EventKind
from arrears.apps.ledger.models import DUNNABLE_KINDS, Allocation, Company, Debtor, OpenItem
from arrears.apps.negotiation.models import (
    Approval,
    DecisionStatus,
    Dispute,
    DisputePart,
    DisputeStatus,
    ExcuseLog,
    HandoverTarget,
    PromisePart,
    PromiseToPay,
)
from arrears.apps.negotiation.services.approvals import approval_decide
from arrears.apps.negotiation.services.balances import negotiation_balance
from arrears.apps.negotiation.services.common import case_ensure
from arrears.apps.negotiation.services.disputes import dispute_open
from arrears.apps.negotiation.services.excuses import excuse_log
from arrears.apps.negotiation.services.negotiation import negotiation_propose
from arrears.apps.negotiation.services.plans import PlanIn, plan_create
from arrears.apps.negotiation.services.promises import promise_create
from arrears.apps.negotiation.services.writeoffs import case_handover, writeoff_request
from arrears.demo.desk import RECENT_DAYS, DemoDesk
from arrears.domain.access import PersonRole, Verb
from arrears.domain.disputes import DisputeOutcome, DisputeReason
from arrears.domain.excuses import Excuse
from arrears.domain.money import Money
from arrears.domain.negotiation import Terms
from arrears.domain.plans import monthly_dates
from arrears.domain.promises import PromiseChannel, PromiseState

MAX_DEBTORS = 600  # enough to see every story; the seeding goes through the services one by one


class Seeded(Counter[str]):
    """Stories told, by name (in words: `presentation.seeded_words`)."""


def negotiation_demo_seed(
    *, actor: Any, company: Company, as_of: date, seed: int = 7, per_mille: int = 250
) -> Seeded:
    """Tell one negotiation story on each chosen debtor (see the module docstring): the
    company's administrator seeds (the demo's), adding the desk's people through
    `member_add`; anyone else is refused (`NotAllowed`) before anything is read or written.
    Each story then acts as the person it tells of, through the desk's own services."""
    require(actor, Verb.ADMINISTER, company_id=company.pk, what="seed the demo's negotiations")
    done = Seeded()
    stories_from = as_of - timedelta(days=RECENT_DAYS)  # the desk's past stops before that
    if PromiseToPay.objects.filter(case__company=company, given_on__gte=stories_from).exists():
        return done  # seeded before: the demo is safe to repeat
    people = [
        ("maria", PersonRole.CREDIT_MANAGER, "Maria"),
        ("lena", PersonRole.LEGAL, "Lena (legal)"),
        ("inkasso", PersonRole.AGENCY, "Inkasso AG"),
    ]
    for username, role, name in people:
        if role_in_company(username, company) != role:
            member_add(actor=actor, company_id=company.pk, username=username, role=role, name=name)
    manager = get_user_model().objects.get(username="maria")
    debtors = _candidates(company, as_of)
    rng = random.Random(seed)
    chosen = rng.sample(debtors, min(len(debtors) * per_mille // 1000, MAX_DEBTORS))
    for k, debtor in enumerate(sorted(chosen, key=lambda d: d.code)):
        Membership.objects.filter(
            person=debtor.owner, company=company, reports_to__isnull=True
        ).update(reports_to=manager)
        story = STORIES[k % len(STORIES)]
        try:
            days_back = DAYS_BACK.get(story, 21)
            story(_Ctx(debtor, company.currency, as_of, rng, manager, days_back))
            done[story.__name__.lstrip("_")] += 1
        except (ValueError, PermissionError):
            done["skipped"] += 1  # e.g. nothing left to promise after the generated payments
    return done


def negotiation_demo_history(
    *, actor: Any, company: Company, desk: DemoDesk, first_run: date
) -> Seeded:
    """Write the desk's past (`DemoDesk`) on a freshly imported demo ledger, before its first
    run (on `first_run`): each debtor's case in the currency is opened on the day of its
    first desk event, or on the first run's day if that is earlier (the case's history starts
    there: the run finds it open), then its promises (with their one part and item, kept
    or broken as the payments say), its disputes (resolved: rejected) and its excuses, in
    bulk. The company's administrator only; once a company has cases (a repeated demo, or a
    ledger already run) nothing is written."""
    require(actor, Verb.ADMINISTER, company_id=company.pk, what="seed the demo's negotiations")
    done = Seeded()
    if Case.objects.filter(company=company).exists():
        return done
    debtors = dict(Debtor.objects.filter(company=company).values_list("code", "id"))
    owners = dict(Debtor.objects.filter(company=company).values_list("id", "owner_id"))
    items = dict(OpenItem.objects.filter(company=company).values_list("number", "id"))
    known = pl.col("debtor_code").is_in(list(debtors))
    promises = desk.promises.filter(known & pl.col("number").is_in(list(items)))
    disputes = desk.disputes.filter(known & pl.col("number").is_in(list(items)))
    excuses = desk.excuses.filter(known)
    firsts = (
        pl.concat(
            [
                promises.select("debtor_code", "currency", on="given_on"),
                disputes.select("debtor_code", "currency", on="opened_on"),
                excuses.select("debtor_code", "currency", on="logged_on"),
            ]
        )
        .group_by("debtor_code", "currency")
        .agg(pl.col("on").min())
        .sort("debtor_code", "currency")
    )
    with transaction.atomic():
        cases = Case.objects.bulk_create(
            [
                Case(
                    company=company,
                    debtor_id=debtors[code],
                    currency=ccy,
                    opened_on=min(on, first_run),
                )
                for code, ccy, on in firsts.iter_rows()
            ]
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(case=c, on=c.opened_on, kind=EventKind.OPENED, reason=_HISTORY_REASON)
                for c in cases
            ]
        )
        case_of = {(c.debtor_id, c.currency): c for c in cases}

        def case(code: str, currency: str) -> Case:
            return case_of[(debtors[code], currency)]

        def who(code: str) -> Any:
            return owners[debtors[code]] or actor.pk

        made = PromiseToPay.objects.bulk_create(
            [
                PromiseToPay(
                    case=case(code, ccy),
                    given_on=given,
                    channel=PromiseChannel.PHONE,
                    given_by="Accounts payable",
                    taken_by_id=who(code),
                    currency=ccy,
                    total_minor=amount,
                    state=state,
                    paid_minor=amount if state == PromiseState.KEPT else 0,
                    closed_on=closed,
                    evaluated_on=closed,
                )
                for code, ccy, _, given, _, amount, state, closed in promises.iter_rows()
            ],
            batch_size=1000,
        )
        rows = list(zip(made, promises.iter_rows(), strict=True))
        PromisePart.objects.bulk_create(
            [PromisePart(promise=p, on=r[4], amount_minor=r[5]) for p, r in rows], batch_size=1000
        )
        PromiseToPay.items.through.objects.bulk_create(
            [
                PromiseToPay.items.through(promisetopay_id=p.pk, openitem_id=items[r[2]])
                for p, r in rows
            ],
            batch_size=1000,
        )
        opened = Dispute.objects.bulk_create(
            [
                Dispute(
                    case=case(code, ccy),
                    reason=reason,
                    owner_id=who(code),
                    opened_on=on,
                    deadline=on + timedelta(days=14),
                    currency=ccy,
                    status=DisputeStatus.RESOLVED,
                    outcome=DisputeOutcome.REJECTED,
                    resolved_on=resolved,
                    resolved_by_id=who(code),
                )
                for code, ccy, _, reason, on, resolved, _ in disputes.iter_rows()
            ],
            batch_size=1000,
        )
        DisputePart.objects.bulk_create(
            [
                DisputePart(dispute=d, item_id=items[r[2]], amount_minor=r[6])
                for d, r in zip(opened, disputes.iter_rows(), strict=True)
            ],
            batch_size=1000,
        )
        ExcuseLog.objects.bulk_create(
            [
                ExcuseLog(
                    case=case(code, ccy),
                    excuse=excuse,
                    logged_on=on,
                    by_id=who(code),
                    next_action_on=on + timedelta(days=7),
                )
                for code, ccy, excuse, on in excuses.iter_rows()
            ],
            batch_size=1000,
        )
        done.update(
            past_promises=promises.height,
            past_disputes=disputes.height,
            past_excuses=excuses.height,
        )
        audit_record(
            action="negotiation.demo_history",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"company": company.code, "cases": len(cases), **done},
        )
    return done


_HISTORY_REASON = {"rule": "negotiation_desk", "demo": "the desk's past"}


def _candidates(company: Company, as_of: date) -> list[Debtor]:
    ids = (
        OpenItem.objects.filter(
            company=company,
            currency=company.currency,
            kind__in=DUNNABLE_KINDS,
            open_minor__gt=0,
            due_date__lt=as_of - timedelta(days=10),
            debtor__owner__isnull=False,
        )
        .values_list("debtor_id", flat=True)
        .distinct()
    )
    return list(Debtor.objects.filter(id__in=ids).select_related("owner").order_by("code"))


class _Ctx:
    def __init__(
        self,
        debtor: Debtor,
        currency: str,
        as_of: date,
        rng: random.Random,
        manager: Any,
        days_back: int = 21,
    ) -> None:
        self.debtor, self.as_of, self.rng, self.manager = debtor, as_of, rng, manager
        items = OpenItem.objects.filter(
            debtor=debtor, currency=currency, kind__in=DUNNABLE_KINDS, open_minor__gt=0
        )
        self.oldest = items.order_by("due_date", "id").first()
        # the desk's story starts `days_back` days ago; a longer one not before anything was
        # overdue (nor later than the usual three weeks)
        opened = as_of - timedelta(days=days_back)
        if days_back > 21 and self.oldest is not None:
            usual = as_of - timedelta(days=21)
            opened = max(opened, min(self.oldest.due_date + timedelta(days=1), usual))
        self.case: Case = case_ensure(debtor=debtor, currency=currency, on=opened)
        # nothing on the desk before the case existed
        self.start = max(opened, self.case.opened_on)
        self.user = debtor.owner

    def once_due(self) -> date:
        """The story's first day on which something is due (a commitment covers what is)."""
        assert self.oldest is not None
        return max(self.start, self.oldest.due_date + timedelta(days=1))

    def money(self, share_pct: int, on: date) -> Money:
        """A share of what is due on `on` (what a promise on the whole case may cover)."""
        due = negotiation_balance(self.case, on).to_minor()
        return Money.from_minor(max(1, due * share_pct // 100), self.case.currency)

    def day(self, offset: int) -> date:
        return max(self.as_of + timedelta(days=offset), self.start)


def _broken_promise(c: _Ctx) -> None:
    promise_create(
        case=c.case,
        actor=c.user,
        parts=[(max(c.day(-14), c.once_due()), c.money(50, c.once_due()))],
        given_by="Accounts payable",
        channel=PromiseChannel.PHONE,
        as_of=c.once_due(),
    )


def _standing_promise(c: _Ctx) -> None:
    promise_create(
        case=c.case,
        actor=c.user,
        parts=[(c.day(3), c.money(40, c.day(-1))), (c.day(17), c.money(30, c.day(-1)))],
        given_by="Finance director",
        channel=PromiseChannel.EMAIL,
        as_of=c.day(-1),
    )


def _kept_promise(c: _Ctx) -> None:
    """A promise the generated payments keep: given three days before a payment arrived."""
    paid = (
        Allocation.objects.filter(
            item__debtor=c.debtor,
            item__currency=c.case.currency,
            payment__received_on__gt=c.start + timedelta(days=3),
            payment__received_on__lt=c.day(-2),
        )
        .values("payment__received_on")
        .annotate(total=Sum("amount_minor"))
        .order_by("payment__received_on")
        .first()
    )
    if paid is None:
        return _standing_promise(c)
    on = paid["payment__received_on"]
    if paid["total"] > c.money(100, on - timedelta(3)).to_minor():  # more than was due then
        return _standing_promise(c)
    promise_create(
        case=c.case,
        actor=c.user,
        parts=[(on, Money.from_minor(paid["total"], c.case.currency))],
        given_by="Bookkeeper",
        channel=PromiseChannel.PHONE,
        as_of=on - timedelta(3),
    )


def _plan_in_good_standing(c: _Ctx) -> None:
    plan = plan_create(
        case=c.case,
        actor=c.user,
        as_of=c.day(-2),
        schedule=PlanIn(due_dates=monthly_dates(c.day(7), 3)),
    )
    _approve_pending(c, Approval.objects.filter(plan=plan))


def _plan_defaulting(c: _Ctx) -> None:
    agreed = c.once_due()  # a plan covers what is due: agreed once something is
    plan = plan_create(
        case=c.case,
        actor=c.user,
        as_of=agreed,
        schedule=PlanIn(due_dates=monthly_dates(max(c.day(-14), agreed), 3)),
    )
    _approve_pending(c, Approval.objects.filter(plan=plan), on=agreed)


def _overdue_dispute(c: _Ctx) -> None:
    assert c.oldest is not None
    dispute_open(
        case=c.case,
        actor=c.user,
        reason=DisputeReason.GOODS_DAMAGED,
        as_of=c.start,
        parts=[
            (
                c.oldest.number,
                Money.from_minor(max(1, c.oldest.open_minor * 4 // 10), c.case.currency),
            )
        ],
    )


def _fresh_dispute(c: _Ctx) -> None:
    assert c.oldest is not None
    dispute_open(
        case=c.case,
        actor=c.user,
        reason=DisputeReason.WRONG_PRICE,
        as_of=c.day(-2),
        parts=[
            (c.oldest.number, Money.from_minor(max(1, c.oldest.open_minor // 5), c.case.currency))
        ],
    )


def _negotiation(c: _Ctx) -> None:
    """Counter, a conditional concession, then terms beyond the walk-away point."""
    on = c.day(-3)
    whole = negotiation_balance(c.case, on)  # what is due: invoices not yet due are not asked
    for days in (20, 20, 75):
        negotiation_propose(
            case=c.case,
            actor=c.user,
            proposal=Terms.single(on + timedelta(days), whole),
            proposed_by="Managing director",
            as_of=on,
        )


def _excuses(c: _Ctx) -> None:
    """Excuses over two months (the case opens earlier, `DAYS_BACK`): those logged more than 30
    days ago have a closed window, so `arrears excuse --stats` has outcomes to show."""
    excuses = list(Excuse)
    for offset in (-55, -44, -33, -20, -13, -4):
        excuse_log(case=c.case, actor=c.user, excuse=c.rng.choice(excuses), as_of=c.day(offset))


def _write_off(c: _Ctx) -> None:
    wo = writeoff_request(
        case=c.case, actor=c.user, reason="debtor insolvent, no assets", as_of=c.day(-5)
    )
    if c.rng.random() < 0.5:
        _approve_pending(c, Approval.objects.filter(write_off=wo), on=c.day(-4))


def _handover(c: _Ctx) -> None:
    """A silent debtor goes to legal, or to the collection agency."""
    to_legal = c.rng.random() < 0.5
    who = "lena" if to_legal else "inkasso"
    case_handover(
        case=c.case,
        actor=c.manager,
        to=HandoverTarget.LEGAL if to_legal else HandoverTarget.AGENCY,
        new_owner=get_user_model().objects.get(username=who),
        reason="no answer to the final notice",
        as_of=c.day(-3),
        agency="" if to_legal else "Inkasso AG",
    )


def _approve_pending(c: _Ctx, approvals: Any, on: date | None = None) -> None:
    for a in approvals.filter(status=DecisionStatus.REQUESTED):
        approval_decide(
            approval=a,
            actor=c.manager,
            approve=True,
            reason="demo: agreed",
            as_of=on or c.as_of - timedelta(days=1),
        )


STORIES: tuple[Callable[[_Ctx], None], ...] = (
    _broken_promise,
    _standing_promise,
    _plan_in_good_standing,
    _overdue_dispute,
    _negotiation,
    _plan_defaulting,
    _kept_promise,
    _excuses,
    _fresh_dispute,
    _broken_promise,
    _write_off,
    _handover,
)
# How far back a story's desk events go (default three weeks).
DAYS_BACK: dict[Callable[[_Ctx], None], int] = {_excuses: 60}


def role_in_company(username: str, company: Company) -> PersonRole | None:
    role = (
        Membership.objects.filter(person__username=username, company=company, active=True)
        .values_list("role", flat=True)
        .first()
    )
    return PersonRole(role) if role else None
