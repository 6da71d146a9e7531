"""Signing in to the web desk: Django's login with hashed passwords and secure cookies, a
lockout after five failures per username and address, passwords set from the terminal, and
the home page that sends a person to their worklist."""

from __future__ import annotations

import io
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import password_set, user_ensure
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed, Refusal
from tests import terminal
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

GOOD = "blue-heron-ledger-42"
LOGIN = "/accounts/login/"


def _sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _with_password(person, password: str = GOOD):
    person.set_password(password)
    person.save()
    return person


def test_a_person_signs_in_with_their_password_and_lands_on_their_worklist(w):
    _with_password(w.cora)
    response = _sign_in(Client(), "cora", GOOD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = Client()
    _sign_in(home, "cora", GOOD)
    page = home.get("/", follow=True)
    assert page.redirect_chain == [("/desk/acme/worklist/", 302)]
    assert b"D100" in page.content


def test_a_wrong_password_is_said_on_the_form_and_signs_nobody_in(w):
    _with_password(w.cora)
    client = Client()
    response = _sign_in(client, "cora", "not-the-password")
    assert response.status_code == 200 and b'id="login-error"' in response.content
    assert client.get("/")["Location"].startswith(LOGIN)


def test_five_failed_sign_ins_lock_the_username_out_from_that_address_even_with_the_password(w):
    _with_password(w.cora)
    for _ in range(4):
        assert _sign_in(Client(), "cora", "wrong").status_code == 200
    locked = _sign_in(Client(), "cora", "wrong")
    assert locked.status_code == 429 and b"locked out" in locked.content
    client = Client()
    assert _sign_in(client, "cora", GOOD).status_code == 429
    assert client.get("/")["Location"].startswith(LOGIN)


def test_the_lockout_holds_one_username_at_one_address(w):
    _with_password(w.cora)
    _with_password(w.carl)
    for _ in range(5):
        _sign_in(Client(), "cora", "wrong", ip="10.0.0.1")
    assert _sign_in(Client(), "cora", GOOD, ip="10.0.0.2").status_code == 302
    assert _sign_in(Client(), "carl", GOOD, ip="10.0.0.1").status_code == 302
    assert AccessAttempt.objects.filter(username="cora", ip_address="10.0.0.1").exists()


def test_the_lockout_ends_fifteen_minutes_after_the_last_failure(w):
    _with_password(w.cora)
    for _ in range(5):
        _sign_in(Client(), "cora", "wrong")
    assert _sign_in(Client(), "cora", GOOD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in(Client(), "cora", GOOD).status_code == 302


def test_signing_out_ends_the_session(w):
    client = signed_in(w.cora)
    assert client.get("/desk/acme/worklist/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/desk/acme/worklist/")["Location"].startswith(LOGIN)


def test_the_session_cookie_is_http_only_secure_and_same_site(w):
    _with_password(w.cora)
    response = _sign_in(Client(), "cora", GOOD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


def test_the_password_is_stored_hashed_by_django_s_default_hasher(w, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    password_set(actor=w.cora, username="cora", password=GOOD)
    stored = get_user_model().objects.get(username="cora").password
    assert stored.startswith("pbkdf2_sha256$") and GOOD not in stored


def _password_command(username: str, password: str, monkeypatch, as_: str = "admin") -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return terminal.run("people", "password", username, as_=as_)


def test_an_administrator_sets_a_password_from_the_terminal_and_the_person_signs_in(w, monkeypatch):
    out = _password_command("cora", GOOD, monkeypatch)
    assert "cora can sign in" in out
    assert _sign_in(Client(), "cora", GOOD).status_code == 302
    audit = AuditEvent.objects.get(action="accounts.password_set")
    assert audit.detail == {"username": "cora"}  # never the password


def test_a_person_sets_their_own_password(w):
    assert password_set(actor=w.cora, username="cora", password=GOOD) == "cora"
    assert get_user_model().objects.get(username="cora").check_password(GOOD)


def _unchanged(fn, **kw):
    before = (
        list(get_user_model().objects.order_by("id").values_list("password", flat=True)),
        AuditEvent.objects.count(),
    )
    with pytest.raises(Refusal) as e:
        fn(**kw)
    after = (
        list(get_user_model().objects.order_by("id").values_list("password", flat=True)),
        AuditEvent.objects.count(),
    )
    assert after == before
    return e.value


def test_a_weak_password_is_refused_with_the_validators_reasons_and_nothing_changes(w):
    e = _unchanged(password_set, actor=w.cora, username="cora", password="short")
    assert e.code == "accounts.weak_password" and "too short" in str(e)


@pytest.mark.parametrize("who", ["carl", "olga", "gina"])
def test_a_colleague_or_another_company_s_administrator_may_not_set_a_password(w, who):
    user_ensure(username="gina", role=PersonRole.ADMINISTRATOR, company=w.globex)
    actor = get_user_model().objects.get(username=who)
    e = _unchanged(password_set, actor=actor, username="cora", password=GOOD)
    assert isinstance(e, NotAllowed) and e.code == "access.not_yours"


def test_setting_a_password_from_the_terminal_ends_a_lockout(w, monkeypatch):
    _with_password(w.cora, "an-old-password-77")
    for _ in range(5):
        _sign_in(Client(), "cora", "wrong")
    assert _sign_in(Client(), "cora", "an-old-password-77").status_code == 429
    _password_command("cora", GOOD, monkeypatch)
    assert _sign_in(Client(), "cora", GOOD).status_code == 302


def test_the_home_page_sends_a_signed_in_person_to_their_first_company_s_worklist(w):
    response = signed_in(w.olga).get("/")
    assert response.status_code == 302 and response["Location"] == "/desk/globex/worklist/"
