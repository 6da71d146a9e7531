"""Reads for the negotiation desk: promise-keeping records, the case summary the web desk and
`arrears explain` show, the approval queue, negotiation histories and excuse statistics.

Every read a face calls takes the acting person and asks `arrears.apps.accounts.access`
itself: negotiation notes (proposals, promises, excuses, requests) are READ_NOTES (never
sales), another collector's case READ_OTHERS, and nobody reads another company's. The helpers
the services share (`promise_record_for`) take no person: the service asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from arrears.apps.accounts.access import readable_owner, require
from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import CaseBalance, case_balance, holidays_for
from arrears.apps.common.bulk import read_frame
from arrears.apps.common.reads import once
from arrears.apps.ledger.models import Company, Debtor
from arrears.apps.negotiation import convert as load
from arrears.apps.negotiation.convert import history_domain
from arrears.apps.negotiation.models import (
    Approval,
    DecisionStatus,
    Dispute,
    DisputeStatus,
    ExcuseLog,
    Handover,
    Negotiation,
    NegotiationEvent,
    PaymentPlan,
    PlanStatus,
    PromiseToPay,
)
from arrears.apps.negotiation.policy import company_document, desk_policy, promise_policy
from arrears.apps.negotiation.presentation import DECISIONS, OVERRIDE_WORDS, WAITING
from arrears.domain.access import Verb
from arrears.domain.excuses import outcome_stats
from arrears.domain.matching import receipt_scope
from arrears.domain.negotiation.document import DeskPolicy
from arrears.domain.promises import NEVER_STOOD, PromiseRecord, PromiseState, evaluate_promise


def promise_record_for(*, debtor: Debtor, as_of: date, with_plans: bool = False) -> PromiseRecord:
    """The debtor's promise-keeping record over the policy's window (§7), as last swept.

    `with_plans` counts plans as promises too (defaulted: broken, completed: kept, standing:
    open): what the negotiation engine judges the debtor by.
    """
    policy = promise_policy(debtor.company)
    window = policy.record_window_days
    since = as_of - timedelta(days=window) if window is not None else date.min
    qs = PromiseToPay.objects.filter(
        case__debtor=debtor, given_on__lte=as_of, given_on__gte=since
    ).exclude(state__in=NEVER_STOOD)
    counts: Counter[str] = Counter()
    late = 0  # the days late of them all, summed in the same read
    by_state = qs.values_list("state").annotate(n=Count("id"), late=Sum("days_late"))
    for state, n, days_late in by_state.values_list("state", "n", "late"):
        counts[state] = n
        late += days_late or 0
    if with_plans:
        plans = PaymentPlan.objects.filter(
            case__debtor=debtor, agreed_on__lte=as_of, agreed_on__gte=since
        ).exclude(
            status__in=[PlanStatus.REFUSED, PlanStatus.PENDING_APPROVAL, PlanStatus.WITHDRAWN]
        )
        as_promise = {"defaulted": "broken", "completed": "kept", "good_standing": "open"}
        for status, n in (
            plans.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        ):
            counts[as_promise[status]] += n
    return PromiseRecord(
        given=sum(counts.values()),
        kept=counts[PromiseState.KEPT],
        partly_kept=counts[PromiseState.PARTLY_KEPT],
        broken=counts[PromiseState.BROKEN],
        open=counts[PromiseState.OPEN],
        cancelled=counts[PromiseState.CANCELLED],
        days_late=late,
        partly_kept_counts_as_broken=policy.partly_kept_counts_as_broken,
    )


@dataclass(frozen=True)
class CaseHandover:
    """Who has a case handed over since when, and what its items owe: part of the case's
    state (sales reads it too), where the rest of `CaseNegotiation` is notes."""

    handover: Handover | None = None  # the latest: the case is legal's or the agency's
    balance: CaseBalance | None = None  # from the items, for a case handed over


@dataclass(frozen=True)
class CaseNegotiation:
    """Everything the desk shows beside a case: record, commitments, disputes, approvals."""

    record: PromiseRecord
    defaulted_plans: int
    promises: list[PromiseToPay] = field(default_factory=list)
    plans: list[PaymentPlan] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    excuses: list[ExcuseLog] = field(default_factory=list)
    handing: CaseHandover = field(default_factory=CaseHandover)
    paid: dict[int, int] = field(default_factory=dict)  # standing promise -> paid so far


def paid_so_far(case: Case, promises: list[PromiseToPay], as_of: date) -> dict[int, int]:
    """Per standing promise of the case, what is paid towards it by `as_of`, judged on the
    receipts the ledger holds now (as the sweep will judge it, late imports included)."""
    standing = [p for p in promises if p.state == PromiseState.OPEN]
    if not standing:
        return {}
    got, policy = load.receipts(case), promise_policy(case.company)
    days = holidays_for(company=case.company)
    out = {}
    for p in standing:
        scope = receipt_scope((i.number for i in p.items.all()), p.covered_items)
        mine = [r for r in got if not scope or r.item_key in scope]
        domain = load.promise_domain(p)
        status = evaluate_promise(domain, mine, as_of=as_of, policy=policy, holidays=days)
        out[p.pk] = status.paid.to_minor()
    return out


def _require_notes(actor: Any, case: Case) -> None:
    """The person may read this case's negotiation: notes in its company (not sales), and a
    case they do not own only if they may read others' (a collector: if the company allows)."""
    require(actor, Verb.READ_NOTES, company_id=case.company_id)
    require(actor, Verb.READ_OTHERS, company_id=case.company_id, owner_id=case.debtor.owner_id)


