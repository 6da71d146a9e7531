"""Set-off's life (rule 11): proposed on a debtor's account, decided by a credit manager who
did not propose it (four eyes), written once into a file for the ERP to book, and marked
booked once. Each step locks its row, checks who asks and the state inside the transaction,
and is audited; a refused step writes nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.services.desk_inputs import desk_inputs_store
from arrears.apps.clearing.letters import setoff_letter_queue
from arrears.apps.clearing.models import OPEN_STATES, SetOff, SetOffPair, SetOffState
from arrears.apps.clearing.selectors import (
    SetOffRecord,
    payables_held,
    setoff_proposals,
    setoff_record,
)
from arrears.apps.common import clock
from arrears.apps.ledger.models import Company, Debtor, OpenItem, Payable
from arrears.apps.negotiation.services.sweep_frames import pending_parts
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal
from arrears.domain.text import neutralise

REASON_LENGTH = 500
EXPORT_HEADER = [
    "setoff",
    "debtor_code",
    "currency",
    "item_number",
    "payable_number",
    "amount_minor",
    "approved_on",
]


def _not_after_today(on: date) -> None:
    """A set-off is proposed, decided, exported and booked on a day that has happened: a claim
    not yet due on the real day is never set off (as the daily run judges no future day)."""
    now = clock.today()
    if on > now:
        raise Refusal("setoff.after_today", on=on, today=now)


def setoff_propose(
    *, actor: Any, company: Company, debtor_code: str, as_of: date, currency: str | None = None
) -> SetOffRecord:
    """Record the set-off `arrears setoff` shows for one debtor (and currency), to be decided
    by a credit manager; by the debtor's owner or a credit manager."""
    _not_after_today(as_of)
    with transaction.atomic():
        debtor = (
            Debtor.objects.select_for_update().filter(company=company, code=debtor_code).first()
        )
        if debtor is None:
            raise Refusal("setoff.unknown_debtor", debtor=debtor_code)
        require(
            actor,
            Verb.CHANGE_CASE,
            company_id=company.pk,
            owner_id=debtor.owner_id,
            what=f"propose a set-off with {debtor.code}",
        )
        open_ = SetOff.objects.filter(debtor=debtor, state__in=OPEN_STATES)
        if currency is not None:
            open_ = open_.filter(currency=currency)
        existing = open_.first()
        if existing is not None:
            raise Refusal(
                "setoff.already_open",
                id=existing.pk,
                debtor=debtor.code,
                currency=existing.currency,
                state=existing.state,
            )
        found = [
            p
            for p in setoff_proposals(
                actor=actor, company=company, as_of=as_of, debtor_code=debtor_code
            )
            if currency is None or p.currency == currency
        ]
        if not found:
            raise Refusal("setoff.nothing", debtor=debtor.code, on=as_of)
        if len(found) > 1:
            raise Refusal(
                "setoff.which_currency",
                debtor=debtor.code,
                currencies=", ".join(p.currency for p in found),
            )
        proposal = found[0]
        try:
            with transaction.atomic():
                made = SetOff.objects.create(
                    company=company,
                    debtor=debtor,
                    currency=proposal.currency,
                    amount_minor=proposal.amount_minor,
                    proposed_on=as_of,
                    proposed_by=actor,
                    state=SetOffState.PROPOSED,
                )
        except IntegrityError:  # proposed meanwhile by someone else
            raise Refusal(
                "setoff.already_open",
                id="?",
                debtor=debtor.code,
                currency=proposal.currency,
                state=SetOffState.PROPOSED,
            ) from None
        SetOffPair.objects.bulk_create(
            SetOffPair(
                setoff=made, item_id=p.item_id, payable_id=p.payable_id, amount_minor=p.amount_minor
            )
            for p in proposal.pairs
        )
        audit_record(
            action="setoff.propose",
            actor=actor,
            object_type="setoff",
            object_id=made.pk,
            detail={"debtor": debtor.code, "currency": made.currency, "amount": made.amount_minor},
        )
        return setoff_record(made)


def _locked(setoff_id: int) -> SetOff:
    found = (
        SetOff.objects.select_for_update(of=("self",))  # the set-off's row, not its people's
        .select_related("debtor", "proposed_by", "decided_by")
        .filter(pk=setoff_id)
        .first()
    )
    if found is None:
        raise Refusal("setoff.not_found", id=setoff_id)
    return found


def setoff_decide(
    *, actor: Any, setoff_id: int, approve: bool, on: date, reason: str = ""
) -> SetOffRecord:
    """A credit manager of the company, not its proposer, approves or refuses (a refusal says
    why). Approval checks that both sides still hold what the set-off takes."""
    _not_after_today(on)
    reason = reason.strip()
    with transaction.atomic():
        s = _locked(setoff_id)
        require(
            actor,
            Verb.APPROVE,
            company_id=s.company_id,
            requester_id=s.proposed_by_id,
            what=f"decide set-off S{s.pk}",
        )
        if s.state != SetOffState.PROPOSED:
            raise Refusal("setoff.not_proposed", id=s.pk, state=s.state)
        if not approve and not reason:
            raise Refusal("setoff.reason_required", id=s.pk)
        if len(reason) > REASON_LENGTH:
            raise Refusal("setoff.reason_too_long", limit=REASON_LENGTH, length=len(reason))
        if approve:
            _still_holds(s)
            _open_at_approval(s)
        s.state = SetOffState.APPROVED if approve else SetOffState.REFUSED
        s.decided_by, s.decided_on, s.reason = actor, on, reason
        s.save(update_fields=["state", "decided_by", "decided_on", "reason"])
        if approve:  # the debtor is told, once, through the outbox
            setoff_letter_queue(s)
        audit_record(
            action="setoff.approve" if approve else "setoff.refuse",
            actor=actor,
            object_type="setoff",
            object_id=s.pk,
            detail={"reason": reason},
        )
        return setoff_record(s)


