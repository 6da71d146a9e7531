"""Finding a debtor by its registration number or VAT id from every page's search box, as well
as by code and name, among the debtors the person may read."""

from __future__ import annotations

import pytest

from arrears.apps.cases.selectors import debtor_search
from arrears.apps.ledger.models import Debtor
from tests import factories
from tests.queries import queries
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/desk/acme/search/"


@pytest.fixture
def numbered(w):
    Debtor.objects.filter(pk=w.debtor.pk).update(
        registration_number="HRB 123456", vat_number="DE123456789"
    )
    Debtor.objects.filter(code="D200").update(registration_number="HRB 998877")
    Debtor.objects.filter(code="G100").update(vat_number="DE555666777")
    return w


@pytest.mark.parametrize("typed", ["HRB 123456", "hrb123456", "DE123456789", "de 123.456.789"])
def test_a_registration_number_or_vat_id_opens_the_debtor_s_case(numbered, typed):
    w = numbered
    response = signed_in(w.cora).get(URL, {"q": typed})
    assert response.status_code == 302 and response["Location"] == f"/desk/acme/cases/{w.case.pk}/"


def test_the_search_box_says_it_finds_registration_numbers_on_every_page(numbered):
    client = signed_in(numbered.cora)
    for url in ("/desk/acme/worklist/", f"/desk/acme/cases/{numbered.case.pk}/", URL):
        assert b"registration no." in client.get(url).content


def test_the_hits_show_each_debtor_s_registration_number_and_vat_id(numbered):
    w = numbered
    factories.debtor(w.acme, code="D150", name="Brightwater Logistics", owner=w.cora)
    text = signed_in(w.cora).get(URL, {"q": "brightwater"}).content.decode()
    assert "<td>HRB 123456</td><td>DE123456789</td>" in text


def test_part_of_a_number_finds_nothing(numbered):
    """A number is matched whole: a fragment of one is not a debtor's number."""
    page = signed_in(numbered.cora).get(URL, {"q": "HRB 1234"})
    assert page.status_code == 200 and b"D100" not in page.content


def test_a_collector_does_not_find_a_colleague_s_debtor_by_its_number(numbered):
    page = signed_in(numbered.cora).get(URL, {"q": "HRB 998877"})
    assert page.status_code == 200 and b"D200" not in page.content


def test_another_company_s_vat_id_finds_nothing(numbered):
    page = signed_in(numbered.maria).get(URL, {"q": "DE555666777"})
    assert page.status_code == 200 and b"G100" not in page.content


def test_a_number_search_reads_as_many_queries_however_many_debtors(numbered):
    w = numbered
    factories.debtor(w.acme, code="H9", name="HRB Holding 9", owner=w.cora)
    one, _ = queries(lambda: debtor_search(actor=w.maria, company_id=w.acme.pk, text="HRB"))
    for n in range(4):
        factories.debtor(w.acme, code=f"H{n}", name=f"HRB Holding {n}", owner=w.cora)
    more, hits = queries(lambda: debtor_search(actor=w.maria, company_id=w.acme.pk, text="HRB"))
    assert len(hits) == 5 and more == one
