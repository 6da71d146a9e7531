"""Rule 11: `arrears clear --from-ledgers` clears what the companies arrears holds and their
debtors owe each other, a debtor matched across companies by its VAT (else registration)
number; one currency, stated; the per-firm table neutralised; a person who is not a credit
manager of every company named is refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError

from arrears.apps.clearing.obligations import clearing_from_ledgers
from arrears.apps.ledger.models import Company, Payable
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal

pytestmark = pytest.mark.django_db


def payable(debtor, number, minor, currency="EUR"):
    return Payable.objects.create(
        company=debtor.company,
        debtor=debtor,
        number=number,
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 12, 31),
        currency=currency,
        original_minor=minor,
        open_minor=minor,
    )


@pytest.fixture
def group():
    """acme owes supplier X 100 (X is acme's debtor for nothing); X owes globex 80 (the same
    X by VAT, spelled with a space); globex owes supplier Y 120; Y owes acme 90 (Y matched by
    registration number). The ring acme -> X -> globex -> Y -> acme clears 80 on each link.
    maria is a credit manager of both; mike of acme only; cora a collector. rival's debtor
    carries X's VAT too but rival is nobody's here."""
    acme, globex = factories.company("acme"), factories.company("globex")
    maria = factories.credit_manager("maria", acme)
    factories.credit_manager("maria", globex)
    factories.credit_manager("mike", acme)
    factories.collector("cora", acme)
    x_acme = factories.debtor(acme, code="X1", name="X Werke", vat_number="DE 123")
    x_globex = factories.debtor(globex, code="XW", name="X Werke GmbH", vat_number="de123")
    y_globex = factories.debtor(globex, code="Y", name="Ypsilon", registration_number="HRB 9")
    y_acme = factories.debtor(acme, code="YPS", name="Ypsilon SA", registration_number="hrb9")
    payable(x_acme, "P-1", 100_00)
    factories.item(x_globex, number="G-1", due=date(2026, 10, 1), amount=80_00)
    payable(y_globex, "P-2", 120_00)
    factories.item(y_acme, number="A-1", due=date(2026, 10, 1), amount=90_00)
    factories.item(y_acme, number="A-2", due=date(2026, 10, 1), amount=5_00, currency="USD")
    rival = factories.company("rival")
    r = factories.debtor(rival, code="X", vat_number="DE123")
    factories.item(r, number="R-1", due=date(2026, 10, 1), amount=999_00)
    return {"acme": acme, "globex": globex, "maria": maria}


def test_a_ring_across_two_companies_is_cleared_and_every_net_stays(group):
    got = clearing_from_ledgers(
        actor=group["maria"], companies=[group["acme"], group["globex"]], currency="EUR"
    )
    c = got.clearing
    assert (c.before_minor, c.cleared_minor, c.after_minor) == (390_00, 320_00, 70_00)
    firms = {r["firm"]: r for r in c.firms.iter_rows(named=True)}
    assert set(firms) == {
        "Acme GmbH (company acme)",
        "Globex GmbH (company globex)",
        "X Werke (VAT DE123)",
        "Ypsilon SA (reg. HRB9)",
    }
    assert firms["X Werke (VAT DE123)"]["owes_before_minor"] == 80_00
    assert firms["X Werke (VAT DE123)"]["owed_before_minor"] == 100_00


def test_the_command_prints_the_table_and_writes_it_neutralised(group, tmp_path):
    Company.objects.filter(code="acme").update(name="=HYPERLINK(1)")
    out = terminal.run("clear", "--from-ledgers", "--csv", str(tmp_path / "f.csv"), as_="maria")
    assert out.startswith(
        "Clearing of 4 obligations among 4 firms (EUR): EUR 320.00 of EUR 390.00 cleared"
    )
    text = (tmp_path / "f.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1) (company acme)" in text
    assert "\n=HYPERLINK" not in text


def test_another_currency_is_cleared_on_its_own(group):
    got = clearing_from_ledgers(
        actor=group["maria"], companies=[group["acme"], group["globex"]], currency="USD"
    )
    assert (got.clearing.before_minor, got.clearing.cleared_minor) == (5_00, 0)


def test_companies_in_different_currencies_must_name_one(group):
    Company.objects.filter(code="globex").update(currency="GBP")
    with pytest.raises(CommandError, match="the companies keep EUR, GBP: name the one"):
        terminal.run("clear", "--from-ledgers", as_="maria")


def test_a_company_the_person_does_not_manage_is_refused(group):
    with pytest.raises(CommandError, match="unknown company 'globex'"):
        terminal.run("clear", "--from-ledgers", "--companies", "acme,globex", as_="mike")
    with pytest.raises(CommandError, match="unknown company 'rival'"):
        terminal.run("clear", "--from-ledgers", "--companies", "acme,rival", as_="maria")
    with pytest.raises(NotAllowed):
        clearing_from_ledgers(
            actor=factories.collector("cora"), companies=[group["acme"]], currency="EUR"
        )


def test_a_file_and_the_ledgers_are_not_cleared_together(group, tmp_path):
    with pytest.raises(CommandError, match="either an obligations file or --from-ledgers"):
        terminal.run("clear", str(tmp_path / "x.csv"), "--from-ledgers", as_="maria")
