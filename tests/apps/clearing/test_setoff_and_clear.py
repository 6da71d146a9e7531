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
    out = terminal.run(
        "setoff", "show", "--company", "acme", "--as-of", AS_OF.isoformat(), as_="cora"
    )
    assert (
        "BRICK Brick AG: set off EUR 600.00 (they owe us EUR 600.00 due; we owe them EUR 650.00)"
        in out
    )
    assert "  our A (due 2026-10-01) against their S1 (due 2026-12-31): EUR 250.00" in out
    assert "MORTAR" not in out


def test_an_unknown_debtor_is_refused_in_words(acme):
    with pytest.raises(CommandError, match="no debtor 'NOPE' in this company"):
        terminal.run("setoff", "show", "NOPE", "--company", "acme", as_="cora")


def test_another_companys_person_is_refused(acme):
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: rival\)"):
        terminal.run("setoff", "show", "--company", "acme", as_="rita")


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


def setoff(*args: str, as_: str) -> str:
    return terminal.run("setoff", *args, "--company", "acme", "--as-of", AS_OF.isoformat(), as_=as_)


def test_a_setoff_is_proposed_approved_exported_once_and_booked_once(acme, tmp_path):
    from arrears.apps.clearing.models import SetOff

    out = setoff("propose", "BRICK", as_="cora")
    s = SetOff.objects.get()
    assert out.splitlines()[0].startswith(f"S{s.pk} BRICK EUR 600.00 proposed (proposed by cora")
    assert "  our B against their S2: EUR 300.00" in out
    assert "BRICK" not in setoff("show", as_="cora")  # proposed: not offered twice
    with pytest.raises(
        CommandError, match=f"set-off S{s.pk} with BRICK in EUR is already proposed"
    ):
        setoff("propose", "BRICK", as_="cora")
    assert "approved by maria" in setoff("approve", f"S{s.pk}", as_="maria")
    with pytest.raises(CommandError, match="is not in a file for the ERP yet"):
        setoff("booked", f"S{s.pk}", as_="maria")
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    assert setoff("export", str(first), as_="maria").startswith("1 approved set-off written")
    rows = first.read_text(encoding="utf-8").splitlines()
    assert (
        rows[0] == "setoff,debtor_code,currency,item_number,payable_number,amount_minor,approved_on"
    )
    assert rows[1:] == [
        f"S{s.pk},BRICK,EUR,A,S1,25000,2026-11-30",
        f"S{s.pk},BRICK,EUR,A,S2,5000,2026-11-30",
        f"S{s.pk},BRICK,EUR,B,S2,30000,2026-11-30",
    ]
    assert setoff("export", str(second), as_="maria").startswith("0 approved set-offs written")
    assert len(second.read_text(encoding="utf-8").splitlines()) == 1  # the header alone
    assert "booked" in setoff("booked", f"S{s.pk}", as_="maria")
    with pytest.raises(CommandError, match=f"set-off S{s.pk} was booked on 2026-11-30"):
        setoff("booked", f"S{s.pk}", as_="maria")


def test_the_proposer_never_approves_their_own_setoff(acme):
    from arrears.apps.clearing.models import SetOff

    setoff("propose", "BRICK", as_="maria")
    s = SetOff.objects.get()
    with pytest.raises(CommandError):
        setoff("approve", f"S{s.pk}", as_="maria")
    assert SetOff.objects.get().state == "proposed"


def test_a_refusal_says_why_and_frees_the_debtor_for_a_new_proposal(acme):
    from arrears.apps.clearing.models import SetOff

    setoff("propose", "BRICK", as_="cora")
    s = SetOff.objects.get()
    with pytest.raises(CommandError, match=f"say why set-off S{s.pk} is refused"):
        setoff("refuse", f"S{s.pk}", "--reason", "  ", as_="maria")
    out = setoff("refuse", f"S{s.pk}", "--reason", "their invoices are disputed", as_="maria")
    assert "refused by maria: their invoices are disputed" in out
    assert "BRICK" in setoff("show", as_="cora")


def test_approval_refuses_a_setoff_the_erp_has_since_settled_part_of(acme):
    from arrears.apps.clearing.models import SetOff
    from arrears.apps.ledger.models import OpenItem

    setoff("propose", "BRICK", as_="cora")
    s = SetOff.objects.get()
    OpenItem.objects.filter(company=acme, number="B").update(open_minor=100_00)  # paid since
    with pytest.raises(CommandError, match=f"set-off S{s.pk} no longer holds: B has less open"):
        setoff("approve", f"S{s.pk}", as_="maria")
    assert SetOff.objects.get().state == "proposed"


@pytest.mark.parametrize(
    ("who", "verb"), [("olaf", "propose"), ("rita", "approve"), ("cora", "approve")]
)
def test_the_wrong_person_is_refused_and_nothing_changes(acme, who, verb):
    from django.contrib.auth import get_user_model

    from arrears.apps.clearing.models import SetOff
    from arrears.apps.clearing.services import setoff_decide, setoff_propose

    person = get_user_model().objects.get(username=who)
    if verb == "propose":
        with pytest.raises(NotAllowed):
            setoff_propose(actor=person, company=acme, debtor_code="BRICK", as_of=AS_OF)
        assert not SetOff.objects.exists()
        return
    setoff("propose", "BRICK", as_="cora")
    s = SetOff.objects.get()
    with pytest.raises(NotAllowed):
        setoff_decide(actor=person, setoff_id=s.pk, approve=True, on=AS_OF)
    assert SetOff.objects.get().state == "proposed"


