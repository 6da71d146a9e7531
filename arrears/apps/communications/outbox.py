"""The outbox (issue #14, "exactly once"): the daily run writes one row per message it queued,
in its own transaction (`outbox_write`, registered with the run in `communications.apps`); a
worker sends each afterwards (`send_one`, the task `communications.tasks.send_message`).

The protocol of one send, in three steps, each committed:

1. claim: the row moves `queued -> sending` and the attempt is counted (committed before any
   byte leaves);
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

import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Action, ActionStatus, Case, CaseEvent, EventKind, Run
from arrears.apps.cases.selectors import holidays_for, strategies_for
from arrears.apps.common.bulk import read_frame
from arrears.apps.communications.models import OutboxMessage, SenderDetails
from arrears.apps.communications.pdf import Address, PrintedLetter, letters_pdf
from arrears.apps.communications.rendering import Message, render_both
from arrears.apps.communications.selectors import (
    CaseLetter,
    _case_letter,
    _open_items,
    _payments,
    rate_tables,
)
from arrears.apps.ledger.models import Company, Contact
from arrears.domain.ladder import Channel
from arrears.domain.letters import ItemLine, Letter
from arrears.domain.money import Money
from arrears.domain.outbox import OutboxState, after_failure, transition, waiting_cases
from arrears.domain.refusal import Refusal

S = OutboxState
WRITTEN = (Channel.EMAIL.value, Channel.LETTER.value)


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


def postal_lines(debtor: Any) -> tuple[str, ...]:
    town = " ".join(x for x in (debtor.postcode, debtor.city) if x)
    lines = (debtor.address_line1, debtor.address_line2, town, debtor.country)
    return tuple(x for x in lines if x)


def printed(m: OutboxMessage) -> PrintedLetter:
    """The letter of an outbox row, exactly as it was decided (the PDF is the same each time)."""
    f = m.figures
    return PrintedLetter(
        letter=letter_from_figures(f["letter"]),
        message=Message(m.language, m.subject, m.paper_body),
        sender=Address(f["sender"]["name"], tuple(f["sender"]["lines"])),
        recipient=Address(f["recipient"]["name"], tuple(f["recipient"]["lines"])),
        reference=m.reference,
        payment_details=tuple(f["payment"]),
    )


def message_pdf(m: OutboxMessage) -> bytes:
    return letters_pdf([printed(m)])


# --- the run writes --------------------------------------------------------------------------


def outbox_write(*, company: Company, as_of: date, run: Run) -> dict[str, int]:
    """One outbox row per letter or email the run queued today, in the run's transaction. A
    company without sender details (`arrears sender set`) has no outbox: its messages stay
    queued actions for a person, as before. Re-running the day writes nothing new (the run
    queues no new action; the rows' unique key would refuse a second one anyway)."""
    sender = SenderDetails.objects.filter(company=company).first()
    if sender is None:
        return {}
    actions = list(
        Action.objects.filter(
            case__company=company,
            run=run,
            channel__in=WRITTEN,
            status=ActionStatus.QUEUED,
            outbox__isnull=True,
        ).select_related("case__debtor")
    )
    if not actions:
        return {"outbox_written": 0}
    debtor_ids = sorted({a.case.debtor_id for a in actions})
    items, paid = _open_items(debtor_ids), _payments(as_of, debtor_ids)
    strategies, tables = strategies_for(company=company), rate_tables()
    holidays = holidays_for(company=company)  # once per run: every letter's pay-by date
    emails: dict[int, list[str]] = {}
    for debtor_id, email in (
        Contact.objects.filter(debtor_id__in=debtor_ids)
        .exclude(email="")
        .order_by("-is_primary", "id")
        .values_list("debtor_id", "email")
    ):
        emails.setdefault(debtor_id, []).append(email)
    domain = sender.email.rpartition("@")[2] or "arrears.invalid"
    fmt = sender.reference_format
    rows, failed = [], []
    for action in actions:
        case = action.case
        found = _letter_for(
            case, company, as_of, action.step_code, strategies, items, paid, tables, holidays, fmt
        )
        if found is None:
            continue
        row = _row(
            action, case, found, sender, emails.get(case.debtor_id, []), as_of, domain, company.code
        )
        row.run = run
        rows.append(row)
        if row.state == S.FAILED.value:
            failed.append(action.pk)
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if failed:  # no address to send to: the message's action fails at once, saying why
        Action.objects.filter(pk__in=failed).update(status=ActionStatus.FAILED, done_on=as_of)
    to_send = OutboxMessage.objects.filter(
        action_id__in=[a.pk for a in actions], channel=Channel.EMAIL.value, state=S.QUEUED.value
    ).values_list("pk", flat=True)
    from arrears.apps.communications.tasks import send_messages_enqueue

    send_messages_enqueue(to_send)
    return {"outbox_written": len(rows), "outbox_no_address": len(failed)}


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
) -> CaseLetter | None:
    args = {
        "strategies": strategies,
        "items": items,
        "paid": paid,
        "tables": tables,
        "holidays": holidays,
        "reference_format": reference_format,
    }
    try:
        return _case_letter(case, company, as_of, step_code=step_code, **args)
    except Refusal as e:
        if e.code == "communications.nothing_open":
            return None
        if e.code != "interest.no_rate":
            raise
    # a day beyond the rate tables: the letter without its cost (it says so), never a zero
    return _case_letter(case, company, as_of, step_code=step_code, with_interest=False, **args)


