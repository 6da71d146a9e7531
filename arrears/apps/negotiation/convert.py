"""Rows to domain values and back: the case's open items, receipts, promises, plans, disputes.

Item keys in the domain are item numbers, so the domain's messages name what the collector
sees. Receipts are the ledger's allocations of payments to the case's items (§7: matched "by
allocation to the case's items, in order").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from arrears.apps.cases.models import Case
from arrears.apps.ledger.models import DUNNABLE_KINDS, Allocation, ItemKind, OpenItem, Payment
from arrears.apps.negotiation.models import (
    Dispute,
    DisputePart,
    DisputeStatus,
    NegotiationEvent,
    PaymentPlan,
    PromiseToPay,
)
from arrears.domain.credit_held import credit_held_one
from arrears.domain.disputes import Dispute as DomainDispute
from arrears.domain.disputes import DisputedPart, DisputeReason
from arrears.domain.matching import Receipt
from arrears.domain.money import Money
from arrears.domain.negotiation import (
    Condition,
    EventKind,
    NegotiationHistory,
    Terms,
)
from arrears.domain.negotiation import (
    NegotiationEvent as DomainEvent,
)
from arrears.domain.negotiation.history import Action
from arrears.domain.plans import DayCount, Instalment, InterestTerms
from arrears.domain.plans import PaymentPlan as DomainPlan
from arrears.domain.promises import PromiseChannel, PromisePart
from arrears.domain.promises import PromiseToPay as DomainPromise

ON_ACCOUNT = ""  # the item key of money received on account (not applied to an item)


def m(minor: int, currency: str) -> Money:
    return Money.from_minor(minor, currency)


def open_items(case: Case, as_of: date | None = None) -> list[OpenItem]:
    """The case's open dunnable items, oldest due first; with `as_of`, only those issued by
    then (a commitment entered for an earlier day cannot cover an invoice issued after it)."""
    qs = OpenItem.objects.filter(
        debtor_id=case.debtor_id,
        currency=case.currency,
        kind__in=DUNNABLE_KINDS,
        open_minor__gt=0,
    )
    if as_of is not None:
        qs = qs.filter(issue_date__lte=as_of)
    return list(qs.order_by("due_date", "id"))


def credit_minor(case: Case, as_of: date) -> int:
    """Open credit notes and money on account in the case's currency on `as_of`: the debtor's
    own money we hold (`domain.credit_held`), netted from what a whole-case commitment may
    cover (as the daily run nets it from the debtor's exposure)."""
    notes = OpenItem.objects.filter(
        debtor_id=case.debtor_id,
        currency=case.currency,
        kind=ItemKind.CREDIT_NOTE,
        open_minor__gt=0,
    ).values_list("issue_date", "open_minor")
    on_account = Payment.objects.filter(
        debtor_id=case.debtor_id, currency=case.currency, unapplied_minor__gt=0
    ).values_list("received_on", "unapplied_minor")
    return credit_held_one([*notes, *on_account], as_of)


def disputed_minor(case: Case, *, besides: Dispute | None = None) -> dict[int, int]:
    """Per item id, the amount in open disputes (`besides`: but this one)."""
    qs = DisputePart.objects.filter(dispute__case=case, dispute__status=DisputeStatus.OPEN)
    if besides is not None:
        qs = qs.exclude(dispute=besides)
    rows = qs.values("item_id").annotate(total=Sum("amount_minor"))
    return {r["item_id"]: r["total"] for r in rows}


def unbooked_by_kind(case: Case) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Per item id, (approved write-offs, dispute credits, what other apps' decisions hold back:
    an approved set-off) the ledger does not show booked yet, read as the sweep reads them
    (`sweep_frames.pending_parts`, one definition: one fall in the open amount books the
    decisions in the order they were made, each once), for every decision made so far."""
    from arrears.apps.negotiation.services.sweep_frames import pending_parts  # services use us

    left = pending_parts(
        case.company_id, date.max, debtor_id=case.debtor_id, currency=case.currency
    )
    out: tuple[dict[int, int], dict[int, int], dict[int, int]] = ({}, {}, {})
    for item_id, kind, minor in left.select("item_id", "kind", "minor").iter_rows():
        into = out[0] if kind == "write_off" else out[1] if kind == "credit" else out[2]
        if minor:
            into[item_id] = into.get(item_id, 0) + minor
    return out


def decided_away_minor(case: Case) -> dict[int, int]:
    """Per item id, approved write-offs, dispute credits and set-offs not yet booked: money the
    debtor no longer owes (or no longer owes us in money), though the ledger still shows it
    open."""
    return add_up(*unbooked_by_kind(case))


def add_up(*parts: dict[int, int]) -> dict[int, int]:
    """Per item id, the sum of several per-item amounts."""
    out: dict[int, int] = {}
    for part in parts:
        for item_id, minor in part.items():
            out[item_id] = out.get(item_id, 0) + minor
    return out


def negotiable(case: Case, items: Iterable[OpenItem]) -> dict[str, Money]:
    """Per item number, the open amount outside open disputes and outside approved write-offs,
    credits and set-offs not yet booked: what can be promised, planned or negotiated."""
    held = add_up(disputed_minor(case), decided_away_minor(case))
    return {i.number: m(max(0, i.open_minor - held.get(i.pk, 0)), case.currency) for i in items}


def receipts(case: Case, item_ids: Iterable[int] | None = None) -> list[Receipt]:
    """Allocations of payments to the case's items (or to `item_ids`), as receipts."""
    qs = Allocation.objects.filter(
        item__debtor_id=case.debtor_id, item__currency=case.currency, amount_minor__gt=0
    )
    if item_ids is not None:
        qs = qs.filter(item_id__in=list(item_ids))
    rows = qs.values_list(
        "payment__reference", "payment__received_on", "amount_minor", "item__number"
    )
    got = [Receipt(ref, on, m(amount, case.currency), number) for ref, on, amount, number in rows]
    if item_ids is None:  # money on account counts towards commitments on the whole case
        on_account = Payment.objects.filter(
            debtor_id=case.debtor_id, currency=case.currency, unapplied_minor__gt=0
        ).values_list("reference", "received_on", "unapplied_minor")
        got += [Receipt(ref, on, m(a, case.currency), ON_ACCOUNT) for ref, on, a in on_account]
    return got


def known_receipts(case: Case, on: date) -> list[str]:
    """References of the receipts dated on or before `on` already known, on the case's open items
    or on account: they are in the balance a commitment entered on `on` is checked against, so
    they do not count towards it; any other receipt, imported later, does (§7)."""
    scope = {i.number for i in open_items(case)} | {ON_ACCOUNT}
    got = receipts(case)
    return sorted({r.reference for r in got if r.received_on <= on and r.item_key in scope})


def promise_domain(p: PromiseToPay) -> DomainPromise:
    parts = tuple(PromisePart(x.on, m(x.amount_minor, p.currency)) for x in p.parts.all())
    return DomainPromise(
        key=f"P{p.pk}",
        given_on=p.given_on,
        parts=parts,
        channel=PromiseChannel(p.channel),
        given_by=p.given_by,
        taken_by=p.taken_by.get_username(),
        item_keys=frozenset(i.number for i in p.items.all()),
        cancelled_on=p.cancelled_on,
        already_counted=frozenset(p.already_counted),
    )


def plan_domain(p: PaymentPlan) -> DomainPlan:
    cur = p.currency
    interest = None
    if p.annual_rate is not None:
        interest = InterestTerms(Decimal(p.annual_rate), DayCount(p.day_count or "act/365"))
    instalments = tuple(
        Instalment(i.seq, i.due_on, m(i.principal_minor, cur), m(i.interest_minor, cur))
        for i in p.instalments.all()
    )
    return DomainPlan(
        key=f"PL{p.pk}",
        agreed_on=p.agreed_on,
        principal=m(p.principal_minor, cur),
        instalments=instalments,
        interest=interest,
        item_keys=frozenset(i.number for i in p.items.all()),
        acceleration_clause=p.acceleration_clause,
        grace_business_days=p.grace_business_days,
        already_counted=frozenset(p.already_counted),
    )


def dispute_domain(d: Dispute) -> DomainDispute:
    parts = tuple(
        DisputedPart(x.item.number, m(x.amount_minor, d.currency))
        for x in d.parts.select_related("item")
    )
    return DomainDispute(
        key=f"D{d.pk}",
        parts=parts,
        reason=DisputeReason(d.reason),
        owner=d.owner.get_username(),
        opened_on=d.opened_on,
        deadline=d.deadline,
    )


def history_domain(rows: Iterable[NegotiationEvent], currency: str) -> NegotiationHistory:
    """The stored events as the domain's immutable history."""
    events = []
    for r in rows:
        terms = None
        if r.first_on is not None and r.first_minor is not None:
            assert r.last_on is not None and r.total_minor is not None
            terms = Terms(
                r.first_on,
                m(r.first_minor, currency),
                r.last_on,
                m(r.total_minor, currency),
                r.instalments or 0,
            )
        events.append(
            DomainEvent(
                kind=EventKind(r.kind),
                on=r.on,
                by=r.by,
                terms=terms,
                condition=Condition(r.condition) if r.condition else None,
                conditions=tuple(Condition(c) for c in r.conditions),
                reason=r.reason,
                reason_code=r.reason_code,
                recommended=Action(r.recommended) if r.recommended else None,
            )
        )
    return NegotiationHistory(tuple(events))


def terms_fields(t: Terms | None) -> dict[str, object]:
    """A `Terms` as the NegotiationEvent / Approval columns."""
    if t is None:
        return {}
    return {
        "first_on": t.first_on,
        "first_minor": t.first_amount.to_minor(),
        "last_on": t.last_on,
        "total_minor": t.total.to_minor(),
        "instalments": t.instalments,
    }


def terms_json(t: Terms) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in terms_fields(t).items()}


def terms_from_json(d: dict[str, object], currency: str) -> Terms:
    def day(k: str) -> date:
        return date.fromisoformat(str(d[k]))

    def minor(k: str) -> int:
        return int(str(d[k]))

    return Terms(
        day("first_on"),
        m(minor("first_minor"), currency),
        day("last_on"),
        m(minor("total_minor"), currency),
        minor("instalments"),
    )
