"""Reads for cases: strategies as domain objects, the run's input frames, explanations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, models
from django.db.models import F, Prefetch, Value
from django.db.models.functions import Coalesce

from arrears.apps.accounts.access import companies_of, may, readable_owner, require
from arrears.apps.accounts.selectors import active_owner_ids
from arrears.apps.cases.models import (
    PENDING_STATUSES,
    Action,
    Case,
    CaseEvent,
    CaseStatus,
    CreditHold,
    EventKind,
    HoldChange,
    Holiday,
    Run,
    RunStatus,
    StrategyStep,
)
from arrears.apps.cases.models import Strategy as StrategyRow
from arrears.apps.common.bulk import read_frame
from arrears.apps.common.reads import once
from arrears.apps.ledger import items_cache
from arrears.apps.ledger.models import (
    DUNNABLE_KINDS,
    Company,
    Contact,
    Debtor,
    ExchangeRate,
    ItemKind,
    OpenItem,
)
from arrears.domain.access import Verb
from arrears.domain.cases import SETTLEMENT_SCHEMA, active_owners
from arrears.domain.credit_held import CREDIT_ROWS_SCHEMA, credit_held
from arrears.domain.credit_hold import HoldPolicy
from arrears.domain.fees import FeeKind, StepFee
from arrears.domain.fx import conversion_factor
from arrears.domain.ladder import Channel, Mode, Role, Segment, Step, Strategy
from arrears.domain.plans.acceleration import due_after_acceleration, effective_due


def strategies_for(*, company: Company) -> tuple[Strategy, ...]:
    """The company's ladders as domain objects (validated on construction)."""
    return once(("strategies", company.pk), lambda: _read_strategies(company))


def _read_strategies(company: Company) -> tuple[Strategy, ...]:
    out = []
    steps_in_order = Prefetch("steps", queryset=StrategyStep.objects.order_by("position"))
    rows = StrategyRow.objects.filter(company=company).prefetch_related(steps_in_order)
    for row in rows:
        steps = tuple(
            Step(
                code=s.code,
                name=s.name,
                min_days_past_due=s.min_days_past_due,
                channel=Channel(s.channel),
                role=Role(s.role),
                min_gap_days=s.min_gap_days,
                min_overdue_amount=Decimal(s.min_overdue_amount),
                min_broken_promises=s.min_broken_promises,
                follow_up_days=s.follow_up_days,
                fee=StepFee(
                    FeeKind(s.fee_kind),
                    amount_minor=s.fee_amount_minor,
                    currency=s.fee_currency or None,
                    basis_points=s.fee_basis_points,
                )
                if s.fee_kind
                else None,
                attach_statement=s.attach_statement,
            )
            for s in row.steps.all()  # prefetched in order: two queries for every ladder
        )
        segment = Segment(
            risk_tiers=frozenset(row.risk_tiers),
            countries=frozenset(row.countries),
            min_amount=row.min_amount,
            max_amount=row.max_amount,
        )
        out.append(Strategy(row.code, row.name, Mode(row.mode), steps, segment, row.priority))
    return tuple(out)


def strategies_read(*, actor: Any, company: Company) -> tuple[Strategy, ...]:
    """The company's ladders, to any of its members (`arrears ladder show|export`)."""
    require(actor, Verb.READ, company_id=company.pk)
    return strategies_for(company=company)


def last_run(*, company: Company) -> Run | None:
    """The company's last daily run: the finished (`done`) real run with the latest as-of
    date. A dry run writes nothing and a failed run decided nothing, so neither counts: the
    next run goes on from the last finished one, and the desk dates its writes after it."""
    done = Run.objects.filter(company=company, dry_run=False, status=RunStatus.DONE)
    return done.order_by("-as_of", "-id").first()


def hold_policy_for(*, company: Company) -> HoldPolicy:
    return HoldPolicy(
        hold_when_over_limit=company.hold_when_over_limit,
        hold_after_days_past_due=company.hold_after_days_past_due,
    )


