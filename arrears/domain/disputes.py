"""§8 "There is a problem with the goods": separate the disputed part; collect the rest now.

A dispute covers an amount of one or more items, with a reason code, an owner and a deadline.
Only the disputed part leaves dunning (`excluded_by_item`); the undisputed rest of the item
stays on the ladder. A dispute still open after its deadline is escalated to its owner's manager
(`escalation`): no dispute waits unowned (§1). It ends with an outcome: a credit note for the
whole disputed part, a partial credit, a rejection (the part returns to dunning) or a write-off.
An outcome that reduces what is owed (a credit note, a partial credit, a write-off) takes money
out of dunning for good: like a write-off it needs the approval of someone entitled other than
the person who asks for it (§2, four eyes; `needs_approval`); a rejection does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from arrears.domain.dates import add_business_days
from arrears.domain.money import Money

NO_PARTS = "a dispute must name at least one item and the disputed amount"
PART_NOT_POSITIVE = "the disputed amount on item {key!r} must be positive, not {amount}"
TWICE_SAME_ITEM = "item {key!r} appears twice in the dispute: give one amount per item"
MIXED_CURRENCY = "the disputed amounts are in more than one currency ({currencies})"
NO_OWNER = "a dispute needs an owner"
DEADLINE_BEFORE_OPENED = "the deadline ({deadline}) is before the dispute was opened ({opened})"
DEADLINE_PASSED = "the deadline ({deadline}) is already past ({as_of})"
UNKNOWN_ITEM = "item {key!r} is not open on this case"
ABOVE_OPEN = "{amount} disputed on item {key!r} is more than its undisputed open amount {free}"
ALREADY_RESOLVED = "dispute {key!r} was already resolved on {on} ({outcome})"
RESOLVED_BEFORE_OPENED = "a dispute cannot be resolved ({on}) before it was opened ({opened})"
CREDIT_MISMATCH = "a {outcome} credits {want}, not {got}"
PARTIAL_OUT_OF_RANGE = "a partial credit is more than nothing and less than {total}, not {got}"
PARTIAL_WITHOUT_AMOUNT = (
    "a partial credit needs the amount credited: more than nothing and less than {total}"
)
UNAPPROVED = (
    "a {outcome} reduces what is owed: it needs the approval of someone entitled, other than {by}"
)
NO_MANAGER = "dispute owner {owner!r} has no manager to escalate to: assign one"


class DisputeError(ValueError):
    """A dispute that cannot be opened or resolved as given."""


class DisputeReason(StrEnum):
    GOODS_DAMAGED = "goods_damaged"
    NOT_DELIVERED = "not_delivered"
    WRONG_QUANTITY = "wrong_quantity"
    WRONG_PRICE = "wrong_price"
    QUALITY = "quality"
    INVOICE_ERROR = "invoice_error"
    OTHER = "other"


class DisputeOutcome(StrEnum):
    CREDIT_NOTE = "credit_note"
    PARTIAL_CREDIT = "partial_credit"
    REJECTED = "rejected"
    WRITTEN_OFF = "written_off"


def needs_approval(outcome: DisputeOutcome) -> bool:
    """§2 Whether an outcome reduces what is owed, and so needs a second person's approval."""
    return outcome is not DisputeOutcome.REJECTED


@dataclass(frozen=True, slots=True)
class DisputedPart:
    item_key: str
    amount: Money


@dataclass(frozen=True, slots=True)
class DisputeResolution:
    outcome: DisputeOutcome
    on: date
    by: str
    credited: Money  # credited or written off; zero when rejected
    approved_by: str = ""  # for a write-off


@dataclass(frozen=True, slots=True)
class Dispute:
    """A contested part of one or more items, excluded from dunning while open."""

    key: str
    parts: tuple[DisputedPart, ...]
    reason: DisputeReason
    owner: str
    opened_on: date
    deadline: date
    resolution: DisputeResolution | None = None

    def __post_init__(self) -> None:
        if not self.parts:
            raise DisputeError(NO_PARTS)
        keys = [p.item_key for p in self.parts]
        if len(set(keys)) != len(keys):
            raise DisputeError(
                TWICE_SAME_ITEM.format(key=next(k for k in keys if keys.count(k) > 1))
            )
        currencies = sorted({p.amount.currency for p in self.parts})
        if len(currencies) > 1:
            raise DisputeError(MIXED_CURRENCY.format(currencies=", ".join(currencies)))
        for p in self.parts:
            if p.amount.to_minor() <= 0:
                raise DisputeError(PART_NOT_POSITIVE.format(key=p.item_key, amount=p.amount))
        if not self.owner.strip():
            raise DisputeError(NO_OWNER)
        if self.deadline < self.opened_on:
            raise DisputeError(
                DEADLINE_BEFORE_OPENED.format(deadline=self.deadline, opened=self.opened_on)
            )

    @property
    def currency(self) -> str:
        return self.parts[0].amount.currency

    @property
    def total(self) -> Money:
        total = Money.from_minor(0, self.currency)
        for p in self.parts:
            total = total + p.amount
        return total

    def is_open(self, as_of: date) -> bool:
        """Opened by `as_of` and not yet resolved on that day."""
        resolved = self.resolution is not None and self.resolution.on <= as_of
        return self.opened_on <= as_of and not resolved


@dataclass(frozen=True, slots=True)
class DisputePolicy:
    """How long a dispute may take before it is escalated."""

    resolve_within_business_days: int = 10


def default_deadline(
    opened_on: date,
    policy: DisputePolicy = DisputePolicy(),
    holidays: frozenset[date] = frozenset(),
) -> date:
    """The deadline a new dispute gets unless its owner sets another."""
    return add_business_days(opened_on, policy.resolve_within_business_days, holidays)