def case_handover(*, actor: Any, case: Case, as_of: date) -> CaseHandover:
    """Whether the case is handed over, to whom, and what its items owe: for anyone who may
    read the case (sales included: it is the case's state, not a note)."""
    require(actor, Verb.READ, company_id=case.company_id)
    require(actor, Verb.READ_OTHERS, company_id=case.company_id, owner_id=case.debtor.owner_id)
    return _handover(case, as_of)


def _handover(case: Case, as_of: date) -> CaseHandover:
    return once(("handover", case.pk, as_of), lambda: _read_handover(case, as_of))


def _read_handover(case: Case, as_of: date) -> CaseHandover:
    handover = (
        Handover.objects.filter(case=case)
        .select_related("to_owner", "by")
        .order_by("-on", "-pk")
        .first()
    )
    balance = case_balance(case=case, as_of=as_of) if handover is not None else None
    return CaseHandover(handover, balance)


@dataclass(frozen=True)
class HeldOff:
    """Overdue on a case's items that the ladder does not dun (disputed, under a plan): the
    case's state, which sales reads too."""

    currency: str
    overdue_minor: int
    oldest_due_on: date
    disputed: bool  # an open dispute holds (some of) it


def case_held_off(*, actor: Any, case: Case, as_of: date) -> HeldOff | None:
    """What the case's items owe overdue on `as_of` while the ladder duns nothing of it (None
    when nothing is overdue at all): for anyone who may read the case."""
    require(actor, Verb.READ, company_id=case.company_id)
    require(actor, Verb.READ_OTHERS, company_id=case.company_id, owner_id=case.debtor.owner_id)
    owed = case_balance(case=case, as_of=as_of)
    if owed.oldest_due_on is None or owed.overdue_minor <= 0:
        return None
    disputed = Dispute.objects.filter(case=case, status=DisputeStatus.OPEN).exists()
    return HeldOff(case.currency, owed.overdue_minor, owed.oldest_due_on, disputed)


