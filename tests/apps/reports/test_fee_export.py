"""`arrears fees export`: the fees and interest claimed per item for the ERP to book, each line
exported once (like the set-off export): the next file has only what is new (fees charged
since, fees waived since they were exported, as negative lines, and the interest accrued since
the last file); a credit manager's; nothing of another company's."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from openpyxl import load_workbook

from arrears.apps.communications.fees import fee_waive_decide, fee_waive_request
from arrears.apps.communications.models import Fee, FeeExport
from tests import factories, terminal
from tests.apps.communications import fee_support as fs
from tests.apps.communications.fee_support import DUE

pytestmark = pytest.mark.django_db


def rows(path):
    with open(path, encoding="utf-8") as f:
        return [r for r in csv.DictReader(f)]


@pytest.fixture
def w():
    w = fs.world()
    for days in (2, 10, 20):  # reminder EUR 5, call, firm demand EUR 10
        factories.run_as_admin(company=w["acme"], as_of=DUE + timedelta(days=days))
    factories.item(w["g1"], due=DUE, amount=500_00, number="G-1")
    factories.run_as_admin(company=w["globex"], as_of=DUE + timedelta(days=40))
    return w


def test_each_fee_is_exported_once_and_the_interest_line_is_what_accrued_since(w, tmp_path):
    first = tmp_path / "first.csv"
    terminal.run("fees", "export", first, "--as-of", "2025-07-01", as_="maria")
    lines = [
        (r["item"], r["debtor"], r["line"], r["step"], r["amount"], r["currency"])
        for r in rows(first)
    ]
    assert lines[:2] == [
        ("INV-1", "K1", "fee", "reminder", "5.00", "EUR"),
        ("INV-1", "K1", "fee", "firm_demand", "10.00", "EUR"),
    ]
    # interest (§288 BGB, base rate + 9 points), EUR 1,000.00 from 2 June 2025, each period
    # rounded: 2-30 June (29 days) at 2.27 + 9 = 11.27%: 1000 x 0.1127 x 29 / 365 = 8.954 ->
    # 8.95; 1 July (1 day), the base rate now 1.27: 10.27%: 1000 x 0.1027 / 365 = 0.281 -> 0.28
    (interest,) = [r for r in rows(first) if r["line"] == "interest"]
    assert (interest["item"], interest["amount"], interest["interest to date"]) == (
        "INV-1",
        "9.23",
        "9.23",
    )
    assert all(r["currency"] == "EUR" for r in rows(first))  # nothing of globex's
    second = tmp_path / "second.csv"
    terminal.run("fees", "export", second, "--as-of", "2025-07-11", as_="maria")
    # no fee again; to 11 July: 8.95 + 1-11 July (11 days) 1000 x 0.1027 x 11 / 365 = 3.095 ->
    # 3.10: 12.05 to date, of which 12.05 - 9.23 = 2.82 since the first file
    assert [(r["line"], r["amount"], r["interest to date"]) for r in rows(second)] == [
        ("interest", "2.82", "12.05")
    ]


def test_a_fee_waived_after_its_export_comes_back_negative_once(w, tmp_path):
    terminal.run("fees", "export", tmp_path / "a.xlsx", "--as-of", "2025-07-01", as_="maria")
    sheet = load_workbook(tmp_path / "a.xlsx").worksheets[0]
    assert [c.value for c in next(sheet.iter_rows())][:4] == [
        "item",
        "debtor",
        "debtor name",
        "line",
    ]
    fee = Fee.objects.get(step_code="reminder")
    fee_waive_request(actor=w["cora"], company=w["acme"], fee_id=fee.pk, reason="goodwill")
    fee_waive_decide(actor=w["maria"], company=w["acme"], fee_id=fee.pk, approve=True, reason="ok")
    terminal.run("fees", "export", tmp_path / "b.csv", "--as-of", "2025-07-01", as_="maria")
    assert [(r["line"], r["step"], r["amount"]) for r in rows(tmp_path / "b.csv")] == [
        ("fee waived", "reminder", "-5.00")
    ]
    terminal.run("fees", "export", tmp_path / "c.csv", "--as-of", "2025-07-01", as_="maria")
    assert rows(tmp_path / "c.csv") == []


def test_only_a_credit_manager_exports_and_a_refusal_marks_nothing(w, tmp_path):
    with pytest.raises(CommandError):
        terminal.run("fees", "export", tmp_path / "x.csv", "--as-of", "2025-07-01", as_="cora")
    with pytest.raises(CommandError):  # globex's collector, for acme
        terminal.run("fees", "export", tmp_path / "x.csv", "--company", "acme", as_="olga")
    assert FeeExport.objects.count() == 0 and not Fee.objects.filter(export__isnull=False).exists()


def test_past_the_rate_tables_the_fees_go_out_and_the_interest_waits_said_in_words(w, tmp_path):
    """The fees need no rate: they reach the ERP whatever the day. The interest of a day past
    the tables cannot be stated: the file leaves it out (never a silent zero), the command says
    why and which table, and the next export states it once the table is imported."""
    out = terminal.run("fees", "export", tmp_path / "x.csv", "--as-of", "2026-11-26", as_="maria")
    assert [(r["line"], r["step"]) for r in rows(tmp_path / "x.csv")] == [
        ("fee", "reminder"),
        ("fee", "firm_demand"),
    ]
    assert "the interest of 1 item is not in this file: no rate is known for 2026-" in out
    assert "arrears rates import FILE" in out
    again = terminal.run("fees", "export", tmp_path / "y.csv", "--as-of", "2026-11-26", as_="maria")
    assert rows(tmp_path / "y.csv") == []  # the fees once; the interest still waits
    assert "the interest of 1 item is not in this file" in again
