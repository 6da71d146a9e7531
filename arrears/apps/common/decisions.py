"""What waits for a credit manager's decision, from every app, in one list.

Each app that asks a credit manager to decide (the negotiation desk's approval queue, set-offs,
hand-overs, fee waivers ...) registers one `DecisionKind` in its AppConfig.ready: how to read
what waits (a fixed number of queries, however many wait) and how to decide one (its own
service, which checks who may, four eyes included, and records the decision). The faces (the
web desk's approvals page) list and decide through this registry alone, so a new kind is one
`register` call and no change to the page.

This module knows no model: it sits at the bottom of the layers so that every app may
register here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


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

    `waiting(actor=, company=)` returns what waits in the company, to a person who may decide
    it, in a fixed number of queries (raising `NotAllowed` for anyone else);
    `decide(actor=, company=, id=, approve=, reason=, on=, choice=)` decides one through the
    app's service and returns what the terminal prints for it; a refusal is raised as the
    service raises it."""

    key: str
    order: int  # where its requests stand on the page (lower first)
    waiting: Callable[..., list[Waiting]]
    decide: Callable[..., str]
    fields: dict[str, str] = field(default_factory=dict)  # refusal code -> form field


KINDS: dict[str, DecisionKind] = {}


def register(kind: DecisionKind) -> None:
    """Add a kind (once per key: a second registration under one key is a mistake)."""
    if KINDS.get(kind.key, kind) is not kind:
        raise ValueError(f"decision kind {kind.key} registered twice")
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
