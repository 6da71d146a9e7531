"""Reads for the figures that say whether collection works (`arrears kpis`): the ledger, the
promises, plans and actions as frames, and the report the domain's formulas make of them
(`arrears.domain.kpi`, where each formula is written out).

A company figure is read by every member (DOMAIN.md "Who uses it"); the figures per collector
are a manager's view: a credit manager or an administrator sees every collector's line, any
other member only their own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db.models import F, Max

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import Action, ActionStatus
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import (
    DUNNABLE_KINDS,
    Allocation,
    Company,
    Debtor,
    ImportBatch,
    ImportKind,
    OpenItem,
    Payment,
)
from arrears.apps.negotiation.models import (
    Instalment,
    PlanStatus,
    PromisePart,
    PromiseToPay,
)
from arrears.apps.reports.snapshots import snapshot_ageing
from arrears.domain import kpi
from arrears.domain.access import Verb
from arrears.domain.promises import PromiseState
from arrears.domain.refusal import NotAllowed

MONTHS = 6  # months of figures by default: half a year shows a trend, not a blip
GIVEN = tuple(
    s.value
    for s in (
        PromiseState.OPEN,
        PromiseState.KEPT,
        PromiseState.PARTLY_KEPT,
        PromiseState.BROKEN,
        PromiseState.CANCELLED,
    )
)  # a promise waiting for approval, refused or withdrawn was never given


@dataclass(frozen=True)
class KpiReport:
    """The figures of one company as of a day. Amounts are integer minor units per currency."""

    company: str
    company_name: str
    currency: str  # the company's own: its figures come first
    as_of: date
    months: list[kpi.PeriodFigures]  # one per month and currency, oldest first
    ageing: pl.DataFrame  # month_end, currency, bucket, open_minor: the ageing over time
    ageing_month_ends: int  # how many month ends the ageing over time shows
    ageing_from_snapshots: int  # of them, read from the daily snapshots (the rest rebuilt)
    roll: pl.DataFrame  # kpi.roll_and_cure over the last month
    promises: dict[str, kpi.PromiseFigures]  # resolved in the last month, per currency
    expected: pl.DataFrame  # kpi.expected_cash from today
    collectors: pl.DataFrame  # kpi.collector_figures over the last month
    curve: pl.DataFrame  # kpi.collectability_by_segment as of the day (segment: risk tier)
    cleared_on: date  # the day clearances the ERP made without a payment are counted on
    all_collectors: bool  # False: the reader sees their own line only


def month_ends(as_of: date, months: int) -> list[tuple[date, date]]:
    """The last `months` periods, each a calendar month up to `as_of` (the last one ends on
    `as_of` itself, a month to date), oldest first."""
    periods = []
    end = as_of
    for _ in range(months):
        start = end.replace(day=1)
        periods.append((start, end))
        end = start - timedelta(days=1)
    return periods[::-1]


def kpi_report(*, actor: Any, company: Company, as_of: date, months: int = MONTHS) -> KpiReport:
    """The company's KPIs as of `as_of`, to a member (see the module)."""
    require(actor, Verb.READ, company_id=company.pk)
    try:
        require(actor, Verb.ASSIGN, company_id=company.pk)
        everyone = True
    except NotAllowed:
        everyone = False
    items, payments, credits, cleared_on = ledger_history(company, as_of)
    periods = month_ends(as_of, months)
    figures = [
        f
        for start, end in periods
        for f in kpi.period_figures(items, payments, start, end, credits)
    ]
    ageing, from_snapshots = _ageing(company, items, payments, credits, [e for _, e in periods])
    last_start, _ = periods[-1]
    promises = _promises(company)
    collectors = kpi.collector_figures(
        _actions(company), promises, _cash(company), last_start, as_of
    )
    if not everyone:
        collectors = collectors.filter(pl.col("person") == actor.get_username())
    resolved_lately = promises.filter(pl.col("closed_on").is_between(last_start, as_of))
    return KpiReport(
        company=company.code,
        company_name=company.name,
        currency=company.currency,
        as_of=as_of,
        months=figures,
        ageing=ageing,
        ageing_month_ends=len(periods),
        ageing_from_snapshots=from_snapshots,
        roll=kpi.roll_and_cure(
            items, payments, last_start - timedelta(days=1), as_of, credits=credits
        ),
        promises=kpi.promise_figures(
            resolved_lately.rename({"state": "status"}).select(
                "currency", "status", "amount_minor", "paid_minor"
            )
        ),
        expected=kpi.expected_cash(_commitments(company), as_of),
        collectors=collectors,
        curve=kpi.collectability_by_segment(items, payments, as_of, credits=credits),
        cleared_on=cleared_on,
        all_collectors=everyone,
    )


def _ageing(
    company: Company,
    items: pl.DataFrame,
    payments: pl.DataFrame,
    credits: pl.DataFrame,
    ends: list[date],
) -> tuple[pl.DataFrame, int]:
    """The ageing at each month end: read from the daily snapshots (issue #16) where the run
    kept one that day, rebuilt from the ledger's history otherwise; with the number of month
    ends read from the snapshots."""
    kept = snapshot_ageing(company, ends)
    have = set(kept["month_end"].to_list())
    rebuilt = [
        kpi.balances_on(items, payments, end, credits)
        .group_by("currency", bucket=kpi.bucket_of(pl.col("dpd")))
        .agg(open_minor=pl.col("open_minor").sum())
        .with_columns(month_end=pl.lit(end, dtype=pl.Date))
        .select("month_end", "currency", "bucket", "open_minor")
        for end in ends
        if end not in have
    ]
    ageing = pl.concat([kept, *rebuilt]).sort("month_end", "currency", "bucket")
    return ageing, len(have)


