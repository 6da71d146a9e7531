"""The case page's timeline links a message queued or sent to its PDF (issue #15), printed as
the outbox prints it, by a view that reads the case as the case page does: the owner (and
who may read others' cases) gets it; another collector where the company keeps cases apart,
another company's person, an anonymous visitor, or the address of another case's message get
nothing, and opening it writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import access_policy_set
from arrears.apps.common import clock
from arrears.apps.communications import outbox
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.services import letter_queue
from tests.factories import admin
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


def _queue(w: Any, channel: str) -> OutboxMessage:
    """The reminder of cora's case queued from the desk, as cora."""
    return letter_queue(
        actor=w.cora,
        company=w.acme,
        case_id=w.case.pk,
        channel=channel,
        as_of=clock.today(),
        step_code="reminder",
    )


@pytest.fixture
def queued(w, sender) -> OutboxMessage:
    return _queue(w, "letter")


def _pdf_url(w: Any, m: OutboxMessage, case_id: int | None = None) -> str:
    return f"/desk/acme/cases/{case_id or w.case.pk}/messages/{m.pk}.pdf"


def _written() -> tuple[object, ...]:
    return (
        list(OutboxMessage.objects.order_by("id").values_list("state", "figures", "pdf_sha256")),
        AuditEvent.objects.count(),
    )


def test_the_timeline_links_a_queued_message_to_its_pdf(w, queued):
    page = signed_in(w.cora).get(f"/desk/acme/cases/{w.case.pk}/").content.decode()
    line = re.search(
        rf"<li>[^<]*queued to the outbox as M{queued.pk}[^<]*<a href=\"([^\"]+)\"", page
    )
    assert line is not None and line.group(1) == _pdf_url(w, queued)
    # the lines about no message have no link
    assert page.count(">PDF</a>") == 1


def test_the_pdf_is_the_letter_as_the_outbox_prints_it(w, queued):
    response = signed_in(w.cora).get(_pdf_url(w, queued))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"M{queued.pk}.pdf" in response["Content-Disposition"]
    assert response.content == outbox.message_pdf(OutboxMessage.objects.get(pk=queued.pk))


def test_a_sent_email_links_to_the_pdf_it_carried(w, sender, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    m = _queue(w, "email")
    assert outbox.send_one(m.pk) == "sent"
    page = signed_in(w.cora).get(f"/desk/acme/cases/{w.case.pk}/").content.decode()
    assert page.count(f'href="{_pdf_url(w, m)}"') == 2  # queued, then sent
    got = signed_in(w.maria).get(_pdf_url(w, m))
    assert got.status_code == 200
    (attached,) = [a for a in mail.outbox[0].attachments if a[0].endswith(".pdf")]
    assert got.content == attached[1]


def test_who_may_not_read_the_case_gets_no_pdf_and_nothing_is_written(w, queued):
    before = _written()
    url = _pdf_url(w, queued)
    assert signed_in(w.carl).get(url).status_code == 403  # another collector's case
    assert signed_in(w.olga).get(url).status_code == 404  # another company
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert signed_in(w.sam).get(url).status_code == 200  # sales reads every case
    assert _written() == before


def test_a_colleague_reads_it_where_the_company_lets_collectors_read_others(w, queued):
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    assert signed_in(w.carl).get(_pdf_url(w, queued)).status_code == 200


def test_a_message_asked_for_under_another_case_or_company_is_not_found(w, queued):
    assert signed_in(w.maria).get(_pdf_url(w, queued, case_id=w.carls.pk)).status_code == 404
    assert (
        signed_in(w.olga)
        .get(f"/desk/globex/cases/{w.case.pk}/messages/{queued.pk}.pdf")
        .status_code
        == 404
    )
    assert (
        signed_in(w.maria)
        .get(_pdf_url(w, queued).replace(f"/{queued.pk}.", "/999999999."))
        .status_code
        == 404
    )


def test_only_get_opens_the_pdf(w, queued):
    before = _written()
    assert signed_in(w.cora).post(_pdf_url(w, queued)).status_code == 405
    assert _written() == before
