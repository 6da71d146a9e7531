"""The outbox (issue #14, "exactly once"): the daily run writes one row per message it queued,
the decision only, in bulk, in its own transaction (`outbox_write`, registered with the run in
`communications.apps`); a worker renders and sends each afterwards (`send_one`, the task
`communications.tasks.send_message`).

The protocol of one send, in three steps, each committed:

1. claim: the first time, the message is rendered from the case as of the run's day and
   stored (subject, texts, figures, the PDF's fingerprint: `claim_render`), or, the case paid
   in full or closed since, cancelled with its action; the row moves `queued -> sending` and
   the attempt is counted (committed before any byte leaves);
2. send through Django's email backend, with a deterministic Message-ID (the row's key);
3. mark: `sending -> sent`, and the message's action becomes sent.

A worker killed between 2 and 3 leaves the row `sending`. The next worker to meet it (the
row's own task run again, or `arrears outbox send`, once `ARREARS_OUTBOX_LEASE_SECONDS` have
passed) does not send it again blindly: it marks it `uncertain`, for a person to confirm it
sent (`mark-sent`) or send it again (`resend`). So a crash sends nothing twice and loses
nothing. (An SMTP server cannot in general be asked which Message-IDs it received, so the
worker cannot find out by itself; the deterministic Message-ID lets a receiving system drop
the duplicate of a message a person chose to resend.)

A failed send is tried again after an exponential backoff (`arrears.domain.outbox`), up to
`ARREARS_OUTBOX_ATTEMPTS`; then the row and its action are failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import string
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from arrears.apps.accounts.services import audit_record, audit_record_many
from arrears.apps.cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Run,
)
from arrears.apps.cases.selectors import holidays_for, strategies_for
from arrears.apps.common.bulk import insert_frame, read_frame
from arrears.apps.communications.models import MessageItem, OutboxMessage, SenderDetails
from arrears.apps.communications.pdf import Address, PrintedLetter, letters_pdf, statement_pdf
from arrears.apps.communications.presentation import LANGUAGES, email_payment_words
from arrears.apps.communications.rendering import Message, render_both
from arrears.apps.communications.selectors import (
    INTEREST_NOT_SHOWN,
    CaseLetter,
    InterestTerms,
    _case_letter,
    _open_items,
    _payments,
    fees_owed,
    interest_terms_of,
    rate_tables,
    reductions_known_on,
)
from arrears.apps.communications.template_settings import company_templates
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, OpenItem
from arrears.domain.actions import CASE_CLOSED
from arrears.domain.interest import RateUsed
from arrears.domain.ladder import Channel, Role
from arrears.domain.letters import ItemLine, Letter
from arrears.domain.money import Money
from arrears.domain.outbox import (
    OutboxState,
    after_failure,
    dispatch_day,
    transition,
    waiting_cases,
)
from arrears.domain.refusal import Refusal
from arrears.words import say

S = OutboxState
WRITTEN = (Channel.EMAIL.value, Channel.LETTER.value)
# Why the run failed a message at once: nobody to send it to (`readdress` looks again).
NO_EMAIL, NO_ADDRESS = "no email address", "no postal address"


# --- what the PDF is made from, stored with the row ------------------------------------------


def _money(m: Money) -> str:
    return str(m.amount)


def letter_figures(letter: Letter) -> dict[str, Any]:
    """The letter's figures as JSON (exact: amounts as decimal strings)."""
    out: dict[str, Any] = {
        "step_code": letter.step_code,
        "step_number": letter.step_number,
        "as_of": letter.as_of.isoformat(),
        "currency": letter.currency,
        "pay_by": letter.pay_by.isoformat(),
        "next_step": letter.next_step,
        "regime_name": letter.regime_name,
        "regime_source": letter.regime_source,
        "interest_known": letter.interest_known,
        "interest_missing": letter.interest_missing,
        "rates": [r.figures() for r in letter.rates],
    }
    out["lines"] = [
        {
            "number": line.number,
            "issued_on": line.issued_on.isoformat() if line.issued_on else None,
            "due_on": line.due_on.isoformat(),
            "days_overdue": line.days_overdue,
            "open": _money(line.open),
            "interest": _money(line.interest),
            "fees": _money(line.fees),
        }
        for line in letter.lines
    ]
    return out


def letter_from_figures(f: Mapping[str, Any]) -> Letter:
    cur = f["currency"]

    def m(text: str) -> Money:
        return Money(Decimal(text), cur)

    return Letter(
        step_code=f["step_code"],
        step_number=f["step_number"],
        as_of=date.fromisoformat(f["as_of"]),
        currency=cur,
        lines=tuple(
            ItemLine(
                number=x["number"],
                issued_on=date.fromisoformat(x["issued_on"]) if x["issued_on"] else None,
                due_on=date.fromisoformat(x["due_on"]),
                days_overdue=x["days_overdue"],
                open=m(x["open"]),
                interest=m(x["interest"]),
                fees=m(x["fees"]),
            )
            for x in f["lines"]
        ),
        pay_by=date.fromisoformat(f["pay_by"]),
        next_step=f["next_step"],
        regime_name=f["regime_name"],
        regime_source=f["regime_source"],
        interest_known=f["interest_known"],
        interest_missing=f.get("interest_missing"),
        rates=tuple(RateUsed.from_figures(r) for r in f.get("rates", ())),
    )


def payment_details(sender: SenderDetails, reference: str) -> tuple[str, ...]:
    parts = [sender.name]
    if sender.iban:
        parts.append(f"IBAN {sender.iban}")
    if sender.bic:
        parts.append(f"BIC {sender.bic}")
    if sender.account:
        parts.append(sender.account)
    if sender.bank:
        parts.append(sender.bank)
    parts.append(reference)
    return tuple(parts)


def email_text(
    body: str, letter: Letter, payment: Sequence[str], reference: str, language: str
) -> str:
    """An email's text: the template's, then where to pay and the payment reference as the
    letter prints them (`email_payment_words`: the IBAN in groups of four). A message listing
    no items (a set-off's) asks for no payment and has none."""
    if not letter.lines:
        return body
    return f"{body}\n{email_payment_words(payment, reference, language)}"