def a_day_run(company) -> None:
    from arrears.apps.cases.services import strategies_install_defaults

    strategies_install_defaults(actor=factories.admin(), company=company)
    factories.run_as_admin(company=company, as_of=AS_OF)


def test_others_owe_us_is_answered_with_the_setoff_we_could_make(acme):
    a_day_run(acme)  # its sweep finds no dispute behind A's held-back part: A is whole again
    out = terminal.run(
        "excuse",
        "BRICK",
        "others_owe_us",
        "--company",
        "acme",
        "--as-of",
        AS_OF.isoformat(),
        as_="cora",
    )
    assert (
        "set-off possible: we owe BRICK EUR 650.00 (S1, S2); EUR 650.00 of what they owe can be "
        "set off against it: `arrears setoff propose BRICK`"
    ) in out


def test_no_setoff_is_suggested_where_we_owe_nothing_due_against(acme):
    a_day_run(acme)
    out = terminal.run(
        "excuse",
        "MORTAR",
        "others_owe_us",
        "--company",
        "acme",
        "--as-of",
        AS_OF.isoformat(),
        as_="cora",
    )
    assert "set-off possible" not in out


def test_the_setoff_list_reads_as_many_queries_however_many_setoffs_and_pairs(acme):
    from arrears.apps.clearing.selectors import setoffs_list
    from tests.queries import queries

    maria = factories.credit_manager("maria")
    setoff("propose", "BRICK", as_="cora")
    few, _ = queries(lambda: setoffs_list(actor=maria, company=acme))
    cora = factories.collector("cora")
    for n in range(3):
        d = factories.debtor(acme, code=f"X{n}", owner=cora)
        factories.item(d, number=f"XA{n}", due=date(2026, 10, 1), amount=100_00)
        factories.item(d, number=f"XB{n}", due=date(2026, 10, 2), amount=100_00)
        payable(d, f"XS{n}", date(2026, 12, 31), 150_00)
        setoff("propose", f"X{n}", as_="cora")
    many, listed = queries(lambda: setoffs_list(actor=maria, company=acme))
    assert len(listed) == 4 and sum(len(s.pairs) for s in listed) == 3 + 2 * 3
    assert many == few


@pytest.fixture
def today_is_the_5th_of_december(monkeypatch):
    from arrears.apps.common import clock

    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 5))


def test_a_future_as_of_date_is_refused_in_words_and_nothing_is_proposed_or_decided(
    acme, today_is_the_5th_of_december
):
    from arrears.apps.clearing.models import SetOff

    def at(day: str, *args: str, as_: str) -> None:
        terminal.run("setoff", *args, "--company", "acme", "--as-of", day, as_=as_)

    with pytest.raises(CommandError, match=r"the as-of date 2026-12-21 is after today "
                       r"\(2026-12-05\): a set-off takes only what is due"):  # fmt: skip
        at("2026-12-21", "propose", "BRICK", as_="cora")  # C (due 15 December) is not due
    assert not SetOff.objects.exists()
    at("2026-12-05", "propose", "BRICK", as_="cora")
    made = SetOff.objects.get()
    with pytest.raises(CommandError, match="is after today"):
        at("2026-12-06", "approve", f"S{made.pk}", as_="maria")
    assert SetOff.objects.get().state == "proposed"
    at("2026-12-05", "approve", f"S{made.pk}", as_="maria")
    assert SetOff.objects.get().state == "approved"


def test_the_proposal_to_send_says_per_obligation_what_it_was_what_is_cleared_and_what_is_left(
    acme, tmp_path
):
    from openpyxl import load_workbook

    path = tmp_path / "obligations.csv"
    path.write_text(OBLIGATIONS.replace("D,", "=D,", 1), encoding="utf-8")
    csv_out, xlsx_out = tmp_path / "p.csv", tmp_path / "p.xlsx"
    terminal.run(
        "clear", str(path), "--company", "acme", "--proposal", str(csv_out),
        "--xlsx", str(xlsx_out), as_="maria",
    )  # fmt: skip
    rows = csv_out.read_text(encoding="utf-8").splitlines()
    assert rows == [
        "debtor,creditor,currency,owes before,cleared,owes after",
        "A,B,EUR,100.00,80.00,20.00",
        "B,C,EUR,80.00,80.00,0.00",
        "C,'=D,EUR,10.00,0.00,10.00",  # a firm named like a formula stays text
        "C,A,EUR,120.00,80.00,40.00",
    ]
    wb = load_workbook(xlsx_out)
    assert wb.sheetnames == ["proposal", "firms"]
    sheet = [[c.value for c in r] for r in wb["proposal"].iter_rows()]
    assert sheet[0] == ["debtor", "creditor", "currency", "owes before", "cleared", "owes after"]
    assert ["C", "'=D", "EUR", 10, 0, 10] in sheet
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
