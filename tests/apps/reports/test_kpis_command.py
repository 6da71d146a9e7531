"""`arrears kpis`: the company's figures from its own ledger, checked against a small ledger
worked by hand below; the per-collector view is a manager's; files and charts are written."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from arrears.apps.ledger.models import Allocation, Debtor, Payment
from arrears.apps.reports.charts import chart_svg
from arrears.apps.reports.kpis import kpi_report
from tests import factories, terminal

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


@pytest.fixture
def acme():
    return hand_worked()


# March's line of the months table, as `arrears kpis` prints it and the figures page shows it
# for the ledger of `hand_worked` as of 31 March (worked out in
# test_march_dso_cei_and_countback_are_those_worked_by_hand):
# month, currency, AR at the end, net credit sales, DSO, countback DSO, BPDSO, ADD, CEI
MARCH = ["2026-03", "EUR", "1,100.00", "200.00", "170.5", "47.8", "77.5", "93.0", "40.0"]


def hand_worked():
    """acme (EUR): cora owns BRICK (a medium-risk debtor), olaf owns MORTAR (high risk);
    maria manages.
    - I1 (BRICK): issued 1 Feb, due 3 Mar, 1,000.00; 400.00 paid on 10 Mar; 600.00 open.
    - I2 (BRICK): issued 1 Mar, due 31 Mar, 500.00, open.
    - I3 (MORTAR): issued 15 Jan, due 14 Feb, 300.00, cleared by the ERP without a payment
      (a credit note set against it): no file was imported, so it counts as settled on the
      as-of day, 31 Mar.
    rival (a second company) has the same codes and a large item: never in acme's figures."""
    c = factories.company("acme")
    cora, olaf = factories.collector("cora", c), factories.collector("olaf", c)
    factories.credit_manager("maria", c)
    brick = factories.debtor(c, code="BRICK", owner=cora)
    mortar = factories.debtor(c, code="MORTAR", owner=olaf, risk_tier="high")
    i1 = factories.item(
        brick, due=date(2026, 3, 3), issue_date=date(2026, 2, 1), amount=1000_00, open_=600_00
    )
    factories.item(brick, due=date(2026, 3, 31), issue_date=date(2026, 3, 1), amount=500_00)
    factories.item(
        mortar, due=date(2026, 2, 14), issue_date=date(2026, 1, 15), amount=300_00, open_=0
    )
    pay = Payment.objects.create(
        company=c,
        debtor=brick,
        reference="P1",
        received_on=date(2026, 3, 10),
        currency="EUR",
        amount_minor=400_00,
    )
    Allocation.objects.create(payment=pay, item=i1, amount_minor=400_00)
    rival = factories.company("rival")
    otto = factories.collector("otto", rival)
    big = factories.debtor(rival, code="BRICK", owner=otto)
    factories.item(big, due=date(2026, 3, 3), issue_date=date(2026, 2, 1), amount=99_999_00)
    return c


def kpis(*args: str, as_: str = "maria") -> str:
    return terminal.run(
        "kpis", "--company", "acme", "--as-of", AS_OF.isoformat(), "--months", "2", *args, as_=as_
    )


def row(text: str, starts: str) -> list[str]:
    return next(line for line in text.splitlines() if line.startswith(starts)).split()


def test_march_dso_cei_and_countback_are_those_worked_by_hand(acme):
    # AR at the start (28 Feb): I1 1,000 + I3 300 = 1,300. Sales in March: I2 500, less the
    # 300 credited on I3 that month (a credit given is no sale): net 200. AR at the end:
    # I1 600 + I2 500 = 1,100, of which current (I2, due that day) 500. D = 31.
    # DSO = 1,100 x 31 / 200 = 170.5; BPDSO = 500 x 31 / 200 = 77.5; ADD = 93.0;
    # CEI = (1,300 + 200 - 1,100) / (1,300 + 200 - 500) = 400 / 1,000 = 40.0 % (the credit
    # is not collected: counted as a payment it would read 53.8 %);
    # countback (gross monthly sales): March's 500 leaves 600 of February's 1,000:
    # 31 + 600/1,000 x 28 = 47.8.
    assert row(kpis(), "2026-03") == MARCH


def test_the_ageing_over_time_shows_each_month_end_by_days_past_due(acme):
    text = kpis()
    # 28 Feb: I1 not yet due (1,000 current), I3 14 days overdue (300 in 1-30).
    assert row(text, "2026-02-28") == ["2026-02-28", "EUR", "1,000.00", "300.00"] + ["0.00"] * 3
    # 31 Mar: I2 current 500, I1 28 days overdue 600; I3 cleared.
    assert row(text, "2026-03-31") == ["2026-03-31", "EUR", "500.00", "600.00"] + ["0.00"] * 3