def sender_figures(sender: SenderDetails | None, company: Company) -> dict[str, Any]:
    """The sender as a letter prints it: its name and address, its country (the sender
    details', else the company's jurisdiction where that is a country) and the letterhead's
    and imprint's details (phone, email, VAT id, registration, directors), those set only."""
    if sender is None:
        return {"name": company.name, "lines": []}
    own = company.jurisdiction.upper()
    country = sender.country or (own if len(own) == 2 and own.isalpha() and own != "EU" else "")
    details = [
        [k, v]
        for k, v in (("phone", sender.phone), ("email", sender.email), ("vat_id", sender.vat_id),
                     ("registration", sender.registration), ("directors", sender.directors))
        if v
    ]  # fmt: skip
    return {
        "name": sender.name,
        "lines": [x for x in sender.address.splitlines() if x],
        "country": country,
        "details": details,
    }


def sender_address(f: dict[str, Any]) -> Address:
    """The `Address` of `sender_figures` (figures stored before the letterhead have no
    country and no details: printed as they were)."""
    return Address(
        f["name"],
        tuple(f["lines"]),
        country=f.get("country", ""),
        details=tuple((k, v) for k, v in f.get("details", ())),
    )


def postal_lines(debtor: Any) -> tuple[str, ...]:
    town = " ".join(x for x in (debtor.postcode, debtor.city) if x)
    lines = (debtor.address_line1, debtor.address_line2, town, debtor.country)
    return tuple(x for x in lines if x)


def printed(m: OutboxMessage) -> PrintedLetter:
    """The letter of an outbox row, exactly as it was decided (the PDF is the same each time).
    A row not yet rendered is rendered in memory first (`render_row`; not stored)."""
    if m.figures is None and render_row(m) is not None:
        raise Refusal("outbox.not_to_send", message=m.pk)
    f = m.figures
    assert f is not None
    attached = None
    if f.get("statement") and m.channel == Channel.LETTER.value:
        from arrears.apps.communications.statements import statement_from_figures

        attached = statement_from_figures(f["statement"])  # its pages follow the letter's
    return PrintedLetter(
        letter=letter_from_figures(f["letter"]),
        message=Message(m.language, m.subject, m.paper_body),
        sender=sender_address(f["sender"]),
        recipient=Address(f["recipient"]["name"], tuple(f["recipient"]["lines"])),
        reference=m.reference,
        payment_details=tuple(f["payment"]),
        statement=attached,
    )


def preview_pdf(
    found: CaseLetter,
    *,
    company: Company,
    debtor: Any,
    text: str | None = None,
    extra_hedges: Any = (),
) -> bytes:
    """The letter `arrears letter --pdf` writes and the desk shows: `found` on paper, from the
    company's sender details (or its name alone) to the debtor's postal address."""
    from arrears.apps.communications.pdf import letter_pdf
    from arrears.apps.communications.rendering import render

    on_paper = render(
        found.letter,
        found.language,
        debtor=found.debtor,
        company=found.company,
        reference=found.reference,
        as_table=True,
        text=text,
        extra_hedges=extra_hedges,
    )
    sender = SenderDetails.objects.filter(company=company).first()
    return letter_pdf(
        letter=found.letter,
        message=on_paper,
        sender=sender_address(sender_figures(sender, company))
        if sender
        else Address(found.company),
        recipient=Address(found.debtor, postal_lines(debtor)),
        reference=found.reference,
        payment_details=(payment_details(sender, found.reference) if sender else (found.company,)),
    )


def message_pdf(m: OutboxMessage) -> bytes:
    return letters_pdf([printed(m)])


# --- the run writes --------------------------------------------------------------------------