def _frame(rows: Iterable[Sequence[Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


ITEMS_OPEN: dict[str, Any] = {
    **kpi.ITEMS,
    "debtor_id": pl.Int64,
    "segment": pl.String,  # the debtor's risk tier: the segment its ladder is chosen by
    "open_minor": pl.Int64,
}
_ITEMS_SQL = """
SELECT i.id AS item_id, i.currency, i.issue_date AS issued_on, i.due_date AS due_on,
       i.original_minor AS amount_minor, i.debtor_id, d.risk_tier AS segment, i.open_minor
FROM {item} i JOIN {debtor} d ON d.id = i.debtor_id
WHERE i.company_id = %s AND i.kind IN ({kinds})
"""
_ALLOCATIONS_SQL = """
SELECT a.item_id, p.received_on AS paid_on, a.amount_minor
FROM {allocation} a JOIN {payment} p ON p.id = a.payment_id
WHERE p.company_id = %s
"""


def ledger_history(
    company: Company, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, date]:
    """The company's invoices (kpi.ITEMS, with debtor_id and segment: the debtor's risk
    tier), the payments allocated to them,
    and the credits (kpi.CREDITS): what the ERP cleared on an invoice beyond its payments (a
    credit note set against it), dated the day arrears learned of it (returned too)."""
    items, allocations = _ledger(company)
    cleared_on = _cleared_on(company, as_of)
    credits = kpi.cleared_without_payment(items, allocations, cleared_on).rename(
        {"paid_on": "credited_on"}
    )
    return items.drop("open_minor"), allocations, credits, cleared_on


def _ledger(company: Company) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The company's invoices (kpi.ITEMS with open_minor) and what was paid on them, in two
    queries: credit notes are not sales, and their effect shows in what they cleared."""
    kinds = ", ".join(["%s"] * len(DUNNABLE_KINDS))
    items = read_frame(
        _ITEMS_SQL.format(item=OpenItem._meta.db_table, debtor=Debtor._meta.db_table, kinds=kinds),
        [company.pk, *[str(k) for k in DUNNABLE_KINDS]],
        ITEMS_OPEN,
    )
    allocations = read_frame(
        _ALLOCATIONS_SQL.format(
            allocation=Allocation._meta.db_table, payment=Payment._meta.db_table
        ),
        [company.pk],
        dict(kpi.PAYMENTS),  # type: ignore[arg-type]
    )
    return items, allocations


def _cleared_on(company: Company, as_of: date) -> date:
    """The day of the latest items import up to `as_of` (when arrears learned what the ERP
    cleared), or `as_of` when none was imported by then."""
    at = ImportBatch.objects.filter(
        company=company, kind=ImportKind.ITEMS, at__date__lte=as_of
    ).aggregate(at=Max("at"))["at"]
    return at.date() if at is not None else as_of


def _promises(company: Company) -> pl.DataFrame:
    rows = (
        PromiseToPay.objects.filter(case__debtor__company=company, state__in=GIVEN)
        .annotate(person=F("taken_by__username"))
        .values_list(
            "person", "currency", "given_on", "state", "closed_on", "total_minor", "paid_minor"
        )
    )
    return _frame(rows, kpi.PROMISES)


def _actions(company: Company) -> pl.DataFrame:
    rows = (
        Action.objects.filter(
            case__debtor__company=company, status=ActionStatus.DONE, done_by__isnull=False
        )
        .annotate(person=F("done_by__username"))
        .values_list("person", "case_id", "channel", "done_on")
    )
    return _frame(rows, kpi.ACTIONS)


def _cash(company: Company) -> pl.DataFrame:
    """What was paid on each owned debtor's items, under the debtor's owner today."""
    rows = (
        Allocation.objects.filter(payment__company=company, item__debtor__owner__isnull=False)
        .annotate(
            person=F("item__debtor__owner__username"),
            currency=F("payment__currency"),
            paid_on=F("payment__received_on"),
        )
        .values_list("person", "currency", "paid_on", "amount_minor")
    )
    return _frame(rows, kpi.CASH)


COMMITMENTS = {
    "commitment_id": pl.String,
    "currency": pl.String,
    "due_on": pl.Date,
    "amount_minor": pl.Int64,
}


def _commitments(company: Company) -> pl.DataFrame:
    """What open promises and plans in good standing still expect, part by part."""
    parts = PromisePart.objects.filter(
        promise__case__debtor__company=company, promise__state=PromiseState.OPEN
    ).values_list("promise_id", "promise__currency", "on", "amount_minor")
    paid = PromiseToPay.objects.filter(
        case__debtor__company=company, state=PromiseState.OPEN
    ).values_list("pk", "paid_minor")
    instalments = Instalment.objects.filter(
        plan__case__debtor__company=company, plan__status=PlanStatus.GOOD_STANDING
    ).values_list(
        "pk", "plan__currency", "due_on", "principal_minor", "interest_minor", "paid_minor"
    )
    frame = _frame(
        [(f"p{pk}", cur, on, amount) for pk, cur, on, amount in parts]
        + [(f"i{pk}", cur, on, p + i) for pk, cur, on, p, i, _ in instalments],
        COMMITMENTS,
    )
    paid_frame = _frame(
        [(f"p{pk}", minor) for pk, minor in paid]
        + [(f"i{pk}", minor) for pk, _, _, _, _, minor in instalments],
        {"commitment_id": pl.String, "paid_minor": pl.Int64},
    )
    return kpi.outstanding_parts(frame, paid_frame)
