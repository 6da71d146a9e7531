"""A company's jurisdiction and a debtor's country are codes the law and ISO 3166 know: an
unknown one is refused in words where it is given (setup, the debtors file row by row, the
sender details), writing nothing, rather than failing later or silently choosing no regime
and no limitation rule. Before, any text passed (a company in 'XX', a debtor in 'UK')."""

from __future__ import annotations

import pytest
from babel import Locale
from django.core.management.base import CommandError

from arrears.apps.communications.services import sender_set
from arrears.apps.ledger.imports.columns import UNKNOWN_COUNTRY
from arrears.apps.ledger.models import Company, Debtor
from arrears.apps.ledger.services import company_setup
from arrears.domain.jurisdictions import COUNTRIES, JURISDICTIONS, jurisdiction_checked
from arrears.domain.refusal import Refusal
from arrears.words import say
from tests import factories, terminal
from tests.apps.ledger.import_support import csv_file, ledger_world, refused, where

pytestmark = pytest.mark.django_db


def test_every_country_code_is_one_a_reader_can_name():
    named = Locale("en").territories
    assert len(COUNTRIES) == 250  # ISO 3166-1's 249, and XK
    assert all(code in named for code in COUNTRIES)
    assert {"EU", "UK", "DE", "GB", "CN"} <= JURISDICTIONS and "XX" not in JURISDICTIONS
    assert jurisdiction_checked(" nl ") == "NL"


@pytest.mark.parametrize("code", ["XX", "GERMANY", "D", ""])
def test_a_company_with_an_unknown_jurisdiction_is_refused_in_words(code):
    factories.company("acme")
    before = Company.objects.count()
    with pytest.raises(Refusal) as info:
        company_setup(
            actor=factories.admin(), code="newco", name="New", currency="EUR", jurisdiction=code
        )
    assert say(info.value).startswith(f"{code!r} is not a jurisdiction arrears knows")
    assert Company.objects.count() == before
    acme = Company.objects.get(code="acme")
    with pytest.raises(Refusal):  # nor may an existing company move to one
        company_setup(
            actor=factories.admin(), code="acme", name="Acme", currency="EUR", jurisdiction=code
        )
    acme.refresh_from_db()
    assert acme.jurisdiction == "DE"


def test_setup_at_the_terminal_refuses_an_unknown_jurisdiction_and_adds_no_company():
    factories.company("acme")
    with pytest.raises(CommandError, match="'XX' is not a jurisdiction arrears knows"):
        terminal.run(
            "setup", "--company", "newco", "--name", "New", "--currency", "EUR",
            "--jurisdiction", "xx", as_="admin",
        )  # fmt: skip
    assert not Company.objects.filter(code="newco").exists()


def test_a_known_jurisdiction_without_a_regime_is_accepted():
    factories.company("acme")
    company = company_setup(
        actor=factories.admin(), code="austria", name="Austria", currency="EUR", jurisdiction="at"
    )
    assert company.jurisdiction == "AT"


def test_a_debtors_file_with_an_unknown_country_is_refused_row_by_row(tmp_path):
    acme = ledger_world()
    path = csv_file(
        tmp_path,
        "debtor_code,name,country\nK1,Kunde GmbH,DE\nK2,Brit Ltd,UK\nK3,Nowhere,XX\nK4,Kosovo,XK\n",
    )
    before = Debtor.objects.filter(company=acme).count()
    errors = refused(acme, "debtors", path)
    assert where(errors) == [(3, "country"), (4, "country")]
    assert errors[0].message == UNKNOWN_COUNTRY.format(value="UK")
    assert "GB for the United Kingdom" in errors[0].message
    assert Debtor.objects.filter(company=acme).count() == before


def test_sender_details_with_an_unknown_country_are_refused():
    acme = factories.company("acme")
    fields = {
        "name": "Acme",
        "address": "Werkstr. 5",
        "email": "billing@acme.example",
        "iban": "DE89 3704 0044 0532 0130 00",
    }
    with pytest.raises(Refusal) as info:
        sender_set(actor=factories.admin(), company=acme, country="UK", **fields)
    assert info.value.code == "sender.bad_country"
    assert "the United Kingdom is GB" in say(info.value)
    assert sender_set(actor=factories.admin(), company=acme, country="gb", **fields).country == "GB"