def conversion_factors(*, company: Company, as_of: date) -> dict[str, int]:
    """Factor per currency from the latest rate valid on `as_of` (company currency: 1)."""
    factors = {company.currency: conversion_factor(company.currency, company.currency, Decimal(1))}
    rates = ExchangeRate.objects.filter(company=company, valid_from__lte=as_of).order_by(
        "currency", "valid_from"
    )
    for r in rates:  # later rows overwrite earlier ones: the latest valid rate wins
        if r.currency != company.currency:
            factors[r.currency] = conversion_factor(r.currency, company.currency, r.rate)
    return factors


_KINDS = ", ".join(f"'{k.value}'" for k in DUNNABLE_KINDS)


def run_items(*, company: Company) -> pl.DataFrame:
    """Open dunnable items with their place on the ladder and what the desk holds for them; an
    item a defaulted plan made due at once is dunned from that date (§6-7 acceleration)."""
    return due_after_acceleration(run_items_stored(company=company))


def run_items_stored(*, company: Company) -> pl.DataFrame:
    """`run_items` as stored: `due_date` as the ERP gave it and `accelerated_on` beside it."""
    return _open_items(company)


def _open_items(company: Company) -> pl.DataFrame:
    """Three reads joined here rather than one joined in SQL: the ledger's open items (from
    the file the last run kept, while no item changed since: `ledger.items_cache`), the steps
    of those items, what the desk holds for them: the same frame, in the ledger's order."""
    items = items_cache.open_items(company.pk, lambda: _ledger_items(company))
    steps = read_frame(
        "SELECT s.item_id, s.step, s.step_on, s.strategy_code "
        f"FROM cases_itemstep s JOIN ledger_openitem i ON i.id = s.item_id {_OPEN_WHERE}",
        [company.pk],
        {
            "item_id": pl.Int64(),
            "step": pl.Int32(),
            "step_on": pl.Date(),
            "strategy_code": pl.String(),
        },
    )
    desk = read_frame(
        "SELECT x.item_id, x.accelerated_on, x.excluded_minor, x.broken_promises "
        f"FROM cases_itemdeskinput x JOIN ledger_openitem i ON i.id = x.item_id {_OPEN_WHERE}",
        [company.pk],
        {
            "item_id": pl.Int64(),
            "accelerated_on": pl.Date(),
            "excluded_minor": pl.Int64(),
            "broken_promises": pl.Int32(),
        },
    )
    return (
        items.join(desk, on="item_id", how="left", maintain_order="left")
        .join(steps, on="item_id", how="left", maintain_order="left")
        .select(
            "item_id",
            "debtor_id",
            "currency",
            "due_date",
            "accelerated_on",
            "open_minor",
            pl.col("excluded_minor").fill_null(0),
            pl.col("broken_promises").fill_null(0),
            "step",
            "step_on",
            "strategy_code",
        )
    )


def _ledger_items(company: Company) -> pl.DataFrame:
    """The ERP's side of the open items: kept in a file between runs (`ledger.items_cache`)."""
    return read_frame(
        f"SELECT i.id AS item_id, i.debtor_id, i.currency, i.due_date, i.open_minor {_OPEN}",
        [company.pk],
        {
            "item_id": pl.Int64(),
            "debtor_id": pl.Int64(),
            "currency": pl.String(),
            "due_date": pl.Date(),
            "open_minor": pl.Int64(),
        },
    )


# The company's open dunnable items (`+`: SQLite scans the table rather than walk the
# company's index, which would visit every row anyway).
_OPEN_WHERE = f"WHERE +i.company_id = %s AND i.open_minor > 0 AND i.kind IN ({_KINDS})"
_OPEN = f"FROM ledger_openitem i {_OPEN_WHERE}"


def run_credits(*, company: Company, as_of: date) -> pl.DataFrame:
    """Per debtor and currency, the credit we hold on `as_of` (`domain.credit_held`)."""
    return credit_held(read_frame(_CREDITS, [company.pk, company.pk], CREDIT_ROWS_SCHEMA), as_of)