def _still_holds(s: SetOff) -> None:
    """Each side still has open at least what the set-off takes from it, beside what other
    approved set-offs the ERP has not booked yet take from it (the ERP's newer files may have
    settled part of it since it was proposed)."""
    pairs = list(s.pairs.all())
    takes_item: dict[int, int] = {}
    takes_payable: dict[int, int] = {}
    for p in pairs:
        takes_item[p.item_id] = takes_item.get(p.item_id, 0) + p.amount_minor
        takes_payable[p.payable_id] = takes_payable.get(p.payable_id, 0) + p.amount_minor
    items_held = pending_parts(s.company_id, date.max, debtor_id=s.debtor_id, currency=s.currency)
    items_held = items_held.filter(pl.col("kind") == "setoff")
    sides = [
        (
            takes_item,
            OpenItem.objects.filter(pk__in=takes_item),
            dict(items_held.group_by("item_id").agg(pl.col("minor").sum()).iter_rows()),
        ),
        (
            takes_payable,
            Payable.objects.filter(pk__in=takes_payable),
            payables_held(s.company_id, debtor_id=s.debtor_id),
        ),
    ]
    for takes, rows, held in sides:  # one read per side: what is open now, and its number
        now = {
            pk: (open_minor, number)
            for pk, open_minor, number in rows.values_list("pk", "open_minor", "number")
        }
        for pk, minor in takes.items():
            open_minor, number = now.get(pk, (0, "?"))
            if open_minor - held.get(pk, 0) < minor:
                raise Refusal("setoff.stale", id=s.pk, number=number)


def _open_at_approval(s: SetOff) -> None:
    """Record each side's open amount as approved: from now until the ERP books it, the ladder
    does not dun what is set off (`clearing.apps`: the negotiation sweep holds it back, and it
    is held back at once here, as the sweep will hold it), and no new proposal offers either
    side's part again (`selectors.payables_held`)."""
    items = dict(
        OpenItem.objects.filter(pk__in=s.pairs.values("item_id")).values_list("pk", "open_minor")
    )
    for item_id, open_minor in items.items():
        s.pairs.filter(item_id=item_id).update(item_open_at_minor=open_minor)
    payables = Payable.objects.filter(pk__in=s.pairs.values("payable_id"))
    for payable_id, open_minor in payables.values_list("pk", "open_minor"):
        s.pairs.filter(payable_id=payable_id).update(payable_open_at_minor=open_minor)
    takes: dict[int, int] = {}
    for item_id, minor in s.pairs.values_list("item_id", "amount_minor"):
        takes[item_id] = takes.get(item_id, 0) + minor
    stored = OpenItem.objects.filter(pk__in=takes).annotate(
        held=Coalesce("desk_input__excluded_minor", 0)
    )
    # min(open, parts) + take, capped at open again, is min(open, parts + take): the sweep's
    # figure (`domain.exclusions`) with this set-off's part in it
    changed = pl.DataFrame(
        [
            (pk, min(max(open_minor, 0), held + takes[pk]))
            for pk, open_minor, held in stored.values_list("pk", "open_minor", "held")
        ],
        schema={"item_id": pl.Int64, "excluded_minor": pl.Int64},
        orient="row",
    )
    desk_inputs_store(company=s.company, column="excluded_minor", changed=changed)


def setoff_export(*, actor: Any, company: Company, path: Path, on: date) -> int:
    """Write every approved set-off not yet exported into one CSV for the ERP to book, and
    mark them exported: each goes into exactly one file. Returns how many."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="export set-offs")
    _not_after_today(on)
    with transaction.atomic():
        due = list(
            SetOff.objects.select_for_update()
            .filter(company=company, state=SetOffState.APPROVED, exported_on__isnull=True)
            .order_by("pk")
        )
        rows = [
            [
                f"S{s.pk}",
                s.debtor.code,
                s.currency,
                p.item.number,
                p.payable.number,
                p.amount_minor,
                s.decided_on.isoformat() if s.decided_on else "",
            ]
            for s in due
            for p in s.pairs.select_related("item", "payable").order_by("pk")
        ]
        # Written before the rows are marked: a file that cannot be written marks nothing.
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(EXPORT_HEADER)
            out.writerows([neutralise(c) if isinstance(c, str) else c for c in r] for r in rows)
        SetOff.objects.filter(pk__in=[s.pk for s in due]).update(exported_on=on)
        audit_record(
            action="setoff.export",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={"setoffs": [s.pk for s in due], "file": path.name[:255]},
        )
        return len(due)


def setoff_book(*, actor: Any, setoff_id: int, on: date) -> SetOffRecord:
    """The ERP booked an exported set-off: marked once, never again."""
    _not_after_today(on)
    with transaction.atomic():
        s = _locked(setoff_id)
        require(actor, Verb.APPROVE, company_id=s.company_id, what=f"book set-off S{s.pk}")
        if s.state == SetOffState.BOOKED:
            raise Refusal("setoff.already_booked", id=s.pk, on=s.booked_on)
        if s.state != SetOffState.APPROVED:
            raise Refusal("setoff.not_approved", id=s.pk, state=s.state)
        if s.exported_on is None:
            raise Refusal("setoff.not_exported", id=s.pk)
        s.state, s.booked_on = SetOffState.BOOKED, on
        s.save(update_fields=["state", "booked_on"])
        audit_record(action="setoff.book", actor=actor, object_type="setoff", object_id=s.pk)
        return setoff_record(s)
