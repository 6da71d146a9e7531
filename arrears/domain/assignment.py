"""§1 One owner: giving debtors without an owner to collectors, by a rule a person can read.

"Every debtor account has exactly one owner at any moment"; an account without one is a
defect the run reports. A credit manager (or an administrator) fixes that for one debtor, or
for all unowned debtors at once by a rule:

- `round_robin`: each debtor, in code order, goes to the collector who owns the fewest
  debtors at that moment (ties by name): the portfolios even out as they fill.
- `country`: a map from country to collector (`DE=cora,AT=carl`); a debtor whose country is
  not mapped stays unowned and is listed as such.
- `segment`: a map from risk tier to collector (`high=cora,medium=carl`), the same way.

Pure and columnar over a frame of debtors (`code`, `country`, `risk_tier`), so a million-debtor
import can be assigned in one pass; `assign_one` is the one-debtor twin the desk uses.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from arrears.domain.refusal import Refusal


class AssignRule(StrEnum):
    ROUND_ROBIN = "round_robin"
    COUNTRY = "country"
    SEGMENT = "segment"


class AssignmentError(Refusal, ValueError):
    """A rule that cannot be applied as given (no collectors, an empty map, a bad pair)."""


# The debtor column each mapping rule reads.
_MAPPED_COLUMN = {AssignRule.COUNTRY: "country", AssignRule.SEGMENT: "risk_tier"}


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who a debtor goes to, and the rule and key that chose them ("" owner: none found)."""

    code: str
    owner: str
    rule: AssignRule
    key: str


def assign_unowned(
    debtors: pl.DataFrame,
    rule: AssignRule,
    *,
    collectors: Sequence[str] = (),
    load: Mapping[str, int] | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The owner for each unowned debtor: a frame of `code`, `owner` ("" when the rule finds
    none), `rule` and `key` (the country or tier that decided, or the owner's load before)."""
    debtors = debtors.sort("code")
    if rule is AssignRule.ROUND_ROBIN:
        return _round_robin(debtors, collectors, load or {})
    if not mapping:
        raise AssignmentError("assign.no_map", rule=str(rule))
    column = _MAPPED_COLUMN[rule]
    keys = pl.col(column).fill_null("")
    return debtors.select(
        "code",
        owner=keys.replace_strict(dict(mapping), default="", return_dtype=pl.String),
        rule=pl.lit(str(rule)),
        key=keys,
    )


def _round_robin(
    debtors: pl.DataFrame, collectors: Sequence[str], load: Mapping[str, int]
) -> pl.DataFrame:
    if not collectors:
        raise AssignmentError("assign.no_collectors")
    heap = [(load.get(c, 0), c) for c in sorted(set(collectors))]
    heapq.heapify(heap)
    owners, before = [], []
    for _ in range(debtors.height):  # n log k: one heap step per debtor
        count, name = heapq.heappop(heap)
        owners.append(name)
        before.append(str(count))
        heapq.heappush(heap, (count + 1, name))
    return debtors.select("code").with_columns(
        owner=pl.Series(owners, dtype=pl.String),
        rule=pl.lit(str(AssignRule.ROUND_ROBIN)),
        key=pl.Series(before, dtype=pl.String),
    )


def assign_one(
    code: str,
    country: str,
    risk_tier: str,
    rule: AssignRule,
    *,
    collectors: Sequence[str] = (),
    load: Mapping[str, int] | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Assignment:
    """The one-debtor twin of `assign_unowned` (a property test keeps them in agreement)."""
    frame = pl.DataFrame(
        {"code": [code], "country": [country], "risk_tier": [risk_tier]},
        schema={"code": pl.String, "country": pl.String, "risk_tier": pl.String},
    )
    row = assign_unowned(frame, rule, collectors=collectors, load=load, mapping=mapping).row(
        0, named=True
    )
    return Assignment(row["code"], row["owner"], AssignRule(row["rule"]), row["key"])


def parse_mapping(text: str) -> dict[str, str]:
    """`DE=cora,AT=carl` as a dict; a pair without '=' or a key named twice is refused."""
    out: dict[str, str] = {}
    for pair in (p.strip() for p in text.split(",") if p.strip()):
        key, sep, owner = pair.partition("=")
        key, owner = key.strip(), owner.strip()
        if not sep or not key or not owner:
            raise AssignmentError("assign.bad_pair", pair=pair)
        if key in out:
            raise AssignmentError("assign.key_twice", key=key)
        out[key] = owner
    if not out:
        raise AssignmentError("assign.no_map", rule="")
    return out