# Open credit notes (issued on) and payments with money on account (received on).
_CREDITS = (
    "SELECT debtor_id, currency, issue_date AS dated, open_minor AS minor FROM ledger_openitem"
    f" WHERE +company_id = %s AND kind = '{ItemKind.CREDIT_NOTE.value}' AND open_minor > 0"
    " UNION ALL SELECT debtor_id, currency, received_on, unapplied_minor FROM ledger_payment"
    " WHERE company_id = %s AND unapplied_minor > 0"
)


def run_debtors(*, company: Company) -> pl.DataFrame:
    """The company's debtors as the run reads them. An owner who holds no active role here
    any more (deactivated, or never a member) owns nothing: `owner_id` is null, so the run
    reports the case as without an owner (§1) and `assign --unowned` finds it."""
    frame = read_frame(
        "SELECT d.id AS debtor_id, d.risk_tier, d.country, d.credit_limit_minor, "
        "CASE WHEN h.debtor_id IS NULL THEN 0 ELSE 1 END AS on_hold, d.manual_hold, d.owner_id "
        "FROM ledger_debtor d LEFT JOIN cases_credithold h ON h.debtor_id = d.id "
        "WHERE d.company_id = %s",
        [company.pk],
        {
            "debtor_id": pl.Int64(),
            "risk_tier": pl.String(),
            "country": pl.String(),
            "credit_limit_minor": pl.Int64(),
            "on_hold": pl.Boolean(),
            "manual_hold": pl.Boolean(),
            "owner_id": pl.Int64(),
        },
    )
    return active_owners(frame, pl.Series(sorted(active_owner_ids(company.pk)), dtype=pl.Int64))


CASE_COLUMNS: dict[str, pl.DataType] = {
    "case_id": pl.Int64(),
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "status": pl.String(),
    "closed_reason": pl.String(),
    "strategy_code": pl.String(),
    "step": pl.Int32(),
    "step_code": pl.String(),
    "step_on": pl.Date(),
    "open_minor": pl.Int64(),
    "overdue_minor": pl.Int64(),
    "oldest_due_on": pl.Date(),
    "driving_item_id": pl.Int64(),
    "next_action_on": pl.Date(),
    "next_action_kind": pl.String(),
    "next_action_step_code": pl.String(),
    "next_action_channel": pl.String(),
    "next_action_role": pl.String(),
}


def run_cases(*, company: Company) -> pl.DataFrame:
    """Every case of the company, open or closed, as the run last left it."""
    cols = ", ".join("id AS case_id" if c == "case_id" else c for c in CASE_COLUMNS)
    return read_frame(
        f"SELECT {cols} FROM cases_case WHERE company_id = %s", [company.pk], CASE_COLUMNS
    )


def run_settlements(*, company: Company, case_ids: list[int], as_of: date) -> pl.DataFrame:
    """§2 What explains the balance of each case in `case_ids` (those the run closes) falling to
    zero, dated after the case last closed (or ever) and on or before `as_of`: payments
    allocated to its items, its debtor's credit notes applied (in its currency), and the credits
    the desk's disputes decided on it, as its history recorded them (`domain.cases.SETTLEMENT_SCHEMA`)."""
    schema = dict(SETTLEMENT_SCHEMA)
    if not case_ids:
        return pl.DataFrame(schema=schema)
    ids = ", ".join(str(int(i)) for i in case_ids)
    frame = read_frame(
        _SETTLED.format(ids=ids, kinds=_KINDS, credit=ItemKind.CREDIT_NOTE.value),
        [as_of, as_of, company.pk],
        {"case_id": pl.Int64(), "last_closed": pl.Date(), **schema},
    )
    credits = [
        (e.case_id, int(e.reason.get("credited_minor") or 0))
        for e in CaseEvent.objects.filter(
            case_id__in=case_ids, kind=EventKind.DISPUTE, on__lte=as_of
        ).only("case_id", "on", "reason")
        if e.reason.get("rule") == "dispute_resolved"
        and e.reason.get("outcome") != "written_off"  # its write-off closes it as written off
        and _after(e.on, frame, e.case_id)
    ]
    by_case = pl.DataFrame(credits, schema={"case_id": pl.Int64(), "d": pl.Int64()}, orient="row")
    disputes = by_case.group_by("case_id").agg(pl.col("d").sum())
    return (
        frame.join(disputes, on="case_id", how="left")
        .with_columns(dispute_credits_minor=pl.col("d").fill_null(0))
        .select(list(schema))
    )