def outbox_write(*, company: Company, as_of: date, run: Run) -> dict[str, int]:
    """One outbox row per letter or email the run queued today, in the run's transaction: the
    decision only (case, step, day, channel, action, recipient, language, reference,
    Message-ID, `queued`); the message is rendered when it is sent (`claim_render`). Read as
    frames in a constant number of queries and written in bulk, however many messages. A
    company without sender details (`arrears sender set`) has no outbox: its messages stay
    queued actions for a person, as before. Re-running the day writes nothing new (the run
    queues no new action, and a row already written for a case, step and day is not written
    again). A case with nothing open to ask for gets no message (its letter would say none)."""
    sender = SenderDetails.objects.filter(company=company).first()
    if sender is None:
        return {}
    kinds = [str(k) for k in DUNNABLE_KINDS]
    decided = read_frame(
        "SELECT a.id AS action_id, a.case_id, a.step_code, a.channel, c.debtor_id, c.currency, "
        "d.code, d.name, d.language, d.address_line1 AS l1, d.address_line2 AS l2, "
        "d.postcode, d.city, d.country "
        "FROM cases_action a JOIN cases_case c ON c.id = a.case_id "
        "JOIN ledger_debtor d ON d.id = c.debtor_id "
        "WHERE a.run_id = %s AND c.company_id = %s AND a.status = %s "
        "AND a.channel IN (%s, %s) "
        "AND NOT EXISTS (SELECT 1 FROM communications_outboxmessage o WHERE o.action_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM communications_outboxmessage o WHERE o.case_id = a.case_id "
        "AND o.step_code = a.step_code AND o.run_on = %s) "
        "AND EXISTS (SELECT 1 FROM ledger_openitem i WHERE i.debtor_id = c.debtor_id "
        f"AND i.currency = c.currency AND i.open_minor > 0 AND i.kind IN ({', '.join(['%s'] * len(kinds))})) "
        "ORDER BY a.id",
        [run.pk, company.pk, ActionStatus.QUEUED.value, *WRITTEN, as_of, *kinds],
        {
            "action_id": pl.Int64(),
            "case_id": pl.Int64(),
            "step_code": pl.String(),
            "channel": pl.String(),
            "debtor_id": pl.Int64(),
            "currency": pl.String(),
            "code": pl.String(),
            "name": pl.String(),
            "language": pl.String(),
            "l1": pl.String(),
            "l2": pl.String(),
            "postcode": pl.String(),
            "city": pl.String(),
            "country": pl.String(),
        },
    ).unique(["case_id", "step_code"], keep="first", maintain_order=True)
    if decided.height == 0:
        return {"outbox_written": 0}
    # email recipients: the debtor's contacts with an address, the primary first
    emails = (
        read_frame(
            "SELECT t.debtor_id, t.email FROM ledger_contact t WHERE t.email <> '' "
            "AND t.debtor_id IN (SELECT c.debtor_id FROM cases_action a "
            "JOIN cases_case c ON c.id = a.case_id WHERE a.run_id = %s) "
            "ORDER BY t.is_primary DESC, t.id",
            [run.pk],
            {"debtor_id": pl.Int64(), "email": pl.String()},
        )
        .group_by("debtor_id", maintain_order=True)
        .agg(pl.col("email").str.join(", ").alias("emails"))
    )
    domain = sender.email.rpartition("@")[2] or "arrears.invalid"

    def present(name: str) -> pl.Expr:
        return pl.when(pl.col(name) != "").then(pl.col(name))

    town = pl.concat_str([present("postcode"), present("city")], separator=" ", ignore_nulls=True)
    postal = pl.concat_str(
        [present("l1"), present("l2"), pl.when(town != "").then(town), present("country")],
        separator="\n",
        ignore_nulls=True,
    )
    email = pl.col("channel") == Channel.EMAIL.value
    frame = (
        decided.join(emails, on="debtor_id", how="left")
        .with_columns(postal.alias("postal"), pl.col("emails").fill_null(""))
        .with_columns(
            pl.when(email)
            .then(pl.col("emails"))
            .otherwise(pl.concat_str([pl.col("name"), pl.col("postal")], separator="\n"))
            .alias("recipient"),
            pl.when(email & (pl.col("emails") == ""))
            .then(pl.lit(NO_EMAIL))
            .when(~email & (pl.col("postal") == ""))
            .then(pl.lit(NO_ADDRESS))
            .otherwise(pl.lit(""))
            .alias("last_error"),
        )
        .with_columns(
            pl.when(pl.col("recipient").str.ends_with("\n"))
            .then(pl.col("recipient").str.strip_chars_end("\n"))
            .otherwise(pl.col("recipient"))
            .alias("recipient"),
            pl.when(pl.col("language").is_in(LANGUAGES))
            .then(pl.col("language"))
            .otherwise(pl.lit("en"))
            .alias("language"),
            _reference(sender.reference_format).alias("reference"),
            pl.concat_str(
                [
                    pl.lit(f"<{company.code}."),
                    pl.col("case_id"),
                    pl.lit("."),
                    pl.col("step_code"),
                    pl.lit(f".{as_of:%Y%m%d}@{domain}>"),
                ]
            ).alias("message_id"),
            pl.when(pl.col("last_error") == "")
            .then(pl.lit(S.QUEUED.value))
            .otherwise(pl.lit(S.FAILED.value))
            .alias("state"),
        )
        .select(
            "case_id",
            "action_id",
            "step_code",
            "channel",
            "language",
            "recipient",
            "reference",
            "message_id",
            "state",
            "last_error",
        )
    )
    constant = {
        "company_id": company.pk,
        "run_id": run.pk,
        "run_on": as_of,
        "created_at": timezone.now(),
        **_BLANK,
        **_ZERO,
    }
    # one bulk write (`common.bulk`: COPY on PostgreSQL, one executemany on SQLite), on the
    # run's connection and in its transaction
    insert_frame(
        OutboxMessage._meta.db_table,
        frame.with_columns(pl.lit(v).alias(k) for k, v in constant.items()),
    )
    # no address to send to: the message's action fails at once, saying why
    failed = Action.objects.filter(
        outbox__run=run, outbox__state=S.FAILED.value, status=ActionStatus.QUEUED
    ).update(status=ActionStatus.FAILED, done_on=as_of)
    to_send = OutboxMessage.objects.filter(
        run=run, channel=Channel.EMAIL.value, state=S.QUEUED.value
    ).values_list("pk", flat=True)
    from arrears.apps.communications.tasks import send_messages_enqueue

    send_messages_enqueue(to_send)
    return {"outbox_written": frame.height, "outbox_no_address": failed}


def message_id_of(company: str, case_id: int, step: str, day: date, domain: str) -> str:
    """The Message-ID of a case's message of a step on a day (the run's rows build the same
    text as a column above): the same on every attempt, unique as the row is."""
    return f"<{company}.{case_id}.{step}.{day:%Y%m%d}@{domain}>"


_BLANK = {"subject": "", "body": "", "paper_body": "", "pdf_sha256": "", "handled_reason": ""}
_ZERO = {"attempts": 0}
_FIELDS = {"debtor": "code", "currency": "currency", "case": "case_id"}


def _reference(fmt: str) -> pl.Expr:
    """The payment reference of each row, `SenderDetails.reference_format` filled in."""
    parts = list(string.Formatter().parse(fmt))
    if any(spec or conversion for _, _, spec, conversion in parts):  # e.g. {case:06d}
        return pl.struct("code", "currency", "case_id").map_elements(
            lambda r: fmt.format(debtor=r["code"], currency=r["currency"], case=r["case_id"]),
            return_dtype=pl.String,
        )
    exprs: list[pl.Expr] = []
    for literal, field, _, _ in parts:
        if literal:
            exprs.append(pl.lit(literal))
        if field is not None:
            exprs.append(pl.col(_FIELDS[field]).cast(pl.String))
    return pl.concat_str(exprs)


# --- a message a person's decision queues ----------------------------------------------------


@dataclass(frozen=True)
class Composed:
    """A message composed when a person decided (not by the run): its text as an email and as
    a letter, and the letter's figures (no items listed: it asks for no payment)."""

    subject: str
    body: str
    paper_body: str
    letter: Letter


def email_recipients(debtor: Any) -> str:
    """Who one message to `debtor` is emailed to: its contacts with an address, the primary
    first (the run's batch rule in `outbox_write`, for one debtor)."""
    return ", ".join(
        debtor.contacts.exclude(email="")
        .order_by("-is_primary", "pk")
        .values_list("email", flat=True)
    )


def letter_recipient(debtor: Any, postal: Sequence[str]) -> str:
    """The address block of a letter to `debtor`: its name, then its postal lines."""
    return "\n".join((debtor.name, *postal))


