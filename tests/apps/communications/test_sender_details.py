"""A company's sender and payment details: set by an administrator, refused when wrong
(changing nothing), and the debtors import's postal address columns."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.communications.models import SenderDetails
from arrears.apps.ledger.models import Debtor
from tests import factories, terminal
from tests.apps.ledger.import_support import csv_file

pytestmark = pytest.mark.django_db

SET = [
    "sender",
    "set",
    "--name=Acme GmbH",
    r"--address=Werkstr. 5\n80331 München",
    "--email=billing@acme.example",
    "--iban=DE89 3704 0044 0532 0130 00",
    "--bic=COBADEFFXXX",
    "--reference=R-{debtor}",
    "--company=acme",
]


@pytest.fixture
def acme():
    made = factories.company("acme")
    factories.collector("cora", made)
    globex = factories.company("globex")
    factories.collector("olga", globex)
    return made


def test_an_administrator_sets_the_sender_details_once_and_again_changes_nothing(acme):
    said = terminal.run(*SET, as_="admin")
    assert "DE89370400440532013000" in said
    s = SenderDetails.objects.get(company=acme)
    assert s.address == "Werkstr. 5\n80331 München" and s.reference_format == "R-{debtor}"
    audits = AuditEvent.objects.filter(action="communications.sender_set").count()
    terminal.run(*SET, as_="admin")
    assert AuditEvent.objects.filter(action="communications.sender_set").count() == audits == 1


def test_a_wrong_iban_is_refused_in_words_and_nothing_is_set(acme):
    with pytest.raises(CommandError, match="check digits"):
        terminal.run(*SET[:-4], "--iban=DE88 3704 0044 0532 0130 00", "--company=acme", as_="admin")
    assert not SenderDetails.objects.exists()


def test_a_collector_or_another_company_may_not_set_the_sender_details(acme):
    for who in ("cora", "olga"):
        with pytest.raises(CommandError):
            terminal.run(*SET, as_=who)
    assert not SenderDetails.objects.exists()


def test_the_debtors_import_reads_the_postal_address_and_leaves_it_when_absent(acme, tmp_path):
    path = csv_file(
        tmp_path,
        """
        debtor_code,name,country,address_line1,postcode,city
        K1,Kunde GmbH,DE,Hauptstr. 1,10115,Berlin
        """,
    )
    factories.import_as_admin(company=acme, kind="debtors", path=path)
    k1 = Debtor.objects.get(code="K1")
    assert (k1.address_line1, k1.address_line2, k1.postcode, k1.city) == (
        "Hauptstr. 1",
        "",
        "10115",
        "Berlin",
    )
    again = csv_file(tmp_path, "debtor_code,name,country\nK1,Kunde AG,DE\n", "b.csv")
    factories.import_as_admin(company=acme, kind="debtors", path=again)
    k1.refresh_from_db()
    assert k1.name == "Kunde AG" and k1.city == "Berlin"
