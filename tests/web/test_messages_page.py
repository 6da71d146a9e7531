"""The desk's messages page: the letters and emails the outbox could not send, and, for a
credit manager, one button that queues every failed one again (audited, each sent once);
a collector sees their own and no button, and is refused the post; another company's page
is not found."""

from __future__ import annotations

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.models import Action, ActionStatus
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.services import outbox_send
from tests import factories
from tests.apps.communications import support
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(mailoutbox):
    """acme's reminder failed (the relay refused its last attempt); Django's test mailbox
    (`mailoutbox`) then takes what is sent."""
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])
    OutboxMessage.objects.filter(pk=m.pk).update(
        state="failed", attempts=12, last_error="SMTPDataError: 451 try again later"
    )
    Action.objects.filter(pk=m.action_id).update(status=ActionStatus.FAILED)
    w["m"] = m
    return w, mailoutbox


def test_a_credit_manager_queues_every_failed_message_again_from_the_desk(failed):
    w, box = failed
    desk = signed_in(w["maria"])
    page = desk.get("/desk/acme/messages/").content.decode()
    assert f"M{w['m'].pk}" in page and "Queue every failed message again" in page
    got = desk.post("/desk/acme/messages/retry-failed/", follow=True).content.decode()
    assert "queued again: 1 failed message (1 email" in got
    w["m"].refresh_from_db()
    assert w["m"].state == "queued"
    assert AuditEvent.objects.get(action="outbox.retry_failed").actor == w["maria"]
    outbox_send(actor=w["admin"], company=w["acme"])
    desk.post("/desk/acme/messages/retry-failed/")  # again: nothing failed, nothing sent
    outbox_send(actor=w["admin"], company=w["acme"])
    assert len(box) == 1
    w["m"].refresh_from_db()
    assert w["m"].state == "sent" and w["m"].action.status == ActionStatus.SENT


def test_a_collector_sees_the_failed_message_without_the_button_and_is_refused_the_post(failed):
    w, _ = failed
    desk = signed_in(w["cora"])
    page = desk.get("/desk/acme/messages/").content.decode()
    assert f"M{w['m'].pk}" in page and "Queue every failed message again" not in page
    assert desk.post("/desk/acme/messages/retry-failed/").status_code == 403
    assert f"M{w['m'].pk}" not in signed_in(w["carl"]).get("/desk/acme/messages/").content.decode()
    assert signed_in(w["olga"]).post("/desk/acme/messages/retry-failed/").status_code == 404
    w["m"].refresh_from_db()
    assert w["m"].state == "failed"
    assert not AuditEvent.objects.filter(action="outbox.retry_failed").exists()
