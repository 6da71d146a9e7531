"""Fees (rule 9, issue #14): charged by the daily run, shown, waived with a credit manager's
approval, exported once for the ERP.

`fees_charge` is the run's stage (registered in `communications.apps`, in the run's
transaction, after the ladder's writes): it reads every open item's step and the fees already
charged as frames in a constant number of queries, lets the pure `arrears.domain.fees.fees_due`
price them, and inserts the new fees in one bulk write. Fees are keyed by item, step and kind
(and the statutory compensation by item alone), so a re-run charges nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction

from arrears.apps.accounts import access
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Case, Run
from arrears.apps.cases.selectors import strategies_for
from arrears.apps.common import clock
from arrears.apps.common.bulk import insert_frame, read_frame
from arrears.apps.communications.models import Fee, FeeWaiver, WaiverStatus
from arrears.apps.communications.selectors import regime_for
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, OpenItem
from arrears.domain.access import Verb
from arrears.domain.fees import FeeKind, fees_due
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

_ITEMS = {
    "item_id": pl.Int64(),
    "currency": pl.String(),
    "amount_minor": pl.Int64(),
    "open_minor": pl.Int64(),
    "step": pl.Int64(),
    "strategy_code": pl.String(),
    "consumer": pl.Boolean(),
}
_CHARGED = {"item_id": pl.Int64(), "step": pl.Int64(), "kind": pl.String()}


def fees_charge(*, company: Company, as_of: date, run: Run) -> dict[str, int]:
    """Charge the fee of the step each open item stands on, where its ladder prices that step
    and it was not charged before (the compensation: once per invoice). One bulk insert."""
    strategies = {s.code: s for s in strategies_for(company=company)}
    priced = {
        code: {i: st.fee for i, st in enumerate(s.steps) if st.fee is not None}
        for code, s in strategies.items()
    }
    priced = {code: fees for code, fees in priced.items() if fees}
    if not priced:
        return {}
    kinds = [str(k) for k in DUNNABLE_KINDS]
    # only the items standing on a priced step (most of a ladder's items stand on none)
    on_priced = " OR ".join(
        f"(s.strategy_code = %s AND s.step IN ({', '.join(['%s'] * len(fees))}))"
        for fees in priced.values()
    )
    steps_priced = [x for code, fees in priced.items() for x in (code, *sorted(fees))]
    items = read_frame(
        "SELECT i.id AS item_id, i.currency, i.original_minor AS amount_minor, i.open_minor, "
        "s.step, s.strategy_code, d.kind = 'consumer' AS consumer "
        "FROM cases_itemstep s JOIN ledger_openitem i ON i.id = s.item_id "
        "JOIN ledger_debtor d ON d.id = i.debtor_id "
        "WHERE i.company_id = %s AND i.open_minor > 0 "
        f"AND i.kind IN ({', '.join(['%s'] * len(kinds))}) AND ({on_priced})",
        [company.pk, *kinds, *steps_priced],
        _ITEMS,
    )
    if items.height == 0:
        return {"fees_charged": 0}
    charged = read_frame(
        "SELECT item_id, step, kind FROM communications_fee WHERE company_id = %s",
        [company.pk],
        _CHARGED,
    )
    regime = regime_for(company)
    parts = []
    for code, fees in priced.items():
        mine = items.filter(pl.col("strategy_code") == code)
        if mine.height:
            parts.append(fees_due(mine, charged, fees, regime))
    due = pl.concat(parts) if parts else pl.DataFrame()
    if due.height == 0:
        return {"fees_charged": 0}
    steps = pl.DataFrame(
        [
            {"strategy_code": code, "step": i, "step_code": st.code}
            for code, s in strategies.items()
            for i, st in enumerate(s.steps)
        ],
        schema={"strategy_code": pl.String, "step": pl.Int64, "step_code": pl.String},
    )
    rows = (
        due.join(items.select("item_id", "currency", "strategy_code"), on="item_id")
        .join(steps, on=["strategy_code", "step"])
        .select(
            company_id=pl.lit(company.pk, dtype=pl.Int64),
            item_id="item_id",
            step="step",
            step_code="step_code",
            kind="kind",
            amount_minor="fee_minor",
            currency="currency",
            charged_on=pl.lit(as_of),
            run_id=pl.lit(run.pk, dtype=pl.Int64),
            waived_on=pl.lit(None, dtype=pl.Date),
            export_id=pl.lit(None, dtype=pl.Int64),
        )
    )
    insert_frame("communications_fee", rows)
    return {"fees_charged": rows.height}


@dataclass(frozen=True)
class FeeLine:
    """One fee as a person reads it."""

    id: int
    item: str
    item_id: int
    step_code: str
    kind: str
    amount: Money
    charged_on: date
    waived_on: date | None
    waiver: str  # "" | requested | refused (the last request's state when not waived)

    @property
    def owed(self) -> bool:
        return self.waived_on is None


def fees_of_items(item_ids: list[int]) -> dict[int, list[FeeLine]]:
    """The fees charged on these items, by item, oldest first (callers checked access)."""
    last_request: dict[int, str] = {}
    rows = list(
        Fee.objects.filter(item_id__in=item_ids).select_related("item").order_by("charged_on", "id")
    )
    # by the items, not the fees read: the same queries with fees or without (the case page)
    waivers = FeeWaiver.objects.filter(fee__item_id__in=item_ids).order_by("id")
    for fee_id, status in waivers.values_list("fee_id", "status"):
        last_request[fee_id] = status
    out: dict[int, list[FeeLine]] = defaultdict(list)
    for f in rows:
        out[f.item_id].append(
            FeeLine(
                id=f.pk,
                item=f.item.number,
                item_id=f.item_id,
                step_code=f.step_code,
                kind=f.kind,
                amount=Money.from_minor(f.amount_minor, f.currency),
                charged_on=f.charged_on,
                waived_on=f.waived_on,
                waiver=last_request.get(f.pk, "") if f.waived_on is None else "",
            )
        )
    return dict(out)


def owed_fees_minor(item_ids: list[int], *, compensation: bool | None = None) -> dict[int, int]:
    """The fees still owed (not waived) on each item, in minor units of its currency; only the
    statutory compensation (`compensation=True`), or all but it (False)."""
    out: dict[int, int] = defaultdict(int)
    rows = Fee.objects.filter(item_id__in=item_ids, waived_on__isnull=True)
    if compensation is not None:
        rows = (rows.filter if compensation else rows.exclude)(kind=FeeKind.COMPENSATION.value)
    for item_id, amount in rows.values_list("item_id", "amount_minor"):
        out[item_id] += amount
    return dict(out)


def compensation_settled(item_ids: list[int]) -> set[int]:
    """Items whose statutory compensation was charged (owed or waived): a letter does not add
    it again from the regime."""
    return set(
        Fee.objects.filter(item_id__in=item_ids, kind=FeeKind.COMPENSATION.value).values_list(
            "item_id", flat=True
        )
    )


def case_fees(*, case: Case) -> list[FeeLine]:
    """Every fee on the case's items (debtor and currency), for `explain` and the case page
    (which asked access already)."""
    ids = list(
        OpenItem.objects.filter(debtor_id=case.debtor_id, currency=case.currency).values_list(
            "id", flat=True
        )
    )
    return [f for lines in fees_of_items(ids).values() for f in lines]


# --- waivers: a collector (or anyone on the case) asks, a credit manager who did not ask decides


def _fee_for(company: Company, fee_id: int) -> Fee:
    fee = Fee.objects.select_related("item__debtor").filter(pk=fee_id, company=company).first()
    if fee is None:
        raise Refusal("fee.unknown", fee=fee_id, company=company.code)
    return fee


def fee_waive_request(*, actor: Any, company: Company, fee_id: int, reason: str) -> FeeWaiver:
    """Ask for a fee to be waived, with a reason: anyone who may act on the debtor's case (its
    owner, a credit manager). Refused: no reason, a fee already waived or already asked for."""
    fee = _fee_for(company, fee_id)
    access.require(
        actor,
        Verb.CHANGE_CASE,
        company_id=company.pk,
        owner_id=fee.item.debtor.owner_id,
        what=f"ask to waive a fee of {fee.item.debtor.code}",
    )
    if not reason.strip():
        raise Refusal("fee.no_reason")
    today = clock.today()
    with transaction.atomic():
        fee = Fee.objects.select_for_update().get(pk=fee.pk)
        if fee.waived_on is not None:
            raise Refusal("fee.waived", fee=fee.pk, on=fee.waived_on)
        if FeeWaiver.objects.filter(fee=fee, status=WaiverStatus.REQUESTED).exists():
            raise Refusal("fee.waiver_pending", fee=fee.pk)
        row = FeeWaiver.objects.create(
            fee=fee, reason=reason.strip(), requested_by=actor, requested_on=today
        )
        audit_record(
            action="fee.waiver_requested",
            actor=actor,
            object_type="feewaiver",
            object_id=row.pk,
            detail=_detail(fee, reason=reason.strip()),
        )
    return row


def fee_waive_decide(
    *, actor: Any, company: Company, fee_id: int, approve: bool, reason: str
) -> FeeWaiver:
    """Approve or refuse the open request to waive a fee: a credit manager of the company who
    did not ask (four eyes), with a reason. Approved, the fee is no longer owed."""
    fee = _fee_for(company, fee_id)
    waiver = FeeWaiver.objects.filter(fee=fee, status=WaiverStatus.REQUESTED).first()
    if waiver is None:
        raise Refusal("fee.no_waiver", fee=fee.pk)
    access.require(
        actor,
        Verb.APPROVE,
        company_id=company.pk,
        requester_id=waiver.requested_by_id,
        what="approve or refuse a fee waiver",
    )
    if not reason.strip():
        raise Refusal("fee.no_reason")
    today = clock.today()
    with transaction.atomic():
        waiver = FeeWaiver.objects.select_for_update().get(pk=waiver.pk)
        if waiver.status != WaiverStatus.REQUESTED:
            raise Refusal("fee.no_waiver", fee=fee.pk)
        waiver.status = WaiverStatus.APPROVED if approve else WaiverStatus.REFUSED
        waiver.decided_by = actor
        waiver.decided_on = today
        waiver.decision_reason = reason.strip()
        waiver.save(update_fields=["status", "decided_by", "decided_on", "decision_reason"])
        if approve:
            Fee.objects.filter(pk=fee.pk).update(waived_on=today)
        audit_record(
            action=f"fee.waiver_{waiver.status}",
            actor=actor,
            object_type="feewaiver",
            object_id=waiver.pk,
            detail=_detail(
                fee, reason=reason.strip(), requested_by=waiver.requested_by.get_username()
            ),
        )
    return waiver


def _detail(fee: Fee, **more: Any) -> dict[str, Any]:
    return {
        "fee": fee.pk,
        "item": fee.item.number,
        "debtor": fee.item.debtor.code,
        "step": fee.step_code,
        "kind": fee.kind,
        "amount_minor": fee.amount_minor,
        "currency": fee.currency,
        **more,
    }


def fees_list(
    *, actor: Any, company: Company, debtor: str | None = None, pending: bool = False
) -> list[FeeLine]:
    """The company's fees as far as the person may read them (a collector: their debtors'),
    newest first; `pending`: only those with a waiver waiting for a decision."""
    role = access.require(actor, Verb.READ, company_id=company.pk)
    rows = Fee.objects.filter(company=company)
    owner = access.readable_owner(actor, role, company.pk)
    if owner is not None:
        rows = rows.filter(item__debtor__owner_id=owner)
    if debtor:
        rows = rows.filter(item__debtor__code=debtor)
    if pending:
        rows = rows.filter(waivers__status=WaiverStatus.REQUESTED)
    ids = list(rows.values_list("item_id", flat=True).distinct()[:5000])
    wanted = set(rows.values_list("id", flat=True))
    lines = [f for fs in fees_of_items(ids).values() for f in fs if f.id in wanted]
    return sorted(lines, key=lambda f: (f.charged_on, f.id), reverse=True)
