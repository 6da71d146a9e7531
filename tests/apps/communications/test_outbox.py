"""The outbox (issue #14, "exactly once"): the run writes one row per message in its own
transaction, a worker sends each through Django's email framework to a real SMTP server on
loopback with the PDF attached, failures are retried with backoff and then failed, a re-run
writes nothing new, and only the right people drive or settle it."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfReader

from arrears.apps.cases.models import Action, ActionStatus, CaseEvent
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.outbox import message_pdf, send_one
from arrears.apps.communications.services import outbox_send
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return support.world()


def run_day(company, day=support.DAY1):
    return factories.run_as_admin(company=company, as_of=day)


def test_the_run_writes_one_outbox_row_per_message_and_a_rerun_of_the_day_writes_none(w):
    run_day(w["acme"])
    rows = list(OutboxMessage.objects.filter(company=w["acme"]))
    assert [(m.step_code, m.channel, m.state, m.recipient) for m in rows] == [
        ("reminder", "email", "queued", "anna@kunde.example")
    ]
    assert rows[0].action.status == ActionStatus.QUEUED
    # the decision only: rendered when it is sent
    assert rows[0].run_on == support.DAY1 and rows[0].language == "en"
    assert rows[0].reference == "K1-EUR" and rows[0].message_id.startswith("<acme.")
    assert rows[0].subject == rows[0].body == "" and rows[0].rendered_at is None
    run_day(w["acme"])
    assert OutboxMessage.objects.filter(company=w["acme"]).count() == 1


def test_a_company_without_sender_details_writes_no_outbox(w):
    w["acme"].sender.delete()
    run_day(w["acme"])
    assert not OutboxMessage.objects.filter(company=w["acme"]).exists()
    assert Action.objects.filter(case__company=w["acme"], channel="email").count() == 1


def test_emails_arrive_at_the_smtp_server_once_with_the_pdf_attached(w, smtp):
    box, _ = smtp
    run_day(w["acme"])
    said = terminal.run("outbox", "send", "--company=acme", as_="admin")
    assert "1 sent" in said
    terminal.run("outbox", "send", "--company=acme", as_="admin")  # again: nothing due
    assert len(box.received) == 1
    mail = box.received[0]
    m = OutboxMessage.objects.get(company=w["acme"])
    assert box.recipients == [["anna@kunde.example"]]
    assert str(mail["Subject"]).strip() == m.subject and str(mail["Message-ID"]) == m.message_id
    assert str(mail["From"]) == "billing@acme.example"
    parts = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    pdf = parts[0].get_payload(decode=True)
    assert pdf == message_pdf(m)  # the same bytes each time it is made
    # rendered when sent, and stored: the text sent, and the PDF's fingerprint
    assert "INV-1" in m.body and m.rendered_at is not None
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == m.body
    assert m.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert m.state == "sent" and m.attempts == 1
    assert m.action.status == ActionStatus.SENT


def test_the_letter_pdf_names_the_sender_the_address_and_where_to_pay(w, tmp_path):
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    path = tmp_path / "m.pdf"
    path.write_bytes(message_pdf(m))
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    for shown in ("Werkstr. 5", "Hauptstr. 1", "10115 Berlin", "DE89 3704 0044 0532 0130 00"):
        assert shown in text, shown
    assert "COBADEFFXXX" in text and "K1-EUR" in text


def test_an_smtp_failure_is_retried_with_backoff_then_failed(w, smtp, settings):
    box, _ = smtp
    box.refuse = True
    settings.ARREARS_OUTBOX_ATTEMPTS = 3
    settings.ARREARS_OUTBOX_BACKOFF_SECONDS = 60
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    now = timezone.now()
    assert send_one(m.pk, now=now) == "queued"
    m.refresh_from_db()
    assert m.attempts == 1 and "451" in m.last_error
    assert m.next_attempt_at - now >= timedelta(seconds=60)
    assert send_one(m.pk, now=now + timedelta(seconds=30)) == "not_due"
    later = m.next_attempt_at
    assert send_one(m.pk, now=later) == "queued"
    m.refresh_from_db()
    assert m.next_attempt_at - later >= timedelta(seconds=120)  # doubled
    assert send_one(m.pk, now=m.next_attempt_at) == "failed"
    m.refresh_from_db()
    assert m.state == "failed" and m.attempts == 3
    assert m.action.status == ActionStatus.FAILED
    assert box.received == []
    said = terminal.run("outbox", "list", "--state=failed", "--company=acme", as_="cora")
    assert f"M{m.pk}" in said and "failed, 3 attempts" in said
    explained = terminal.run("explain", "K1", "--company=acme", as_="cora")
    assert "failed" in explained


def test_a_failed_message_retried_by_an_administrator_goes_out(w, smtp, settings):
    box, _ = smtp
    box.refuse = True
    settings.ARREARS_OUTBOX_ATTEMPTS = 1
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    assert send_one(m.pk) == "failed"
    box.refuse = False
    terminal.run("outbox", "retry", f"M{m.pk}", as_="admin")
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    m.refresh_from_db()
    assert m.state == "sent" and len(box.received) == 1
    assert m.action.status == ActionStatus.SENT


def test_a_row_found_sending_becomes_uncertain_and_is_not_sent_again(w, smtp, settings):
    box, _ = smtp
    settings.ARREARS_OUTBOX_LEASE_SECONDS = 0
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    OutboxMessage.objects.filter(pk=m.pk).update(state="sending", sending_since=timezone.now())
    report = outbox_send(actor=w["admin"], company=w["acme"])
    m.refresh_from_db()
    assert report.uncertain == 1 and m.state == "uncertain" and box.received == []
    terminal.run(
        "outbox", "mark-sent", f"M{m.pk}", "--note=found in the debtor's inbox", as_="cora"
    )
    m.refresh_from_db()
    assert m.state == "sent" and m.action.status == ActionStatus.SENT


def test_an_uncertain_message_resent_by_an_administrator_goes_out_once_more(w, smtp, settings):
    box, _ = smtp
    settings.ARREARS_OUTBOX_LEASE_SECONDS = 0
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    OutboxMessage.objects.filter(pk=m.pk).update(state="uncertain")
    terminal.run("outbox", "resend", f"M{m.pk}", as_="admin")
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    m.refresh_from_db()
    assert m.state == "sent" and len(box.received) == 1


def test_letters_are_sent_when_exported_as_a_print_batch(w, tmp_path):
    from arrears.apps.cases.models import Case

    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    # a letter, as the firm demand is: the same row on the letter channel
    OutboxMessage.objects.filter(pk=m.pk).update(channel="letter")
    Action.objects.filter(pk=m.action_id).update(channel="letter")
    batch = tmp_path / "batch.pdf"
    said = terminal.run("outbox", "print", str(batch), "--company=acme", as_="admin")
    assert "1 letters" in said and batch.read_bytes().startswith(b"%PDF")
    m.refresh_from_db()
    assert m.state == "sent" and m.action.status == ActionStatus.SENT
    assert terminal.run("outbox", "print", str(batch), "--company=acme", as_="admin") == (
        "no letters queued\n"
    )
    assert Case.objects.get(pk=m.case_id).debtor.code == "K1"


def test_a_letter_printed_and_posted_is_marked_sent_by_its_collector(w):
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    OutboxMessage.objects.filter(pk=m.pk).update(channel="letter")
    terminal.run("outbox", "mark-sent", f"M{m.pk}", as_="cora")
    m.refresh_from_db()
    assert m.state == "sent"


def test_the_wrong_person_is_refused_and_nothing_changes(w, smtp):
    box, _ = smtp
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    for who in ("cora", "maria", "olga"):  # sending is an administrator's
        with pytest.raises(CommandError):
            terminal.run("outbox", "send", "--company=acme", as_=who)
        with pytest.raises(NotAllowed):
            outbox_send(actor=terminal_person(who), company=w["acme"])
    OutboxMessage.objects.filter(pk=m.pk).update(state="uncertain")
    for who, verb in (("carl", "mark-sent"), ("olga", "mark-sent"), ("carl", "mark-handled")):
        with pytest.raises(CommandError):
            terminal.run(
                "outbox",
                verb,
                f"M{m.pk}",
                "--reason=x" if verb == "mark-handled" else "--note=x",
                as_=who,
            )
    for who in ("cora", "maria"):
        with pytest.raises(CommandError):
            terminal.run("outbox", "resend", f"M{m.pk}", as_=who)
    with pytest.raises(CommandError):
        terminal.run("outbox", "show", f"M{m.pk}", as_="olga")
    assert terminal.run("outbox", "list", "--company=acme", as_="carl") == "no messages\n"
    assert f"M{m.pk}" in terminal.run("outbox", "list", "--company=acme", as_="cora")
    with pytest.raises(CommandError):
        terminal.run("outbox", "list", "--company=acme", as_="olga")
    m.refresh_from_db()
    assert m.state == "uncertain" and box.received == []


def test_a_failed_message_marked_handled_by_its_collector_says_why(w):
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    OutboxMessage.objects.filter(pk=m.pk).update(state="failed")
    with pytest.raises(CommandError):
        terminal.run("outbox", "mark-handled", f"M{m.pk}", "--reason= ", as_="cora")
    terminal.run("outbox", "mark-handled", f"M{m.pk}", "--reason=called instead", as_="cora")
    m.refresh_from_db()
    assert m.state == "handled" and m.handled_reason == "called instead"


def terminal_person(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_the_next_written_step_waits_until_the_message_is_sent_or_handled(w):
    acme = w["acme"]
    run_day(acme)  # reminder by email, queued in the outbox
    run_day(acme, date(2025, 6, 11))  # the call: not written, it does not wait
    case = Action.objects.filter(case__company=acme).first().case
    case.refresh_from_db()
    assert case.step_code == "call"
    run_day(acme, date(2025, 6, 25))  # the firm demand (a letter) waits for the reminder
    case.refresh_from_db()
    assert case.step_code == "call"
    reminder = OutboxMessage.objects.get(case=case, step_code="reminder")
    OutboxMessage.objects.filter(pk=reminder.pk).update(state="failed")
    terminal.run("outbox", "mark-handled", f"M{reminder.pk}", "--reason=called", as_="cora")
    run_day(acme, date(2025, 6, 26))
    case.refresh_from_db()
    assert case.step_code == "firm_demand"
    letter = OutboxMessage.objects.get(case=case, step_code="firm_demand")
    assert letter.channel == "letter" and "Hauptstr. 1" in letter.recipient


def test_a_failed_message_is_shown_on_the_case_and_in_its_collectors_worklist(w, settings):
    settings.EMAIL_BACKEND = "tests.apps.communications.test_outbox.Broken"
    settings.ARREARS_OUTBOX_ATTEMPTS = 1
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    assert send_one(m.pk) == "failed"
    explained = terminal.run("explain", "K1", "--company=acme", as_="cora")
    assert "messages in the outbox" in explained and "OSError: relay down" in explained
    listed = terminal.run("worklist", "--company=acme", as_="cora")
    assert "messages to settle (1)" in listed and f"M{m.pk}" in listed
    assert "messages to settle" not in terminal.run("worklist", "--company=acme", as_="carl")


class Broken:
    """An email backend whose relay is down."""

    def __init__(self, *args, **kw):
        pass

    def send_messages(self, messages):
        raise OSError("relay down")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_tasks_worker_sends_the_email_the_run_enqueued_once(smtp):
    w = support.world()
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    box, _ = smtp
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    assert [t.args_kwargs["args"] for t in DBTaskResult.objects.all()] == [[m.pk]]
    call_command("db_worker", "--batch", "--no-startup-delay")
    call_command("db_worker", "--batch", "--no-startup-delay")  # nothing left to do
    m.refresh_from_db()
    assert m.state == "sent" and len(box.received) == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_tasks_worker_sends_a_companys_due_emails_over_one_connection_each_once(smtp):
    from django.core.management import call_command

    box, _ = smtp
    company = support.company_with_emails("many", 4)
    run_day(company)
    rows = list(OutboxMessage.objects.filter(company=company).order_by("id"))
    assert len(rows) == 4
    call_command("db_worker", "--batch", "--no-startup-delay")  # four tasks, one batch
    call_command("db_worker", "--batch", "--no-startup-delay")  # nothing left to do
    assert len(box.received) == 4 and box.connections == 1
    assert sorted(str(m["Message-ID"]) for m in box.received) == sorted(m.message_id for m in rows)
    for m in rows:  # each message's own result, on its own row and action
        m.refresh_from_db()
        assert (m.state, m.attempts) == ("sent", 1) and m.action.status == ActionStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_a_message_the_server_refuses_in_a_workers_batch_is_retried_alone(smtp):
    from django.core.management import call_command

    box, _ = smtp
    box.refuse_to = {"ap1@many.example"}
    company = support.company_with_emails("many", 3)
    run_day(company)
    call_command("db_worker", "--batch", "--no-startup-delay")
    got = {
        m.recipient: (m.state, m.attempts, m.last_error[:3])
        for m in OutboxMessage.objects.filter(company=company)
    }
    assert got == {
        "ap0@many.example": ("sent", 1, ""),
        "ap1@many.example": ("queued", 1, "SMT"),  # SMTPDataError: 550, tried again later
        "ap2@many.example": ("sent", 1, ""),
    }
    assert sorted(r[0] for r in box.recipients) == ["ap0@many.example", "ap2@many.example"]


def test_a_message_sent_days_after_its_run_is_dated_in_the_history_by_the_runs_day(w, smtp):
    box, _ = smtp
    run_day(w["acme"])  # support.DAY1, long before the real day it is sent
    m = OutboxMessage.objects.get(company=w["acme"])
    assert send_one(m.pk) == "sent" and len(box.received) == 1
    m.refresh_from_db()
    assert m.action.done_on == support.DAY1 == m.run_on
    event = CaseEvent.objects.get(case=m.case, reason__rule="message_sent")
    assert event.on == support.DAY1
    # the real moment it went out is kept: on the row and beside the history's entry
    assert m.sent_at is not None and m.sent_at.date() != support.DAY1
    assert event.reason["at"] == m.sent_at.isoformat()
    explained = terminal.run("explain", "K1", "--company=acme", as_="cora")
    sent = next(line for line in explained.splitlines() if " sent (at " in line)
    assert sent.strip().startswith(str(support.DAY1))
    assert m.sent_at.strftime("%Y-%m-%d %H:%M") in sent


def test_a_failed_message_is_dated_by_its_runs_day_with_the_moment_it_failed(w, smtp, settings):
    box, _ = smtp
    box.refuse = True
    settings.ARREARS_OUTBOX_ATTEMPTS = 1
    run_day(w["acme"])
    m = OutboxMessage.objects.get(company=w["acme"])
    assert send_one(m.pk) == "failed"
    m.refresh_from_db()
    assert m.action.done_on == support.DAY1
    event = CaseEvent.objects.get(case=m.case, reason__rule="message_failed")
    assert event.on == support.DAY1 and event.reason["at"][:4] != str(support.DAY1.year)


def test_the_outbox_says_how_many_messages_lack_interest_figures_and_which_file_to_put():
    import io as _io

    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=date(2026, 1, 12))  # past the DE table
    err = _io.StringIO()
    terminal.run("outbox", "list", "--company=acme", as_="admin", stderr=err)
    said = err.getvalue()
    assert "1 queued message claims statutory interest without a figure" in said, said
    assert "de_base_rate.csv" in said