def decided_message(
    *,
    case: Case,
    step_code: str,
    on: date,
    compose: Callable[[str, str], Composed],
) -> OutboxMessage | None:
    """Queue one message on `case` about a decision taken on `on` (`step_code` names what was
    decided, e.g. "setoff"), composed now and stored, once: by email when the case was last
    written to by email, or has only an email contact, else by letter; in the debtor's
    language. `compose(language, reference)` makes the texts. A company without sender
    details has no outbox: None. Asked again for the same case, step and day, the message
    queued the first time is returned and nothing is added."""
    company = case.company
    sender = SenderDetails.objects.filter(company=company).first()
    if sender is None:
        return None
    found = OutboxMessage.objects.filter(case=case, step_code=step_code, run_on=on).first()
    if found is not None:
        return found
    debtor = case.debtor
    emails = email_recipients(debtor)
    last = (
        Action.objects.filter(case=case, channel__in=[Channel.EMAIL.value, Channel.LETTER.value])
        .order_by("-due_on", "-pk")
        .values_list("channel", flat=True)
        .first()
    )
    postal = postal_lines(debtor)
    channel = last or (Channel.EMAIL.value if emails and not postal else Channel.LETTER.value)
    recipient = emails if channel == Channel.EMAIL.value else letter_recipient(debtor, postal)
    error = ""
    if channel == Channel.EMAIL.value and not emails:
        error = NO_EMAIL
    elif channel == Channel.LETTER.value and not postal:
        error = NO_ADDRESS
    language = debtor.language if debtor.language in LANGUAGES else "en"
    reference = _one_reference(sender.reference_format, debtor.code, case)
    made = compose(language, reference)
    action = Action.objects.create(
        case=case,
        step_code=step_code,
        channel=channel,
        role=Role.CREDIT_MANAGER.value,
        due_on=on,
        status=ActionStatus.FAILED if error else ActionStatus.QUEUED,
        done_on=on if error else None,
    )
    domain = sender.email.rpartition("@")[2] or "arrears.invalid"
    m = OutboxMessage(
        company=company,
        case=case,
        action=action,
        run=None,
        step_code=step_code,
        run_on=on,
        channel=channel,
        language=language,
        recipient=recipient,
        reference=reference,
        message_id=f"<{company.code}.{case.pk}.{step_code}.{on:%Y%m%d}@{domain}>",
        state=S.FAILED.value if error else S.QUEUED.value,
        last_error=error,
        subject=made.subject,
        body=email_text(
            made.body, made.letter, payment_details(sender, reference), reference, language
        ),
        paper_body=made.paper_body,
        figures={
            "letter": letter_figures(made.letter),
            "sender": sender_figures(sender, company),
            "recipient": {"name": debtor.name, "lines": list(postal)},
            "payment": list(payment_details(sender, reference)),
            "from": sender.email,
        },
    )
    pdf = message_pdf(m)
    m.pdf_sha256, m.rendered_at = hashlib.sha256(pdf).hexdigest(), timezone.now()
    m.save()
    if m.state == S.QUEUED.value and channel == Channel.EMAIL.value:
        from arrears.apps.communications.tasks import send_messages_enqueue

        send_messages_enqueue([m.pk])
    return m


def readdress(m: OutboxMessage) -> bool:
    """Before a failed message is queued again: one that failed for want of an address takes
    the debtor's as it is now (the ERP may have added it since; `m.recipient`, not stored
    here). False: there is still nobody to send it to."""
    if m.last_error not in (NO_EMAIL, NO_ADDRESS):
        return True
    debtor = m.case.debtor
    if m.channel == Channel.EMAIL.value:
        m.recipient = email_recipients(debtor)
    else:
        postal = postal_lines(debtor)
        m.recipient = letter_recipient(debtor, postal) if postal else ""
    return bool(m.recipient)


def _one_reference(fmt: str, debtor_code: str, case: Case) -> str:
    return str(
        pl.DataFrame({"code": [debtor_code], "currency": [case.currency], "case_id": [case.pk]})
        .select(_reference(fmt).alias("r"))
        .item()
    )


# --- rendered when sent ----------------------------------------------------------------------


def _letter_for(
    case: Case,
    company: Company,
    as_of: date,
    step_code: str,
    strategies: Any,
    items: Any,
    paid: Any,
    tables: Any,
    holidays: frozenset[date],
    reference_format: str,
    language: str | None = None,
    fees: tuple[dict[int, int], set[int]] | None = None,
    known_on: date | None = None,
    terms: InterestTerms | None = None,
) -> CaseLetter | None:
    args = {
        "terms": terms,
        "fees": fees,
        "known_on": known_on,
        "strategies": strategies,
        "items": items,
        "paid": paid,
        "tables": tables,
        "holidays": holidays,
        "reference_format": reference_format,
        "language": language,
    }
    try:
        return _case_letter(case, company, as_of, step_code=step_code, **args)
    except Refusal as e:
        if e.code == "communications.nothing_open":
            return None
        if e.code not in INTEREST_NOT_SHOWN:
            raise
    # a day beyond the rate tables (or a consumer under a business-only law): the letter without its cost (it says so), never a zero
    return _case_letter(case, company, as_of, step_code=step_code, with_interest=False, **args)


# Why a message decided by the run is not sent after all (its action is cancelled with it);
# the words are `presentation.NOT_SENT_WORDS`.
PAID, CLOSED = "paid", CASE_CLOSED


class Reads:
    """What rendering a batch of messages needs, read once for all of them (a constant number
    of queries, however many messages): their cases with debtors and companies, the debtors'
    open items; per run day, the payments and fees by then; per company, the sender details,
    ladders, holidays and own templates; the rate tables. `render_row` of one message reads
    the same for that message alone."""

    def __init__(self, rows: Sequence[OutboxMessage]) -> None:
        todo = [m for m in rows if m.rendered_at is None]
        self.cases: dict[int, Case] = (
            Case.objects.select_related("debtor", "company").in_bulk({m.case_id for m in todo})
            if todo
            else {}
        )
        self._debtors = sorted({c.debtor_id for c in self.cases.values()})
        self.items: dict[Any, list[OpenItem]] = _open_items(self._debtors) if todo else {}
        self._tables: dict[str, Any] | None = None
        self._days: dict[date, tuple[Any, tuple[dict[int, int], set[int]]]] = {}
        self._companies: dict[int, _CompanyReads] = {}
        self._known: dict[tuple[int, date], date] = {}

    @property
    def tables(self) -> dict[str, Any]:
        if self._tables is None:
            self._tables = rate_tables()
        return self._tables

    def day(self, on: date) -> tuple[Any, tuple[dict[int, int], set[int]]]:
        """The payments received and the fees charged by `on`, for every item of the batch."""
        if on not in self._days:
            ids = [i.pk for mine in self.items.values() for i in mine]
            self._days[on] = (_payments(on, self._debtors), fees_owed(ids, on))
        return self._days[on]

    def known_on(self, company: Company, on: date) -> date:
        """`reductions_known_on` of the company on that day, once per batch."""
        key = (company.pk, on)
        if key not in self._known:
            self._known[key] = reductions_known_on(company, on)
        return self._known[key]

    def company(self, company: Company) -> _CompanyReads:
        if company.pk not in self._companies:
            sender = SenderDetails.objects.filter(company=company).first()
            self._companies[company.pk] = _CompanyReads(
                sender,
                strategies_for(company=company),
                holidays_for(company=company),
                company_templates(company.pk),
                interest_terms_of(company),
            )
        return self._companies[company.pk]