def case_negotiation(*, actor: Any, case: Case, as_of: date) -> CaseNegotiation:
    """The negotiation side of one case, for the web desk and `arrears explain`, to a person
    who may read its notes; a case handed over names who has it since when, and what its items
    owe (the run no longer counts them)."""
    _require_notes(actor, case)
    promises = list(PromiseToPay.objects.filter(case=case).order_by("-given_on", "-id")[:5])
    return CaseNegotiation(
        record=promise_record_for(debtor=case.debtor, as_of=as_of),
        defaulted_plans=PaymentPlan.objects.filter(
            case__debtor=case.debtor, status=PlanStatus.DEFAULTED
        ).count(),
        promises=promises,
        plans=list(PaymentPlan.objects.filter(case=case).order_by("-agreed_on", "-id")[:3]),
        disputes=list(
            Dispute.objects.filter(case=case, status=DisputeStatus.OPEN)
            .select_related("owner", "escalated_to")
            .prefetch_related("parts__item")
            .order_by("deadline", "id")
        ),
        approvals=list(
            Approval.objects.filter(case=case, status=DecisionStatus.REQUESTED)
            .select_related("requested_by", "case")
            .order_by("requested_on", "id")
        ),
        excuses=list(case_excuses(case)[:5]),
        handing=_handover(case, as_of),
        paid=paid_so_far(case, promises, as_of),
    )


def case_excuses(case: Case) -> tuple[ExcuseLog, ...]:
    """Every excuse logged on the case, newest first (the caller asked access; read once per
    page: the negotiation panel shows the latest, the call script what was heard)."""
    return once(
        ("excuses", case.pk),
        lambda: tuple(ExcuseLog.objects.filter(case=case).order_by("-logged_on", "-id")),
    )


def approval_queue(*, actor: Any, company: Company) -> list[Approval]:
    """What waits for a credit manager's decision, oldest first: to a person who may read
    negotiation notes in the company (not sales); a collector who may not read others' cases
    sees only the requests on the debtors they own. A constant number of queries."""
    return list(
        approvals_asked(actor=actor, company=company)
        .select_related("case", "case__debtor", "requested_by")
        .order_by("requested_on", "id")
    )


def approvals_asked(*, actor: Any, company: Company) -> QuerySet[Approval]:
    """`approval_queue`'s requests as a query, unordered (access asked alike)."""
    role = require(actor, Verb.READ_NOTES, company_id=company.pk)
    queue = Approval.objects.filter(case__company=company, status=DecisionStatus.REQUESTED)
    owner = readable_owner(actor, role, company.pk)
    if owner is not None:
        queue = queue.filter(case__debtor__owner_id=owner)
    return queue


@dataclass(frozen=True)
class Commitments:
    """The promises and plans an agreed negotiation became, as the ledger holds them (with
    their parts and instalments read, in id order), and what each promise had paid so far
    (`paid`, by promise id). In words: `presentation.commitment_words`."""

    promises: tuple[PromiseToPay, ...] = ()
    plans: tuple[PaymentPlan, ...] = ()
    paid: dict[int, int | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.promises or self.plans)


def negotiation_rows(
    *, actor: Any, case: Case, as_of: date | None = None
) -> list[dict[str, object]]:
    """Every negotiation of the case as flat rows (ROW_COLUMNS plus the negotiation id, and for
    an acceptance the `commitment` stored from it, `Commitments`; None on other rows), to a
    person who may read its notes. `as_of`: the history as it stood at the end of that day (its
    events up to then). A standing promise's paid so far is on `as_of`, else as the daily run
    last judged it. In words: `presentation.history_row_words` and `negotiation_csv`."""
    _require_notes(actor, case)
    return _rows(case, as_of=as_of)


