"""Reads for set-off (rule 11): for each debtor who is also our supplier, which of their due
invoices could be settled against which of ours to them (`arrears.domain.clearing.setoff`).

A proposal is a company figure that every member reads, like the ageing. Only what the
debtor owes that is due and not held back (disputed, promised, in a plan: the desk's
`excluded_minor`) is offered; what we owe counts whether due or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models.functions import Coalesce

from arrears.apps.accounts.access import require
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, Debtor, OpenItem, Payable
from arrears.domain.access import Verb
from arrears.domain.clearing.setoff import proposals
from arrears.domain.refusal import Refusal

_SIDE = {
    "key": pl.Int64,
    "number": pl.String,
    "debtor_id": pl.Int64,
    "currency": pl.String,
    "due_on": pl.Date,
    "open_minor": pl.Int64,
}


@dataclass(frozen=True)
class Pair:
    """One receivable set against one payable: never more than either's open amount."""

    receivable: str  # our invoice's number
    receivable_due: date
    payable: str  # their invoice's number (our document)
    payable_due: date
    amount_minor: int


@dataclass(frozen=True)
class SetOff:
    """The set-off proposed with one debtor in one currency."""

    debtor_code: str
    debtor_name: str
    currency: str
    due_to_us_minor: int  # what they owe us that is due and not held back
    owed_by_us_minor: int  # what we owe them
    pairs: tuple[Pair, ...]

    @property
    def amount_minor(self) -> int:
        return sum(p.amount_minor for p in self.pairs)


def setoff_proposals(
    *, actor: Any, company: Company, as_of: date, debtor_code: str | None = None
) -> list[SetOff]:
    """Every set-off possible on `as_of` (or with one debtor), largest first."""
    require(actor, Verb.READ, company_id=company.pk)
    payables_qs = Payable.objects.filter(company=company, open_minor__gt=0)
    if debtor_code is not None:
        debtor = Debtor.objects.filter(company=company, code=debtor_code).first()
        if debtor is None:
            raise Refusal("setoff.unknown_debtor", debtor=debtor_code)
        payables_qs = payables_qs.filter(debtor=debtor)
    theirs = pl.DataFrame(
        list(
            payables_qs.values_list(
                "pk", "number", "debtor_id", "currency", "due_date", "open_minor"
            )
        ),
        schema=_SIDE,
        orient="row",
    )
    debtor_ids = theirs["debtor_id"].unique().to_list()
    items = (
        OpenItem.objects.filter(
            debtor_id__in=debtor_ids, kind__in=DUNNABLE_KINDS, open_minor__gt=0, due_date__lte=as_of
        )
        .annotate(held=Coalesce("desk_input__excluded_minor", 0))
        .values_list("pk", "number", "debtor_id", "currency", "due_date", "open_minor", "held")
    )
    ours = pl.DataFrame(
        [(pk, n, d, c, due, max(o - h, 0)) for pk, n, d, c, due, o, h in items],
        schema=_SIDE,
        orient="row",
    )
    pairs = proposals(ours.rename({"key": "receivable"}), theirs.rename({"key": "payable"}), as_of)
    if pairs.is_empty():
        return []
    numbers = dict(
        zip(ours["key"].to_list(), zip(ours["number"], ours["due_on"], strict=True), strict=True)
    )
    theirs_by = dict(
        zip(
            theirs["key"].to_list(),
            zip(theirs["number"], theirs["due_on"], strict=True),
            strict=True,
        )
    )
    names = dict(Debtor.objects.filter(pk__in=debtor_ids).values_list("pk", "code"))
    full = dict(Debtor.objects.filter(pk__in=debtor_ids).values_list("pk", "name"))
    due_to_us = _sums(ours)
    owed_by_us = _sums(theirs)
    result = []
    for (debtor_id, currency), group in pairs.group_by(
        ["debtor_id", "currency"], maintain_order=True
    ):
        result.append(
            SetOff(
                debtor_code=names[debtor_id],
                debtor_name=full[debtor_id],
                currency=str(currency),
                due_to_us_minor=due_to_us[(debtor_id, currency)],
                owed_by_us_minor=owed_by_us[(debtor_id, currency)],
                pairs=tuple(
                    Pair(
                        receivable=numbers[r][0],
                        receivable_due=numbers[r][1],
                        payable=theirs_by[p][0],
                        payable_due=theirs_by[p][1],
                        amount_minor=a,
                    )
                    for r, p, a in group.select("receivable", "payable", "amount_minor").iter_rows()
                ),
            )
        )
    return sorted(result, key=lambda s: (-s.amount_minor, s.debtor_code, s.currency))


def _sums(side: pl.DataFrame) -> dict[tuple[int, str], int]:
    return {
        (d, c): int(m)
        for d, c, m in side.group_by("debtor_id", "currency")
        .agg(pl.col("open_minor").sum())
        .iter_rows()
    }
