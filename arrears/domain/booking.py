"""§2, §8 When finance has booked what we decided: a credit (a dispute's credit note) or a
write-off approved on the desk stays off the ladder until the ledger shows it.

The ledger only shows an item's open amount falling. A fall that payments since the decision do
not explain is a booking; when several decisions wait on one item, that fall books them in the
order they were decided, each once, so one credit note never also books a write-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Decided:
    """A credit or write-off decided on one item, in minor units."""

    decided_on: date
    order: tuple[str, int]  # tie-break among decisions of one day: (kind, id)
    amount: int
    open_at: int | None  # the item's open amount when it was decided (None: not recorded)
    paid_since: int  # payments allocated to the item since it was decided


def unbooked(parts: Sequence[Decided], open_now: int) -> list[int]:
    """Per part (in the order given), what the ledger does not show booked yet."""
    if not parts:
        return []
    order = sorted(range(len(parts)), key=lambda k: (parts[k].decided_on, parts[k].order))
    first = parts[order[0]]
    start = open_now if first.open_at is None else first.open_at
    booked = max(0, start - open_now - first.paid_since)
    out = [0] * len(parts)
    for k in order:
        take = min(booked, parts[k].amount)
        out[k] = parts[k].amount - take
        booked -= take
    return out
