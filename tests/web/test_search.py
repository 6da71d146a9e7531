"""Finding a debtor by code or name from every page, among the debtors the person may read."""

from __future__ import annotations

import pytest
from django.test import Client

from arrears.apps.accounts.services import access_policy_set
from tests import factories
from tests.factories import admin
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/desk/acme/search/"


def test_an_anonymous_visitor_is_sent_to_sign_in(w):
    response = Client().get(URL, {"q": "D100"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_every_desk_page_carries_the_search_box(w):
    client = signed_in(w.cora)
    for url in ("/desk/acme/worklist/", f"/desk/acme/cases/{w.case.pk}/", URL):
        assert f'action="{URL}"'.encode() in client.get(url).content


def test_a_debtor_s_code_opens_its_case(w):
    response = signed_in(w.cora).get(URL, {"q": "d100"})
    assert response.status_code == 302 and response["Location"] == f"/desk/acme/cases/{w.case.pk}/"


def test_part_of_a_name_lists_the_debtors_it_matches(w):
    factories.debtor(w.acme, code="D150", name="Brightwater Logistics", owner=w.cora)
    page = signed_in(w.cora).get(URL, {"q": "brightwater"})
    text = page.content.decode()
    assert page.status_code == 200 and "D100" in text and "D150" in text
    assert "no case yet" in text  # D150 has no case


def test_a_collector_does_not_find_a_colleague_s_debtor(w):
    page = signed_in(w.cora).get(URL, {"q": "Carlsson"})
    assert page.status_code == 200 and b"D200" not in page.content
    assert b"No debtor of yours matches" in page.content


def test_a_collector_finds_a_colleague_s_debtor_where_the_company_allows_it(w):
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    response = signed_in(w.cora).get(URL, {"q": "D200"})
    assert response.status_code == 302 and response["Location"] == f"/desk/acme/cases/{w.carls.pk}/"


def test_a_credit_manager_finds_any_debtor_of_the_company_but_none_of_another(w):
    client = signed_in(w.maria)
    assert client.get(URL, {"q": "D200"}).status_code == 302
    page = client.get(URL, {"q": "Globex"})
    assert page.status_code == 200 and b"G100" not in page.content


def test_another_company_s_search_is_not_found(w):
    assert signed_in(w.olga).get(URL, {"q": "D100"}).status_code == 404
