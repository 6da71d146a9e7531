"""The run writes only the outbox's decision, cheaply; the message is rendered when it is sent,
as of the run's day, and stored then, once: a resend is the same message, and a case paid in
full or closed since the run is not sent at all."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrears.apps.cases.models import Action, ActionStatus, Case, CaseEvent, CaseStatus, Run
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.communications import outbox
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.services import outbox_send
from arrears.apps.ledger.models import Contact, OpenItem
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db


def _company_with(code: str, debtors: int) -> object:
    """A company sending through the outbox with `debtors` debtors each owing one overdue
    invoice: all but the last with an email contact (the last one's message fails at once)."""
    company = factories.company(code)
    admin = factories.admin()
    strategies_install_defaults(company=company, actor=admin)
    factories.sender(company)
    for n in range(debtors):
        d = factories.debtor(company, code=f"{code.upper()}{n}", address_line1="Hauptstr. 1")
        if n < debtors - 1:
            Contact.objects.create(debtor=d, name="AP", email=f"ap{n}@{code}.example")
        factories.item(d, due=support.DUE, amount=10_000 + n, number=f"{code}-{n}")
    return company


def _writer_queries(company: object, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """Run the day, then write its outbox again from scratch, counting what the writer asks
    the database: (queries through Django, bulk inserts of rows, rows written)."""
    factories.run_as_admin(company=company, as_of=support.DAY1)
    run = Run.objects.filter(company=company).latest("id")
    OutboxMessage.objects.filter(company=company).delete()
    Action.objects.filter(run=run, status=ActionStatus.FAILED).update(status=ActionStatus.QUEUED)
    inserts = []
    real = outbox.insert_frame
    monkeypatch.setattr(
        outbox,
        "insert_frame",
        lambda table, frame: inserts.append(frame.height) or real(table, frame),
    )
    with CaptureQueriesContext(connection) as seen:
        got = outbox.outbox_write(company=company, as_of=support.DAY1, run=run)
    return len(seen.captured_queries), len(inserts), got["outbox_written"]


def test_the_run_writes_any_number_of_messages_in_the_same_number_of_queries(monkeypatch):
    few = _writer_queries(_company_with("few", 2), monkeypatch)
    many = _writer_queries(_company_with("many", 12), monkeypatch)
    assert few[2] == 2 and many[2] == 12
    assert few[:2] == many[:2]  # the same reads, and one bulk write of the rows
    assert many[1] == 1
    failed = OutboxMessage.objects.get(company__code="many", state="failed")
    assert failed.last_error == "no email address"
    assert failed.action.status == ActionStatus.FAILED


@pytest.mark.parametrize("how", ["paid", "closed"])
def test_a_case_paid_or_closed_before_the_send_is_not_sent_and_its_action_is_cancelled_saying_why(
    how, smtp
):
    box, _ = smtp
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])
    if how == "paid":  # the ERP says the invoice was paid after the run
        OpenItem.objects.filter(number="INV-1").update(open_minor=0)
    else:
        Case.objects.filter(pk=m.case_id).update(status=CaseStatus.CLOSED)
    said = terminal.run("outbox", "show", f"M{m.pk}", as_="cora")
    assert "not sent: the case" in said
    report = outbox_send(actor=w["admin"], company=w["acme"])
    assert report.outcomes == {"cancelled": 1} and box.received == []
    m.refresh_from_db()
    words = "paid in full" if how == "paid" else "closed"
    assert m.state == "cancelled" and words in m.last_error and m.rendered_at is None
    action = Action.objects.get(pk=m.action_id)
    assert action.status == ActionStatus.CANCELLED
    assert action.cancelled_reason == ("paid" if how == "paid" else "case_closed")
    explained = terminal.run("explain", "K1", "--company=acme", as_="cora")
    assert "cancelled" in explained
    assert outbox_send(actor=w["admin"], company=w["acme"]).outcomes == {}  # nothing left


class Crash(BaseException):
    """The worker dies after the SMTP server took the message, before it marked it sent."""


