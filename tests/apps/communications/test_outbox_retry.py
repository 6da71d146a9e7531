"""Failed messages queued again at once: a credit manager (or an administrator) retries every
failed letter and email of the company in one go, audited; each still goes through the
outbox's protocol, so none is sent twice, through a crash too; one that failed for want of an
address takes the debtor's address as the ERP gives it now."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.models import ActionStatus
from arrears.apps.communications import outbox
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.services import outbox_retry_failed, outbox_send
from arrears.apps.ledger.models import Contact
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = support.world()
    k2 = factories.debtor(w["acme"], code="K2", owner=w["carl"], address_line1="Ring 2")
    Contact.objects.create(debtor=k2, name="Karl", email="karl@k2.example")
    factories.item(k2, due=support.DUE, amount=20_000, number="INV-2")
    return w


def failed_everywhere(w, smtp, settings):
    """Both companies run the day and every email fails (the relay refuses, one attempt)."""
    box, _ = smtp
    box.refuse = True
    settings.ARREARS_OUTBOX_ATTEMPTS = 1
    for company in (w["acme"], w["globex"]):
        factories.run_as_admin(company=company, as_of=support.DAY1)
        outbox_send(actor=w["admin"], company=company)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"failed"}
    box.refuse = False
    return box


def states(company):
    return sorted(OutboxMessage.objects.filter(company=company).values_list("state", flat=True))


def test_a_credit_manager_retries_every_failed_message_of_the_company_and_each_goes_out_once(
    w, smtp, settings
):
    box = failed_everywhere(w, smtp, settings)
    said = terminal.run("outbox", "retry", "--failed", "--company=acme", as_="maria")
    assert "queued again: 2 failed messages (2 emails" in said, said
    rows = list(OutboxMessage.objects.filter(company=w["acme"]).order_by("id"))
    assert [(m.state, m.attempts) for m in rows] == [("queued", 0), ("queued", 0)]
    assert states(w["globex"]) == ["failed"]  # another company's are not touched
    decided = AuditEvent.objects.get(action="outbox.retry_failed")
    assert decided.actor.username == "maria" and decided.object_id == str(w["acme"].pk)
    assert sorted(decided.detail["emails"]) == [m.pk for m in rows]
    each = AuditEvent.objects.filter(action="outbox.queued", actor__username="maria")
    assert sorted(int(e.object_id) for e in each) == [m.pk for m in rows]
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    assert sorted(r[0] for r in box.recipients) == ["anna@kunde.example", "karl@k2.example"]
    for m in rows:
        m.refresh_from_db()
        assert m.state == "sent" and m.action.status == ActionStatus.SENT
    # again: nothing failed, nothing queued, nothing sent twice
    again = terminal.run("outbox", "retry", "--failed", "--company=acme", as_="maria")
    assert again == "no failed messages: nothing queued again\n"
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    assert len(box.received) == 2
    assert AuditEvent.objects.filter(action="outbox.retry_failed").count() == 1


def test_the_wrong_people_may_not_retry_failed_messages_and_nothing_changes(w, smtp, settings):
    failed_everywhere(w, smtp, settings)
    for who in ("cora", "olga"):  # a collector; another company's collector
        with pytest.raises(CommandError):
            terminal.run("outbox", "retry", "--failed", "--company=acme", as_=who)
    with pytest.raises(NotAllowed):
        outbox_retry_failed(actor=w["cora"], company=w["acme"])
    m = OutboxMessage.objects.filter(company=w["acme"]).first()
    for args in ((), (f"M{m.pk}", "--failed")):  # which? neither, or both
        with pytest.raises(CommandError, match="one .* or all"):
            terminal.run("outbox", "retry", *args, "--company=acme", as_="maria")
    assert states(w["acme"]) == ["failed", "failed"]
    assert not AuditEvent.objects.filter(action="outbox.retry_failed").exists()


def test_a_credit_manager_may_retry_one_failed_message(w, smtp, settings):
    box = failed_everywhere(w, smtp, settings)
    m = OutboxMessage.objects.filter(company=w["acme"]).order_by("id").first()
    assert terminal.run("outbox", "retry", f"M{m.pk}", as_="maria") == f"M{m.pk}: queued\n"
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    assert states(w["acme"]) == ["failed", "sent"] and len(box.received) == 1


class Crash(Exception):
    pass


def test_a_crash_while_the_retried_messages_go_out_sends_none_of_them_twice(
    w, smtp, settings, monkeypatch
):
    box = failed_everywhere(w, smtp, settings)
    settings.ARREARS_OUTBOX_LEASE_SECONDS = 0
    outbox_retry_failed(actor=w["maria"], company=w["acme"])

    def crash(*args, **kw):
        raise Crash

    with monkeypatch.context() as patched:  # killed after sending, before marking
        patched.setattr(outbox, "_sent_many", crash)
        with pytest.raises(Crash):
            outbox_send(actor=w["admin"], company=w["acme"])
    assert len(box.received) == 2
    report = outbox_send(actor=w["admin"], company=w["acme"])
    assert report.uncertain == 2 and len(box.received) == 2
    # uncertain, not failed: a second bulk retry does not pick them up again
    assert outbox_retry_failed(actor=w["maria"], company=w["acme"]).count == 0
    outbox_send(actor=w["admin"], company=w["acme"])
    assert len(box.received) == 2 and states(w["acme"]) == ["uncertain", "uncertain"]


def test_a_message_failed_for_want_of_an_email_takes_the_address_the_erp_added_since(
    w, smtp, settings
):
    box, _ = smtp
    k3 = factories.debtor(w["acme"], code="K3", owner=w["cora"])  # no contact, no address
    factories.item(k3, due=support.DUE, amount=30_000, number="INV-3")
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(case__debtor=k3)
    assert (m.state, m.last_error, m.recipient) == ("failed", "no email address", "")
    said = terminal.run("outbox", "retry", "--failed", "--company=acme", as_="maria")
    assert "still failed, nobody to send them to" in said and f"M{m.pk}" in said
    m.refresh_from_db()
    assert m.state == "failed"
    Contact.objects.create(debtor=k3, name="Kai", email="kai@k3.example")
    said = terminal.run("outbox", "retry", "--failed", "--company=acme", as_="maria")
    assert "queued again: 1 failed message (1 email" in said, said
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    m.refresh_from_db()
    assert (m.state, m.recipient) == ("sent", "kai@k3.example")
    assert ["kai@k3.example"] in box.recipients