def validate_dispute(
    dispute: Dispute,
    *,
    as_of: date,
    open_items: Mapping[str, Money],
    others: Iterable[Dispute] = (),
) -> None:
    """Refuse a new dispute on unknown items, above what is open and not already disputed,
    or with a deadline already past."""
    if dispute.deadline < as_of:
        raise DisputeError(DEADLINE_PASSED.format(deadline=dispute.deadline, as_of=as_of))
    taken = excluded_by_item((d for d in others if d.key != dispute.key), as_of=as_of)
    for p in dispute.parts:
        if p.item_key not in open_items:
            raise DisputeError(UNKNOWN_ITEM.format(key=p.item_key))
        open_amount = open_items[p.item_key]
        if open_amount.currency != p.amount.currency:
            raise DisputeError(
                MIXED_CURRENCY.format(currencies=f"{open_amount.currency}, {p.amount.currency}")
            )
        free = open_amount - taken.get(p.item_key, Money.from_minor(0, open_amount.currency))
        if free < p.amount:
            raise DisputeError(ABOVE_OPEN.format(amount=p.amount, key=p.item_key, free=free))


def excluded_by_item(
    disputes: Iterable[Dispute],
    *,
    as_of: date,
    open_items: Mapping[str, Money] | None = None,
) -> dict[str, Money]:
    """Per item, the disputed amount the ladder must leave alone on `as_of` (only open
    disputes count); with `open_items`, never more than the item's open amount."""
    out: dict[str, Money] = {}
    for d in disputes:
        if not d.is_open(as_of):
            continue
        for p in d.parts:
            out[p.item_key] = out[p.item_key] + p.amount if p.item_key in out else p.amount
    if open_items is not None:
        for key, amount in out.items():
            cap = open_items.get(key, Money.from_minor(0, amount.currency))
            out[key] = cap if cap < amount else amount
    return out


@dataclass(frozen=True, slots=True)
class DisputeEscalation:
    """A dispute past its deadline, handed to the owner's manager."""

    dispute_key: str
    owner: str
    escalate_to: str
    deadline: date
    days_over: int
    amount: Money


def escalation(
    dispute: Dispute, *, as_of: date, manager_of: Mapping[str, str]
) -> DisputeEscalation | None:
    """The escalation an open dispute past its deadline needs (None when none is due)."""
    if not dispute.is_open(as_of) or as_of <= dispute.deadline:
        return None
    manager = manager_of.get(dispute.owner)
    if not manager:
        raise DisputeError(NO_MANAGER.format(owner=dispute.owner))
    days = (as_of - dispute.deadline).days
    return DisputeEscalation(
        dispute.key, dispute.owner, manager, dispute.deadline, days, dispute.total
    )


def resolve_dispute(
    dispute: Dispute,
    *,
    outcome: DisputeOutcome,
    on: date,
    by: str,
    credited: Money | None = None,
    approved_by: str = "",
) -> Dispute:
    """The dispute with its outcome; `credited` is required for a partial credit only, and
    `approved_by` (someone other than `by`) for any outcome that reduces what is owed."""
    if dispute.resolution is not None:
        r = dispute.resolution
        raise DisputeError(ALREADY_RESOLVED.format(key=dispute.key, on=r.on, outcome=r.outcome))
    if on < dispute.opened_on:
        raise DisputeError(RESOLVED_BEFORE_OPENED.format(on=on, opened=dispute.opened_on))
    amount = credit_for(dispute, outcome, credited)
    if needs_approval(outcome) and (not approved_by.strip() or approved_by == by):
        raise DisputeError(UNAPPROVED.format(outcome=str(outcome).replace("_", " "), by=by))
    return replace(dispute, resolution=DisputeResolution(outcome, on, by, amount, approved_by))


def credit_for(dispute: Dispute, outcome: DisputeOutcome, credited: Money | None) -> Money:
    """What an outcome credits (or writes off): all of it, the partial amount given (more
    than nothing, less than all), or nothing for a rejection; anything else is refused."""
    total, zero = dispute.total, Money.from_minor(0, dispute.currency)
    if outcome is DisputeOutcome.PARTIAL_CREDIT:
        if credited is None:
            raise DisputeError(PARTIAL_WITHOUT_AMOUNT.format(total=total))
        if credited.currency != dispute.currency:
            raise DisputeError(PARTIAL_OUT_OF_RANGE.format(total=total, got=credited))
        if not (zero < credited and credited < total):
            raise DisputeError(PARTIAL_OUT_OF_RANGE.format(total=total, got=credited))
        return credited
    want = zero if outcome is DisputeOutcome.REJECTED else total
    if credited is not None and credited != want:
        raise DisputeError(CREDIT_MISMATCH.format(outcome=outcome, want=want, got=credited))
    return want


@dataclass(frozen=True, slots=True)
class Settlement:
    """What a resolved dispute does to each item: credited (or written off), or dunned again."""

    credited: dict[str, Money]
    back_to_dunning: dict[str, Money]


def settlement(dispute: Dispute) -> Settlement:
    """Split the resolution over the items, the credit going to the parts in the order given."""
    if dispute.resolution is None:
        return Settlement({}, {})
    left = dispute.resolution.credited.to_minor()
    credited: dict[str, Money] = {}
    back: dict[str, Money] = {}
    for p in dispute.parts:
        take = min(left, p.amount.to_minor())
        left -= take
        credited[p.item_key] = Money.from_minor(take, dispute.currency)
        back[p.item_key] = p.amount - credited[p.item_key]
    return Settlement(credited, back)
