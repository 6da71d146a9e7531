"""`arrears fee export FILE.csv|FILE.xlsx [--as-of DAY]`: the fees and interest claimed, per
item, for the ERP to book (rule 9; finance books fees and interest).

Exported once, like the set-off export: each file holds what is new since the last one, and
what it holds is marked, so that the bookkeeper books each line once and never the same fee
twice:

- a `fee` line for every fee charged and not exported yet (not waived);
- a `fee waived` line, negative, for a fee waived after it was exported (the ERP reverses it);
- an `interest` line per item claimed (an open item on the second step of its ladder or
  later, or with a fee), whose amount is the interest accrued since the last export (the
  interest to date less what the last export said), with the interest to date beside it.

The file is written before anything is marked: a file that cannot be written marks nothing.
Text cells are neutralised (`arrears.domain.text.neutralise`); XLSX amounts are numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import ItemStep
from arrears.apps.common.files import write_file
from arrears.apps.communications.models import Fee, FeeExport, InterestExported
from arrears.apps.communications.selectors import (
    _payments,
    interest_terms_of,
    rate_tables,
    reductions_known_on,
    regime_for,
    regime_for_debtor,
)
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, OpenItem
from arrears.apps.reports.exports import decimal_of, text_cell
from arrears.domain.access import Verb
from arrears.domain.interest import Fixing, accrue, debt_on_open
from arrears.domain.refusal import Refusal
from arrears.domain.text import neutralise

HEADER = [
    "item",
    "debtor",
    "debtor name",
    "line",
    "step",
    "kind",
    "amount",
    "interest to date",
    "currency",
    "charged on",
]


def _interest_items(company: Company, fee_items: set[int]) -> list[OpenItem]:
    claimed = set(
        ItemStep.objects.filter(item__company=company, step__gte=1).values_list(
            "item_id", flat=True
        )
    )
    return list(
        OpenItem.objects.select_related("debtor")
        .filter(
            company=company,
            id__in=claimed | fee_items,
            open_minor__gt=0,
            kind__in=DUNNABLE_KINDS,
        )
        .order_by("number")
    )


@dataclass(frozen=True, slots=True)
class FeesExported:
    """What an export wrote: its lines, and the items whose interest it could not state (the
    rates of the day are not known: `missing` says which table ends when). Those items' interest
    is left for the next export, once the table is imported; their fees went out all the same."""

    lines: int
    without_interest: int = 0
    missing: Refusal | None = None


def fees_export(
    *, actor: Any, company: Company, path: Path, as_of: date, fmt: str | None = None
) -> FeesExported:
    """Write the file (`fmt` csv or xlsx; by default its suffix) and mark what it holds."""
    require(actor, Verb.APPROVE, company_id=company.pk, what="export fees for the ERP")
    fmt = fmt or path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise Refusal("fee.export_format", file=path.name)
    with transaction.atomic():
        new = list(
            Fee.objects.select_for_update()
            .select_related("item__debtor")
            .filter(company=company, export__isnull=True, waived_on__isnull=True)
            .order_by("item__number", "step")
        )
        reversed_ = list(
            Fee.objects.select_for_update()
            .select_related("item__debtor")
            .filter(
                company=company,
                export__isnull=False,
                waived_on__isnull=False,
                waiver_export__isnull=True,
            )
            .order_by("item__number", "step")
        )
        rows: list[list[Any]] = []
        for f, sign, line in [(f, 1, "fee") for f in new] + [
            (f, -1, "fee waived") for f in reversed_
        ]:
            rows.append(
                [
                    f.item.number,
                    f.item.debtor.code,
                    f.item.debtor.name,
                    line,
                    f.step_code,
                    f.kind,
                    decimal_of(sign * f.amount_minor, f.currency),
                    None,
                    f.currency,
                    f.charged_on.isoformat(),
                ]
            )
        terms = interest_terms_of(company)
        interest: dict[int, int] = {}
        without_interest, missing = 0, None
        if regime_for(company, terms) is not None:
            items = _interest_items(company, {f.item_id for f in new})
            before = dict(
                InterestExported.objects.filter(item__in=items).values_list(
                    "item_id", "interest_minor"
                )
            )
            paid = _payments(as_of, sorted({i.debtor_id for i in items}))
            tables = rate_tables()
            known_on = reductions_known_on(company, as_of)
            for i in items:
                consumer = i.debtor.consumer
                charged = regime_for_debtor(company, i.debtor, terms)
                regime = charged.regime
                assert regime is not None  # the company's is, and a debtor's follows from it
                if regime.fixing is Fixing.CONTRACT and charged.contract is None:
                    continue  # no rate stated: its letters claim none (and say it is missing)
                if as_of <= i.due_date or not regime.covers(consumer=consumer):
                    continue  # a consumer under a business-only law owes none of its interest
                debt = debt_on_open(
                    i.original_amount, i.open_amount, i.due_date,
                    tuple(paid.get(i.pk, [])), known_on, consumer=consumer,
                    contract_rate=charged.contract.yearly if charged.contract else None,
                )  # fmt: skip
                try:
                    to_date = accrue(debt, regime, as_of, tables).interest_owed.to_minor()
                except Refusal as e:
                    if e.code != "interest.no_rate":
                        raise
                    without_interest, missing = without_interest + 1, missing or e
                    continue  # never a silent zero: said, and left for the next export
                if to_date == before.get(i.pk, 0):
                    continue
                interest[i.pk] = to_date
                rows.append(
                    [
                        i.number,
                        i.debtor.code,
                        i.debtor.name,
                        "interest",
                        "",
                        regime.code,
                        decimal_of(to_date - before.get(i.pk, 0), i.currency),
                        decimal_of(to_date, i.currency),
                        i.currency,
                        "",
                    ]
                )
        _write(path, rows, fmt)  # before anything is marked
        export = FeeExport.objects.create(
            company=company, as_of=as_of, made_by=actor, rows=len(rows)
        )
        Fee.objects.filter(pk__in=[f.pk for f in new]).update(export=export)
        Fee.objects.filter(pk__in=[f.pk for f in reversed_]).update(waiver_export=export)
        for item_id, minor in interest.items():
            InterestExported.objects.update_or_create(
                item_id=item_id, defaults={"interest_minor": minor, "as_of": as_of}
            )
        audit_record(
            action="fee.export",
            actor=actor,
            object_type="feeexport",
            object_id=export.pk,
            detail={
                "fees": [f.pk for f in new],
                "reversed": [f.pk for f in reversed_],
                "interest_items": len(interest),
                "without_interest": without_interest,
                "as_of": as_of.isoformat(),
                "file": path.name[:255],
            },
        )
    return FeesExported(len(rows), without_interest, missing)


def _write(path: Path, rows: list[list[Any]], fmt: str) -> None:
    """The file, made in memory and written in one go (`write_file`: a clear refusal when
    the place cannot take it, and nothing marked)."""
    if fmt == "csv":
        text = io.StringIO(newline="")
        out = csv.writer(text)
        out.writerow(HEADER)
        for r in rows:
            out.writerow(
                ["" if c is None else neutralise(c) if isinstance(c, str) else c for c in r]
            )
        write_file(path, text.getvalue())
        return
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("fees and interest")
    ws.append([text_cell(ws, h) for h in HEADER])
    for r in rows:
        ws.append(
            [
                text_cell(ws, c) if isinstance(c, str) else c  # amounts: exact Decimal numbers
                for c in r
            ]
        )
    book = io.BytesIO()
    wb.save(book)
    write_file(path, book.getvalue())
