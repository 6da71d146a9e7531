"""A debtor's statement of account (issue #14): read from the ledger as of a day
(`debtor_statement`), kept as JSON figures with an outbox message it goes with
(`statement_figures` / `statement_from_figures`: a resend attaches the same statement), and
written as an XLSX workbook (`statement_xlsx`; the PDF is `pdf.statement_pdf`)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import Case
from arrears.apps.communications.fees import compensation_settled, owed_fees_minor
from arrears.apps.communications.models import SenderDetails
from arrears.apps.communications.pdf import Address
from arrears.apps.communications.presentation import (
    LANGUAGES,
    STATEMENT_LABELS,
    interest_at_words,
    pay_to_words,
)
from arrears.apps.communications.selectors import (
    INTEREST_NOT_SHOWN,
    rate_tables,
    reductions_known_on,
    regime_for_debtor,
)
from arrears.apps.ledger.models import Allocation, Company, Debtor, OpenItem, Payment
from arrears.domain.access import Verb
from arrears.domain.interest import RateUsed
from arrears.domain.interest.engine import Period
from arrears.domain.money import Money, exponent
from arrears.domain.refusal import Refusal
from arrears.domain.statement import ItemIn, PaymentIn, Statement, StatementItem, Totals, statement
from arrears.domain.text import neutralise
from arrears.words import say


@dataclass(frozen=True)
class DebtorStatement:
    """A statement with who it is from and to, and where to pay."""

    statement: Statement
    debtor_code: str
    language: str
    sender: Address
    recipient: Address
    payment: tuple[str, ...]  # the account to pay to (name, IBAN, BIC...)
    references: tuple[tuple[str, str], ...]  # (currency, payment reference)
    interest_note: str = ""  # why interest is not shown, in words ("" when it is)


def debtor_statement(
    *, actor: Any, company: Company, debtor_code: str, as_of: date
) -> DebtorStatement:
    """The statement of account of `debtor_code` on `as_of`, for a person who may read the
    debtor's cases (its company; a collector: their own debtors, unless the company lets
    collectors read each other's)."""
    debtor = Debtor.objects.filter(company=company, code=debtor_code).first()
    if debtor is None:
        raise Refusal("statement.no_debtor", debtor=debtor_code)
    require(actor, Verb.READ_OTHERS, company_id=company.pk, owner_id=debtor.owner_id)
    return statement_of(debtor, company, as_of)


def statement_of(debtor: Debtor, company: Company, as_of: date) -> DebtorStatement:
    """`debtor_statement` without the access check (the outbox's, which asked already)."""
    items = list(
        OpenItem.objects.filter(debtor=debtor).exclude(open_minor=0).order_by("due_date", "number")
    )
    paid: dict[int, list[tuple[date, Money]]] = {}
    applied: dict[int, list[str]] = {}
    for a in Allocation.objects.filter(
        item__debtor=debtor, payment__received_on__lte=as_of
    ).values("item_id", "item__number", "payment_id", "amount_minor", "payment__received_on",
             "item__currency"):  # fmt: skip
        paid.setdefault(a["item_id"], []).append(
            (a["payment__received_on"], Money.from_minor(a["amount_minor"], a["item__currency"]))
        )
        applied.setdefault(a["payment_id"], []).append(a["item__number"])
    payments = [
        PaymentIn(
            received_on=p.received_on,
            reference=p.reference,
            amount=Money.from_minor(p.amount_minor, p.currency),
            unapplied=Money.from_minor(p.unapplied_minor, p.currency),
            applied_to=tuple(sorted(set(applied.get(p.pk, [])))),
        )
        for p in Payment.objects.filter(debtor=debtor, received_on__lte=as_of)
    ]
    ids = [i.pk for i in items]
    # rule 9, as the letters; the compensation charged is shown as the compensation
    fees, charged = owed_fees_minor(ids, compensation=False), compensation_settled(ids)
    compensated = owed_fees_minor(ids, compensation=True)
    lines = [
        ItemIn(
            number=i.number,
            kind=i.kind,
            issued_on=i.issue_date,
            due_on=i.due_date,
            amount=Money.from_minor(i.original_minor, i.currency),
            open=Money.from_minor(i.open_minor, i.currency),
            payments=tuple(sorted(paid.get(i.pk, []))),
            fees=Money.from_minor(fees[i.pk], i.currency) if i.pk in fees else None,
            compensation_charged=i.pk in charged,
            compensation_fee=Money.from_minor(compensated[i.pk], i.currency)
            if i.pk in compensated
            else None,
        )
        for i in items
    ]
    tables = rate_tables()
    note = ""
    under = regime_for_debtor(company, debtor)
    try:
        figures = statement(
            items=lines,
            payments=payments,
            as_of=as_of,
            regime=under.regime,
            contract=under.contract,
            tables=tables,
            consumer=debtor.consumer,
            reductions_known_on=reductions_known_on(company, as_of),
        )
    except Refusal as e:
        if e.code not in INTEREST_NOT_SHOWN:
            raise
        # a day beyond the rate tables: no interest shown, and it says why (never a zero)
        note = say(e)
        figures = statement(items=lines, payments=payments, as_of=as_of, regime=None)
    sender = SenderDetails.objects.filter(company=company).first()
    fmt = sender.reference_format if sender else "{debtor}-{currency}"
    cases = dict(Case.objects.filter(debtor=debtor).values_list("currency", "pk"))
    references = tuple(
        (
            t.currency,
            fmt.format(debtor=debtor.code, currency=t.currency, case=cases.get(t.currency, "")),
        )
        for t in figures.totals
    )
    from arrears.apps.communications.outbox import payment_details, postal_lines

    return DebtorStatement(
        statement=figures,
        debtor_code=debtor.code,
        language=debtor.language if debtor.language in LANGUAGES else "en",
        sender=Address(
            sender.name if sender else company.name,
            tuple(x for x in sender.address.splitlines() if x) if sender else (),
        ),
        recipient=Address(debtor.name, postal_lines(debtor)),
        payment=payment_details(sender, "")[:-1] if sender else (company.name,),
        references=references,
        interest_note=note,
    )


