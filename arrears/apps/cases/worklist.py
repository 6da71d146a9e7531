"""The worklist: today's and overdue open actions, highest priority first, each with the
figures that placed it (§1 one owner works a daily list; §3-4 the score in
`arrears.domain.scoring`).

Whose list: the actor's own by default; a named person's (READ_OTHERS: credit managers, or
collectors where the company lets them); or, with `team`, the people who report to the actor.
A person's own list holds the actions on cases of the debtors they own that their role lets
them do (`domain.access.decide_action`, as `action-done` asks it: a collector's list leaves
off the credit manager's final notice and legal or agency hand-over task on their accounts),
plus, for a role that sees every case of the company (a credit manager, legal), the actions
the ladder gives that role. The terminal, and later the web desk's home page, show what this returns; nothing here
knows how it is shown. A constant number of queries, however many lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

import polars as pl
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery

from arrears.apps.accounts.access import readable_owner, require
from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.selectors import reports_of
from arrears.apps.cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    PropensityModel,
    StrategyStep,
)
from arrears.apps.cases.propensity import active_model, desk_history
from arrears.apps.cases.selectors import conversion_factors
from arrears.apps.common.bulk import is_postgres, read_frame
from arrears.apps.ledger.models import (
    DUNNABLE_KINDS,
    Allocation,
    Company,
    Debtor,
    ImportBatch,
    ImportKind,
    OpenItem,
    Payment,
)
from arrears.domain import kpi
from arrears.domain import propensity as P
from arrears.domain.access import PersonRole, Verb, acted_for, decide
from arrears.domain.fx import SCALE
from arrears.domain.ladder import Channel, Role
from arrears.domain.money import CURRENCY_EXPONENTS
from arrears.domain.plans.acceleration import due_after_acceleration
from arrears.domain.refusal import Refusal
from arrears.domain.scoring import (
    ACTIONS_SCHEMA,
    BUCKET_CODES,
    Reasons,
    case_figures,
    in_priority_order,
    score_actions_on,
)

UNKNOWN_FILTER = "worklist.unknown_filter"
UNKNOWN_PERSON = "worklist.unknown_person"
NOT_IN_TEAM = "worklist.not_in_team"


@dataclass(frozen=True, slots=True)
class WorklistLine:
    """One action to do, where it ranks, and why (`reasons`: the score's figures)."""

    rank: int
    action_id: int
    case_id: int
    debtor_id: int
    debtor_code: str
    debtor_name: str
    owner: str  # the debtor owner's username; "" if it has none (a §1 defect)
    step_code: str
    channel: Channel
    role: Role
    due_on: date
    currency: str  # the case's
    company_currency: str
    reasons: Reasons
    # with the company's propensity model: P(the case's items paid in full within its
    # horizon), and the features that moved it most (feature, value, percentage points)
    p_paid: float | None = None
    drivers: tuple[tuple[str, float | None, int], ...] = ()


def worklist(
    *,
    actor: Any,
    company_id: int,
    on: date,
    owner: str | None = None,
    team: bool = False,
    channel: str | None = None,
    step: str | None = None,
    bucket: str | None = None,
    currency: str | None = None,
) -> list[WorklistLine]:
    """The open actions due by `on` on open cases, in priority order (module docstring).
    `owner`: a username (within the team, with `team`); the rest narrow the list."""
    return list(
        worklist_lines(
            actor=actor,
            company_id=company_id,
            on=on,
            owner=owner,
            team=team,
            channel=channel,
            step=step,
            bucket=bucket,
            currency=currency,
        )
    )


class WorklistLines(Sequence[WorklistLine]):
    """`worklist`'s lines, each made when it is read: a page of 50 out of 5,000 makes 50
    (making every line took most of a long list's time). Slicing and `sorted_by` keep each
    line's rank (its place in priority order)."""

    def __init__(self, ordered: pl.DataFrame, company_currency: str) -> None:
        self._frame = ordered  # _LINE's columns and the rank, in the order listed
        self._currency = company_currency

    def __len__(self) -> int:
        return self._frame.height

    @overload
    def __getitem__(self, i: int) -> WorklistLine: ...
    @overload
    def __getitem__(self, i: slice) -> list[WorklistLine]: ...
    def __getitem__(self, i: int | slice) -> WorklistLine | list[WorklistLine]:
        if isinstance(i, slice):
            start, stop, stride = i.indices(self._frame.height)
            part = self._frame.slice(start, max(0, stop - start))
            return _lines(part, self._currency)[::stride]
        n = i + self._frame.height if i < 0 else i
        if not 0 <= n < self._frame.height:
            raise IndexError(i)
        return _lines(self._frame.slice(n, 1), self._currency)[0]

    def __iter__(self) -> Iterator[WorklistLine]:
        return iter(_lines(self._frame, self._currency))

    def sorted_by(self, column: str, *, descending: bool, reverse: bool) -> WorklistLines:
        """Sorted by a line's column (`descending`: largest first), ties in rank order; the
        whole order turned round with `reverse` (as `sorted(..., reverse=True)` would)."""
        order = self._frame.sort(
            [column, "rank"], descending=[descending != reverse, reverse], maintain_order=True
        )
        return WorklistLines(order, self._currency)


def worklist_lines(
    *,
    actor: Any,
    company_id: int,
    on: date,
    owner: str | None = None,
    team: bool = False,
    channel: str | None = None,
    step: str | None = None,
    bucket: str | None = None,
    currency: str | None = None,
) -> WorklistLines:
    """`worklist`, its lines made as they are read (a page's worth for a page)."""
    require(actor, Verb.READ, company_id=company_id)
    _check_filters(company_id, channel=channel, step=step, bucket=bucket, currency=currency)
    people = _whose(actor, company_id, owner=owner, team=team)
    if not people:
        return _no_lines()
    ask = _ask(company_id, on, people, channel=channel, step=step, currency=currency)
    meta = _action_rows(ask)
    if meta.height == 0:
        return _no_lines()
    # whether the company has an active propensity model, and when it last imported the ERP's
    # items (what the ERP cleared without a payment is dated then), read with the company (no
    # query more without a model)
    active = PropensityModel.objects.filter(company_id=OuterRef("pk"), active=True)
    imported = ImportBatch.objects.filter(
        company_id=OuterRef("pk"), kind=ImportKind.ITEMS, at__date__lte=on
    ).order_by("-at")
    company = Company.objects.annotate(
        learned=Exists(active), items_imported_at=Subquery(imported.values("at")[:1])
    ).get(pk=company_id)
    factors = conversion_factors(company=company, as_of=on)
    figures = _kept_figures(company_id, on, people, meta, ask)
    scored = score_actions_on(meta, figures, on=on, factors=factors)
    if bucket is not None:
        scored = scored.filter(pl.col("bucket") == bucket)
    model = None
    if company.learned:
        try:
            model = active_model(company)
        except Refusal:
            # A stored model whose bytes or features are wrong ranks nothing: the list keeps
            # the rule-based order (`arrears propensity show` says why; a retrain mends it).
            model = None
    if model is not None:
        at = company.items_imported_at
        cleared_on = min(at.date(), on) if at is not None else on
        scored = _learned(scored, model, _history(company_id, ask), on, cleared_on, factors)
    ordered = in_priority_order(scored).join(
        meta.drop(*ACTIONS_SCHEMA.keys() - {"action_id"}), on="action_id", maintain_order="left"
    )
    ranked = _with_model_columns(ordered).select(_LINE).with_row_index("rank", offset=1)
    return WorklistLines(ranked, company.currency)


def _no_lines() -> WorklistLines:
    return WorklistLines(
        pl.DataFrame(schema={"rank": pl.UInt32, **dict.fromkeys(_LINE, pl.Null)}), ""
    )


@dataclass(frozen=True, slots=True)
class WorklistFilters:
    """What a person may narrow their worklist by, for a form's choices: the company's steps,
    the currencies of its open cases, and whose list (empty: only their own)."""

    channels: tuple[str, ...]
    buckets: tuple[str, ...]
    steps: tuple[str, ...]
    currencies: tuple[str, ...]
    owners: tuple[str, ...]


_OWNING_ROLES = (PersonRole.COLLECTOR.value, PersonRole.CREDIT_MANAGER.value)


def worklist_filters(*, actor: Any, company_id: int) -> WorklistFilters:
    """The choices of the worklist's filters for this person (access as `worklist`'s): another
    person's list only to those who may read it (a credit manager; collectors where the
    company lets them). The selector still refuses any value typed in besides these."""
    role = require(actor, Verb.READ, company_id=company_id)
    owners: tuple[str, ...] = ()
    if readable_owner(actor, role, company_id) is None:
        rows = Membership.objects.filter(company_id=company_id, active=True, role__in=_OWNING_ROLES)
        owners = tuple(sorted(rows.values_list("person__username", flat=True)))
    steps = _steps_of(company_id)
    return WorklistFilters(
        channels=tuple(c.value for c in Channel),
        buckets=tuple(BUCKET_CODES),
        steps=tuple(steps.split(", ")) if steps else (),
        currencies=_open_currencies(company_id),
        owners=owners,
    )


# The distinct currencies of the company's open cases, each found by one step along the
# (company, status, currency) index from the one before: a few index reads, not one per case.
_OPEN_CURRENCIES = (
    "WITH RECURSIVE cur(c) AS ("
    "SELECT MIN(currency) FROM {case} WHERE company_id = %s AND status = %s "
    "UNION ALL SELECT (SELECT MIN(x.currency) FROM {case} x "
    "WHERE x.company_id = %s AND x.status = %s AND x.currency > cur.c) "
    "FROM cur WHERE cur.c IS NOT NULL) "
    "SELECT c FROM cur WHERE c IS NOT NULL"
)


def _open_currencies(company_id: int) -> tuple[str, ...]:
    sql = _OPEN_CURRENCIES.format(case=Case._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(sql, [company_id, CaseStatus.OPEN.value] * 2)
        return tuple(sorted(c for (c,) in cur.fetchall()))


def _refuse_unknown(name: str, value: str, choices: list[str] | tuple[str, ...]) -> None:
    if value not in choices:
        raise Refusal(UNKNOWN_FILTER, name=name, value=value, choices=", ".join(choices))


def _check_filters(
    company_id: int,
    *,
    channel: str | None,
    step: str | None,
    bucket: str | None,
    currency: str | None,
) -> None:
    """Refuse a filter that names nothing the company could have (a typo, not an empty list)."""
    if channel is not None:
        _refuse_unknown("channel", channel, [c.value for c in Channel])
    if bucket is not None:
        _refuse_unknown("bucket", bucket, BUCKET_CODES)
    if currency is not None and currency not in CURRENCY_EXPONENTS:
        raise Refusal(UNKNOWN_FILTER, name="currency", value=currency, choices="ISO 4217 codes")
    if step is not None and not _step_known(company_id, step):
        raise Refusal(UNKNOWN_FILTER, name="step", value=step, choices=_steps_of(company_id))


def _step_known(company_id: int, step: str) -> bool:
    on_ladder = StrategyStep.objects.filter(strategy__company_id=company_id, code=step)
    on_desk = Action.objects.filter(case__company_id=company_id, step_code=step)
    return on_ladder.exists() or on_desk.exists()


def _steps_of(company_id: int) -> str:
    codes = StrategyStep.objects.filter(strategy__company_id=company_id).values_list("code")
    return ", ".join(sorted({c for (c,) in codes}))


def _whose(actor: Any, company_id: int, *, owner: str | None, team: bool) -> dict[int, PersonRole]:
    """The people whose lists are asked for, with their roles (access checked here)."""
    if team:
        require(actor, Verb.READ_OTHERS, company_id=company_id, what="read their team's worklists")
        ids = reports_of(actor.pk, company_id)
        people = _members(company_id, Q(person_id__in=ids))
        if owner is None:
            return people
        named = _members(company_id, Q(person__username=owner))
        if not named:
            raise Refusal(UNKNOWN_PERSON, username=owner)
        if not named.keys() <= people.keys():
            raise Refusal(NOT_IN_TEAM, username=owner, manager=actor.get_username())
        return named
    if owner is None:
        return _members(company_id, Q(person_id=actor.pk))
    people = _members(company_id, Q(person__username=owner))
    if not people:
        raise Refusal(UNKNOWN_PERSON, username=owner)
    (pid,) = people
    what = f"read {owner}'s worklist"
    require(actor, Verb.READ_OTHERS, company_id=company_id, owner_id=pid, what=what)
    return people


def _members(company_id: int, which: Q) -> dict[int, PersonRole]:
    rows = Membership.objects.filter(which, company_id=company_id, active=True)
    return {pid: PersonRole(role) for pid, role in rows.values_list("person_id", "role")}


# The ladder's roles a person of each role acts for beyond their own debtors: only roles that
# see every case of the company (a collector's ladder actions are those on their debtors).
_LADDER_ROLE = {PersonRole.CREDIT_MANAGER: Role.CREDIT_MANAGER, PersonRole.LEGAL: Role.LEGAL}


def _ladder_roles(people: dict[int, PersonRole]) -> list[str]:
    return sorted(
        _LADDER_ROLE[r].value
        for r in set(people.values())
        if r in _LADDER_ROLE and decide(r, Verb.READ_OTHERS) is None
    )


def _own_roles(role: PersonRole) -> frozenset[str] | None:
    """The ladder's roles whose actions a person of `role` may do on the debtors they own
    (`decide_action`, as `action-done` asks it); None: every role's (a credit manager)."""
    allowed = acted_for(role, (r.value for r in Role), owns=True)
    return None if allowed == frozenset(r.value for r in Role) else allowed


def _owned_work(people: dict[int, PersonRole]) -> tuple[str, list[Any]]:
    """The SQL condition and parameters for the actions on the people's own debtors that
    their role lets them do: a collector's list leaves off the credit manager's final notice
    and hand-over task on their accounts (those are on the credit manager's list), so nobody
    is offered work `action-done` would refuse them."""
    by_roles: dict[frozenset[str] | None, list[int]] = {}
    for pid in sorted(people):
        by_roles.setdefault(_own_roles(people[pid]), []).append(pid)
    parts: list[str] = []
    params: list[Any] = []
    for roles, ids in sorted(by_roles.items(), key=lambda kv: kv[1]):
        if roles is not None and not roles:
            continue
        part = f"d.owner_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
        if roles is not None:
            part = f"({part} AND a.role IN ({', '.join(['%s'] * len(roles))}))"
            params += sorted(roles)
        parts.append(part)
    return (f"({' OR '.join(parts)})" if parts else "1 = 0"), params


@dataclass(frozen=True, slots=True)
class _Ask:
    """The FROM and WHERE of the listed actions, with their parameters: read once for the
    lines and once, as a subquery, for their debtors' items (bulk reads, `read_frame`).
    `by_owner`: on PostgreSQL, for the lists of owners alone (no ladder role), the same rows'
    FROM and WHERE read from the owners' debtors (`_BY_OWNER`), with their parameters."""

    tables: str
    where: str
    params: list[Any]
    by_owner: tuple[str, list[Any]] | None = None


# The listed actions read from the owners' debtors (`{owned}`: `_owned_work`, the roles each
# owner may act for): each debtor's open cases, then each case's
# pending actions, by index (a collector's 5,000 debtors: about 30,000 index pages, one
# process). `OFFSET 0` keeps each subquery a probe for its row: without it the planner scans
# the company's every open case (in parallel: a second process) and hashes them against the
# owner's debtors, which took 1.2-1.5 times as long at the same load, on 113,000 open cases.
_BY_OWNER = (
    "FROM {debtor} d LEFT JOIN {user} u ON u.id = d.owner_id "
    "CROSS JOIN LATERAL (SELECT c.id, c.debtor_id, c.currency FROM {case} c "
    "WHERE c.debtor_id = d.id AND c.company_id = %s AND c.status = %s{case_also} OFFSET 0) c "
    "CROSS JOIN LATERAL (SELECT a.id, a.case_id, a.due_on, a.step_code, a.channel, a.role "
    "FROM {action} a WHERE a.case_id = c.id AND a.status IN (%s, %s) AND a.due_on <= %s"
    "{action_also} OFFSET 0) a "
    "WHERE {owned}"
)


def _ask(
    company_id: int,
    on: date,
    people: dict[int, PersonRole],
    *,
    channel: str | None,
    step: str | None,
    currency: str | None,
) -> _Ask:
    owned, owned_params = _owned_work(people)
    roles = _ladder_roles(people)
    whose = f"({owned} OR a.role IN ({', '.join(['%s'] * len(roles))}))" if roles else owned
    tables = (
        f"{Action._meta.db_table} a JOIN {Case._meta.db_table} c ON c.id = a.case_id "
        f"JOIN {Debtor._meta.db_table} d ON d.id = c.debtor_id"
    )
    # Pending: to do (open) or to send (queued: nothing sends letters yet, so they are work).
    where = (
        f"c.company_id = %s AND c.status = %s AND a.status IN (%s, %s) AND a.due_on <= %s "
        f"AND {whose}"
    )
    params: list[Any] = [
        company_id,
        CaseStatus.OPEN.value,
        ActionStatus.OPEN.value,
        ActionStatus.QUEUED.value,
        on.isoformat(),
    ]
    params += owned_params
    params += roles
    for column, value in (("a.channel", channel), ("a.step_code", step), ("c.currency", currency)):
        if value is not None:
            where += f" AND {column} = %s"
            params.append(value)
    by_owner = None
    if not roles and is_postgres():
        case_also = " AND c.currency = %s" if currency is not None else ""
        action_also = "".join(
            f" AND a.{column} = %s"
            for column, value in (("channel", channel), ("step_code", step))
            if value is not None
        )
        sql = _BY_OWNER.format(
            debtor=Debtor._meta.db_table,
            user=get_user_model()._meta.db_table,
            case=Case._meta.db_table,
            action=Action._meta.db_table,
            case_also=case_also,
            action_also=action_also,
            owned=owned,
        )
        values = [company_id, CaseStatus.OPEN.value, *([currency] if currency is not None else [])]
        values += [ActionStatus.OPEN.value, ActionStatus.QUEUED.value, on.isoformat()]
        values += [v for v in (channel, step) if v is not None]
        by_owner = (sql, values + owned_params)
    return _Ask(tables, where, params, by_owner)


META_SCHEMA: dict[str, pl.DataType] = {
    **ACTIONS_SCHEMA,
    "case_id": pl.Int64(),
    "debtor_code": pl.String(),
    "debtor_name": pl.String(),
    "owner": pl.String(),
    "step_code": pl.String(),
    "channel": pl.String(),
    "role": pl.String(),
}


_ROW = (
    "SELECT a.id AS action_id, c.debtor_id, c.currency, a.due_on, a.case_id, "
    "d.code AS debtor_code, d.name AS debtor_name, u.username AS owner, a.step_code, "
    "a.channel, a.role "
)


def _action_rows(ask: _Ask) -> pl.DataFrame:
    """The actions with their case, debtor and owner, in one read."""
    if ask.by_owner is not None:
        sql, params = ask.by_owner
        return read_frame(_ROW + sql, params, META_SCHEMA)
    user = get_user_model()._meta.db_table
    sql = f"{_ROW}FROM {ask.tables} LEFT JOIN {user} u ON u.id = d.owner_id WHERE {ask.where}"
    return read_frame(sql, ask.params, META_SCHEMA)


_KINDS = ", ".join(f"'{k.value}'" for k in DUNNABLE_KINDS)
# The open dunnable items of the listed actions' debtors; an item a defaulted plan made due at
# once is due from that day, as the run duns it (`domain.plans.acceleration`). `+` keeps
# SQLite from reading the company's every item by the (company, number) index.
_ITEMS = (
    "SELECT i.debtor_id, i.currency, i.due_date, d.accelerated_on, "
    "i.open_minor, COALESCE(d.excluded_minor, 0) AS excluded_minor, "
    "COALESCE(d.broken_promises, 0) AS broken_promises "
    "FROM ledger_openitem i LEFT JOIN cases_itemdeskinput d ON d.item_id = i.id "
    f"WHERE +i.company_id = %s AND i.open_minor > 0 AND i.kind IN ({_KINDS}) "
    "AND i.debtor_id IN (SELECT c.debtor_id FROM {tables} WHERE {where})"
)

_ITEMS_READ: dict[str, pl.DataType] = {  # ITEMS_SCHEMA and the day a plan made it due at once
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "due_date": pl.Date(),
    "accelerated_on": pl.Date(),
    "open_minor": pl.Int64(),
    "excluded_minor": pl.Int64(),
    "broken_promises": pl.Int32(),
}


def _items(company_id: int, ask: _Ask) -> pl.DataFrame:
    sql = _ITEMS.format(tables=ask.tables, where=ask.where)
    return due_after_acceleration(read_frame(sql, [company_id, *ask.params], _ITEMS_READ))


# The open items of some debtors (a few the kept figures lack), as `_ITEMS` reads them.
_ITEMS_OF = (
    "SELECT i.debtor_id, i.currency, i.due_date, d.accelerated_on, "
    "i.open_minor, COALESCE(d.excluded_minor, 0) AS excluded_minor, "
    "COALESCE(d.broken_promises, 0) AS broken_promises "
    "FROM ledger_openitem i LEFT JOIN cases_itemdeskinput d ON d.item_id = i.id "
    f"WHERE +i.company_id = %s AND i.open_minor > 0 AND i.kind IN ({_KINDS}) "
    "AND i.debtor_id IN ({ids})"
)


def _items_of(company_id: int, debtor_ids: list[int]) -> pl.DataFrame:
    sql = _ITEMS_OF.format(ids=", ".join(["%s"] * len(debtor_ids)))
    return due_after_acceleration(read_frame(sql, [company_id, *debtor_ids], _ITEMS_READ))


# What the cases' figures (O, D, B: `scoring.case_figures`) are made of changes only with an
# import (the ERP's items, payments and allocations), a run, or a write of the desk's inputs
# (`cases.ItemDeskInput`: by the run's negotiation sweep, or at the desk, as a set-off approved;
# its one writer counts each write in `DeskInputsVersion`); the actions are read on every request.
_LEDGER_VERSION = (
    "SELECT (SELECT MAX(b.id) FROM ledger_importbatch b WHERE b.company_id = %s), "
    "(SELECT MAX(r.id) FROM cases_run r WHERE r.company_id = %s), "
    "(SELECT COUNT(*) FROM cases_run r WHERE r.company_id = %s AND r.finished_at IS NULL), "
    "(SELECT v.version FROM cases_deskinputsversion v WHERE v.company_id = %s)"
)
KEPT_SECONDS = 24 * 60 * 60
_FEW_NEW = 500


def _kept_figures(
    company_id: int, on: date, people: dict[int, PersonRole], meta: pl.DataFrame, ask: _Ask
) -> pl.DataFrame:
    """The figures of the listed actions' cases on `on`, kept (Django's cache) for the same
    people, day and ledger (`_LEDGER_VERSION`: imports, runs, the desk's inputs): a collector's
    list reads their debtors' items once a day, then only those of debtors new on it. Nothing
    is kept while a run is under way (its writes may not all be seen yet)."""
    with connection.cursor() as cur:
        cur.execute(_LEDGER_VERSION, [company_id] * 4)
        imports, runs, running, inputs = cur.fetchone()
    key = f"arrears:worklist-figures:{company_id}:{on.isoformat()}:{imports}:{runs}:{inputs}:"
    key += ",".join(f"{pk}{people[pk].value}" for pk in sorted(people))
    kept: tuple[pl.DataFrame, set[int]] | None = None if running else cache.get(key)
    listed = set(meta["debtor_id"].to_list())
    new = sorted(listed - kept[1]) if kept is not None else []
    if kept is not None and not new:
        return kept[0]
    if kept is None or len(new) > _FEW_NEW:  # a list changed beyond a few lines: all again
        figures, seen = case_figures(_items(company_id, ask), on), listed
    else:
        figures = pl.concat([kept[0], case_figures(_items_of(company_id, new), on)])
        seen = kept[1] | listed
    if not running:
        cache.set(key, (figures, seen), KEPT_SECONDS)
    return figures


_CHANNELS = {c.value: c for c in Channel}
_ROLES = {r.value: r for r in Role}
_LINE = [
    "action_id",
    "case_id",
    "debtor_id",
    "debtor_code",
    "debtor_name",
    "owner",
    "step_code",
    "channel",
    "role",
    "due_on",
    "currency",
    *Reasons.__dataclass_fields__,
    "p_paid",
    "drivers",
]


NO_LINES = _no_lines()  # an empty list, as a page shows it when it lists nothing


def _lines(ranked: pl.DataFrame, company_currency: str) -> list[WorklistLine]:
    """Rows (rank and `_LINE`) to lines, by position (100,000 lines is a second, not five)."""
    return [
        WorklistLine(
            rank=rank,
            action_id=action_id,
            case_id=case_id,
            debtor_id=debtor_id,
            debtor_code=code,
            debtor_name=name,
            owner=owner or "",
            step_code=step,
            channel=_CHANNELS[channel],
            role=_ROLES[role],
            due_on=due_on,
            currency=currency,
            company_currency=company_currency,
            reasons=Reasons(*reasons),
            p_paid=p_paid,
            drivers=tuple((d["f"], d["v"], d["pts"]) for d in drivers or ()),
        )
        for (
            rank,
            action_id,
            case_id,
            debtor_id,
            code,
            name,
            owner,
            step,
            channel,
            role,
            due_on,
            currency,
            *reasons,
            p_paid,
            drivers,
        ) in ranked.select("rank", *_LINE).iter_rows()
    ]


def _with_model_columns(ordered: pl.DataFrame) -> pl.DataFrame:
    if "p_paid" in ordered.columns:
        return ordered
    return ordered.with_columns(p_paid=pl.lit(None, pl.Float64), drivers=pl.lit(None))


# The ledger history of the listed actions' debtors, as `propensity.snapshot` reads it: every
# dunnable item (paid or not), with its debtor's risk tier (its segment), and what was
# allocated to them, in two reads; the desk's history of those debtors besides
# (`propensity.desk_history`).
_HISTORY_ITEMS = (
    "SELECT i.id AS item_id, i.debtor_id, i.currency, i.issue_date AS issued_on, "
    "i.due_date AS due_on, i.original_minor AS amount_minor, i.open_minor, "
    "d.risk_tier AS segment, COALESCE(x.excluded_minor, 0) AS excluded_minor "
    "FROM {item} i JOIN {debtor} d ON d.id = i.debtor_id "
    "LEFT JOIN cases_itemdeskinput x ON x.item_id = i.id "
    "WHERE +i.company_id = %s AND i.kind IN ({kinds}) "
    "AND i.debtor_id IN (SELECT c.debtor_id FROM {tables} WHERE {where})"
)
_HISTORY_PAID = (
    "SELECT a.item_id, p.received_on AS paid_on, a.amount_minor "
    "FROM {allocation} a JOIN {payment} p ON p.id = a.payment_id "
    "JOIN {item} i ON i.id = a.item_id "
    "WHERE p.company_id = %s AND i.debtor_id IN (SELECT c.debtor_id FROM {tables} WHERE {where})"
)
_HISTORY_ITEMS_READ: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "issued_on": pl.Date(),
    "due_on": pl.Date(),
    "amount_minor": pl.Int64(),
    "open_minor": pl.Int64(),
    "segment": pl.String(),
    "excluded_minor": pl.Int64(),  # disputed, promised or in a plan (`scoring`'s exclusion)
}
_HISTORY_PAID_READ: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "paid_on": pl.Date(),
    "amount_minor": pl.Int64(),
}