def _row(
    action: Action,
    case: Case,
    found: CaseLetter,
    sender: SenderDetails,
    emails: list[str],
    as_of: date,
    domain: str,
    code: str,
) -> OutboxMessage:
    debtor = case.debtor
    reference = found.reference
    email, paper = render_both(
        found.letter, found.language, debtor=found.debtor, company=sender.name, reference=reference
    )
    lines = postal_lines(debtor)
    if action.channel == Channel.EMAIL.value:
        recipient, missing = ", ".join(emails), "" if emails else "no email address"
    else:
        recipient, missing = "\n".join([debtor.name, *lines]), "" if lines else "no postal address"
    figures = {
        "letter": letter_figures(found.letter),
        "sender": {"name": sender.name, "lines": [x for x in sender.address.splitlines() if x]},
        "recipient": {"name": debtor.name, "lines": list(lines)},
        "payment": list(payment_details(sender, reference)),
        "from": sender.email,
    }
    key = f"{code}.{case.pk}.{action.step_code}.{as_of:%Y%m%d}"
    return OutboxMessage(
        company_id=case.company_id,
        case=case,
        action=action,
        step_code=action.step_code,
        run_on=as_of,
        channel=action.channel,
        language=found.language,
        recipient=recipient,
        subject=email.subject,
        body=email.body,
        paper_body=paper.body,
        figures=figures,
        reference=reference,
        message_id=f"<{key}@{domain}>",
        state=S.FAILED.value if missing else S.QUEUED.value,
        last_error=missing,
    )


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


def email_of(m: OutboxMessage) -> EmailMessage:
    """The email of a row: its subject, text and recipients, the letter's PDF attached, and a
    Message-ID made from the row's key (the same on every attempt)."""
    mail = EmailMessage(
        subject=m.subject,
        body=m.body,
        from_email=m.figures.get("from") or settings.DEFAULT_FROM_EMAIL,
        to=[x.strip() for x in m.recipient.split(",") if x.strip()],
        headers={"Message-ID": m.message_id, "X-Arrears-Reference": m.reference},
    )
    mail.attach(f"{m.reference}.pdf", message_pdf(m), "application/pdf")
    return mail


