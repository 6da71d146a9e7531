"""What a person does to communications: set the company's sender and payment details, drive
the outbox's worker, and settle a message the worker could not (retry, confirm sent, resend,
mark handled, print the letters). Each takes `actor=`, asks access after locking what it
changes, and is audited (`outbox.*` and the case's history by way of the message's action).

Who may: an administrator sets the sender details and drives sending (`send`, `resend`, the
print batch); a credit manager or an administrator queues failed messages again (`retry`, one
or all of the company's at once); the person the message's action belongs to (the owning
collector for a collector's letter, a credit manager any) confirms it sent or handled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from arrears.apps.accounts.access import has_role, require, require_action
from arrears.apps.accounts.services import audit_record
from arrears.apps.common.files import write_file
from arrears.apps.communications import outbox
from arrears.apps.communications.models import OutboxMessage, SenderDetails
from arrears.apps.communications.pdf import letters_pdf
from arrears.apps.ledger.models import Company
from arrears.domain.access import PersonRole, Verb
from arrears.domain.jurisdictions import COUNTRIES
from arrears.domain.ladder import Channel
from arrears.domain.outbox import OutboxState, desk_step, transition, waits
from arrears.domain.payment_details import bic_clean, iban_clean, reference_check
from arrears.domain.refusal import Refusal

S = OutboxState
REASON_MOST = 200


@dataclass(frozen=True)
class SendReport:
    """What one foreground pass of the worker did: per outcome, how many messages."""

    uncertain: int
    outcomes: dict[str, int] = field(default_factory=dict)


def sender_set(
    *,
    actor: Any,
    company: Company,
    name: str,
    address: str,
    email: str,
    iban: str = "",
    bic: str = "",
    account: str = "",
    bank: str = "",
    reference_format: str = "{debtor}-{currency}",
    phone: str = "",
    country: str = "",
    vat_id: str = "",
    registration: str = "",
    directors: str = "",
) -> SenderDetails:
    """Set who the company's letters come from and how to pay (an administrator). Bad input
    is refused, changing nothing; setting the same again changes nothing."""
    values = {
        "name": name.strip(),
        "address": "\n".join(x.strip() for x in address.replace("\\n", "\n").splitlines()),
        "email": email.strip(),
        "iban": iban_clean(iban) if iban.strip() else "",
        "bic": bic_clean(bic) if bic.strip() else "",
        "account": account.strip(),
        "bank": bank.strip(),
        "reference_format": reference_check(reference_format),
        "phone": phone.strip(),
        "country": country.strip().upper(),
        "vat_id": vat_id.strip(),
        "registration": registration.strip(),
        "directors": directors.strip(),
    }
    if not values["name"] or not values["address"].strip():
        raise Refusal("sender.incomplete", missing="name" if not values["name"] else "address")
    if "@" not in values["email"] or " " in values["email"]:
        raise Refusal("sender.bad_email", email=email)
    if not (values["iban"] or values["account"]):
        raise Refusal("sender.no_account")
    if values["country"] and values["country"] not in COUNTRIES:
        raise Refusal("sender.bad_country", country=country)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        require(actor, Verb.ADMINISTER, company_id=company.pk, what="set the sender details")
        have = SenderDetails.objects.filter(company=company).first()
        if have is not None and all(getattr(have, k) == v for k, v in values.items()):
            return have
        made, _ = SenderDetails.objects.update_or_create(company=company, defaults=values)
        audit_record(
            action="communications.sender_set",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail=values,
        )
    return made


def outbox_send(*, actor: Any, company: Company, now: datetime | None = None) -> SendReport:
    """Drive the worker once in the foreground (an administrator): rows a crashed worker left
    `sending` become `uncertain`, then every due email is sent by the protocol of `outbox`."""
    require(actor, Verb.ADMINISTER, company_id=company.pk, what="send the outbox")
    waiting = outbox.tables_refused()
    if waiting is not None:  # a bad table in the rates folder: said, nothing claimed or failed
        raise waiting
    now = now or timezone.now()
    uncertain = outbox.recover(company=company, now=now)
    outcomes: dict[str, int] = {}
    # in batches: each read, rendered and stored at once, sent over one SMTP connection
    for got in outbox.send_batch(outbox.due(company=company, now=now), now=now).values():
        outcomes[got] = outcomes.get(got, 0) + 1
    return SendReport(uncertain=uncertain, outcomes=outcomes)


def _locked(message_id: int) -> OutboxMessage:
    m = (
        OutboxMessage.objects.select_for_update()
        .select_related("case__debtor", "action")
        .filter(pk=message_id)
        .first()
    )
    if m is None:
        raise Refusal("outbox.unknown", message=message_id)
    return m


def _require_admin(actor: Any, m: OutboxMessage, what: str) -> None:
    require(actor, Verb.ADMINISTER, company_id=m.company_id, what=what)


def _require_acting(actor: Any, m: OutboxMessage, what: str) -> None:
    """The message's action's person (or an administrator, who drives sending)."""
    if has_role(actor, m.company_id, PersonRole.ADMINISTRATOR):
        return
    require_action(
        actor,
        action_id=m.action_id,
        action_role=m.action.role,
        company_id=m.company_id,
        owner_id=m.case.debtor.owner_id,
        what=what,
    )


def outbox_retry(*, actor: Any, message_id: int) -> OutboxMessage:
    """A failed message queued again now, its attempts counted afresh (a credit manager or an
    administrator). Again: nothing changes."""
    with transaction.atomic():
        m = _locked(message_id)
        require(actor, Verb.RETRY_MESSAGES, company_id=m.company_id, what=RETRY_WHAT)
        if m.state == S.QUEUED.value:
            return m
        if m.state != S.FAILED.value:
            raise Refusal("outbox.not_failed", message=m.pk, state=m.state)
        _requeue([m], actor=actor, now=timezone.now())
    return m


RETRY_WHAT = "queue failed letters and emails again"


@dataclass(frozen=True)
class Retried:
    """What `outbox_retry_failed` queued again: the messages by channel, and those left failed
    because their debtor still has nobody to send them to (no email contact, no address)."""

    emails: tuple[int, ...] = ()
    letters: tuple[int, ...] = ()
    no_address: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.emails) + len(self.letters)


def outbox_retry_failed(*, actor: Any, company: Company, now: datetime | None = None) -> Retried:
    """Every failed message of the company queued again at once (a credit manager or an
    administrator), each with its attempts counted afresh, audited one by one and as one
    decision (`outbox.retry_failed`); the emails are enqueued for the worker, the letters
    wait for the print batch. A message that failed for want of an address takes the
    debtor's address as the ERP gives it now, or stays failed if there is still none. Each
    goes through the outbox's protocol again, so none is sent twice; run again, it finds
    nothing failed and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        require(actor, Verb.RETRY_MESSAGES, company_id=company.pk, what=RETRY_WHAT)
        rows = list(
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("case__debtor")
            .filter(company=company, state=S.FAILED.value)
            .order_by("id")
        )
        nobody = [m for m in rows if not outbox.readdress(m)]
        rows = [m for m in rows if m not in nobody]
        _requeue(rows, actor=actor, now=now)
        done = Retried(
            emails=tuple(m.pk for m in rows if m.channel == Channel.EMAIL.value),
            letters=tuple(m.pk for m in rows if m.channel == Channel.LETTER.value),
            no_address=tuple(m.pk for m in nobody),
        )
        if rows or nobody:
            audit_record(
                action="outbox.retry_failed",
                actor=actor,
                object_type="company",
                object_id=company.pk,
                detail={
                    "emails": list(done.emails),
                    "letters": list(done.letters),
                    "no_address": list(done.no_address),
                },
            )
    return done