@dataclass(frozen=True)
class _CompanyReads:
    sender: SenderDetails | None
    strategies: Any
    holidays: frozenset[date]
    templates: Callable[[str, str, str], tuple[str | None, tuple[str, ...]]]
    terms: InterestTerms


def speaks_as_of(m: OutboxMessage, now: datetime) -> date:
    """The day the message is dated, its interest counted to and its pay-by counted from: the
    run's day, moved on by the days it waited in the outbox until `now`
    (`arrears.domain.outbox.dispatch_day`)."""
    written = timezone.localdate(m.created_at) if m.created_at else m.run_on
    return dispatch_day(m.run_on, written, timezone.localdate(now))


def render_row(
    m: OutboxMessage, reads: Reads | None = None, *, now: datetime | None = None
) -> str | None:
    """Fill `m` (in memory) with its message as it leaves at `now`: the letter of the case as
    of the run's day, or, when it waited in the outbox for days, as of as many days later
    (`speaks_as_of`: the date, the interest and the pay-by of the day it leaves), as
    `arrears letter` previews it, with the row's language and reference, the sender's details
    and the recipient decided by the run. Returns why it is not to be sent (`PAID`: nothing
    left open; `CLOSED`: the case closed) instead, leaving `m` as it was. A row rendered
    already is left alone (a resend is the same message). `reads`: what a batch read once
    for all its messages (`Reads`); else read for `m`."""
    if m.rendered_at is not None:
        return None
    on = speaks_as_of(m, now or timezone.now())
    if reads is None or m.case_id not in reads.cases:
        reads = Reads([m])
    case = reads.cases[m.case_id]
    if case.status == CaseStatus.CLOSED:
        return CLOSED
    company = case.company
    mine = reads.company(company)
    sender = mine.sender
    debtor = case.debtor
    paid, fees = reads.day(on)
    found = _letter_for(
        case,
        company,
        on,
        m.step_code,
        mine.strategies,
        reads.items,
        paid,
        reads.tables,
        mine.holidays,
        sender.reference_format if sender else "{debtor}-{currency}",
        m.language,
        fees=fees,
        known_on=reads.known_on(company, on),
        terms=mine.terms,
    )
    if found is None:
        return PAID
    name = sender.name if sender else company.name
    own, phrases = mine.templates(m.step_code, m.channel, m.language)
    email, paper = render_both(
        found.letter,
        m.language,
        debtor=found.debtor,
        company=name,
        reference=m.reference,
        text=own,
        extra_hedges=phrases,
    )
    if m.channel == Channel.LETTER.value and m.recipient:
        first, *lines = m.recipient.splitlines()
        recipient = {"name": first, "lines": lines}
    else:
        recipient = {"name": debtor.name, "lines": list(postal_lines(debtor))}
    payment = payment_details(sender, m.reference) if sender else (name,)
    body = (
        email_text(email.body, found.letter, payment, m.reference, m.language)
        if sender
        else email.body
    )
    m.subject, m.body, m.paper_body = email.subject, body, paper.body
    m.figures = {
        "letter": letter_figures(found.letter),
        "sender": sender_figures(sender, company),
        "recipient": recipient,
        "payment": list(payment),
        "from": sender.email if sender else "",
    }
    if _attaches_statement(mine.strategies, case.strategy_code, m.step_code):
        from arrears.apps.communications.statements import statement_figures, statement_of

        m.figures["statement"] = statement_figures(statement_of(debtor, company, on))
    return None


def _attaches_statement(strategies: Any, strategy_code: str, step_code: str) -> bool:
    """Whether the case's ladder step carries the statement of account (`attach_statement`)."""
    for s in strategies:
        if s.code == strategy_code:
            return any(st.code == step_code and st.attach_statement for st in s.steps)
    return False


def claim_render(
    m: OutboxMessage,
    *,
    now: datetime,
    cancel: bool = True,
    reads: Reads | None = None,
    store: bool = True,
) -> tuple[str | None, bytes | None]:
    """Render `m` and store it, once, when it is first claimed for sending (or printed): its
    subject, texts, figures and the fingerprint of its PDF. Returns why it is not to be sent
    (and then, with `cancel`, the row and its action are cancelled, saying why), or the PDF.
    A row rendered before gives its PDF again, made from what was stored: the same bytes.
    A batch passes what it read for all its messages (`reads`) and stores them all at once
    (`store=False`, then `_store_claims`), in the same transaction."""
    if m.rendered_at is not None:  # tried before: sent again as it was, if still owed
        # a message a person's decision queued (no run) says what was decided, owed or not
        why = _not_to_send(m.case_id) if cancel and m.run_id is not None else None
        if why is not None:
            _cancel(m, why)
            return why, None
        pdf = message_pdf(m)
        if m.pdf_sha256 and hashlib.sha256(pdf).hexdigest() != m.pdf_sha256:
            raise Refusal("outbox.pdf_changed", message=m.pk)
        return None, pdf
    why = render_row(m, reads, now=now)
    if why is not None:
        if cancel:
            _cancel(m, why)
        return why, None
    pdf = message_pdf(m)
    m.pdf_sha256, m.rendered_at = hashlib.sha256(pdf).hexdigest(), now
    if store:
        m.save(update_fields=[*RENDERED])
    return None, pdf


RENDERED = ("subject", "body", "paper_body", "figures", "pdf_sha256", "rendered_at")


