"""Reads for set-off (rule 11): for each debtor who is also our supplier, which of their due
invoices could be settled against which of ours to them (`arrears.domain.clearing.setoff`).

A proposal is a company figure that every member reads, like the ageing. Only what the
debtor owes that is due and not held back (disputed, promised, in a plan: the desk's
`excluded_minor`, which holds an approved set-off's part from its approval until the ERP books
it) is offered; what we owe counts whether due or not, less what approved set-offs take from
it until the ERP's payables file shows them booked (`payables_held`): a second proposal never
offers the same money again, on either side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models.functions import Coalesce

from arrears.apps.accounts.access import require
from arrears.apps.clearing.models import OPEN_STATES, SetOff, SetOffPair
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, Debtor, OpenItem, Payable
from arrears.apps.negotiation.services.sweep_frames import HeldBack
from arrears.domain.access import Verb
from arrears.domain.booking import BOOKING_SCHEMA, unbooked_batch
from arrears.domain.clearing.setoff import proposals
from arrears.domain.refusal import Refusal

# Rule 11: what an approved set-off takes from each receivable, held off the ladder from its
# approval until the ERP books it (`negotiation.services.sweep_frames.HeldBack`). The ERP may
# book it as a reduction of the item or as a payment under the set-off's reference ("S12").
HELD_BACK = HeldBack(
    parts=(
        "SELECT sp.item_id, 'setoff' AS kind, sp.id AS part_id, sp.amount_minor AS amount, "
        "sp.item_open_at_minor AS open_at, 'S' || CAST(s.id AS VARCHAR(20)) AS own_ref, "
        "s.decided_on "
        "FROM clearing_setoffpair sp JOIN clearing_setoff s ON s.id = sp.setoff_id "
        "WHERE s.state IN ('approved', 'booked') AND s.decided_on <= %s"
    ),
    items=(
        "SELECT sp.item_id FROM clearing_setoffpair sp "
        "JOIN clearing_setoff s ON s.id = sp.setoff_id "
        "WHERE s.company_id = %s AND s.state IN ('approved', 'booked')"
    ),
)

# What approved set-offs (and those marked booked that the ERP's payables file does not show
# yet) still take from each of our payables: a fall in the payable's open amount since the
# approval is the ERP booking them, in the order they were approved, each once
# (`arrears.domain.booking`, as for the receivables). arrears does not see what we pay our
# suppliers, so any fall counts as the booking. A set-off booked before the payable's amount
# was recorded at approval holds nothing.
_PAYABLES_HELD = (
    "SELECT sp.payable_id AS item_id, 'setoff' AS kind, sp.id AS part_id, s.decided_on, "
    "sp.amount_minor AS minor, sp.payable_open_at_minor AS open_at, p.open_minor AS open_now, "
    "0 AS paid_since FROM clearing_setoffpair sp "
    "JOIN clearing_setoff s ON s.id = sp.setoff_id JOIN ledger_payable p ON p.id = sp.payable_id "
    "WHERE s.company_id = %s AND (s.state = 'approved' "
    " OR (s.state = 'booked' AND sp.payable_open_at_minor IS NOT NULL)){only}"
)


def payables_held(company_id: int, *, debtor_id: int | None = None) -> dict[int, int]:
    """Per payable id, what approved set-offs take from it that the ERP has not booked yet:
    a new proposal must not offer it again."""
    only, params = "", [company_id]
    if debtor_id is not None:
        only, params = " AND p.debtor_id = %s", [company_id, debtor_id]
    left = unbooked_batch(read_frame(_PAYABLES_HELD.format(only=only), params, BOOKING_SCHEMA))
    return {
        pk: int(m) for pk, m in left.group_by("item_id").agg(pl.col("minor").sum()).iter_rows() if m
    }


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
    item_id: int
    payable_id: int


@dataclass(frozen=True)
class Proposal:
    """The set-off proposed with one debtor in one currency."""

    debtor_code: str
    debtor_name: str
    currency: str
    due_to_us_minor: int  # what they owe us that is due and not held back
    owed_by_us_minor: int  # what we owe them and no approved set-off takes yet
    pairs: tuple[Pair, ...]

    @property
    def amount_minor(self) -> int:
        return sum(p.amount_minor for p in self.pairs)


def setoff_proposals(
    *, actor: Any, company: Company, as_of: date, debtor_code: str | None = None
) -> list[Proposal]:
    """Every set-off possible on `as_of` (or with one debtor), largest first."""
    require(actor, Verb.READ, company_id=company.pk)
    return _proposals(company, as_of, debtor_code)


def case_setoff_possible(*, actor: Any, case: Any, as_of: date) -> list[Proposal]:
    """The set-off possible with `case`'s debtor in its currency on `as_of` (none or one):
    what the terminal and the web desk both offer when a debtor says others owe them."""
    require(actor, Verb.READ, company_id=case.company_id)
    return setoff_possible_for(case, as_of)


def setoff_possible_for(case: Any, as_of: date) -> list[Proposal]:
    """`case_setoff_possible` without asking for access: the excuse's follow-up ("propose a
    set-off") is booked only where one is possible (`negotiation.services.excuses`)."""
    found = _proposals(case.company, as_of, case.debtor.code)
    return [p for p in found if p.currency == case.currency]