def test_the_collectability_curve_is_shown_for_the_whole_ledger_and_per_risk_tier(acme):
    # As of 30 June, age 0 (the due date): I1 (medium) 1,000 open on 3 Mar, 400 paid 7 days
    # later; I2 (medium) 500 open on 31 Mar, nothing paid; I3 (high) 300 open on 14 Feb, the
    # ERP's credit (dated 30 Jun) is no recovery. Within 30 days and within 90 days alike:
    # medium 400 / 1,500 = 26.7 %, high 0 / 300 = 0.0 %, all 400 / 1,800 = 22.2 %; no
    # 180-day window is complete yet ('-').
    # Age 30: I1 600 (from 2 Apr), I3 300 (from 16 Mar), I2 500 (from 30 Apr): nothing paid
    # within 30 days; only I3's 90-day window (to 14 Jun) is complete: 0.0 %.
    text = terminal.run(
        "kpis", "--company", "acme", "--as-of", "2026-06-30", "--months", "1", as_="maria"
    )
    curve = text.split("Collectability")[1].split("\n\n")[0]
    lines = {tuple(cells[:3]): cells[3:] for cells in map(str.split, curve.splitlines())}
    assert lines["all", "EUR", "0"] == ["3", "22.2", "22.2", "-"]
    assert lines["medium", "EUR", "0"] == ["2", "26.7", "26.7", "-"]
    assert lines["high", "EUR", "0"] == ["1", "0.0", "0.0", "-"]
    assert lines["all", "EUR", "30"] == ["3", "0.0", "0.0", "-"]
    assert lines["high", "EUR", "30"] == ["1", "0.0", "0.0", "-"]
    assert lines["medium", "EUR", "30"] == ["2", "0.0", "-", "-"]


def test_a_credit_manager_sees_every_collectors_line_a_collector_only_their_own(acme):
    lines = kpis().split("Per collector")[1].split("\n\n")[0]
    assert row(lines, "cora") == ["cora", "EUR", "0", "0", "0", "0", "0", "400.00"]
    own = kpis(as_="cora").split("Per collector")[1].split("\n\n")[0]
    assert "your own figures" in own
    assert row(own, "cora")[-1] == "400.00"
    assert "olaf" not in kpis(as_="olaf").split("Per collector")[1]


def test_the_figures_are_the_companys_own_never_the_other_companys(acme):
    report = kpi_report(actor=factories.admin(), company=acme, as_of=AS_OF, months=1)
    assert {f.ar_end_minor for f in report.months} == {1100_00}
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: rival\)"):
        kpis(as_="otto")


def test_nobody_at_the_terminal_is_refused(acme):
    with pytest.raises(CommandError, match="who are you"):
        terminal.run("kpis", "--company", "acme", token=terminal.NOBODY)


def test_the_csv_files_and_the_workbook_hold_the_same_exact_figures(acme, tmp_path):
    kpis("--csv", str(tmp_path / "csv"), "--xlsx", str(tmp_path / "kpis.xlsx"))
    with open(tmp_path / "csv" / "months.csv", encoding="utf-8") as f:
        months = list(csv.DictReader(f))
    march = next(r for r in months if r["month"] == "2026-03")
    assert march["receivables at the end"] == "1100.00"
    assert march["CEI (%)"] == "40.0"
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        f"{n}.csv"
        for n in sorted(["months", "ageing", "roll", "promises", "expected", "collectors", "curve"])
    ]
    wb = load_workbook(tmp_path / "kpis.xlsx")
    assert wb.sheetnames == [
        "months",
        "ageing",
        "roll",
        "promises",
        "expected",
        "collectors",
        "curve",
    ]
    ws = wb["months"]
    header = [c.value for c in ws[1]]
    cells = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert Decimal(str(cells["2026-03"]["receivables at the end"])) == Decimal("1100.00")
    assert ws.cell(row=2, column=3).number_format == "#,##0.00"


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_chart_is_written_as_png_or_svg(acme, tmp_path, suffix):
    path = tmp_path / f"kpis{suffix}"
    kpis("--chart", str(path))
    head = path.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in path.read_bytes()


def test_the_svg_chart_has_a_title_and_a_description_for_a_screen_reader(acme, tmp_path):
    path = tmp_path / "kpis.svg"
    kpis("--chart", str(path))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml")
    svg = re.search(r"<svg\b[^>]*>", text)
    assert svg and (
        'role="img" aria-labelledby="kpi-chart-title" aria-describedby="kpi-chart-desc"'
        in svg.group()
    )
    assert text[svg.end() :].startswith(
        '<title id="kpi-chart-title">acme: collection figures as of 2026-03-31</title>'
        '<desc id="kpi-chart-desc">For each currency'
    )


def test_the_chart_as_svg_text_is_the_file_s_drawing_without_its_xml_declaration(acme, tmp_path):
    path = tmp_path / "kpis.svg"
    kpis("--chart", str(path))
    report = kpi_report(actor=factories.admin(), company=acme, as_of=AS_OF, months=2)
    inline = chart_svg(report)
    assert inline.startswith("<svg") and path.read_text(encoding="utf-8").endswith(inline)


def test_a_chart_file_of_another_kind_is_refused_and_nothing_is_written(acme, tmp_path):
    path = tmp_path / "kpis.gif"
    with pytest.raises(CommandError, match="a chart is a .png or an .svg file, not 'kpis.gif'"):
        kpis("--chart", str(path))
    assert not path.exists()


@pytest.mark.parametrize("months", ["0", "121", "abc", "٣"])
def test_a_number_of_months_out_of_range_is_refused(acme, months):
    with pytest.raises(CommandError, match="a number of months from 1 to 120"):
        terminal.run("kpis", "--company", "acme", "--months", months, as_="maria")


def test_the_report_reads_the_same_number_of_queries_however_large_the_ledger(acme):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            kpi_report(actor=factories.admin(), company=acme, as_of=AS_OF, months=3)
        return len(ctx.captured_queries)

    before = count()
    brick = Debtor.objects.get(company=acme, code="BRICK")
    for n in range(20):
        factories.item(brick, due=date(2026, 3, 1), issue_date=date(2026, 2, n + 1), amount=10_00)
    assert count() == before