def forget_rendering(m: OutboxMessage, now: datetime) -> bool:
    """Before a failed message of the run is queued again by a person: one rendered on an
    earlier day than `now` is rendered afresh when it leaves (`speaks_as_of`), so it is not
    sent days later with a pay-by already gone. It never reached the debtor (it failed), and
    its Message-ID stays the same. One rendered today, or composed when a person decided it
    (no run), is sent as stored. Changes `m` in memory; True if it did."""
    if m.rendered_at is None or m.run_id is None:
        return False
    if timezone.localdate(m.rendered_at) >= timezone.localdate(now):
        return False
    m.subject = m.body = m.paper_body = m.pdf_sha256 = ""
    m.figures, m.rendered_at = None, None
    return True


CLAIMED = (*RENDERED, "state", "attempts", "sending_since")


def _store_claims(rows: Sequence[OutboxMessage], fields: Sequence[str] = CLAIMED) -> None:
    """Store `fields` of many rows in one statement (one `executemany`), however many."""
    if not rows:
        return
    meta = OutboxMessage._meta
    columns: list[Any] = [meta.get_field(f) for f in fields]
    ops = connection.ops
    sql = (
        f"UPDATE {ops.quote_name(meta.db_table)} SET "
        + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in columns)
        + f" WHERE {ops.quote_name(str(meta.pk.column))} = %s"
    )
    params = [
        [c.get_db_prep_save(getattr(m, c.attname), connection) for c in columns] + [m.pk]
        for m in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def _not_to_send(case_id: int) -> str | None:
    """`CLOSED` if the case closed, `PAID` if nothing is left open to dun, else None."""
    case = Case.objects.filter(pk=case_id).values("status", "debtor_id", "currency").get()
    if case["status"] == CaseStatus.CLOSED:
        return CLOSED
    owing = OpenItem.objects.filter(
        debtor_id=case["debtor_id"],
        currency=case["currency"],
        open_minor__gt=0,
        kind__in=DUNNABLE_KINDS,
    ).exists()
    return None if owing else PAID


def _cancel(m: OutboxMessage, why: str) -> None:
    """Not sent: the case was paid in full or closed since the run. The row is cancelled with
    the reason in words, and its action with it (in the case's history)."""
    from arrears.apps.communications.presentation import not_sent_words

    _state(m, S.CANCELLED, error=not_sent_words(why), detail={"reason": why})
    action = Action.objects.select_for_update().get(pk=m.action_id)
    if action.status not in (ActionStatus.QUEUED, ActionStatus.OPEN):
        return
    on = m.run_on  # the run's day, as the rest of the case's history (the moment: `at`)
    action.status, action.cancelled_reason, action.cancelled_on = ActionStatus.CANCELLED, why, on
    action.save(update_fields=["status", "cancelled_reason", "cancelled_on"])
    detail = {
        "action": action.pk,
        "step_code": action.step_code,
        "channel": action.channel,
        "rule": "action_cancelled",
        "reason": why,
        "outbox": m.pk,
        "at": timezone.now().isoformat(),
    }
    CaseEvent.objects.create(case_id=m.case_id, on=on, kind=EventKind.ACTION, reason=detail)


def outbox_waiting(*, company: Company) -> pl.DataFrame:
    """§2 The cases whose next written step waits: their last message is not out yet
    (`arrears.domain.outbox.waiting_cases`). Read for the run, in one query."""
    last = read_frame(
        "SELECT c.debtor_id, c.currency, o.state FROM communications_outboxmessage o "
        "JOIN cases_case c ON c.id = o.case_id WHERE o.company_id = %s AND o.id IN ("
        "SELECT MAX(id) FROM communications_outboxmessage WHERE company_id = %s "
        "GROUP BY case_id)",
        [company.pk, company.pk],
        {"debtor_id": pl.Int64(), "currency": pl.String(), "state": pl.String()},
    )
    return waiting_cases(last)


# --- the worker ------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.ARREARS_OUTBOX_LEASE_SECONDS)


def email_of(m: OutboxMessage, pdf: bytes | None = None) -> EmailMessage:
    """The email of a row: its subject, text and recipients, the letter's PDF attached (`pdf`,
    or made now), and a Message-ID made from the row's key (the same on every attempt)."""
    figures = m.figures or {}
    mail = EmailMessage(
        subject=m.subject,
        body=m.body,
        from_email=figures.get("from") or settings.DEFAULT_FROM_EMAIL,
        to=[x.strip() for x in m.recipient.split(",") if x.strip()],
        headers={"Message-ID": m.message_id, "X-Arrears-Reference": m.reference},
    )
    mail.attach(f"{m.reference}.pdf", pdf if pdf is not None else message_pdf(m), "application/pdf")
    if figures.get("statement"):  # the step attaches the statement of account, as stored
        from arrears.apps.communications.statements import statement_from_figures

        kept = statement_from_figures(figures["statement"])
        mail.attach(f"statement-{kept.debtor_code}.pdf", statement_pdf(kept), "application/pdf")
    return mail


def send_one(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued email by the protocol above; returns what became of it (`sent`,
    `queued` again after a failure, `failed`, `uncertain`, or its state if there was nothing
    to do: not due, sent already, a letter, another worker's)."""
    return send_batch([message_id], now=now)[message_id]


def send_with_due(message_id: int, *, now: datetime | None = None) -> str:
    """The worker's task for one message: it goes with the company's other emails due now, up
    to `ARREARS_OUTBOX_BATCH` in all, as one batch over one SMTP connection (`send_batch`),
    each message's result recorded on its own row. Their own tasks, run after, find them
    sent (or being sent) and do nothing: a message is still sent at most once. Returns what
    became of `message_id`."""
    now = now or timezone.now()
    company_id = (
        OutboxMessage.objects.filter(pk=message_id).values_list("company_id", flat=True).first()
    )
    if company_id is None:
        return "unknown"
    size = max(1, settings.ARREARS_OUTBOX_BATCH)
    others = (
        OutboxMessage.objects.filter(
            company_id=company_id, channel=Channel.EMAIL.value, state=S.QUEUED.value
        )
        .exclude(pk=message_id)
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return send_batch([message_id, *others[: size - 1]], now=now)[message_id]


def send_batch(message_ids: Sequence[int], *, now: datetime | None = None) -> dict[int, str]:
    """Send these emails by the protocol above, `ARREARS_OUTBOX_BATCH` at a time: each batch
    is claimed in one transaction (what rendering needs read once for the batch, each message
    rendered and stored once, all moved to `sending` and committed before any byte leaves),
    sent over one SMTP connection, then the messages sent are marked in one transaction. The
    queries of a batch do not grow with its messages. Returns what became of each message.

    A worker killed inside a batch leaves its messages `sending`, those it sent and those it
    had not sent yet alike: the next worker marks them all `uncertain` (nothing sent twice,
    nothing lost; a person settles them), so a smaller batch leaves fewer to settle."""
    now = now or timezone.now()
    size = max(1, settings.ARREARS_OUTBOX_BATCH)
    ids = list(dict.fromkeys(message_ids))
    out: dict[int, str] = {}
    for at in range(0, len(ids), size):
        out.update(_send_chunk(ids[at : at + size], now))
    return out


def _send_chunk(ids: Sequence[int], now: datetime) -> dict[int, str]:
    out: dict[int, str] = {pk: "unknown" for pk in ids}
    claimed: list[tuple[OutboxMessage, bytes | None, str]] = []
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update().filter(pk__in=ids).order_by("id"))
        actions = Action.objects.select_for_update().in_bulk([m.action_id for m in rows])
        todo = []
        for m in rows:
            if m.state == S.SENDING.value:
                # a worker that claimed it is gone (or still at it, within the lease)
                if m.sending_since and m.sending_since > now - _lease():
                    out[m.pk] = "busy"
                    continue
                _state(m, S.UNCERTAIN, error="the worker stopped after claiming it: perhaps sent")
                out[m.pk] = S.UNCERTAIN.value
            elif m.state != S.QUEUED.value or m.channel != Channel.EMAIL.value:
                out[m.pk] = m.state
            elif m.next_attempt_at is not None and m.next_attempt_at > now:
                out[m.pk] = "not_due"
            elif actions[m.action_id].status == ActionStatus.CANCELLED:
                reason = actions[m.action_id].cancelled_reason
                _state(m, S.CANCELLED, error=f"its action was cancelled ({reason})")
                out[m.pk] = S.CANCELLED.value
            else:
                todo.append(m)
        waiting = tables_refused() if todo else None
        if waiting is not None:  # a bad table in the rates folder: nothing is made, all wait
            for m in todo:
                out[m.pk] = _wait_for_tables(m, waiting, now)
            todo = []
        reads = Reads(todo)
        for m in todo:
            # rendered and stored once, when first claimed: a resend is the same message
            problem = ""
            why: str | None
            pdf: bytes | None
            try:
                why, pdf = claim_render(m, now=now, reads=reads, store=False)
            except Refusal as e:  # it cannot be rendered (a template, a rate): a failed attempt
                why, pdf, problem = None, None, say(e)
            if why is not None:
                out[m.pk] = S.CANCELLED.value
                continue
            transition(m.pk, m.state, S.SENDING)
            m.state, m.attempts, m.sending_since = S.SENDING.value, m.attempts + 1, now
            claimed.append((m, pdf, problem))
        _store_claims([m for m, _, _ in claimed])
        _audit_many([m for m, _, _ in claimed], S.SENDING, detail={"error": ""})
    if not claimed:
        return out
    sent: list[int] = []
    mail = get_connection(fail_silently=False)  # one connection for the batch
    _open_quietly(mail)  # (one that will not open fails each message's send, saying why)
    try:
        for m, pdf, problem in claimed:
            if problem:  # retrying cannot mend a template or missing data: failed at once
                out[m.pk] = _failed(m.pk, problem[:2000], now=now, final=True)
                continue
            try:
                if mail.send_messages([email_of(m, pdf)]) != 1:
                    raise ConnectionError("the email backend did not take the message")
            except Exception as e:  # any failure of the backend: this one was not sent
                out[m.pk] = _failed(m.pk, f"{type(e).__name__}: {e}"[:2000], now=now)
                _close_quietly(mail)  # the next message goes over a fresh connection
                _open_quietly(mail)
                continue
            sent.append(m.pk)
            pause = settings.ARREARS_OUTBOX_PAUSE_AFTER_SEND
            if pause:  # tests only: the crash test kills the worker here
                time.sleep(pause)
    finally:
        _close_quietly(mail)
    _sent_many(sent, via="worker")
    out.update(dict.fromkeys(sent, S.SENT.value))
    return out


def tables_refused() -> Refusal | None:
    """Why no message can be made now: a file of the rates folder that is not a table
    (`interest.rates_folder`, naming it and its line), or None."""
    try:
        rate_tables()
    except Refusal as e:
        if e.code == "interest.rates_folder":
            return e
        raise
    return None


def _wait_for_tables(m: OutboxMessage, why: Refusal, now: datetime) -> str:
    """A message that cannot be made while the rates folder holds a bad table waits, queued
    (no attempt counted, never failed for it), saying why; it is tried again after the first
    backoff, and by `arrears outbox send` once the table is mended."""
    m.last_error = say(why)[:2000]
    m.next_attempt_at = now + timedelta(seconds=settings.ARREARS_OUTBOX_BACKOFF_SECONDS)
    m.save(update_fields=["last_error", "next_attempt_at"])
    from arrears.apps.communications.tasks import send_message

    send_message.using(run_after=m.next_attempt_at).enqueue(m.pk)
    return "waiting"


def _open_quietly(mail: Any) -> None:
    with contextlib.suppress(Exception):  # not opened: `send_messages` tries, and says why
        mail.open()


def _close_quietly(mail: Any) -> None:
    with contextlib.suppress(Exception):  # a connection already broken: nothing to close
        mail.close()


def _failed(message_id: int, error: str, *, now: datetime, final: bool = False) -> str:
    """A failed attempt: queued again after a backoff, or failed after the last attempt; a
    message that cannot be rendered (`final`) is failed at once (the row, its action, and the
    case's history say why)."""
    with transaction.atomic():
        m = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if m.state != S.SENDING.value:
            return m.state
        first = timedelta(seconds=settings.ARREARS_OUTBOX_BACKOFF_SECONDS)
        most = m.attempts if final else settings.ARREARS_OUTBOX_ATTEMPTS
        to, next_at = after_failure(m.attempts, now, most=most, first=first)
        m.next_attempt_at = next_at
        _state(m, to, error=error, fields=["next_attempt_at"])
        if to is S.FAILED:
            _action_to(m, ActionStatus.FAILED, rule="message_failed", note=error)
        else:
            from arrears.apps.communications.tasks import send_message

            send_message.using(run_after=next_at).enqueue(m.pk)
    return to.value


def _sent(message_id: int, *, via: str, actor: Any = None, note: str = "") -> str:
    _sent_many([message_id], via=via, actor=actor, note=note)
    return S.SENT.value


def _sent_many(ids: Sequence[int], *, via: str, actor: Any = None, note: str = "") -> None:
    """These messages went out: sent (the worker knows it sent them: sent, even if another
    marked one uncertain meanwhile), audited, and their actions sent, in the cases' history;
    in one transaction and a constant number of queries however many."""
    if not ids:
        return
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=ids)
            .exclude(state=S.SENT.value)
            .order_by("id")
        )
        if not rows:
            return
        at = timezone.now()
        OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
            state=S.SENT.value, sent_at=at
        )
        for m in rows:
            m.state, m.sent_at = S.SENT.value, at
        _listed_store(rows)
        _audit_many(rows, S.SENT, actor=actor, detail={"via": via, "note": note})
        _actions_to(rows, ActionStatus.SENT, rule="message_sent", note=note, actor=actor)


