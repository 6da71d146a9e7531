"""The imports page (administrators, as `arrears import` asks): upload an ERP file, see what it
would change (counts, first rows) with nothing written, or its row-precise errors beside the
file; confirm to import the same file, all or nothing, through `import_file`."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.ledger.models import Debtor, ImportBatch
from tests.factories import admin
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/desk/acme/imports/"
GOOD = (
    "debtor_code,name,country,registration_number\n"
    "N1,Nordwind GmbH,DE,HRB 1\n"
    "N2,Ostsee AG,DE,HRB 2\n"
    "D100,Brightwater Trading,DE,HRB 3\n"
)
BAD = "debtor_code,name,country\nN1,Nordwind GmbH,DE\nN2,,Germany\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    """Uploaded files wait for their confirmation in the test's own folder."""
    settings.DATA_DIR = tmp_path


def _file(text=GOOD, name="debtors.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _uploaded():
    from django.conf import settings

    return settings.DATA_DIR / "uploads"


def _ledger():
    return (
        list(Debtor.objects.order_by("code").values_list("code", "name", "registration_number")),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )


def _preview(client, text=GOOD, name="debtors.csv", kind="debtors", **more):
    return client.post(f"{URL}preview/", {"kind": kind, "file": _file(text, name), **more})


def test_an_administrator_previews_a_file_and_nothing_is_written(w):
    before = _ledger()
    response = _preview(signed_in(admin()))
    assert response.status_code == 200 and _ledger() == before
    text = response.content.decode()
    assert "debtors: 3 rows: 2 created, 1 updated, 0 unchanged" in text
    assert "<td>Nordwind GmbH</td>" in text and "<td>HRB 2</td>" in text  # the first rows
    assert 'id="confirm"' in text
    assert len(list(_uploaded().iterdir())) == 1  # kept for the confirmation


def test_confirming_imports_the_previewed_file_all_at_once(w):
    client = signed_in(admin())
    page = _preview(client).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    response = client.post(f"{URL}confirm/", {"token": token.group(1)})
    assert response.status_code == 200
    assert "debtors: 3 rows: 2 created, 1 updated" in response.content.decode()
    assert Debtor.objects.get(code="N2").registration_number == "HRB 2"
    assert ImportBatch.objects.count() == 1
    assert not list(_uploaded().iterdir())  # the stored file is gone once imported
    again = client.post(f"{URL}confirm/", {"token": token.group(1)})  # once only
    assert again.status_code == 422 and b"upload the file again" in again.content
    assert ImportBatch.objects.count() == 1


def test_a_bad_file_shows_each_error_with_its_row_beside_the_file_and_writes_nothing(w):
    before = _ledger()
    response = _preview(signed_in(admin()), BAD)
    assert response.status_code == 422 and _ledger() == before
    assert not list(_uploaded().iterdir())  # a refused file is not kept
    beside = re.search(r'id="error-rows".*?</div>', response.content.decode(), re.S)
    assert beside is not None
    assert "row 3, column name" in beside.group(0) and "row 3, column country" in beside.group(0)


@pytest.mark.parametrize(
    ("more", "field", "words"),
    [
        ({"name": "debtors.pdf"}, "file", "must be a .csv or an .xlsx"),
        ({"kind": "invoices"}, "kind", "Select a valid choice"),
        ({"complete": "on"}, "complete", "applies to items files only"),
    ],
)
def test_bad_input_is_said_beside_its_field_and_writes_nothing(w, more, field, words):
    before = _ledger()
    response = _preview(signed_in(admin()), **more)
    assert response.status_code == 422 and _ledger() == before
    beside = re.search(rf'id="error-{field}">([^<]*)<', response.content.decode())
    assert beside is not None and words in beside.group(1)


def test_a_missing_file_is_said_beside_the_file(w):
    response = signed_in(admin()).post(f"{URL}preview/", {"kind": "debtors"})
    assert response.status_code == 422
    assert re.search(r'id="error-file">This field is required', response.content.decode())


@pytest.mark.parametrize("who", ["cora", "maria", "sam"])
def test_everyone_but_the_administrator_is_refused_and_nothing_is_written(w, who):
    client = signed_in(getattr(w, who))
    assert client.get(URL).status_code == 403
    before = _ledger()
    assert _preview(client).status_code == 403
    assert client.post(f"{URL}confirm/", {"token": "0" * 32}).status_code == 403
    assert _ledger() == before


def test_another_company_s_page_is_not_found_and_anonymous_is_sent_to_sign_in(w):
    assert signed_in(w.olga).get(URL).status_code == 404
    before = _ledger()
    assert _preview(signed_in(w.olga)).status_code == 404
    response = _preview(Client())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _ledger() == before


def test_a_preview_made_for_one_company_cannot_be_confirmed_in_another(w):
    client = signed_in(admin())
    page = _preview(client).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    before = _ledger()
    response = client.post("/desk/globex/imports/confirm/", {"token": token.group(1)})
    assert response.status_code == 422 and _ledger() == before


def test_a_post_without_the_csrf_token_is_refused(w):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin())
    before = _ledger()
    assert client.post(f"{URL}preview/", {"kind": "debtors", "file": _file()}).status_code == 403
    assert _ledger() == before


def test_the_header_links_the_imports_page_for_the_administrator_only(w):
    link = f'href="{URL}"'.encode()
    assert link in signed_in(admin()).get("/desk/acme/worklist/").content
    assert link not in signed_in(w.maria).get("/desk/acme/worklist/").content
