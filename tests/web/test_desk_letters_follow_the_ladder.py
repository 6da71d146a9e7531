"""A letter or an email queued from the desk follows the ladder (acceptance review): the case's
own written step or an earlier one (a copy, a re-send) anyone acting on the case may queue; a
step ahead of it only its own role (a credit manager any), and only once the case's last
message went out or was handled. A refusal writes nothing and stands beside the step; the
action queued carries the step's role."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from arrears.apps.cases.models import Action
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.services import letter_queue, outbox_mark_sent
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.words import say
from tests.web.conftest import THU, signed_in, written

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sender(sender) -> None:
    """acme sends through the outbox in every test here."""


def _queue(
    w: Any, who: Any, step: str, *, company: Any = None, on=THU, channel: str = "letter"
) -> OutboxMessage:
    """`step` of cora's case (at the call, after the reminder) queued as a letter by `who`."""
    return letter_queue(
        actor=who,
        company=company or w.acme,
        case_id=w.case.pk,
        channel=channel,
        as_of=on,
        step_code=step,
    )


def _nothing_written() -> tuple[Any, ...]:
    return (*written(), OutboxMessage.objects.count())


def test_a_collector_is_refused_the_final_notice_on_a_case_at_the_reminder_and_nothing_is_written(
    w,
):
    before = _nothing_written()
    with pytest.raises(Refusal) as e:
        _queue(w, w.cora, "final_notice")
    assert e.value.code == "communications.step_not_allowed"
    assert e.value.figures == {
        "step": "final_notice",
        "role": "credit_manager",
        "reason": "not_your_role",
    }
    assert say(e.value) == (
        "the final notice is ahead of the case's own step: only a credit manager sends it "
        "before the ladder reaches it"
    )
    assert _nothing_written() == before


def test_a_credit_manager_sends_the_final_notice_once_the_last_message_went_out_not_before(w):
    reminder = _queue(w, w.cora, "reminder")
    before = _nothing_written()
    with pytest.raises(Refusal) as e:
        _queue(w, w.maria, "final_notice")
    assert (e.value.code, e.value.figures["reason"]) == (
        "communications.step_not_allowed",
        "waiting",
    )
    assert "last letter or email is not out yet" in say(e.value)
    assert _nothing_written() == before
    outbox_mark_sent(actor=w.cora, message_id=reminder.pk, note="posted")
    m = _queue(w, w.maria, "final_notice")
    assert m.step_code == "final_notice" and m.state == "queued"
    assert Action.objects.get(pk=m.action_id).role == "credit_manager"


def test_a_collector_may_send_the_case_s_step_again_and_its_action_is_the_collector_s(w):
    first = _queue(w, w.cora, "reminder")
    outbox_mark_sent(actor=w.cora, message_id=first.pk, note="posted")
    again = _queue(w, w.cora, "reminder", on=THU + timedelta(days=1))
    assert again.pk != first.pk and again.step_code == "reminder"
    assert Action.objects.get(pk=again.action_id).role == "collector"


def test_another_company_s_person_is_refused_and_nothing_is_written(w):
    before = _nothing_written()
    with pytest.raises(NotAllowed):
        _queue(w, w.olga, "reminder")
    with pytest.raises(Refusal):
        _queue(w, w.olga, "final_notice", company=w.globex)
    assert _nothing_written() == before


def test_the_case_page_says_the_refusal_beside_the_step(w):
    before = _nothing_written()
    response = signed_in(w.cora).post(
        f"/desk/acme/cases/{w.case.pk}/letter/send/",
        {"letter-step": "final_notice", "letter-channel": "letter"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and _nothing_written() == before
    text = response.content.decode()
    said = text[text.index('id="id_letter-step-error"') :]
    assert "only a credit manager sends it before the ladder reaches it" in said.split("</span>")[0]


def test_the_same_step_asked_again_the_same_day_is_the_message_queued_unless_by_another_channel(
    w,
):
    letter = _queue(w, w.cora, "reminder")
    assert _queue(w, w.cora, "reminder") == letter  # asked twice: one message
    before = _nothing_written()
    with pytest.raises(Refusal) as e:
        _queue(w, w.cora, "reminder", channel="email")
    assert e.value.code == "communications.already_queued"
    assert say(e.value) == (
        f"the reminder of this case is already queued today as letter (M{letter.pk}): send that "
        "one, or ask again tomorrow"
    )
    assert _nothing_written() == before