def _rows(case: Case, *, as_of: date | None = None) -> list[dict[str, object]]:
    """Every negotiation's events and commitments, read in a fixed number of queries."""
    out: list[dict[str, object]] = []
    negotiations = (
        Negotiation.objects.filter(case=case)
        .order_by("started_on", "id")
        .prefetch_related(
            Prefetch("events", queryset=NegotiationEvent.objects.order_by("seq")),
            Prefetch("promises", queryset=PromiseToPay.objects.order_by("id")),
            "promises__parts",
            "promises__items",
            Prefetch("plans", queryset=PaymentPlan.objects.order_by("id")),
            "plans__instalments",
        )
    )
    for n in negotiations:
        history = history_domain(n.events.all(), case.currency)
        stored = _commitments(n, as_of=as_of)
        for row in history.rows():
            on = row["on"]
            if as_of is not None and isinstance(on, date) and on > as_of:
                continue
            done = stored if row["kind"] == "acceptance" else None
            out.append({"negotiation": n.pk, **row, "commitment": done})
    return out


def _commitments(n: Negotiation, *, as_of: date | None = None) -> Commitments:
    """The promises and plans an agreed negotiation became, as the ledger holds them."""
    promises = tuple(n.promises.all())  # prefetched with their parts and items, in id order
    paid: dict[int, int | None] = {p.pk: p.paid_minor for p in promises}
    if as_of is not None:
        paid.update(paid_so_far(n.case, list(promises), as_of))
    return Commitments(promises, tuple(n.plans.all()), paid)  # plans with their instalments


def excuse_stats(
    *, actor: Any, company: Company, as_of: date, window_days: int = 30
) -> pl.DataFrame:
    """Per excuse, answer and currency: cases, how many paid in full within the window after it
    and the share, what they owed and the share of it recovered in the window (§8,
    `domain.excuses.outcome_stats`): the company's figure, to a person who may read its
    negotiation notes (what debtors said)."""
    require(actor, Verb.READ_NOTES, company_id=company.pk)
    excuses = read_frame(
        "SELECT e.case_id, e.excuse, e.answer, e.logged_on, e.owed_minor, c.currency "
        "FROM negotiation_excuselog e "
        "JOIN cases_case c ON c.id = e.case_id WHERE c.company_id = %s",
        [company.pk],
        {
            "case_id": pl.Int64(),
            "excuse": pl.String(),
            "answer": pl.String(),
            "logged_on": pl.Date(),
            "owed_minor": pl.Int64(),
            "currency": pl.String(),
        },
    )
    payments = read_frame(
        "SELECT c.id AS case_id, p.received_on, a.amount_minor FROM ledger_allocation a "
        "JOIN ledger_payment p ON p.id = a.payment_id "
        "JOIN ledger_openitem i ON i.id = a.item_id "
        "JOIN cases_case c ON c.debtor_id = i.debtor_id AND c.currency = i.currency "
        "WHERE c.company_id = %s AND c.id IN (SELECT case_id FROM negotiation_excuselog)",
        [company.pk],
        {"case_id": pl.Int64(), "received_on": pl.Date(), "amount_minor": pl.Int64()},
    )
    return outcome_stats(excuses, payments, as_of=as_of, window_days=window_days)


@dataclass(frozen=True)
class CollectorFigures:
    """§5-6 How one collector negotiates: answers given, and how often they departed from the
    engine (an override with its reason), terms entered directly past our offer or without a
    concession's condition included."""

    collector: str
    answers: int  # counters, concessions, holds, acceptances and requests they recorded
    overrides: int
    direct_overrides: int  # of the overrides: promises or plans typed in past our offer


def collector_figures(*, actor: Any, company: Company) -> list[CollectorFigures]:
    """Per collector of the company who negotiated, their answers and overrides, to a person
    who may read its negotiation notes; a collector who may not read others' cases sees only
    their own line."""
    role = require(actor, Verb.READ_NOTES, company_id=company.pk)
    events = NegotiationEvent.objects.filter(negotiation__case__company=company).exclude(
        kind="proposal"
    )
    owner = readable_owner(actor, role, company.pk)
    if owner is not None:
        events = events.filter(by=actor.get_username())
    counts: dict[str, Counter[str]] = {}
    for by, kind, code in events.values_list("by", "kind", "reason_code"):
        c = counts.setdefault(by, Counter())
        c["overrides" if kind == "override" else "answers"] += 1
        if kind == "override" and code in OVERRIDE_WORDS:
            c["direct"] += 1
    return [
        CollectorFigures(by, c["answers"], c["overrides"], c["direct"])
        for by, c in sorted(counts.items())
    ]


