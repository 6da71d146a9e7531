"""§7 Matching money received against what is owed: promise parts, plan instalments, items.

One rule for all three, so a payment means the same thing wherever it is counted: receipts are
applied in the order they were received (date, then reference) to the obligations in the order
they fall due (date, then key), oldest first, each receipt filling one obligation before the
next. The result does not depend on the order of the inputs, and no money is created or lost:
matched + unmatched == received, and no obligation is matched beyond its amount.

Everything is in one currency (a case is one debtor and one currency); a receipt or obligation
in another currency is refused, never converted here. Arithmetic is in integer minor units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from arrears.domain.money import Money

CURRENCY_MISMATCH = "{what} {key!r} is in {got}, but this case is in {want}"
NOT_POSITIVE = "{what} {key!r} must be a positive amount, not {amount}"
DUPLICATE_OBLIGATION = "obligation key {key!r} appears twice"
NO_CURRENCY = "nothing to match: give the currency when there are no obligations or receipts"


class MatchingError(ValueError):
    """Receipts or obligations that cannot be matched as given."""


@dataclass(frozen=True, slots=True)
class Obligation:
    """Something the debtor must pay by a date: a promise part, an instalment or an item."""

    key: str
    due_on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Receipt:
    """Money received: a payment, or the part of one the ledger applied to the items in question.

    `item_key` tells apart the allocations of one payment to several items.
    """

    reference: str
    received_on: date
    amount: Money
    item_key: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """The part of one receipt applied to one obligation."""

    reference: str
    item_key: str
    obligation: str
    received_on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class ObligationStatus:
    """How much of an obligation is matched, and the day it was fully paid (None: not yet)."""

    obligation: Obligation
    matched: Money
    settled_on: date | None

    @property
    def open(self) -> Money:
        return self.obligation.amount - self.matched


@dataclass(frozen=True, slots=True)
class Matching:
    """The outcome of matching: per obligation, each receipt-to-obligation match, and leftovers."""

    currency: str
    obligations: tuple[ObligationStatus, ...]  # in due order
    matches: tuple[Match, ...]  # in the order they were made
    unmatched: tuple[Receipt, ...]  # the unapplied remainder of each receipt, in receipt order

    @property
    def matched_total(self) -> Money:
        return _sum((m.amount for m in self.matches), self.currency)

    @property
    def unmatched_total(self) -> Money:
        return _sum((r.amount for r in self.unmatched), self.currency)


def _sum(amounts: Iterable[Money], currency: str) -> Money:
    total = Money.from_minor(0, currency)
    for a in amounts:
        total = total + a
    return total


def _check(what: str, key: str, amount: Money, currency: str) -> int:
    if amount.currency != currency:
        raise MatchingError(
            CURRENCY_MISMATCH.format(what=what, key=key, got=amount.currency, want=currency)
        )
    minor = amount.to_minor()
    if minor <= 0:
        raise MatchingError(NOT_POSITIVE.format(what=what, key=key, amount=amount))
    return minor


def case_currency(
    obligations: Sequence[Obligation], receipts: Sequence[Receipt], currency: str | None
) -> str:
    """The one currency of a matching: given, or taken from the first obligation or receipt."""
    if currency is not None:
        return currency
    for amount in [o.amount for o in obligations] + [r.amount for r in receipts]:
        return amount.currency
    raise MatchingError(NO_CURRENCY)


def match_receipts(
    obligations: Sequence[Obligation],
    receipts: Sequence[Receipt],
    *,
    currency: str | None = None,
) -> Matching:
    """Apply receipts, oldest first, to obligations in due order (see the module docstring)."""
    cur = case_currency(obligations, receipts, currency)
    keys = [o.key for o in obligations]
    if len(set(keys)) != len(keys):
        raise MatchingError(
            DUPLICATE_OBLIGATION.format(key=next(k for k in keys if keys.count(k) > 1))
        )
    dues = sorted(obligations, key=lambda o: (o.due_on, o.key))
    open_minor = [_check("obligation", o.key, o.amount, cur) for o in dues]
    settled: list[date | None] = [None] * len(dues)
    ordered = sorted(
        receipts, key=lambda r: (r.received_on, r.reference, r.item_key, r.amount.to_minor())
    )
    matches: list[Match] = []
    unmatched: list[Receipt] = []
    i = 0  # the earliest obligation still open: everything before it is paid
    for r in ordered:
        left = _check("receipt", r.reference, r.amount, cur)
        while left and i < len(dues):
            take = min(left, open_minor[i])
            amount = Money.from_minor(take, cur)
            matches.append(Match(r.reference, r.item_key, dues[i].key, r.received_on, amount))
            left -= take
            open_minor[i] -= take
            if open_minor[i] == 0:
                settled[i] = r.received_on
                i += 1
        if left:
            unmatched.append(replace(r, amount=Money.from_minor(left, cur)))
    statuses = tuple(
        ObligationStatus(o, o.amount - Money.from_minor(open_minor[k], cur), settled[k])
        for k, o in enumerate(dues)
    )
    return Matching(cur, statuses, tuple(matches), tuple(unmatched))


def spread(amount: Money, over: Sequence[Obligation]) -> dict[str, Money]:
    """An amount laid over obligations oldest first, never beyond each one's amount.

    Used to turn "hold back EUR 500 on this case" into a part per item for the ladder; whatever
    exceeds the obligations is dropped (there is nothing left to hold back).
    """
    if not over:
        return {}
    cur = over[0].amount.currency
    if amount.to_minor() <= 0:
        return {o.key: Money.from_minor(0, cur) for o in over}
    m = match_receipts(over, [Receipt("spread", date.min, amount)], currency=cur)
    return {s.obligation.key: s.matched for s in m.obligations}


def items_as_obligations(
    open_items: Mapping[str, tuple[date, Money]], keys: frozenset[str] = frozenset()
) -> tuple[Obligation, ...]:
    """Open items (key -> due date, open amount) named in `keys` (empty: all) as obligations,
    skipping items with nothing open."""
    return tuple(
        Obligation(key, due, amount)
        for key, (due, amount) in open_items.items()
        if (not keys or key in keys) and amount.to_minor() > 0
    )


def spread_over_items(
    amount: Money, open_items: Mapping[str, tuple[date, Money]], keys: frozenset[str] = frozenset()
) -> dict[str, Money]:
    """`amount` laid over the open items in `keys` (empty: all), oldest first: how a promise's
    hold-back or a plan's open principal becomes each item's excluded part for the ladder."""
    return spread(amount, items_as_obligations(open_items, keys))


def total_excluded(
    open_by_item: Mapping[str, Money], *exclusions: Mapping[str, Money]
) -> dict[str, Money]:
    """Per item, the sum of the parts held back (disputed, promised, in a plan), capped at open.

    The ladder duns only what is left; the cap keeps an item from being "more than excluded"
    when the same euro is both disputed and promised.
    """
    out: dict[str, Money] = {}
    for key, open_amount in open_by_item.items():
        total = Money.from_minor(0, open_amount.currency)
        for ex in exclusions:
            if key in ex:
                total = total + ex[key]
        out[key] = open_amount if open_amount < total else total
    return out


def counts_towards(r: Receipt, *, given_on: date, already_counted: frozenset[str]) -> bool:
    """§7 A receipt counts towards a commitment given on `given_on` unless the balance it was
    checked against already reflected it (dated by that day and known then)."""
    return not (r.received_on <= given_on and r.reference in already_counted)


ON_ACCOUNT = ""  # the item key of money received on account (not applied to an item)


def receipt_scope(named: Iterable[str], covered: Iterable[str]) -> frozenset[str]:
    """§7 The item keys whose receipts a promise or plan counts: the items it names; without
    named items, those it covered when agreed and money on account (never a payment of an
    invoice that fell due later). Empty: an old row without covered items, everything."""
    named, covered = frozenset(named), frozenset(covered)
    if named:
        return named
    if covered:
        return covered | {ON_ACCOUNT}
    return frozenset()