def test_a_resend_after_an_uncertain_send_is_byte_identical(smtp, settings, monkeypatch):
    box, _ = smtp
    settings.ARREARS_OUTBOX_LEASE_SECONDS = 0
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])

    def crash(*args, **kw):
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(outbox, "_sent_many", crash)
        with pytest.raises(Crash):
            outbox.send_one(m.pk)
    assert len(box.received) == 1
    assert outbox_send(actor=w["admin"], company=w["acme"]).uncertain == 1
    # meanwhile the debtor paid half, and the debtor's name changed: a fresh rendering differs
    OpenItem.objects.filter(number="INV-1").update(open_minor=50_000)
    w["k1"].name = "Kunde AG"
    w["k1"].save()
    terminal.run("outbox", "resend", f"M{m.pk}", as_="admin")
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    m.refresh_from_db()
    assert m.state == "sent" and m.attempts == 2 and len(box.received) == 2
    first, again = box.received
    assert str(again["Message-ID"]) == str(first["Message-ID"]) == m.message_id
    assert str(again["Subject"]).strip() == str(first["Subject"]).strip() == m.subject
    body = [x.get_body(("plain",)).get_content() for x in (first, again)]
    assert body[0] == body[1] and "€1,000.00" in body[0] and "Kunde GmbH" in body[0]
    pdfs = [
        p.get_payload(decode=True)
        for x in (first, again)
        for p in x.walk()
        if p.get_content_type() == "application/pdf"
    ]
    assert pdfs[0] == pdfs[1] and hashlib.sha256(pdfs[0]).hexdigest() == m.pdf_sha256
    assert m.rendered_at is not None and m.rendered_at <= timezone.now()


def test_a_message_retried_after_a_failed_attempt_is_not_sent_once_the_case_is_paid(smtp):
    box, _ = smtp
    box.refuse = True
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])
    assert outbox.send_one(m.pk) == "queued"  # the attempt failed: rendered, to be retried
    m.refresh_from_db()
    assert m.rendered_at is not None and m.next_attempt_at is not None
    box.refuse = False
    OpenItem.objects.filter(number="INV-1").update(open_minor=0)
    assert outbox.send_one(m.pk, now=m.next_attempt_at) == "cancelled"
    m.refresh_from_db()
    assert m.state == "cancelled" and "paid in full" in m.last_error and box.received == []
    assert Action.objects.get(pk=m.action_id).status == ActionStatus.CANCELLED


def test_a_message_that_cannot_be_rendered_fails_at_once_saying_why_and_the_worker_goes_on(
    w_two, smtp
):
    box, _ = smtp
    broken, fine = w_two
    outbox_send(actor=factories.admin(), company=broken.company)
    broken.refresh_from_db()
    fine.refresh_from_db()
    # not retried until its attempts run out: a template cannot mend itself
    assert (
        broken.state == "failed" and broken.attempts == 1 and "has no letter" in broken.last_error
    )
    assert broken.action.status == "failed" and "has no letter" in broken.action.note
    # shown on the case: its history says the message failed and why
    event = CaseEvent.objects.filter(case_id=broken.case_id, reason__rule="message_failed").get()
    assert "has no letter" in event.reason["error"]
    assert fine.state == "sent" and len(box.received) == 1


@pytest.fixture
def w_two():
    """Two messages of one company: the first for a step that has no template."""
    company = _company_with("two", 3)
    factories.run_as_admin(company=company, as_of=support.DAY1)
    first, second = OutboxMessage.objects.filter(company=company, state="queued").order_by("id")
    OutboxMessage.objects.filter(pk=first.pk).update(step_code="no_such_step")
    first.refresh_from_db()
    return first, second


def _sent_in_one_batch(company: object) -> tuple[int, dict[int, str]]:
    """Run the day, then send its emails as `arrears outbox send` does, counting the queries."""
    factories.run_as_admin(company=company, as_of=support.DAY1)
    ids = outbox.due(company=company, now=timezone.now())
    with CaptureQueriesContext(connection) as seen:
        got = outbox.send_batch(ids)
    return len(seen.captured_queries), got