def _requeue(rows: list[OutboxMessage], *, actor: Any, now: datetime) -> None:
    """Failed messages queued again now, attempts afresh, each audited (`outbox.queued`), in
    a constant number of queries; their emails enqueued for the worker. One rendered on an
    earlier day is rendered afresh when it leaves (`outbox.forget_rendering`)."""
    if not rows:
        return
    for m in rows:
        transition(m.pk, m.state, S.QUEUED)
        m.state, m.attempts, m.next_attempt_at = S.QUEUED.value, 0, now
        outbox.forget_rendering(m, now)  # rendered days ago: dated again when it leaves
    fields = ("state", "attempts", "next_attempt_at", "recipient", *outbox.RENDERED)
    outbox._store_claims(rows, fields)
    outbox._audit_many(rows, S.QUEUED, actor=actor, detail={"error": "", "retry": True})
    from arrears.apps.communications.tasks import send_messages_enqueue

    send_messages_enqueue([m.pk for m in rows if m.channel == Channel.EMAIL.value])


def outbox_resend(*, actor: Any, message_id: int) -> OutboxMessage:
    """An uncertain message sent again (an administrator, who checked it did not arrive)."""
    with transaction.atomic():
        m = _locked(message_id)
        _require_admin(actor, m, "send the outbox")
        if m.state == S.QUEUED.value:
            return m
        if m.state != S.UNCERTAIN.value:
            raise Refusal("outbox.not_uncertain", message=m.pk, state=m.state)
        m.next_attempt_at = timezone.now()
        outbox._state(m, S.QUEUED, fields=["next_attempt_at"], actor=actor)
        _enqueue(m)
    return m