# --- kept with an outbox message -------------------------------------------------------------


def _m(x: Money) -> list[str]:
    return [str(x.amount), x.currency]


def _money(v: list[str]) -> Money:
    return Money(Decimal(v[0]), v[1])


def statement_figures(s: DebtorStatement) -> dict[str, Any]:
    """`s` as JSON (exact: amounts as decimal strings), for `statement_from_figures`."""
    st = s.statement
    return {
        "as_of": st.as_of.isoformat(),
        "regime_name": st.regime_name,
        "regime_source": st.regime_source,
        "interest_known": st.interest_known,
        "rates": [r.figures() for r in st.rates],
        "items": [
            {
                "number": i.number,
                "kind": i.kind,
                "issued_on": i.issued_on.isoformat(),
                "due_on": i.due_on.isoformat(),
                "days_overdue": i.days_overdue,
                **{k: _m(getattr(i, k)) for k in _ITEM_MONEY},
                "periods": [
                    [
                        p.first.isoformat(),
                        p.last.isoformat(),
                        *_m(p.principal),
                        str(p.rate),
                        str(p.interest.amount),
                        None if p.reference is None else str(p.reference),
                    ]
                    for p in i.periods
                ],  # fmt: skip
            }
            for i in st.items
        ],
        "payments": [
            {
                "received_on": p.received_on.isoformat(),
                "reference": p.reference,
                "amount": _m(p.amount),
                "unapplied": _m(p.unapplied),
                "applied_to": list(p.applied_to),
            }
            for p in st.payments
        ],
        "totals": [
            {
                "currency": t.currency,
                **{k: _m(getattr(t, k)) for k in _TOTAL_MONEY},
                "not_yet_due": None if t.not_yet_due is None else _m(t.not_yet_due),
            }
            for t in st.totals
        ],
        "debtor_code": s.debtor_code,
        "language": s.language,
        "sender": [s.sender.name, *s.sender.lines],
        "recipient": [s.recipient.name, *s.recipient.lines],
        "payment": list(s.payment),
        "references": [list(r) for r in s.references],
        "interest_note": s.interest_note,
    }


_ITEM_MONEY = ("amount", "open", "paid", "interest", "compensation", "fees")
_TOTAL_MONEY = ("amount", "open", "paid", "interest", "compensation", "fees", "unapplied")