def _after(on: date, frame: pl.DataFrame, case_id: int) -> bool:
    last = frame.filter(pl.col("case_id") == case_id)["last_closed"]
    return last.is_empty() or last[0] is None or on > last[0]


# Per case: the day it last closed, payments on its items and credit notes applied since then.
_SETTLED = (
    "SELECT c.id AS case_id, lc.last_closed, c.debtor_id, c.currency, "
    " (SELECT COALESCE(SUM(a.amount_minor), 0) FROM ledger_allocation a "
    "  JOIN ledger_payment p ON p.id = a.payment_id JOIN ledger_openitem i ON i.id = a.item_id "
    "  WHERE i.debtor_id = c.debtor_id AND i.currency = c.currency AND i.kind IN ({kinds}) "
    "  AND p.received_on <= %s AND (lc.last_closed IS NULL OR p.received_on > lc.last_closed)"
    " ) AS paid_minor, "
    " (SELECT COALESCE(SUM(i.original_minor - i.open_minor), 0) FROM ledger_openitem i "
    "  WHERE i.debtor_id = c.debtor_id AND i.currency = c.currency AND i.kind = '{credit}' "
    "  AND i.issue_date <= %s AND (lc.last_closed IS NULL OR i.issue_date > lc.last_closed)"
    " ) AS credit_notes_minor, 0 AS dispute_credits_minor "
    'FROM cases_case c LEFT JOIN (SELECT case_id, MAX(e."on") AS last_closed '
    " FROM cases_caseevent e WHERE e.kind = 'closed' GROUP BY case_id) lc ON lc.case_id = c.id "
    "WHERE c.company_id = %s AND c.id IN ({ids})"
)


def holidays_for(*, company: Company) -> frozenset[date]:
    """The company's holidays, for its business-day rules (`arrears.domain.dates`): read once
    by a run, once by a desk write."""
    return once(
        ("holidays", company.pk),
        lambda: frozenset(Holiday.objects.filter(company=company).values_list("day", flat=True)),
    )


def holidays_read(*, actor: Any, company: Company, year: int | None = None) -> list[Holiday]:
    """The company's holidays (of `year`), in date order, for anyone of the company."""
    require(actor, Verb.READ, company_id=company.pk, what="read the company's holidays")
    rows = Holiday.objects.filter(company=company)
    if year is not None:
        rows = rows.filter(day__year=year)
    return list(rows.order_by("day"))


def run_pending_actions(*, company: Company) -> pl.DataFrame:
    """Actions still to be done (open) or sent (queued): a person's stay the case's next action
    until done; the run cancels those a climb overtook or whose case closed."""
    return read_frame(
        "SELECT a.id, c.debtor_id, c.currency, a.due_on, a.step_code, a.channel, a.role "
        "FROM cases_action a JOIN cases_case c ON c.id = a.case_id "
        "WHERE c.company_id = %s AND a.status IN ('open', 'queued')",
        [company.pk],
        {
            "id": pl.Int64(),
            "debtor_id": pl.Int64(),
            "currency": pl.String(),
            "due_on": pl.Date(),
            "step_code": pl.String(),
            "channel": pl.String(),
            "role": pl.String(),
        },
    )


