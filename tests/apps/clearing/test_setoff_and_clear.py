"""Set-off (rule 11) proposed from the ledger and the payables, and the clearing of an
obligations file: exact amounts, every firm's net position unchanged, bad files refused by
row, the wrong person refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError

from arrears.apps.cases.models import ItemDeskInput
from arrears.apps.clearing.selectors import setoff_proposals
from arrears.apps.ledger.models import Payable
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)


def payable(debtor, number, due, minor, currency="EUR"):
    return Payable.objects.create(
        company=debtor.company,
        debtor=debtor,
        number=number,
        issue_date=date(2026, 9, 1),
        due_date=due,
        currency=currency,
        original_minor=minor,
        open_minor=minor,
    )


@pytest.fixture
def acme():
    """BRICK owes us three invoices (one not yet due, one half disputed) and supplies us:
    we owe it two invoices. MORTAR supplies us but owes nothing due. rival has a BRICK too."""
    c = factories.company("acme")
    cora = factories.collector("cora", c)
    factories.collector("olaf", c)
    factories.credit_manager("maria", c)
    brick = factories.debtor(c, code="BRICK", name="Brick AG", owner=cora)
    a = factories.item(brick, number="A", due=date(2026, 10, 1), amount=500_00)
    factories.item(brick, number="B", due=date(2026, 11, 1), amount=300_00)
    factories.item(brick, number="C", due=date(2026, 12, 15), amount=900_00)  # not yet due
    ItemDeskInput.objects.create(item=a, excluded_minor=200_00)  # 200 of A disputed
    payable(brick, "S1", date(2026, 12, 31), 250_00)
    payable(brick, "S2", date(2027, 1, 31), 400_00)
    mortar = factories.debtor(c, code="MORTAR", owner=cora)
    factories.item(mortar, number="M1", due=date(2026, 12, 20), amount=100_00)
    payable(mortar, "S3", date(2026, 12, 1), 50_00)
    rival = factories.company("rival")
    factories.credit_manager("rita", rival)
    other = factories.debtor(rival, code="BRICK")
    factories.item(other, number="A", due=date(2026, 10, 1), amount=999_00)
    payable(other, "S1", date(2026, 10, 1), 999_00)
    return c


def test_the_setoff_takes_the_due_undisputed_claims_against_our_debts_oldest_first(acme):
    found = setoff_proposals(actor=factories.collector("cora"), company=acme, as_of=AS_OF)
    assert len(found) == 1  # MORTAR owes nothing due yet
    brick = found[0]
    # due to us: A's undisputed 300 + B 300 = 600; we owe 250 + 400 = 650: 600 is set off
    assert (brick.due_to_us_minor, brick.owed_by_us_minor, brick.amount_minor) == (
        600_00,
        650_00,
        600_00,
    )
    pairs = [(p.receivable, p.payable, p.amount_minor) for p in brick.pairs]
    assert pairs == [("A", "S1", 250_00), ("A", "S2", 50_00), ("B", "S2", 300_00)]


def test_the_command_prints_each_pair_and_the_total(acme):
    out = terminal.run("setoff", "--company", "acme", "--as-of", AS_OF.isoformat(), as_="cora")
    assert (
        "BRICK Brick AG: set off EUR 600.00 (they owe us EUR 600.00 due; we owe them EUR 650.00)"
        in out
    )
    assert "  our A (due 2026-10-01) against their S1 (due 2026-12-31): EUR 250.00" in out
    assert "MORTAR" not in out


def test_an_unknown_debtor_is_refused_in_words(acme):
    with pytest.raises(CommandError, match="no debtor 'NOPE' in this company"):
        terminal.run("setoff", "NOPE", "--company", "acme", as_="cora")


def test_another_companys_person_is_refused(acme):
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: rival\)"):
        terminal.run("setoff", "--company", "acme", as_="rita")


OBLIGATIONS = """debtor,creditor,amount,currency
A,B,100.00,EUR
B,C,80.00,EUR
C,A,120.00,EUR
C,D,10.00,EUR
"""


def test_a_cycle_is_cleared_to_its_smallest_link_and_nets_stay_the_same(acme, tmp_path):
    path = tmp_path / "obligations.csv"
    path.write_text(OBLIGATIONS, encoding="utf-8")
    out = terminal.run(
        "clear", str(path), "--company", "acme", "--csv", str(tmp_path / "o.csv"), as_="maria"
    )
    # the cycle A->B->C->A clears 80 on each link: 240 of 310.
    assert out.startswith(
        "Clearing of 4 obligations among 4 firms (EUR): EUR 240.00 of EUR 310.00 cleared "
        "(77.4%), EUR 70.00 left to pay"
    )
    rows = (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()
    assert (
        rows[0] == "firm,owes before,owes after,is owed before,is owed after,cleared,net position"
    )
    assert "A,100.00,20.00,120.00,40.00,80.00,20.00" in rows


def test_a_bad_obligations_file_is_refused_with_every_row_named(acme, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "debtor,creditor,amount,currency\nA,A,1.00,EUR\nA,B,-1,EUR\nB,C,1.00,USD\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        terminal.run("clear", str(path), "--company", "acme", as_="maria")
    text = str(refused.value)
    assert "row 2, column creditor: 'A' owes itself" in text
    assert "row 3, column amount" in text
    assert "row 4, column currency: currency 'USD' differs from the first row's 'EUR'" in text


@pytest.mark.parametrize("who", ["cora", "olaf"])
def test_only_a_credit_manager_proposes_a_clearing(acme, tmp_path, who):
    from django.contrib.auth import get_user_model

    from arrears.apps.clearing.obligations import clearing_propose

    path = tmp_path / "obligations.csv"
    path.write_text(OBLIGATIONS, encoding="utf-8")
    with pytest.raises(NotAllowed):
        clearing_propose(actor=get_user_model().objects.get(username=who), company=acme, path=path)