def send_one(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued email by the protocol above; returns what became of it (`sent`,
    `queued` again after a failure, `failed`, `uncertain`, or its state if there was nothing
    to do: not due, sent already, a letter, another worker's)."""
    now = now or timezone.now()
    with transaction.atomic():
        m = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if m is None:
            return "unknown"
        if m.state == S.SENDING.value:
            # a worker that claimed it is gone (or still at it, within the lease)
            if m.sending_since and m.sending_since > now - _lease():
                return "busy"
            _state(m, S.UNCERTAIN, error="the worker stopped after claiming it: perhaps sent")
            return S.UNCERTAIN.value
        if m.state != S.QUEUED.value or m.channel != Channel.EMAIL.value:
            return m.state
        if m.next_attempt_at is not None and m.next_attempt_at > now:
            return "not_due"
        action = Action.objects.select_for_update().get(pk=m.action_id)
        if action.status == ActionStatus.CANCELLED:
            _state(m, S.CANCELLED, error=f"its action was cancelled ({action.cancelled_reason})")
            return S.CANCELLED.value
        m.attempts += 1
        m.sending_since = now
        _state(m, S.SENDING, fields=["attempts", "sending_since"])
    try:
        email_of(m).send(fail_silently=False)
    except Exception as e:  # any failure of the backend: the attempt failed, nothing was sent
        return _failed(m.pk, f"{type(e).__name__}: {e}"[:2000], now=now)
    pause = settings.ARREARS_OUTBOX_PAUSE_AFTER_SEND
    if pause:  # tests only: the crash test kills the worker here
        time.sleep(pause)
    return _sent(m.pk, via="worker")


def _failed(message_id: int, error: str, *, now: datetime) -> str:
    with transaction.atomic():
        m = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if m.state != S.SENDING.value:
            return m.state
        first = timedelta(seconds=settings.ARREARS_OUTBOX_BACKOFF_SECONDS)
        to, next_at = after_failure(
            m.attempts, now, most=settings.ARREARS_OUTBOX_ATTEMPTS, first=first
        )
        m.next_attempt_at = next_at
        _state(m, to, error=error, fields=["next_attempt_at"])
        if to is S.FAILED:
            _action_to(m, ActionStatus.FAILED, rule="message_failed", note=error)
        else:
            from arrears.apps.communications.tasks import send_message

            send_message.using(run_after=next_at).enqueue(m.pk)
    return to.value


def _sent(message_id: int, *, via: str, actor: Any = None, note: str = "") -> str:
    with transaction.atomic():
        m = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if m.state == S.SENT.value:
            return m.state
        m.sent_at = timezone.now()
        # the worker knows it sent it: sent, even if another marked it uncertain meanwhile
        m.state = S.SENT.value
        m.save(update_fields=["state", "sent_at"])
        _audit(m, S.SENT, actor=actor, detail={"via": via, "note": note})
        _action_to(m, ActionStatus.SENT, rule="message_sent", note=note, actor=actor)
    return S.SENT.value


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


def _action_to(
    m: OutboxMessage, status: ActionStatus, *, rule: str, note: str = "", actor: Any = None
) -> None:
    """The message's action becomes sent or failed, in the case's history: a retried message
    that goes out after its action failed turns it sent (what happened last)."""
    action = Action.objects.select_for_update().get(pk=m.action_id)
    if action.status in (status, ActionStatus.CANCELLED):
        return
    on = timezone.localdate()
    action.status, action.done_on, action.note = status, on, note[:500]
    if actor is not None:
        action.done_by = actor
    action.save(update_fields=["status", "done_on", "note", "done_by"])
    detail = {
        "action": action.pk,
        "step_code": action.step_code,
        "channel": action.channel,
        "rule": rule,
        "outbox": m.pk,
        "attempts": m.attempts,
        "error": m.last_error if status == ActionStatus.FAILED else "",
    }
    CaseEvent.objects.create(
        case_id=m.case_id, on=on, kind=EventKind.ACTION, reason=detail, actor=actor
    )


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