def run_case_seen(*, company: Company) -> pl.DataFrame:
    """Per case, the last day a person finished a call, task or review on it (done, or
    cancelled by hand): the run counts the step's review cadence from there."""
    return read_frame(
        "SELECT c.debtor_id, c.currency, MAX(COALESCE(a.done_on, a.cancelled_on)) AS seen_on "
        "FROM cases_action a JOIN cases_case c ON c.id = a.case_id "
        "WHERE c.company_id = %s AND a.channel IN ('phone', 'task') AND a.done_by_id IS NOT NULL "
        "AND a.status IN ('done', 'cancelled') GROUP BY c.debtor_id, c.currency",
        [company.pk],
        {"debtor_id": pl.Int64(), "currency": pl.String(), "seen_on": pl.Date()},
    )


@dataclass(frozen=True)
class Explanation:
    """Why a case stands where it stands: its state and the events that put it there."""

    case: Case
    events: list[CaseEvent]
    holds: list[HoldChange]
    actions: list[Action]  # the latest, oldest first, with their state and outcome
    notes: bool  # the reader may read its negotiation notes too (not sales): shown beside it
    items: dict[int, OpenItem]  # the items the history's steps name, read once for them all
    on_hold: bool = False  # the debtor's credit is on hold now


EXPLAIN_ACTIONS = 10  # how many of a case's latest actions explain shows


def case_explain(
    *, actor: Any, company: Company, debtor_code: str, currency: str | None = None
) -> list[Explanation]:
    """The cases of one debtor (one per currency) with their history, newest last: for a
    member who may read them (a collector reads another's only if the company allows it)."""
    require(actor, Verb.READ, company_id=company.pk)
    notes = may(actor, Verb.READ_NOTES, company_id=company.pk)
    cases = Case.objects.filter(company=company, debtor__code=debtor_code).select_related(
        "debtor", "debtor__owner", "driving_item"
    )
    if currency:
        cases = cases.filter(currency=currency)
    out = []
    for case in cases.order_by("-status", "currency"):
        require(actor, Verb.READ_OTHERS, company_id=company.pk, owner_id=case.debtor.owner_id)
        case.company = company  # the panels ask it: not read again
        if case.debtor.company_id == company.pk:
            case.debtor.company = company
        events = list(case.events.select_related("run", "actor").order_by("on", "id"))
        holds = list(HoldChange.objects.filter(debtor=case.debtor).order_by("on", "id"))
        latest = case.actions.select_related("done_by").order_by("-due_on", "-id")
        actions = list(reversed(latest[:EXPLAIN_ACTIONS]))
        if not notes:
            _without_notes(events, actions)
        on_hold = CreditHold.objects.filter(debtor_id=case.debtor_id).exists()
        out.append(Explanation(case, events, holds, actions, notes, _step_items(events), on_hold))
    return out


def _step_items(events: list[CaseEvent]) -> dict[int, OpenItem]:
    """The items the step events name (the one that drove each step), in one query."""
    ids = {e.reason.get("inputs", {}).get("driving_item_id") for e in events if e.took_step}
    return OpenItem.objects.in_bulk([int(i) for i in ids if i])


def _without_notes(events: list[CaseEvent], actions: list[Action]) -> None:
    """What a person who reads no notes (sales) is given of a case's actions: that a call was
    made and how it ended, not what the debtor said (the note). Only these read copies lose it
    (they are never saved)."""
    for a in actions:
        a.note = ""
    for e in events:
        if e.kind == EventKind.ACTION and "note" in e.reason:
            e.reason = {k: v for k, v in e.reason.items() if k != "note"}


@dataclass(frozen=True, slots=True)
class CaseBalance:
    """What a case's items owe on a day, as the ledger stands."""

    currency: str
    open_minor: int
    overdue_minor: int
    oldest_due_on: date | None
    as_of: date