def _enqueue(m: OutboxMessage) -> None:
    if m.channel == Channel.EMAIL.value:
        from arrears.apps.communications.tasks import send_message

        send_message.enqueue(m.pk)


def outbox_mark_sent(*, actor: Any, message_id: int, note: str = "") -> OutboxMessage:
    """A letter printed and posted, or an uncertain email a person found it arrived: sent,
    and its action too. Again: nothing changes."""
    with transaction.atomic():
        m = _locked(message_id)
        _require_acting(actor, m, "record a letter or email as sent")
        if m.state == S.SENT.value:
            return m
        allowed = {S.UNCERTAIN.value} | (
            {S.QUEUED.value} if m.channel == Channel.LETTER.value else set()
        )
        if m.state not in allowed:
            raise Refusal("outbox.cannot_mark_sent", message=m.pk, state=m.state, channel=m.channel)
        # what was posted is stored as sent (a person says it went: it is never cancelled)
        outbox.claim_render(m, now=timezone.now(), cancel=False)
        outbox._sent(m.pk, via="person", actor=actor, note=note.strip())
    m.refresh_from_db()
    return m


def outbox_mark_handled(*, actor: Any, message_id: int, reason: str) -> OutboxMessage:
    """A failed or uncertain message a person dealt with another way (a call, a new address):
    handled, with the reason; the case's next written step no longer waits for it."""
    why = reason.strip()
    with transaction.atomic():
        m = _locked(message_id)
        _require_acting(actor, m, "mark a message handled")
        if m.state == S.HANDLED.value and m.handled_reason == why:
            return m
        if not why:
            raise Refusal("outbox.no_reason", message=m.pk)
        if len(why) > REASON_MOST:
            raise Refusal("outbox.reason_too_long", message=m.pk, most=REASON_MOST)
        m.handled_reason = why
        outbox._state(m, S.HANDLED, fields=["handled_reason"], actor=actor, detail={"reason": why})
    return m


def letters_print(*, actor: Any, company: Company, path: Path) -> int:
    """The company's queued letters as one PDF print batch at `path`, each then sent (an
    administrator). Each is rendered and stored as of its run's day; one whose case was paid
    in full or closed since is cancelled instead. None left: no file. The file is written
    before the letters are marked: a failed write marks nothing."""
    require(actor, Verb.ADMINISTER, company_id=company.pk, what="print the letters")
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(company=company, channel=Channel.LETTER.value, state=S.QUEUED.value)
            .order_by("id")
        )
        now = timezone.now()
        # each rendered and stored as it is printed (what rendering needs read once for the
        # batch, the rows stored in one statement); one paid or closed since the run is not
        reads = outbox.Reads(rows)
        rows = [
            m for m in rows if outbox.claim_render(m, now=now, reads=reads, store=False)[0] is None
        ]
        outbox._store_claims(rows, outbox.RENDERED)
        if not rows:
            return 0
        write_file(path, letters_pdf([outbox.printed(m) for m in rows]))  # or nothing sent
        note = f"print batch {path.name}"
        outbox._sent_many([m.pk for m in rows], via="print_batch", actor=actor, note=note)
    return len(rows)