def _history(company_id: int, ask: _Ask) -> tuple[pl.DataFrame, pl.DataFrame, P.Desk]:
    where = {"tables": ask.tables, "where": ask.where}
    items = read_frame(
        _HISTORY_ITEMS.format(
            item=OpenItem._meta.db_table, debtor=Debtor._meta.db_table, kinds=_KINDS, **where
        ),
        [company_id, *ask.params],
        _HISTORY_ITEMS_READ,
    )
    paid = read_frame(
        _HISTORY_PAID.format(
            allocation=Allocation._meta.db_table,
            payment=Payment._meta.db_table,
            item=OpenItem._meta.db_table,
            **where,
        ),
        [company_id, *ask.params],
        _HISTORY_PAID_READ,
    )
    debtors = (f"SELECT c.debtor_id FROM {ask.tables} WHERE {ask.where}", ask.params)
    return items, paid, desk_history(company_id=company_id, debtors=debtors)


TOP_DRIVERS = 3


def _learned(
    scored: pl.DataFrame,
    model: P.Model,
    history: tuple[pl.DataFrame, pl.DataFrame, P.Desk],
    on: date,
    cleared_on: date,
    factors: Mapping[str, int],
) -> pl.DataFrame:
    """The lines ranked by the learned expected recovery (`propensity.case_expected_recovery`,
    the backtest's definition): the case's balance (open less what is disputed, promised or
    in a plan) in the company currency x the probability its items are paid within the
    horizon (their mean weighted by that balance), with the `TOP_DRIVERS` features that moved
    it most. All the lines' items in one batch.

    What the ERP cleared beyond the payments (a credit note set against an item) is settled,
    as in the backtest, on `cleared_on`: the day of the latest items import by `on`, when
    arrears learned of it (the KPIs' rule). Dated on the worklist's day instead, it would make
    the debtor look later every day the list is read."""
    items, paid, desk = history
    payments = pl.concat([paid, kpi.cleared_without_payment(items, paid, cleared_on)])
    ledger = items.drop("open_minor", "excluded_minor")
    snap = P.snapshot(ledger, payments, on, model.horizon, desk)
    if snap.is_empty():
        return scored
    pts = [f"pts_{f}" for f in model.features]
    scored_items = P.drivers(model, snap).join(
        items.select("item_id", "currency", "excluded_minor"), on="item_id", how="left"
    )
    recovery = P.case_expected_recovery(scored_items, ["debtor_id", "currency"])
    rates = pl.DataFrame(
        {"currency": list(factors), "factor": list(factors.values())},
        schema={"currency": pl.String, "factor": pl.Int64},
    )
    # the case's balance into the company currency by the run's rule (`fx`: half-up, on the
    # case's sum), as its overdue amount is
    into = pl.col("chased_minor").cast(pl.Int128) * pl.col("factor").cast(pl.Int128)
    recovery = recovery.join(rates, on="currency", how="left").with_columns(
        balance_company_minor=((into + SCALE // 2) // SCALE).cast(pl.Int64)
    )
    weight = pl.col("open_minor").cast(pl.Float64)
    per_case = (
        scored_items.group_by("debtor_id", "currency")
        .agg(((pl.col(c) * weight).sum() / weight.sum()).alias(c) for c in pts)
        .join(
            recovery.select("debtor_id", "currency", "p_paid", "balance_company_minor"),
            on=["debtor_id", "currency"],
            how="left",
        )
    )
    # the value each feature had (the case's most overdue item's) to say it in words
    values = (
        scored_items.sort("dpd", descending=True)
        .group_by("debtor_id", "currency", maintain_order=True)
        .first()
        .select(
            "debtor_id",
            "currency",
            *(pl.col(f).cast(pl.Float64).alias(f"v_{f}") for f in model.features),
        )
    )
    cases = per_case.join(values, on=["debtor_id", "currency"], how="left")
    drivers: list[list[tuple[str, float | None, int]]] = []
    for row in cases.iter_rows(named=True):
        moved = sorted(model.features, key=lambda f: -abs(row[f"pts_{f}"] or 0.0))
        drivers.append(
            [
                (f, row[f"v_{f}"], round(row[f"pts_{f}"]))
                for f in moved[:TOP_DRIVERS]
                if round(row[f"pts_{f}"] or 0.0) != 0
            ]
        )
    cases = cases.select("debtor_id", "currency", "p_paid", "balance_company_minor").with_columns(
        drivers=pl.Series(
            drivers, dtype=pl.List(pl.Struct({"f": pl.String, "v": pl.Float64, "pts": pl.Int64}))
        )
    )
    learned = scored.join(cases, on=["debtor_id", "currency"], how="left", maintain_order="left")
    expected = P.expected_of(pl.col("balance_company_minor").fill_null(0), pl.col("p_paid"))
    return learned.with_columns(expected_minor=expected, score=expected).drop(
        "balance_company_minor"
    )
