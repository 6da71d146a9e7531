"""The case page says how many of the case's letters and emails went out, and how many will,
claiming statutory interest without a figure because the rate table ends before their day,
and which file to put (issue #14); a case whose messages state their interest says nothing."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.communications.services import letter_queue, outbox_mark_sent
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

PAST_TABLE = date(2026, 11, 26)  # the §247 BGB base rate table covers until 2025-12-31
COVERED = date(2025, 12, 1)


def _queue(w, on: date, step: str = "reminder"):
    return letter_queue(
        actor=w.cora, company=w.acme, case_id=w.case.pk, channel="letter", as_of=on,
        step_code=step,
    )  # fmt: skip


def _page(w) -> str:
    return signed_in(w.cora).get(f"/desk/acme/cases/{w.case.pk}/").content.decode()


def test_a_queued_letter_past_the_rate_table_is_said_on_the_case_page_with_the_file(w, sender):
    _queue(w, PAST_TABLE)
    page = _page(w)
    assert "1 message will go out claiming statutory interest without a figure" in page, page
    assert "de_base_rate.csv" in page and "2025-12-31" in page


def test_a_letter_posted_so_is_said_as_gone_out(w, sender):
    m = _queue(w, PAST_TABLE)
    outbox_mark_sent(actor=w.cora, message_id=m.pk, note="posted")
    page = _page(w)
    assert "1 message went out claiming statutory interest without a figure" in page, page
    assert "will go out" not in page


def test_a_case_whose_letters_state_their_interest_says_nothing_of_it(w, sender):
    _queue(w, COVERED)
    assert "without a figure" not in _page(w)