def letter_queue(
    *, actor: Any, company: Company, case_id: int, channel: str, as_of: date, step_code: str = ""
) -> OutboxMessage:
    """The message of the case's step (or `step_code`), queued from the desk by who may act on
    the case: a queued message action due `as_of` and its outbox row, as the run writes them
    (the worker sends an email; a letter goes out in the next print batch or when a person
    marks it posted). The same message again on the same day is the one already queued. A
    step ahead of the case's own is for its role only, once the last message went out or was
    handled (`arrears.domain.outbox.desk_step`); the action carries the step's role. Bad
    input (no step, nothing open, nobody to send it to, no sender details) is refused and
    nothing is written."""
    from arrears.apps.cases.models import Action, ActionStatus, Case, CaseEvent, EventKind
    from arrears.domain.ladder import Role

    if channel not in outbox.WRITTEN:
        raise Refusal("outbox.bad_channel", channel=channel)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("debtor")
            .filter(pk=case_id, company=company)
            .first()
        )
        if case is None:
            raise Refusal("communications.no_case", debtor=f"case {case_id}", currency="")
        debtor = case.debtor
        role = require(
            actor,
            Verb.CHANGE_CASE,
            company_id=company.pk,
            owner_id=debtor.owner_id,
            what="send a letter or email on this account",
        )
        said = {"debtor": debtor.code, "currency": case.currency}
        if case.status != "open":
            raise Refusal("outbox.case_closed", **said)
        from arrears.apps.communications.selectors import case_written_steps

        ladder = case_written_steps(case=case)
        step = step_code or ladder.chosen
        if not step:
            raise Refusal("communications.no_step", **said)
        if step not in {code for code, _, _ in ladder.steps}:
            raise Refusal("outbox.not_written", step=step, **said)
        sender = SenderDetails.objects.filter(company=company).first()
        if sender is None:
            raise Refusal("outbox.no_sender", company=company.code)
        have = OutboxMessage.objects.filter(case=case, step_code=step, run_on=as_of).first()
        if have is not None and have.channel != channel:  # one message per case, step and day
            raise Refusal(
                "communications.already_queued", step=step, queued=have.channel, message=have.pk
            )
        if have is not None:
            return have
        last = OutboxMessage.objects.filter(case=case).order_by("-id").only("state").first()
        step_role = ladder.roles.get(step, Role.COLLECTOR.value)
        why = desk_step(
            written=[(code, ladder.roles.get(code, "")) for code, _, _ in ladder.steps],
            current=ladder.chosen,
            asked=step,
            role=role,
            waiting=last is not None and waits(last.state),
        )
        if why is not None:
            raise Refusal("communications.step_not_allowed", step=step, role=step_role, reason=why)
        if outbox._not_to_send(case.pk) is not None:
            raise Refusal("communications.nothing_open", **said)
        if channel == Channel.EMAIL.value:
            recipient = outbox.email_recipients(debtor)
            if not recipient:
                raise Refusal("outbox.no_email", debtor=debtor.code)
        else:
            postal = outbox.postal_lines(debtor)
            if not postal:
                raise Refusal("outbox.no_address", debtor=debtor.code)
            recipient = outbox.letter_recipient(debtor, postal)
        pending = Action.objects.filter(
            case=case, step_code=step, due_on=as_of, status__in=["open", "queued"]
        ).first()
        if pending is not None:
            raise Refusal(
                "outbox.step_pending", step=step, action=pending.pk, channel=pending.channel
            )
        action = Action.objects.create(
            case=case,
            step_code=step,
            channel=channel,
            role=step_role,
            due_on=as_of,
            status=ActionStatus.QUEUED,
        )
        from arrears.apps.communications.presentation import LANGUAGES
        from arrears.apps.communications.selectors import reference_of

        domain = sender.email.rpartition("@")[2] or "arrears.invalid"
        m = OutboxMessage.objects.create(
            company=company,
            case=case,
            action=action,
            step_code=step,
            run_on=as_of,
            channel=channel,
            language=debtor.language if debtor.language in LANGUAGES else "en",
            recipient=recipient,
            reference=reference_of(company, case, sender.reference_format),
            message_id=outbox.message_id_of(company.code, case.pk, step, as_of, domain),
        )
        detail = {
            "action": action.pk,
            "step_code": step,
            "channel": channel,
            "rule": "message_queued",
            "outbox": m.pk,
        }
        CaseEvent.objects.create(
            case=case, on=as_of, kind=EventKind.ACTION, reason=detail, actor=actor
        )
        audit_record(
            action="outbox.queued_by_desk",
            actor=actor,
            object_type="outbox_message",
            object_id=m.pk,
            detail={"case": case.pk, **detail},
        )
        _enqueue(m)
    return m