def statement_from_figures(f: Mapping[str, Any]) -> DebtorStatement:
    items = tuple(
        StatementItem(
            number=x["number"],
            kind=x["kind"],
            issued_on=date.fromisoformat(x["issued_on"]),
            due_on=date.fromisoformat(x["due_on"]),
            days_overdue=x["days_overdue"],
            **{k: _money(x[k]) for k in _ITEM_MONEY},
            periods=tuple(
                Period(
                    date.fromisoformat(a),
                    date.fromisoformat(b),
                    Money(Decimal(amt), cur),
                    Decimal(rate),
                    Money(Decimal(interest), cur),
                    Decimal(reference[0]) if reference and reference[0] is not None else None,
                )
                # (figures stored before the reference rate was kept have none)
                for a, b, amt, cur, rate, interest, *reference in x["periods"]
            ),
        )
        for x in f["items"]
    )
    payments = tuple(
        PaymentIn(
            received_on=date.fromisoformat(p["received_on"]),
            reference=p["reference"],
            amount=_money(p["amount"]),
            unapplied=_money(p["unapplied"]),
            applied_to=tuple(p["applied_to"]),
        )
        for p in f["payments"]
    )
    totals = tuple(
        Totals(
            currency=t["currency"],
            **{k: _money(t[k]) for k in _TOTAL_MONEY},
            # (figures stored before the overdue part was kept: all of it, as then)
            not_yet_due=_money(t["not_yet_due"]) if t.get("not_yet_due") else None,
        )
        for t in f["totals"]
    )
    return DebtorStatement(
        statement=Statement(
            as_of=date.fromisoformat(f["as_of"]),
            items=items,
            payments=payments,
            totals=totals,
            regime_name=f["regime_name"],
            regime_source=f["regime_source"],
            interest_known=f["interest_known"],
            rates=tuple(RateUsed.from_figures(r) for r in f.get("rates", ())),
        ),
        debtor_code=f["debtor_code"],
        language=f["language"],
        sender=Address(f["sender"][0], tuple(f["sender"][1:])),
        recipient=Address(f["recipient"][0], tuple(f["recipient"][1:])),
        payment=tuple(f["payment"]),
        references=tuple((a, b) for a, b in f["references"]),
        interest_note=f["interest_note"],
    )


# --- XLSX ------------------------------------------------------------------------------------


def _cell(ws: Any, value: object, *, bold: bool = False, places: int | None = None) -> Any:
    """A cell: text neutralised and typed as a string (never a live formula), an amount an
    exact number with its currency's decimals."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=neutralise(value))
        cell.data_type = "s"
    elif isinstance(value, Money):
        cell = WriteOnlyCell(ws, value=value.amount)
        places = exponent(value.currency)
        cell.number_format = "#,##0" + ("." + "0" * places if places else "")
    else:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def statement_xlsx(s: DebtorStatement) -> bytes:
    """The statement as a workbook: sheets `items`, `payments`, `totals` (one row per
    currency) and `about` (debtor, day, sender, where to pay, the interest regime)."""
    labels = STATEMENT_LABELS.get(s.language, STATEMENT_LABELS["en"])  # the debtor's language
    st = s.statement
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(labels["sheet_items"])
    head = ["item", "kind", "date", "due", "days_overdue", "currency", "amount", "paid", "open",
            "interest", "compensation", "fees", "total_due"]  # fmt: skip
    ws.append([_cell(ws, labels[h], bold=True) for h in head])
    for i in st.items:
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    i.number,
                    labels.get(i.kind, i.kind),
                    i.issued_on,
                    i.due_on,
                    i.days_overdue,
                    i.open.currency,
                    i.amount,
                    i.paid,
                    i.open,
                    i.interest,
                    i.compensation,
                    i.fees,
                    i.due,
                )
            ]  # fmt: skip
        )
    ws = wb.create_sheet(labels["sheet_payments"])
    head = ["received", "payment_reference", "currency", "amount", "unapplied", "applied_to"]
    ws.append([_cell(ws, labels[h], bold=True) for h in head])
    for p in st.payments:
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    p.received_on,
                    p.reference,
                    p.amount.currency,
                    p.amount,
                    p.unapplied,
                    ", ".join(p.applied_to),
                )
            ]  # fmt: skip
        )
    ws = wb.create_sheet(labels["sheet_totals"])
    head = ["currency", "amount", "paid", "open", "interest", "compensation", "fees",
            "unapplied", "total_due", "payment_reference"]  # fmt: skip
    ws.append([_cell(ws, labels[h], bold=True) for h in head])
    refs = dict(s.references)
    for t in st.totals:
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    t.currency,
                    t.amount,
                    t.paid,
                    t.open,
                    t.interest,
                    t.compensation,
                    t.fees,
                    t.unapplied,
                    t.due,
                    refs.get(t.currency, ""),
                )
            ]  # fmt: skip
        )
    ws = wb.create_sheet(labels["sheet_about"])
    rows: list[tuple[str, object]] = [
        (labels["statement"], s.recipient.name),
        (labels["debtor"], s.debtor_code),
        (labels["as_of"], st.as_of),
        (labels["from"], " · ".join([s.sender.name, *s.sender.lines])),
        (labels["to"], " · ".join([s.recipient.name, *s.recipient.lines])),
        (labels["pay_to"], pay_to_words(s.payment)),
        (labels["regime"], f"{st.regime_name} ({st.regime_source})" if st.regime_name else
         s.interest_note or labels["no_interest"]),
    ]  # fmt: skip
    if st.rates:
        rows.append((labels["rate"], interest_at_words(st.rates, st.as_of, s.language)))
    for k, v in rows:
        ws.append([_cell(ws, k, bold=True), _cell(ws, v)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