def listed_numbers(m: OutboxMessage) -> list[str]:
    """The numbers of the items a rendered message listed (its letter's lines)."""
    return [line["number"] for line in ((m.figures or {}).get("letter") or {}).get("lines", [])]


def _listed_store(rows: Sequence[OutboxMessage]) -> None:
    """Keep which items each message going out listed (`MessageItem`): a written demand
    demands those, not every item of the debtor (limitation, rule 12). Two queries."""
    wanted: dict[tuple[int, str], list[int]] = defaultdict(list)
    for m in rows:
        for number in listed_numbers(m):
            wanted[(m.company_id, number)].append(m.pk)
    if not wanted:
        return
    found = OpenItem.objects.filter(
        company_id__in={c for c, _ in wanted}, number__in={n for _, n in wanted}
    ).values_list("company_id", "number", "id")
    MessageItem.objects.bulk_create(
        [
            MessageItem(message_id=pk, item_id=item_id)
            for company_id, number, item_id in found
            for pk in wanted.get((company_id, number), [])
        ],
        ignore_conflicts=True,
    )


def _state(
    m: OutboxMessage,
    to: OutboxState,
    *,
    error: str | None = None,
    fields: list[str] | None = None,
    actor: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Move `m` to `to` (the domain's transitions), store and audit it."""
    transition(m.pk, m.state, to)
    m.state = to.value
    extra = list(fields or [])
    if error is not None:
        m.last_error = error
        extra.append("last_error")
    m.save(update_fields=["state", *extra])
    _audit(m, to, actor=actor, detail={"error": error or "", **(detail or {})})


def _audit(m: OutboxMessage, to: OutboxState, *, actor: Any, detail: dict[str, Any]) -> None:
    audit_record(
        action=f"outbox.{to.value}",
        actor=actor,
        object_type="outbox_message",
        object_id=m.pk,
        detail={"case": m.case_id, "action": m.action_id, "attempts": m.attempts, **detail},
    )


def _audit_many(
    rows: Sequence[OutboxMessage],
    to: OutboxState,
    *,
    actor: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """`_audit` of many rows moved to `to`, in one bulk write."""
    audit_record_many(
        (
            f"outbox.{to.value}",
            actor,
            "outbox_message",
            m.pk,
            {"case": m.case_id, "action": m.action_id, "attempts": m.attempts, **(detail or {})},
        )
        for m in rows
    )


def _actions_to(
    rows: Sequence[OutboxMessage],
    status: ActionStatus,
    *,
    rule: str,
    note: str = "",
    actor: Any = None,
) -> None:
    """The messages' actions become sent or failed, in their cases' history: a retried message
    that goes out after its action failed turns it sent (what happened last). Each is dated by
    the run's day that decided its message, as every other entry of the run (a run replayed for
    an earlier day, or a message sent after midnight, stays on its day); the moment it was sent
    or failed is kept beside it (`at`, and the row's `sent_at`). A constant number of queries
    however many (one update per run day among them)."""
    by_action = {m.action_id: m for m in rows}
    actions = list(
        Action.objects.select_for_update()
        .filter(pk__in=list(by_action))
        .exclude(status__in=[status, ActionStatus.CANCELLED])
        .order_by("id")
    )
    if not actions:
        return
    days: dict[date, list[int]] = defaultdict(list)
    for a in actions:
        days[by_action[a.pk].run_on].append(a.pk)
    for on, ids in days.items():
        changes: dict[str, Any] = {"status": status, "done_on": on, "note": note[:500]}
        if actor is not None:
            changes["done_by"] = actor
        Action.objects.filter(pk__in=ids).update(**changes)
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case_id=a.case_id,
            on=by_action[a.pk].run_on,
            kind=EventKind.ACTION,
            actor=actor,
            reason={
                "action": a.pk,
                "step_code": a.step_code,
                "channel": a.channel,
                "rule": rule,
                "outbox": by_action[a.pk].pk,
                "attempts": by_action[a.pk].attempts,
                "error": by_action[a.pk].last_error if status == ActionStatus.FAILED else "",
                "at": (by_action[a.pk].sent_at or now).isoformat(),
            },
        )
        for a in actions
    )


def _action_to(
    m: OutboxMessage, status: ActionStatus, *, rule: str, note: str = "", actor: Any = None
) -> None:
    """`_actions_to` of one message."""
    _actions_to([m], status, rule=rule, note=note, actor=actor)


def recover(*, company: Company | None = None, now: datetime | None = None) -> int:
    """Rows left `sending` longer than the lease by a worker that stopped: `uncertain`."""
    now = now or timezone.now()
    stale = OutboxMessage.objects.filter(state=S.SENDING.value, sending_since__lte=now - _lease())
    if company is not None:
        stale = stale.filter(company=company)
    n = 0
    for pk in stale.values_list("pk", flat=True):
        n += send_one(pk, now=now) == S.UNCERTAIN.value
    return n


def due(*, company: Company, now: datetime) -> list[int]:
    """The queued emails of the company due to be sent now, oldest first."""
    rows = OutboxMessage.objects.filter(
        company=company, channel=Channel.EMAIL.value, state=S.QUEUED.value
    ).exclude(next_attempt_at__gt=now)
    return list(rows.order_by("id").values_list("pk", flat=True))
