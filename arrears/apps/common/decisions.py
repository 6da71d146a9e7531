"""What waits for a credit manager's decision, from every app, in one list.

Each app that asks a credit manager to decide (the negotiation desk's approval queue, set-offs,
hand-overs, fee waivers ...) registers one `DecisionKind` in its AppConfig.ready: how to read
what waits (a fixed number of queries, however many wait) and how to decide one (its own
service, which checks who may, four eyes included, and records the decision). The faces (the
web desk's approvals page) list and decide through this registry alone, so a new kind is one
`register` call and no change to the page.

This module knows no model: it sits at the bottom of the layers so that every app may
register here. The page reads what waits a page at a time (`listing`): each kind gives the
columns the page sorts by as a query (`listed`), the database orders and pages them all in
one union, and only the page's requests are made whole (`waiting` with `ids`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, overload

from django.core.exceptions import EmptyResultSet
from django.db import connection


@dataclass(frozen=True)
class Waiting:
    """One request waiting for a decision, with what the page shows of it (in its app's
    presenter's words)."""

    kind: str  # the registered kind's key ("approval", "setoff", "handover", ...)
    id: int  # the request's id within its kind
    label: str  # how the terminal names it ("A12", "S3", "task A45")
    what: str  # what is asked, in words ("plan", "write-off", "set-off", ...)
    debtor_code: str
    debtor_name: str
    case_id: int | None  # the case to open beside it (none: a request on the debtor)
    requested_by: str
    requested_by_id: int | None  # who asked (none: the daily run)
    requested_on: date
    reason: str  # the requester's reason, as they gave it ("" when none was asked)
    figures: tuple[str, ...]  # what it asks, line by line
    choices: tuple[tuple[str, str], ...] = ()  # (value, words): a pick approval needs
    choice_label: str = ""  # the pick's name beside its field

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


@dataclass(frozen=True)
class DecisionKind:
    """How one app's requests are read and decided.

    `waiting(actor=, company=, ids=None)` returns what waits in the company (only the requests
    `ids` names, when given), to a person who may decide it, in a fixed number of queries
    (raising `NotAllowed` for anyone else); `listed(actor=, company=)` the same requests as a
    query (access asked alike; None when none can wait) annotated with `LISTED`: each one's id, the day it was asked,
    the debtor's code, what is asked and who asked, in the words `waiting` gives them;
    `decide(actor=, company=, id=, approve=, reason=, on=, choice=)` decides one through the
    app's service and returns what the terminal prints for it; a refusal is raised as the
    service raises it."""

    key: str
    order: int  # where its requests stand on the page (lower first)
    waiting: Callable[..., list[Waiting]]
    decide: Callable[..., str]
    listed: Callable[..., Any]
    fields: dict[str, str] = field(default_factory=dict)  # refusal code -> form field


# What each kind's `listed` query names: a request's id, the day asked, the debtor's code, what
# is asked and who asked (as `Waiting`'s id, requested_on, debtor_code, what, requested_by).
LISTED = ("w_id", "w_on", "w_debtor", "w_what", "w_by")


KINDS: dict[str, DecisionKind] = {}


def register(kind: DecisionKind) -> None:
    """Add a kind (once per key: a second registration under one key is a mistake)."""
    if KINDS.get(kind.key, kind) is not kind:
        raise ValueError(f"decision kind {kind.key} registered twice")
    if not re.fullmatch(r"[a-z_]+", kind.key):  # written into the listing's SQL as it is
        raise ValueError(f"decision kind {kind.key!r}: lowercase letters and _ only")
    KINDS[kind.key] = kind


def kinds() -> list[DecisionKind]:
    return sorted(KINDS.values(), key=lambda k: (k.order, k.key))


def waiting(*, actor: Any, company: Any) -> list[Waiting]:
    """Everything waiting in the company for a decision, by kind then oldest first: a fixed
    number of queries per kind, whatever the number of requests."""
    out: list[Waiting] = []
    for k in kinds():
        out.extend(sorted(k.waiting(actor=actor, company=company), key=_oldest))
    return out


def _oldest(w: Waiting) -> tuple[date, int]:
    return (w.requested_on, w.id)


# The orders the page offers, as the database sorts the union (`Listing`): by kind (the
# kinds' order, then oldest first: `waiting`'s), by the day asked (then kind and id), or by a
# text column with ties in the order by kind. A text column is compared by code point, as
# Python compares strings (PostgreSQL's "C" collation; SQLite's own).
_BY_KIND = ("w_order", "w_kind", "w_on", "w_id")
SORTS = ("kind", "asked", "debtor", "what", "by")
_TEXT = {"debtor": "w_debtor", "what": "w_what", "by": "w_by"}


def _order_by(sort: str) -> str:
    """`sort` as an ORDER BY of the union; `-` before it turns the order round as
    `sorted(..., reverse=True)` does (ties keep their order by kind)."""
    key, reverse = sort.removeprefix("-"), sort.startswith("-")
    if key == "kind" or key not in SORTS:
        return ", ".join(_BY_KIND)
    down = " DESC" if reverse else ""
    if key == "asked":
        return ", ".join(f"{c}{down}" for c in ("w_on", "w_kind", "w_id"))
    text = _TEXT[key] + (' COLLATE "C"' if connection.vendor == "postgresql" else "")
    return ", ".join((f"{text}{down}", *_BY_KIND))


class Listing(Sequence[Waiting]):
    """What waits in the company for a decision, in the order `sort` asks (`SORTS`, `-` for
    the other way round), read in the database a page at a time: its length is one count,
    a slice one read of the slice's keys, then the slice's requests made whole (a fixed
    number of queries per kind on it), however many wait. Access is asked as it is made
    (`listed`: only a credit manager of the company)."""

    def __init__(self, *, actor: Any, company: Any, sort: str = "kind") -> None:
        self.actor, self.company = actor, company
        self.order = _order_by(sort)
        parts: list[str] = []
        self.params: list[Any] = []
        columns = ", ".join(LISTED)
        for k in kinds():
            listed = k.listed(actor=actor, company=company)
            if listed is None:  # a kind that can have nothing waiting here
                continue
            try:
                sql, params = listed.order_by().values_list(*LISTED).query.sql_with_params()
            except EmptyResultSet:
                continue
            parts.append(
                f"SELECT '{k.key}' AS w_kind, {k.order} AS w_order, {columns} "
                f"FROM ({sql}) AS k_{k.key}"
            )
            self.params += params
        self.union = " UNION ALL ".join(parts)

    @cached_property
    def _count(self) -> int:
        if not self.union:
            return 0
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM ({self.union}) AS w", self.params)
            return int(cur.fetchone()[0])

    def __len__(self) -> int:  # what Django's Paginator asks
        return self._count

    @overload
    def __getitem__(self, i: int) -> Waiting: ...
    @overload
    def __getitem__(self, i: slice) -> list[Waiting]: ...
    def __getitem__(self, i: int | slice) -> Waiting | list[Waiting]:
        if isinstance(i, int):
            got = self[i : i + 1] if i >= 0 else self[len(self) + i : len(self) + i + 1]
            if not got:
                raise IndexError(i)
            return got[0]
        start, stop, step = i.indices(len(self))
        if stop <= start or not self.union:
            return []
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT w_kind, w_id FROM ({self.union}) AS w ORDER BY {self.order} "
                "LIMIT %s OFFSET %s",
                [*self.params, stop - start, start],
            )
            keys = [(str(kind), int(id_)) for kind, id_ in cur.fetchall()]
        return self._whole(keys)[::step]

    def position(self, key: str) -> int | None:
        """Where the request `key` ("kind-id") stands in this order (0 first); None if it
        does not wait."""
        kind, _, id_ = key.rpartition("-")
        if not self.union or kind not in KINDS or not id_.isdigit():
            return None
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT n FROM (SELECT w_kind, w_id, ROW_NUMBER() OVER (ORDER BY {self.order}) "
                f"AS n FROM ({self.union}) AS w) AS r WHERE w_kind = %s AND w_id = %s",
                [*self.params, kind, int(id_)],
            )
            row = cur.fetchone()
        return None if row is None else int(row[0]) - 1

    def _whole(self, keys: list[tuple[str, int]]) -> list[Waiting]:
        wanted: dict[str, list[int]] = {}
        for kind, id_ in keys:
            wanted.setdefault(kind, []).append(id_)
        made: dict[tuple[str, int], Waiting] = {}
        for kind, ids in wanted.items():
            for w in KINDS[kind].waiting(actor=self.actor, company=self.company, ids=ids):
                made[(w.kind, w.id)] = w
        # a request decided between the two reads is left out
        return [made[k] for k in keys if k in made]


def listing(*, actor: Any, company: Any, sort: str = "kind") -> Listing:
    """What waits in the company, in the order `sort` asks, read a page at a time."""
    return Listing(actor=actor, company=company, sort=sort)


def decide(
    *,
    actor: Any,
    company: Any,
    kind: str,
    id: int,
    approve: bool,
    reason: str,
    on: date,
    choice: str = "",
) -> str:
    """Decide one request through its kind's service; the words it prints (a kind nobody
    registered is a `KeyError`: the face asks `KINDS` first)."""
    return KINDS[kind].decide(
        actor=actor, company=company, id=id, approve=approve, reason=reason, on=on, choice=choice
    )
