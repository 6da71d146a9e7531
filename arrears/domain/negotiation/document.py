"""§5-8 The desk's whole policy as one document a credit manager stores per company.

`DeskPolicy` gathers what the desk decides by: the negotiation engine's `NegotiationConfig`
(walk-away table, counter and concession shares, strictness, conditions, counter reasons), the
promise and dispute policies, the plan grace days, the excuse follow-up delays, how long an
open negotiation may stay idle, how far ahead a desk date may lie and the highest plan rate.
`policy_from_document` turns a plain mapping (JSON or TOML read by the adapter) into it, naming
the exact field that is wrong; `policy_document` gives the document back (the defaults, for
`arrears negotiation-policy export`). Fields left out keep their defaults, so a company writes
only what it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from arrears.domain.disputes import DisputePolicy
from arrears.domain.excuses import CATALOGUE, Excuse
from arrears.domain.negotiation.config import (
    Condition,
    CounterReason,
    NegotiationConfig,
    NegotiationConfigError,
    WalkAwayRule,
)
from arrears.domain.negotiation.terms import WalkAway
from arrears.domain.promises import PromisePolicy

BAD_FIELD = "negotiation policy: {path}: {problem}"
UNKNOWN = "unknown field (known: {known})"

DEFAULT_IDLE_DAYS = 30
# How far ahead of the day it is entered a date on the desk may lie (a promised payment, an
# instalment, a first payment, a dispute deadline): about five years. A policy may set 1 day
# to 100 years; beyond that a date is a typing error, not an agreement.
DEFAULT_HORIZON_DAYS = 1826
MAX_HORIZON_DAYS = 36525
# Every other count of days in a policy (graces, follow-ups, windows): about 27 years at most.
MAX_DAYS = 9999
# The highest interest a plan may carry, a year (0.20 = 20 %); a policy may set 0 to 1.
DEFAULT_MAX_PLAN_RATE = Decimal("0.20")


class PolicyDocumentError(NegotiationConfigError):
    """A policy document the desk cannot follow; the message names the field."""


@dataclass(frozen=True, slots=True)
class DeskPolicy:
    """Everything the negotiation desk decides by, for one company."""

    negotiation: NegotiationConfig = field(default_factory=NegotiationConfig)
    promise: PromisePolicy = field(default_factory=PromisePolicy)
    dispute: DisputePolicy = field(default_factory=DisputePolicy)
    plan_grace_business_days: int = 3
    excuse_follow_up_days: Mapping[Excuse, int] = field(
        default_factory=lambda: {e: a.next_in_business_days for e, a in CATALOGUE.items()}
    )
    idle_days: int | None = DEFAULT_IDLE_DAYS  # an open negotiation idle this long is closed
    horizon_days: int = DEFAULT_HORIZON_DAYS  # a desk date lies at most this far ahead
    max_plan_rate: Decimal = DEFAULT_MAX_PLAN_RATE  # the highest interest a year on a plan

    def follow_up_days(self, excuse: Excuse) -> int:
        return self.excuse_follow_up_days.get(excuse, CATALOGUE[excuse].next_in_business_days)


def _fail(path: str, problem: str) -> PolicyDocumentError:
    return PolicyDocumentError(BAD_FIELD.format(path=path, problem=problem))


def _decimal(path: str, v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, str, Decimal, float)):
        raise _fail(path, f"{v!r} is not a number")
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise _fail(path, f"{v!r} is not a number") from None
    if not d.is_finite():
        raise _fail(path, f"{v!r} is not a number")
    return d


def _share(path: str, v: Any) -> Decimal:
    d = _decimal(path, v)
    if not Decimal(0) <= d <= Decimal(1):
        raise _fail(path, f"{v!r} must be between 0 and 1")
    return d


def _days(path: str, v: Any, most: int | None = None) -> int:
    """A count of days (or of concessions): 0 to `MAX_DAYS` (or `most`). Larger, a count of
    business days is walked a day at a time by desk writes and daily runs, and a plan's grace
    no longer fits its column."""
    most = MAX_DAYS if most is None else most
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= most:
        raise _fail(path, f"{v!r} must be a whole number, 0 to {most:,}")
    return v


def _bool(path: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise _fail(path, f"{v!r} must be true or false")
    return v


def _table(path: str, v: Any) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        raise _fail(path, f"{v!r} must be a table of fields")
    return v


def _list(path: str, v: Any) -> list[Any]:
    if not isinstance(v, (list, tuple)):
        raise _fail(path, f"{v!r} must be a list")
    return list(v)


def _text(path: str, v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise _fail(path, f"{v!r} must be non-empty text")
    return v


def _condition(path: str, v: Any) -> Condition:
    try:
        return Condition(v)
    except ValueError:
        known = ", ".join(str(c) for c in Condition)
        raise _fail(path, f"{v!r} is not a condition ({known})") from None


def _known(path: str, doc: Mapping[str, Any], known: set[str]) -> None:
    extra = sorted(set(doc) - known)
    if extra:
        raise _fail(f"{path}{extra[0]}", UNKNOWN.format(known=", ".join(sorted(known))))


Parser = Callable[[str, Any], Any]


def _section(obj: Any, doc: Any, path: str, parsers: Mapping[str, Parser]) -> Any:
    table = _table(path.rstrip("."), doc)
    _known(path, table, set(parsers))
    return replace(obj, **{k: parsers[k](f"{path}{k}", v) for k, v in table.items()})


def _horizon(path: str, v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool) and not 1 <= v <= MAX_HORIZON_DAYS:
        raise _fail(path, f"{v!r} must be between 1 and {MAX_HORIZON_DAYS} days")
    return _days(path, v, MAX_HORIZON_DAYS)


def _nullable_days(path: str, v: Any) -> int | None:
    return None if v is None else _days(path, v)


_COUNTER: dict[str, Parser] = {
    "earlier_share": _share,
    "raise_share": _share,
    "shorten_share": _share,
    "round_up_to": lambda p, v: _positive(p, v),
}
_CONCESSIONS: dict[str, Parser] = {
    "first_share": _share,
    "ratio": _share,
    "max_concessions": _days,
}
_STRICTNESS: dict[str, Parser] = {
    "per_failed_promise": _share,
    "per_late_days": _days,
    "per_late_step": _share,
    "max_tightening": _share,
}
_CONDITIONS: dict[str, Parser] = {
    "order": lambda p, v: tuple(_condition(f"{p}[{i}]", c) for i, c in enumerate(_list(p, v))),
    "high_risk_tiers": lambda p, v: frozenset(
        _text(f"{p}[{i}]", t) for i, t in enumerate(_list(p, v))
    ),
    "guarantor_from": lambda p, v: _decimal(p, v),
    "payment_today_share": _share,
}
_PROMISE: dict[str, Parser] = {
    "grace_business_days": _days,
    "partly_kept_counts_as_broken": _bool,
    "record_window_days": _nullable_days,
}
_DISPUTE: dict[str, Parser] = {"resolve_within_business_days": _days}
_WALK_AWAY_FIELDS = {
    "risk_tier",
    "min_balance",
    "max_days_to_first",
    "min_first_share",
    "max_days_to_last",
}


def _positive(path: str, v: Any) -> Decimal:
    d = _decimal(path, v)
    if d <= 0:
        raise _fail(path, f"{v!r} must be above 0")
    return d


def _walk_away(path: str, v: Any) -> tuple[WalkAwayRule, ...]:
    rules = []
    for i, row in enumerate(_list(path, v)):
        at = f"{path}[{i}]."
        t = _table(at.rstrip("."), row)
        _known(at, t, _WALK_AWAY_FIELDS)
        missing = sorted(_WALK_AWAY_FIELDS - {"risk_tier"} - set(t))
        if missing:
            raise _fail(f"{at}{missing[0]}", "missing")
        tier = t.get("risk_tier", "")
        if not isinstance(tier, str):
            raise _fail(f"{at}risk_tier", f"{tier!r} must be text ('' for any tier)")
        rules.append(
            WalkAwayRule(
                tier,
                _decimal(f"{at}min_balance", t["min_balance"]),
                WalkAway(
                    _days(f"{at}max_days_to_first", t["max_days_to_first"]),
                    _share(f"{at}min_first_share", t["min_first_share"]),
                    _days(f"{at}max_days_to_last", t["max_days_to_last"]),
                ),
            )
        )
    if not any(r.risk_tier == "" and r.min_balance <= 0 for r in rules):
        raise _fail(path, "needs a catch-all rule (risk_tier '' and min_balance 0) at the end")
    return tuple(rules)


def _reasons(path: str, v: Any) -> tuple[CounterReason, ...]:
    out = []
    for i, row in enumerate(_list(path, v)):
        at = f"{path}[{i}]."
        t = _table(at.rstrip("."), row)
        _known(at, t, {"code", "text", "tiers"})
        tiers = _list(f"{at}tiers", t.get("tiers", []))
        out.append(
            CounterReason(
                _text(f"{at}code", t.get("code")),
                _text(f"{at}text", t.get("text")),
                frozenset(_text(f"{at}tiers[{k}]", x) for k, x in enumerate(tiers)),
            )
        )
    if not out:
        raise _fail(path, "the list of counter reasons is empty")
    return tuple(out)


def _excuse_days(path: str, v: Any) -> dict[Excuse, int]:
    got = {e: a.next_in_business_days for e, a in CATALOGUE.items()}
    for k, days in _table(path, v).items():
        try:
            e = Excuse(k)
        except ValueError:
            raise _fail(f"{path}.{k}", "not an excuse of the catalogue") from None
        got[e] = _days(f"{path}.{k}", days)
    return got


_TOP = {
    "counter",
    "concessions",
    "walk_away",
    "strictness",
    "conditions",
    "reasons",
    "promise",
    "dispute",
    "plan_grace_business_days",
    "excuse_follow_up_days",
    "idle_days",
    "horizon_days",
    "max_plan_rate",
}


def policy_from_document(doc: Mapping[str, Any]) -> DeskPolicy:
    """The desk policy a document describes, over the defaults (see module docstring)."""
    top = _table("(document)", doc)
    _known("", top, _TOP)
    base = NegotiationConfig()
    parts: dict[str, Any] = {}
    if "counter" in top:
        parts["counter"] = _section(base.counter, top["counter"], "counter.", _COUNTER)
    if "concessions" in top:
        parts["concessions"] = _section(
            base.concessions, top["concessions"], "concessions.", _CONCESSIONS
        )
    if "strictness" in top:
        parts["strictness"] = _section(
            base.strictness, top["strictness"], "strictness.", _STRICTNESS
        )
    if "conditions" in top:
        parts["conditions"] = _section(
            base.conditions, top["conditions"], "conditions.", _CONDITIONS
        )
    if "walk_away" in top:
        parts["walk_away"] = _walk_away("walk_away", top["walk_away"])
    if "reasons" in top:
        parts["reasons"] = _reasons("reasons", top["reasons"])
    try:
        config = replace(base, **parts)
    except NegotiationConfigError as e:
        raise _fail("(document)", str(e)) from None
    out = DeskPolicy(negotiation=config)
    if "promise" in top:
        out = replace(out, promise=_section(out.promise, top["promise"], "promise.", _PROMISE))
    if "dispute" in top:
        out = replace(out, dispute=_section(out.dispute, top["dispute"], "dispute.", _DISPUTE))
    if "plan_grace_business_days" in top:
        g = _days("plan_grace_business_days", top["plan_grace_business_days"])
        out = replace(out, plan_grace_business_days=g)
    if "excuse_follow_up_days" in top:
        days = _excuse_days("excuse_follow_up_days", top["excuse_follow_up_days"])
        out = replace(out, excuse_follow_up_days=days)
    if "idle_days" in top:
        out = replace(out, idle_days=_nullable_days("idle_days", top["idle_days"]))
    if "horizon_days" in top:
        out = replace(out, horizon_days=_horizon("horizon_days", top["horizon_days"]))
    if "max_plan_rate" in top:
        out = replace(out, max_plan_rate=_share("max_plan_rate", top["max_plan_rate"]))
    return out


def _plain(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, (frozenset, set)):
        return sorted(str(x) for x in obj)
    if isinstance(obj, (tuple, list)):
        return [_plain(x) for x in obj]
    return obj


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}


def policy_document(policy: DeskPolicy) -> dict[str, Any]:
    """The whole policy as a plain document (decimals as text, so nothing is rounded)."""
    c = policy.negotiation
    return {
        "counter": _fields(c.counter),
        "concessions": _fields(c.concessions),
        "walk_away": [
            {"risk_tier": r.risk_tier, "min_balance": str(r.min_balance), **_fields(r.walk_away)}
            for r in c.walk_away
        ],
        "strictness": _fields(c.strictness),
        "conditions": _fields(c.conditions),
        "reasons": [{"code": r.code, "text": r.text, "tiers": sorted(r.tiers)} for r in c.reasons],
        "promise": _fields(policy.promise),
        "dispute": _fields(policy.dispute),
        "plan_grace_business_days": policy.plan_grace_business_days,
        "excuse_follow_up_days": {str(e): d for e, d in policy.excuse_follow_up_days.items()},
        "idle_days": policy.idle_days,
        "horizon_days": policy.horizon_days,
        "max_plan_rate": str(policy.max_plan_rate),
    }