@dataclass(frozen=True)
class PolicyShown:
    """The desk policy the company follows, and the fields it sets itself."""

    policy: DeskPolicy
    own: dict[str, Any]


def negotiation_policy_read(*, actor: Any, company: Company) -> PolicyShown:
    """The company's negotiation policy (walk-away points, follow-up delays...), to any member:
    the rules every desk works by, not a note."""
    require(actor, Verb.READ, company_id=company.pk)
    return PolicyShown(desk_policy(company), company_document(company))


def open_disputes(*, company: Company, owner: Any = None) -> list[Dispute]:
    qs = Dispute.objects.filter(case__company=company, status=DisputeStatus.OPEN)
    if owner is not None:
        qs = qs.filter(Q(owner=owner) | Q(escalated_to=owner))
    return list(qs.select_related("case__debtor", "owner").order_by("deadline", "id"))


@dataclass(frozen=True)
class DeskFacts:
    """What the lines of desk events name beyond their stored reasons: the requests they
    decided (with their case), and the request a promise or a plan waits for. Read once for a
    whole history (`desk_facts`), so a long one costs no more queries than a short one."""

    approvals: dict[int, Approval] = field(default_factory=dict)
    waits_for: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, id): request


def desk_facts(*, actor: Any, case: Case, events: Iterable[Any]) -> DeskFacts:
    """The facts `describe_desk_event` needs for these events of the case, in one query: to a
    person who may read the case's negotiation (its requests are notes)."""
    _require_notes(actor, case)
    return events_facts(events)


def events_facts(events: Iterable[Any]) -> DeskFacts:
    """`desk_facts` for events a checked read already returned (no access asked here)."""
    decided: set[int] = set()
    waiting: dict[str, set[int]] = {"promise": set(), "plan": set()}
    for e in events:
        r = e.reason or {}
        rule = str(r.get("rule", ""))
        if rule in DECISIONS:
            decided.add(int(r.get("approval") or 0))
        elif rule in WAITING:
            kind = WAITING[rule]
            waiting[kind].add(int(r.get(kind) or 0))
    if not decided and not any(waiting.values()):
        return DeskFacts()
    found = Approval.objects.filter(
        Q(pk__in=decided)
        | Q(kind="promise", promise_id__in=waiting["promise"])
        | Q(kind="plan", plan_id__in=waiting["plan"])
    )
    facts = DeskFacts()
    for a in found.select_related("case").order_by("id"):
        facts.approvals[a.pk] = a
        if a.kind in waiting:  # the first request of a promise or plan is the one it waits for
            facts.waits_for.setdefault((a.kind, a.promise_id or a.plan_id or 0), a.pk)
    return facts


# §1 A debtor one of whose open cases is handed over to legal or an agency: its owner is the
# hand-over's, and the ERP's file does not change it (`ledger.imports.debtors`).
_HANDED_OVER = (
    "SELECT d.code AS debtor_code, d.owner_id FROM ledger_debtor d WHERE d.company_id = %s "
    "AND EXISTS (SELECT 1 FROM cases_case c JOIN negotiation_handover h ON h.case_id = c.id "
    "WHERE c.debtor_id = d.id AND c.status = 'open')"
)


def handed_over_owners(company: Company) -> pl.DataFrame:
    """Debtors handed over to legal or an agency, with the owner the hand-over gave them."""
    return read_frame(
        _HANDED_OVER, [company.pk], {"debtor_code": pl.String(), "owner_id": pl.Int64()}
    )