def test_a_batch_of_emails_is_sent_in_the_same_number_of_queries_however_many(smtp, settings):
    box, _ = smtp
    settings.ARREARS_OUTBOX_BATCH = 50
    few_queries, few = _sent_in_one_batch(_company_with("few", 3))
    many_queries, many = _sent_in_one_batch(_company_with("many", 11))
    assert list(few.values()) == ["sent"] * 2 and list(many.values()) == ["sent"] * 10
    # read once for the batch (cases, items, payments, fees, ladders...), claimed, stored,
    # marked and audited in bulk: 10 messages ask the database no more than 2
    assert many_queries == few_queries
    assert len(box.received) == 12 and box.connections == 2  # one SMTP connection a batch
    sent = OutboxMessage.objects.filter(company__code="many", state="sent")
    assert sent.count() == 10 and all(m.rendered_at and m.pdf_sha256 for m in sent)
    assert Action.objects.filter(outbox__in=sent, status=ActionStatus.SENT).count() == 10
    events = CaseEvent.objects.filter(case__company__code="many", reason__rule="message_sent")
    assert events.count() == 10
    from arrears.apps.accounts.models import AuditEvent

    ids = [str(m.pk) for m in sent]
    assert AuditEvent.objects.filter(action="outbox.sending", object_id__in=ids).count() == 10
    assert AuditEvent.objects.filter(action="outbox.sent", object_id__in=ids).count() == 10


def test_emails_go_in_batches_of_the_configured_size_each_over_one_connection(smtp, settings):
    box, _ = smtp
    settings.ARREARS_OUTBOX_BATCH = 4
    _company_with("other", 2)
    _, got = _sent_in_one_batch(_company_with("many", 11))
    assert list(got.values()) == ["sent"] * 10
    assert len(box.received) == 10 and box.connections == 3  # 4 + 4 + 2


def test_a_crash_after_a_batch_was_sent_sends_none_of_it_again(smtp, settings, monkeypatch):
    box, _ = smtp
    settings.ARREARS_OUTBOX_LEASE_SECONDS = 0
    company = _company_with("many", 4)
    _company_with("other", 2)
    factories.run_as_admin(company=company, as_of=support.DAY1)
    ids = outbox.due(company=company, now=timezone.now())

    def crash(*args, **kw):
        raise Crash

    with monkeypatch.context() as patched:  # killed after sending, before marking
        patched.setattr(outbox, "_sent_many", crash)
        with pytest.raises(Crash):
            outbox.send_batch(ids)
    assert len(box.received) == 3
    report = outbox_send(actor=factories.admin(), company=company)
    assert report.uncertain == 3 and report.outcomes == {}
    assert len(box.received) == 3  # none sent twice
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        "uncertain"
    }


def _printed(company: object, tmp_path: object) -> int:
    """Run the day, make its messages letters, and print them as one batch, counting queries."""
    from arrears.apps.communications.services import letters_print

    factories.run_as_admin(company=company, as_of=support.DAY1)
    queued = OutboxMessage.objects.filter(company=company, state="queued")
    Action.objects.filter(outbox__in=queued).update(channel="letter")
    queued.update(channel="letter")
    with CaptureQueriesContext(connection) as seen:
        letters_print(actor=factories.admin(), company=company, path=tmp_path / "b.pdf")
    return len(seen.captured_queries)


def test_a_print_batch_of_any_number_of_letters_asks_the_same_number_of_queries(tmp_path):
    few = _printed(_company_with("few", 3), tmp_path)
    many = _printed(_company_with("many", 11), tmp_path)
    assert many == few
    sent = OutboxMessage.objects.filter(company__code="many", channel="letter", state="sent")
    assert sent.count() == 10 and all(m.pdf_sha256 for m in sent)
    assert Action.objects.filter(outbox__in=sent, status=ActionStatus.SENT).count() == 10