def _proposals(company: Company, as_of: date, debtor_code: str | None) -> list[Proposal]:
    payables_qs = Payable.objects.filter(company=company, open_minor__gt=0)
    pending = set(
        SetOff.objects.filter(company=company, state__in=OPEN_STATES).values_list(
            "debtor_id", "currency"
        )
    )
    one: int | None = None
    if debtor_code is not None:
        debtor = Debtor.objects.filter(company=company, code=debtor_code).first()
        if debtor is None:
            raise Refusal("setoff.unknown_debtor", debtor=debtor_code)
        payables_qs, one = payables_qs.filter(debtor=debtor), debtor.pk
    held = payables_held(company.pk, debtor_id=one)
    theirs = pl.DataFrame(
        [
            (pk, n, d, c, due, max(o - held.get(pk, 0), 0))
            for pk, n, d, c, due, o in payables_qs.values_list(
                "pk", "number", "debtor_id", "currency", "due_date", "open_minor"
            )
        ],
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
    debtors = {
        pk: (code, name)
        for pk, code, name in Debtor.objects.filter(pk__in=debtor_ids).values_list(
            "pk", "code", "name"
        )
    }
    due_to_us = _sums(ours)
    owed_by_us = _sums(theirs)
    result = []
    for (debtor_id, currency), group in pairs.group_by(
        ["debtor_id", "currency"], maintain_order=True
    ):
        if (debtor_id, currency) in pending:  # already proposed or approved: see setoffs_list
            continue
        result.append(
            Proposal(
                debtor_code=debtors[debtor_id][0],
                debtor_name=debtors[debtor_id][1],
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
                        item_id=r,
                        payable_id=p,
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


@dataclass(frozen=True)
class SetOffRecord:
    """A set-off as recorded: proposed, decided, exported and booked."""

    id: int
    debtor_code: str
    currency: str
    amount_minor: int
    state: str
    proposed_on: date
    proposed_by: str
    decided_by: str
    reason: str
    exported_on: date | None
    booked_on: date | None
    pairs: tuple[tuple[str, str, int], ...]  # our item, their payable, amount


def setoff_record(setoff: SetOff) -> SetOffRecord:
    """One recorded set-off (its pairs read here: for one, not for a list)."""
    return _record(setoff, setoff.pairs.select_related("item", "payable").order_by("pk"))


def _record(s: SetOff, pairs: Iterable[SetOffPair]) -> SetOffRecord:
    return SetOffRecord(
        id=s.pk,
        debtor_code=s.debtor.code,
        currency=s.currency,
        amount_minor=s.amount_minor,
        state=s.state,
        proposed_on=s.proposed_on,
        proposed_by=s.proposed_by.get_username(),
        decided_by=s.decided_by.get_username() if s.decided_by else "",
        reason=s.reason,
        exported_on=s.exported_on,
        booked_on=s.booked_on,
        pairs=tuple((p.item.number, p.payable.number, p.amount_minor) for p in pairs),
    )


def setoffs_list(
    *, actor: Any, company: Company, states: tuple[str, ...] = ()
) -> list[SetOffRecord]:
    """The company's recorded set-offs (those in `states`), newest first, in a fixed number
    of queries."""
    require(actor, Verb.READ, company_id=company.pk)
    rows = (
        SetOff.objects.filter(company=company, **({"state__in": states} if states else {}))
        .select_related("debtor", "proposed_by", "decided_by")
        .prefetch_related("pairs__item", "pairs__payable")
        .order_by("-pk")
    )
    return [_record(s, sorted(s.pairs.all(), key=lambda p: p.pk)) for s in rows]


@dataclass(frozen=True)
class CaseSetOff:
    """What set-off stands on one case: a set-off recorded and not yet booked (proposed or
    approved), or else one possible now."""

    state: str  # "possible", "proposed" or "approved"
    currency: str
    amount_minor: int
    pairs: tuple[tuple[str, str, int], ...]  # our item, their payable, amount
    setoff_id: int | None = None  # the recorded one's


def case_setoff(
    *, actor: Any, company: Company, debtor_id: int, currency: str, as_of: date
) -> CaseSetOff | None:
    """The set-off of the debtor's case in `currency` (rule 11), for a member of the company;
    None when none is recorded and none is possible."""
    require(actor, Verb.READ, company_id=company.pk)
    recorded = (
        SetOff.objects.filter(
            company=company, debtor_id=debtor_id, currency=currency, state__in=OPEN_STATES
        )
        .select_related("debtor", "proposed_by", "decided_by")
        .first()
    )
    if recorded is not None:
        r = setoff_record(recorded)
        return CaseSetOff(r.state, r.currency, r.amount_minor, r.pairs, r.id)
    if not Payable.objects.filter(
        debtor_id=debtor_id, currency=currency, open_minor__gt=0
    ).exists():
        return None
    code = Debtor.objects.filter(pk=debtor_id, company=company).values_list("code", flat=True)
    found = [
        p
        for p in setoff_proposals(actor=actor, company=company, as_of=as_of, debtor_code=code[0])
        if p.currency == currency
    ]
    if not found:
        return None
    p = found[0]
    pairs = tuple((x.receivable, x.payable, x.amount_minor) for x in p.pairs)
    return CaseSetOff("possible", p.currency, p.amount_minor, pairs)


def setoff_marks(*, actor: Any, company: Company, as_of: date) -> dict[tuple[int, str], str]:
    """Per (debtor_id, currency) with a set-off possible or recorded and not booked: its state
    ("possible", "proposed", "approved"), for the worklist's lines."""
    require(actor, Verb.READ, company_id=company.pk)
    marks: dict[tuple[int, str], str] = {
        (d, c): s
        for d, c, s in SetOff.objects.filter(company=company, state__in=OPEN_STATES).values_list(
            "debtor_id", "currency", "state"
        )
    }
    if not Payable.objects.filter(company=company, open_minor__gt=0).exists():
        return marks
    codes = dict(Debtor.objects.filter(company=company).values_list("code", "pk"))
    for p in setoff_proposals(actor=actor, company=company, as_of=as_of):
        marks.setdefault((codes[p.debtor_code], p.currency), "possible")
    return marks
