"""Personal access tokens: shown once, stored hashed, expire, revocable; the terminal acts as
the person whose token it presents, never as a name typed on the command line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.accounts.models import AccessToken
from arrears.apps.accounts.selectors import tokens_list
from arrears.apps.accounts.services import token_authenticate, token_create, token_revoke
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, terminal
from tests.queries import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    acme, globex = factories.company("acme"), factories.company("globex")
    return factories.collector("cora", acme), factories.collector("gus", globex)


def test_a_token_is_stored_only_as_its_hash_and_authenticates_its_person(people):
    cora, _ = people
    made = token_create(actor=cora, name="laptop")
    row = AccessToken.objects.get()
    assert made.secret not in (row.digest, row.prefix) and made.secret.startswith("arr_")
    assert token_authenticate(made.secret) == cora
    assert AccessToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired", "inactive"])
def test_a_bad_token_is_refused_by_name(people, how):
    cora, _ = people
    made = token_create(actor=cora, name="laptop")
    secret = made.secret
    now = None
    if how == "unknown":
        secret = secret[:-2] + "xx"
    elif how == "revoked":
        token_revoke(actor=cora, prefix=made.prefix)
    elif how == "expired":
        now = timezone.now() + timedelta(days=91)
    else:
        get_user_model().objects.filter(pk=cora.pk).update(is_active=False)
    with pytest.raises(NotAllowed) as refused:
        token_authenticate(secret, now=now)
    assert refused.value.code.startswith("access.")


@pytest.mark.parametrize(
    "damaged",
    ["arr_\x00\x00\x00\x00_x", "arr_ünïcödé_x", "arr__x", "arr_" + "a" * 300 + "_x", ""],
)
def test_a_damaged_token_is_unknown_and_revoking_it_is_refused_by_name(people, damaged):
    cora, _ = people
    token_create(actor=cora, name="laptop")
    with pytest.raises(NotAllowed) as refused:
        token_authenticate(damaged)
    assert refused.value.code == "access.token_unknown"
    with pytest.raises(Refusal) as refused_revoke:
        token_revoke(actor=cora, prefix=damaged)
    assert refused_revoke.value.code == "accounts.no_token"
    assert AccessToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_collector_cannot_make_or_revoke_another_person_s_token(people):
    cora, gus = people
    with pytest.raises(NotAllowed):
        token_create(actor=cora, name="x", person=gus)
    theirs = token_create(actor=gus, name="gus")
    with pytest.raises(NotAllowed):
        token_revoke(actor=cora, prefix=theirs.prefix)
    assert AccessToken.objects.get(prefix=theirs.prefix).revoked_at is None


def test_an_administrator_makes_a_token_for_a_member_of_their_company_only(people):
    from arrears.apps.accounts.services import member_add

    cora, gus = people
    admin = get_user_model().objects.get(username="admin")
    acme = cora.memberships.get().company
    member_add(actor=admin, company_id=acme.pk, username="ada", role="administrator")
    ada = get_user_model().objects.get(username="ada")  # administers acme only
    assert token_authenticate(token_create(actor=ada, name="x", person=cora).secret) == cora
    with pytest.raises(NotAllowed):
        token_create(actor=ada, name="x", person=gus)


def test_the_token_list_never_shows_a_secret(people):
    cora, _ = people
    made = token_create(actor=cora, name="laptop")
    out = terminal.run("token", "list", as_=cora)
    assert made.prefix in out and made.secret not in out


def test_a_command_without_a_token_says_how_to_log_in(people):
    with pytest.raises(CommandError, match="arrears login"):
        terminal.run("explain", "D1", as_=None)


def test_a_typed_user_name_is_no_longer_an_option(people):
    from django.core.management import call_command

    with pytest.raises(CommandError, match="unrecognized arguments: --user"):
        call_command("explain", "D1", "--user", "cora")


def test_login_saves_a_good_token_with_owner_only_permissions(people, tmp_path, monkeypatch):
    import io
    import stat

    cora, _ = people
    secret = token_create(actor=cora, name="laptop").secret
    path = tmp_path / "cfg" / "token"
    monkeypatch.setenv("ARREARS_TOKEN_FILE", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    out = terminal.run("login", as_=None)
    assert "logged in as cora" in out
    assert path.read_text().strip() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert terminal.run("whoami", as_=None).startswith("cora")  # the next command reads it


def test_the_token_list_reads_as_many_queries_for_ten_tokens_as_for_one(people):
    cora, _ = people
    token_create(actor=cora, name="laptop")
    few, one = queries(lambda: tokens_list(actor=cora))
    for n in range(9):
        token_create(actor=cora, name=f"phone {n}")
    many, ten = queries(lambda: tokens_list(actor=cora))
    assert (len(one), len(ten)) == (1, 10)
    assert many == few