def case_balance(*, case: Case, as_of: date) -> CaseBalance:
    """Open and overdue on the case's items (an item a defaulted plan made due at once is due
    from then), whatever the desk holds off the ladder: what the debtor owes, where
    `Case.open_minor` / `overdue_minor` are what the run duns (nothing, once handed over)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.due_date, x.accelerated_on, i.open_minor FROM ledger_openitem i "
            "LEFT JOIN cases_itemdeskinput x ON x.item_id = i.id "
            f"WHERE i.debtor_id = %s AND i.currency = %s AND i.open_minor > 0 AND i.kind IN ({_KINDS})",
            [case.debtor_id, case.currency],
        )
        rows = cur.fetchall()
    open_minor = overdue_minor = 0
    oldest: date | None = None
    for due, accelerated, minor in rows:
        due = effective_due(_day(due), None if accelerated is None else _day(accelerated))
        open_minor += minor
        if due < as_of:
            overdue_minor += minor
            oldest = due if oldest is None else min(oldest, due)
    return CaseBalance(case.currency, open_minor, overdue_minor, oldest, as_of)


def _day(value: object) -> date:
    """A date column as a date (SQLite's driver returns text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def company_overview(*, actor: Any, as_of: date) -> list[dict[str, object]]:
    """Per company the person belongs to (`companies_of`: no other is listed, nor named): open
    cases, next actions due by `as_of`, the last finished run (`last_run`, as the run and the
    desk count it). Nobody's companies: an empty list."""
    out: list[dict[str, object]] = []
    for company in Company.objects.filter(pk__in=companies_of(actor)).order_by("name"):
        open_cases = Case.objects.filter(company=company, status=CaseStatus.OPEN)
        out.append(
            {
                "company": company,
                "open_cases": open_cases.count(),
                "due": open_cases.filter(next_action_on__lte=as_of).count(),
                "last_run": last_run(company=company),
            }
        )
    return out


# --- the desk: finding a debtor, one case's debtor and items ------------------------------

SEARCH_MOST = 50  # debtors a search lists; a longer list asks for a narrower word


@dataclass(frozen=True, slots=True)
class CaseRef:
    case_id: int
    currency: str
    status: str


@dataclass(frozen=True, slots=True)
class DebtorHit:
    """A debtor a search found, with its cases (one per currency)."""

    debtor_id: int
    code: str
    name: str
    owner: str  # "" if it has none
    cases: tuple[CaseRef, ...]
    registration_number: str = ""
    vat_number: str = ""


def _compact(text: str) -> str:
    """A registration number or VAT id as compared: upper case, without spaces, dots or
    dashes ("DE 123.456-789" is "DE123456789")."""
    return "".join(ch for ch in text.upper() if ch not in " .-/")


def _compacted(field: str) -> Any:
    """The column compacted as `_compact` does, in SQL (SQLite and PostgreSQL alike)."""
    from django.db.models.functions import Replace, Upper

    out: Any = Upper(field)
    for ch in " .-/":
        out = Replace(out, models.Value(ch), models.Value(""))
    return out


def debtor_search(*, actor: Any, company_id: int, text: str) -> list[DebtorHit]:
    """The company's debtors whose code or name holds `text`, or whose registration number or
    VAT id is `text` (spaces, dots, dashes and case aside), an exact code or number first,
    among those the person may read (a collector: their own, unless the company lets them
    read others'); at most SEARCH_MOST, in two queries after the access check."""
    role = require(actor, Verb.READ, company_id=company_id)
    text = text.strip()
    if not text:
        return []
    compact = _compact(text)
    found = Debtor.objects.filter(company_id=company_id).annotate(
        reg=_compacted("registration_number"), vat=_compacted("vat_number")
    )
    number = (models.Q(reg=compact) | models.Q(vat=compact)) if compact else models.Q(pk=None)
    found = found.filter(
        models.Q(code__iexact=text)
        | models.Q(code__icontains=text)
        | models.Q(name__icontains=text)
        | number
    )
    only = readable_owner(actor, role, company_id)
    if only is not None:
        found = found.filter(owner_id=only)
    rows = list(
        found.select_related("owner")
        .annotate(
            exact=models.Case(models.When(models.Q(code__iexact=text) | number, then=0), default=1)
        )
        .order_by("exact", "code")[:SEARCH_MOST]
    )
    cases: dict[int, list[CaseRef]] = {}
    for cid, did, cur, status in (
        Case.objects.filter(debtor__in=[d.pk for d in rows])
        .order_by("-status", "currency")
        .values_list("id", "debtor_id", "currency", "status")
    ):
        cases.setdefault(did, []).append(CaseRef(cid, cur, status))
    return [
        DebtorHit(
            d.pk,
            d.code,
            d.name,
            d.owner.get_username() if d.owner else "",
            tuple(cases.get(d.pk, [])),
            d.registration_number,
            d.vat_number,
        )
        for d in rows
    ]


@dataclass(frozen=True, slots=True)
class CaseItem:
    """An open item of a case as the desk lists it: due (after any acceleration), days
    overdue on the day asked, and the part the ladder does not dun (disputed, under a plan)."""

    number: str
    kind: str
    issue_date: date
    due_date: date
    original_minor: int
    open_minor: int
    excluded_minor: int
    days_overdue: int  # 0 when not yet due


def open_items_of(debtor_ids: list[int], currency: str | None = None) -> dict[Any, list[OpenItem]]:
    """The dunnable open items of these debtors, by (debtor id, currency), oldest due first,
    each with `held_back_minor` (what the run holds back) and `accelerated_on` (when a
    defaulted plan made it due). Read once per page (`common.reads`): a caller copies."""
    return once(
        ("open_items", tuple(debtor_ids), currency), lambda: _read_open_items(debtor_ids, currency)
    )


def _read_open_items(debtor_ids: list[int], currency: str | None) -> dict[Any, list[OpenItem]]:
    rows = (
        OpenItem.objects.filter(debtor_id__in=debtor_ids, open_minor__gt=0, kind__in=DUNNABLE_KINDS)
        .annotate(
            held_back_minor=Coalesce(F("desk_input__excluded_minor"), Value(0)),
            accelerated_on=F("desk_input__accelerated_on"),
        )
        .order_by("due_date", "number")
    )
    if currency:
        rows = rows.filter(currency=currency)
    out: dict[Any, list[OpenItem]] = {}
    for i in rows:
        out.setdefault((i.debtor_id, i.currency), []).append(i)
    return out


def case_items(*, case: Case, as_of: date) -> list[CaseItem]:
    """The case's open items, oldest due first, in one query (the caller asked access)."""
    rows = open_items_of([case.debtor_id], case.currency).get((case.debtor_id, case.currency), [])
    out = []
    for i in rows:
        due = effective_due(i.due_date, getattr(i, "accelerated_on", None))
        out.append(
            CaseItem(
                number=i.number,
                kind=i.kind,
                issue_date=i.issue_date,
                due_date=due,
                original_minor=i.original_minor,
                open_minor=i.open_minor,
                excluded_minor=getattr(i, "held_back_minor", 0),
                days_overdue=max(0, (as_of - due).days),
            )
        )
    return out


def pending_actions(case: Case) -> tuple[Action, ...]:
    """The case's actions still to be done or sent, the first due first (the caller asked
    access; read once per page: the to-do list and the call script)."""
    return once(
        ("pending_actions", case.pk),
        lambda: tuple(
            Action.objects.filter(case=case, status__in=PENDING_STATUSES)
            .select_related("done_by")
            .order_by("due_on", "id")
        ),
    )


def debtor_contacts(*, debtor_id: int) -> list[Contact]:
    """The debtor's contacts, the primary first (the caller asked access; read once per
    page, so a copy)."""
    return list(
        once(
            ("contacts", debtor_id),
            lambda: tuple(
                Contact.objects.filter(debtor_id=debtor_id).order_by("-is_primary", "name")
            ),
        )
    )
