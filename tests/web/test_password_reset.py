"""Password reset by email through the outbox: Django's flow, the email queued (never sent by
the page) and delivered by the outbox's worker to a real SMTP server on loopback; the same
answer whether or not the address belongs to anyone; links that expire and work once; and a
sign-in lockout that a reset does not lift."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client

from arrears.apps.communications.models import PersonMail
from tests.apps.communications.conftest import smtp  # noqa: F401 - the SMTP server fixture

pytestmark = pytest.mark.django_db(transaction=True)

RESET = "/accounts/password_reset/"
LOGIN = "/accounts/login/"
NEW = "heron-ledger-blue-91"


@pytest.fixture
def cora(w):
    w.cora.email = "cora@acme.example"
    w.cora.set_password("old-password-long-1")
    w.cora.save()
    return w.cora


def _ask(client, email="cora@acme.example", **kw):
    return client.post(RESET, {"email": email}, **kw)


def _work():
    call_command("db_worker", "--batch", "--no-startup-delay")


def _link(box) -> str:
    body = box.received[-1].get_content()
    found = re.search(r"https?://testserver(/accounts/reset/[^\s]+/)", body)
    assert found is not None, body
    return found.group(1)


def _set(client, link, password=NEW):
    page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert page.status_code == 200
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )


def test_the_email_is_queued_by_the_page_and_sent_by_the_outbox_worker(cora, smtp):  # noqa: F811
    box, _ = smtp
    response = _ask(Client())
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    mail = PersonMail.objects.get()
    assert (mail.to, mail.state) == ("cora@acme.example", "queued")
    assert box.received == []  # not sent inline
    _work()
    assert [m["To"] for m in box.received] == ["cora@acme.example"]
    assert box.received[0]["Subject"] == "arrears: set a new password"
    assert box.received[0]["Message-ID"] == mail.message_id
    mail.refresh_from_db()
    assert (mail.state, mail.body) == ("sent", "")  # the link does not stay in the table
    _work()
    assert len(box.received) == 1  # once


def test_the_answer_is_the_same_whether_or_not_the_address_exists(cora, smtp):  # noqa: F811
    known = _ask(Client(), follow=True)
    unknown = _ask(Client(), "nobody@acme.example", follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())
    assert PersonMail.objects.count() == 1


def test_the_link_sets_a_new_password_once(cora, smtp):  # noqa: F811
    box, _ = smtp
    _ask(Client())
    _work()
    link = _link(box)
    client = Client()
    done = _set(client, link)
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    cora.refresh_from_db()
    assert cora.check_password(NEW)
    again = Client().get(link, follow=True)
    assert b'id="link-dead"' in again.content  # used: the password it was made for changed


def test_a_link_older_than_the_timeout_no_longer_works(cora, smtp, settings, monkeypatch):  # noqa: F811
    box, _ = smtp
    _ask(Client())
    _work()
    link = _link(box)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = Client().get(link, follow=True)
    assert b'id="link-dead"' in page.content
    cora.refresh_from_db()
    assert cora.check_password("old-password-long-1")


def test_a_weak_new_password_is_refused_beside_its_field(cora, smtp):  # noqa: F811
    box, _ = smtp
    _ask(Client())
    _work()
    response = _set(Client(), _link(box), password="short")
    assert response.status_code == 200
    assert re.search(
        r'id="error-new_password2">This password is too short', response.content.decode()
    )
    cora.refresh_from_db()
    assert cora.check_password("old-password-long-1")


def test_a_bad_address_is_said_beside_the_field_and_nothing_is_queued(cora, smtp):  # noqa: F811
    response = _ask(Client(), "not an address")
    assert response.status_code == 200
    assert re.search(r'id="error-email">Enter a valid email address', response.content.decode())
    assert not PersonMail.objects.exists()


def test_a_request_without_the_csrf_token_is_refused_and_nothing_is_queued(cora, smtp):  # noqa: F811
    assert _ask(Client(enforce_csrf_checks=True)).status_code == 403
    assert not PersonMail.objects.exists()


def test_a_reset_does_not_lift_a_sign_in_lockout(cora, smtp):  # noqa: F811
    box, _ = smtp
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": "cora", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    _ask(Client())
    _work()
    _set(Client(), _link(box))
    locked = client.post(LOGIN, {"username": "cora", "password": NEW}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    elsewhere = Client().post(LOGIN, {"username": "cora", "password": NEW}, REMOTE_ADDR="10.0.0.8")
    assert elsewhere.status_code == 302  # the new password works from another address


def test_the_sign_in_page_links_the_reset(w):
    assert b'href="/accounts/password_reset/"' in Client().get(LOGIN).content
