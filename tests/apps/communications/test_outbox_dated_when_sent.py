"""A message that waited in the outbox leaves dated the day it leaves: the run's day moved on
by the days it waited, its interest to that day and its pay-by the full term from it. A
letter the run decided on Thursday 5 June 2025 and printed on Monday 9 June asks for payment
by Wednesday 18 June (seven business days from the Monday: 10, 11, 12, 13, 16, 17, 18), not
by Monday 16 June (from the Thursday: 6, 9, 10, 11, 12, 13, 16), which the debtor would have
had five business days to meet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import F

from arrears.apps.cases.models import Action
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.outbox import send_one
from arrears.apps.communications.services import letters_print, outbox_retry_failed
from arrears.domain.outbox import dispatch_day
from tests import factories
from tests.apps.communications import support

pytestmark = pytest.mark.django_db
MONDAY, ON_TIME, FROM_MONDAY = date(2025, 6, 9), date(2025, 6, 16), date(2025, 6, 18)


def waited(days: int, **also):
    """The day's message, as if written `days` days ago (and rendered then, with `also`)."""
    moved = {k: F(k) - timedelta(days=days) for k in ("created_at", *also)}
    OutboxMessage.objects.update(**moved)
    return OutboxMessage.objects.get(case__debtor__code="K1")


def test_the_day_a_message_speaks_as_of_moves_on_by_the_days_it_waited():
    thursday = date(2025, 6, 5)
    assert dispatch_day(thursday, thursday, thursday) == thursday
    assert dispatch_day(thursday, date(2026, 1, 1), date(2026, 1, 5)) == MONDAY
    assert dispatch_day(thursday, date(2026, 1, 5), date(2026, 1, 1)) == thursday  # never back


def test_a_letter_printed_days_after_the_run_is_dated_and_due_from_the_day_it_leaves(tmp_path):
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    queued = OutboxMessage.objects.filter(company=w["acme"])
    Action.objects.filter(outbox__in=queued).update(channel="letter")
    queued.update(channel="letter")
    waited(4)
    assert letters_print(actor=w["admin"], company=w["acme"], path=tmp_path / "b.pdf") == 1
    m = OutboxMessage.objects.get(company=w["acme"])
    letter = m.figures["letter"]
    assert (letter["as_of"], letter["pay_by"]) == (str(MONDAY), str(FROM_MONDAY))
    assert "18 June 2025" in m.paper_body and "16 June 2025" not in m.paper_body
    assert all(line["days_overdue"] == 8 for line in letter["lines"])  # due 1 June, to 9 June
    # the case's history stays on the run's day; the letter speaks as of the day it left
    assert m.run_on == support.DAY1 and m.action.done_on == support.DAY1


def test_an_email_sent_the_day_it_was_written_speaks_as_of_the_runs_day(smtp):
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])
    assert send_one(m.pk) == "sent"
    m.refresh_from_db()
    assert (m.figures["letter"]["as_of"], m.figures["letter"]["pay_by"]) == (
        str(support.DAY1),
        str(ON_TIME),
    )


def test_an_email_that_waited_in_the_outbox_asks_for_payment_the_full_term_from_its_sending(
    smtp,
):
    box, _ = smtp
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = waited(4)
    assert send_one(m.pk) == "sent"
    m.refresh_from_db()
    assert m.figures["letter"]["pay_by"] == str(FROM_MONDAY)
    sent = box.received[0].get_body(("plain",)).get_content()
    assert "18 June 2025" in sent and "16 June 2025" not in sent


def test_a_failed_message_retried_days_later_is_dated_again_from_the_day_it_leaves(smtp, settings):
    box, _ = smtp
    box.refuse = True
    settings.ARREARS_OUTBOX_ATTEMPTS = 1
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])
    assert send_one(m.pk) == "failed"
    m.refresh_from_db()
    assert m.figures["letter"]["pay_by"] == str(ON_TIME)  # rendered when it was claimed
    waited(4, rendered_at=True)  # it failed four days ago; a person retries it today
    box.refuse = False
    assert outbox_retry_failed(actor=w["maria"], company=w["acme"]).count == 1
    assert send_one(m.pk) == "sent"
    m.refresh_from_db()
    assert (m.figures["letter"]["as_of"], m.figures["letter"]["pay_by"]) == (
        str(MONDAY),
        str(FROM_MONDAY),
    )
    assert "18 June 2025" in box.received[0].get_body(("plain",)).get_content()
