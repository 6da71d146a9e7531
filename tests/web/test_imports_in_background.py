"""A large file on the imports page (issue #15) is imported by the task worker (`arrears
db_worker`, as the outbox is sent), the page polling how far it has come (rows written of
all) and then showing what it did, or its row-precise errors with nothing written. All or
nothing and idempotent as a small file is; only the session that started it follows it, and
the worker asks again who may import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.imports.background import (
    _progress_write,
    import_in_background,
    progress_path,
    progress_read,
)
from arrears.domain.access import PersonRole
from tests.factories import admin
from tests.web.conftest import signed_in
from tests.web.test_imports_page import BAD, URL, _ledger, _preview, _uploaded

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection


@pytest.fixture(autouse=True)
def _large(settings, tmp_path):
    """Files of two rows or more count as large; uploads wait in the test's own folder."""
    settings.DATA_DIR = tmp_path
    settings.ARREARS_IMPORT_BACKGROUND_ROWS = 2


def _confirmed(client: Client) -> tuple[Any, str]:
    """Preview the good file and confirm it: the page, and the address it polls."""
    page = _preview(client).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    response = client.post(f"{URL}confirm/", {"token": token.group(1)})
    polled = re.search(r'hx-get="(/desk/acme/imports/jobs/[0-9a-f-]+/)"', response.content.decode())
    assert polled is not None, response.content.decode()
    return response, polled.group(1)


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


def test_a_large_file_waits_for_the_worker_then_shows_what_it_imported(w):
    client = signed_in(admin())
    before = _ledger()
    response, polled = _confirmed(client)
    assert response.status_code == 200
    assert "waiting for the task worker" in response.content.decode()
    assert _ledger() == before  # nothing yet
    waiting = client.get(polled, HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200 and "<html" not in waiting.content.decode()
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    _work()
    done = client.get(polled, HTTP_HX_REQUEST="true").content.decode()
    assert "Imported debtors.csv" in done and "debtors: 3 rows: 2 created, 1 updated" in done
    assert "hx-get" not in done  # the polling stops
    assert _ledger() != before and len(_ledger()[0]) == len(before[0]) + 2
    assert not list(_uploaded().iterdir())  # the upload and its count are gone
    assert "Imported debtors.csv" in client.get(polled).content.decode()  # the whole page too


def test_the_page_shows_the_rows_written_so_far(w):
    client = signed_in(admin())
    _, polled = _confirmed(client)
    (upload,) = [p for p in _uploaded().iterdir() if not p.name.endswith(".progress")]
    _progress_write(upload, 1, 3)  # as the worker writes it between batches
    page = client.get(polled, HTTP_HX_REQUEST="true").content.decode()
    assert '<progress max="3" value="1">' in page and "1 / 3 rows written" in page


def test_the_worker_counts_the_rows_as_it_writes_them(w, monkeypatch, tmp_path):
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(
        "arrears.apps.ledger.imports.background._progress_write",
        lambda upload, done, total: seen.append((done, total)),
    )
    upload = tmp_path / "d.csv"
    upload.write_text("debtor_code,name,country\nN7,Seven GmbH,DE\n", encoding="utf-8")
    got = import_in_background.call(
        person_id=admin().pk, company_id=w.acme.pk, kind="debtors", path=str(upload), complete=False
    )
    assert "debtors: 1 rows: 1 created" in got["imported"]
    assert seen and seen[0] == (0, 1) and seen[-1] == (1, 1)
    assert not upload.exists()


def test_the_count_is_read_whole_or_not_at_all(tmp_path):
    upload = tmp_path / "x.csv"
    assert progress_read(upload) is None
    _progress_write(upload, 5, 9)
    assert progress_read(upload) == (5, 9)
    progress_path(upload).write_text("{", encoding="utf-8")
    assert progress_read(upload) is None


def test_a_file_refused_by_the_worker_shows_each_error_with_its_row_and_writes_nothing(w):
    client = signed_in(admin())
    before = _ledger()
    _, polled = _confirmed(client)
    (upload,) = list(_uploaded().iterdir())
    Path(upload).write_text(BAD, encoding="utf-8")  # the stored file, as the worker finds it
    _work()
    page = client.get(polled).content.decode()
    assert "refused, nothing was imported: 2 errors" in page
    assert re.search(r"<li>[^<]*row 3[^<]*</li>", page), page
    assert _ledger() == before


def test_importing_the_same_large_file_twice_changes_nothing_the_second_time(w):
    client = signed_in(admin())
    _confirmed(client)
    _work()
    after = _ledger()
    _, polled = _confirmed(client)
    _work()
    assert "0 created, 0 updated, 3 unchanged" in client.get(polled).content.decode()
    assert _ledger()[0] == after[0]


def test_an_administrator_who_lost_the_role_before_the_worker_ran_imports_nothing(w):
    client = signed_in(admin())
    before = _ledger()
    _, polled = _confirmed(client)
    user_ensure(username="ada", role=PersonRole.ADMINISTRATOR, company=w.acme)
    Membership.objects.filter(person=admin(), company=w.acme).update(role=PersonRole.SALES)
    _work()
    assert _ledger()[:2] == before[:2]
    Membership.objects.filter(person=admin(), company=w.acme).update(role=PersonRole.ADMINISTRATOR)
    page = client.get(polled).content.decode()
    assert "was not imported" in page and "only administrators" in page


def test_only_the_session_that_started_it_follows_it_and_nobody_else(w):
    _, polled = _confirmed(signed_in(admin()))
    ada = user_ensure(username="ada", role=PersonRole.ADMINISTRATOR, company=w.acme)
    gus = user_ensure(username="gus", role=PersonRole.ADMINISTRATOR, company=w.globex)
    assert signed_in(ada).get(polled).status_code == 404  # another session
    assert signed_in(w.cora).get(polled).status_code == 403
    assert signed_in(w.maria).get(polled).status_code == 403
    assert signed_in(w.olga).get(polled).status_code == 404
    assert signed_in(gus).get(polled).status_code == 404
    assert signed_in(admin()).get(polled.replace("/acme/", "/globex/")).status_code == 404
    anonymous = Client().get(polled)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_a_small_file_is_still_imported_at_once(w, settings):
    settings.ARREARS_IMPORT_BACKGROUND_ROWS = 1000
    client = signed_in(admin())
    page = _preview(client).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    response = client.post(f"{URL}confirm/", {"token": token.group(1)}).content.decode()
    assert "debtors: 3 rows: 2 created" in response and "hx-get" not in response
