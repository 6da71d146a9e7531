"""The company's holiday calendar: who may change it, at the terminal and from a file (all or
nothing, again changes nothing), and a call nobody answered retried over a holiday, while
another company's calendar leaves acme alone."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, Case, Holiday, ItemStep
from arrears.apps.cases.selectors import holidays_read
from arrears.apps.cases.services import action_complete, actions, strategies_install_defaults
from arrears.apps.cases.services.holidays import (
    holiday_add,
    holiday_remove,
    holidays_add_defaults,
    holidays_import,
)
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, tables
from tests.factories import admin, run_as_admin
from tests.terminal import run

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)  # a Wednesday
FRI, MON, TUE = date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(actions, "today", lambda: AS_OF + timedelta(days=30))


@pytest.fixture
def w():
    """acme (cora's high-risk debtor, its call due today) beside globex, with people of its own."""
    acme, globex = factories.company("acme"), factories.company("globex")
    for c in (acme, globex):
        strategies_install_defaults(actor=admin(), company=c)
    cora = factories.collector("cora", acme)
    d = factories.debtor(acme, owner=cora, risk_tier="high")  # jumps to the call
    item = factories.item(d, due=AS_OF - timedelta(days=6))
    ItemStep.objects.create(
        item=item, strategy_code="high_risk", step=0, step_on=AS_OF - timedelta(3)
    )
    run_as_admin(company=acme, as_of=AS_OF)
    case = Case.objects.get(debtor=d)
    return {
        "acme": acme,
        "globex": globex,
        "cora": cora,
        "maria": factories.credit_manager("maria", acme),
        "sam": user_ensure(username="sam", role=PersonRole.SALES, company=acme),
        "olga": factories.collector("olga", globex),
        "gina": factories.credit_manager("gina", globex),
        "gus": user_ensure(username="gus", role=PersonRole.ADMINISTRATOR, company=globex),
        "call": Action.objects.get(case=case),
    }


def _days(company) -> list[tuple[date, str]]:
    return list(Holiday.objects.filter(company=company).order_by("day").values_list("day", "name"))


def _file(tmp_path, text: str):
    path = tmp_path / "holidays.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- a call retried over a holiday -----------------------------------------------------------


def test_a_call_nobody_answered_before_a_holiday_is_tried_again_after_it(w):
    holiday_add(actor=w["maria"], company=w["acme"], day=MON, name="Company day")
    done = action_complete(actor=w["cora"], action_id=w["call"].pk, outcome="no_answer", on=FRI)
    assert done.follow_up is not None and done.follow_up.due_on == TUE


def test_another_company_s_holiday_leaves_acme_s_retried_call_alone(w):
    holiday_add(actor=w["gina"], company=w["globex"], day=MON, name="Globex day")
    done = action_complete(actor=w["cora"], action_id=w["call"].pk, outcome="no_answer", on=FRI)
    assert done.follow_up is not None and done.follow_up.due_on == MON


# --- the calendar at the terminal --------------------------------------------------------------


def test_a_credit_manager_adds_lists_and_removes_a_holiday_at_the_terminal(w):
    out = run("holidays", "add", "2026-12-24", "--name", "Christmas Eve", as_="maria")
    assert out.splitlines()[0] == "holidays: 1 added, 0 renamed, 0 unchanged"
    run("holidays", "add", "2027-01-01", as_="maria")
    assert run("holidays", "list", "--year", "2026", as_="cora").splitlines() == [
        "2026-12-24 Thu  Christmas Eve"
    ]
    assert run("holidays", "list", as_="sam").splitlines() == [
        "2026-12-24 Thu  Christmas Eve",
        "2027-01-01 Fri",
    ]
    assert "1 removed" in run("holidays", "remove", "2027-01-01", as_="maria")
    assert _days(w["acme"]) == [(date(2026, 12, 24), "Christmas Eve")]
    assert _days(w["globex"]) == []
    assert AuditEvent.objects.filter(action__startswith="holidays.").count() == 3


def test_an_administrator_changes_the_calendar_too(w):
    run("holidays", "add", "2026-12-24", "--company", "acme", as_="admin")
    assert _days(w["acme"]) == [(date(2026, 12, 24), "")]


def test_adding_the_same_holiday_again_changes_nothing(w):
    holiday_add(actor=w["maria"], company=w["acme"], day=MON, name="Company day")
    before = tables.snapshot()
    again = holiday_add(actor=w["maria"], company=w["acme"], day=MON, name="Company day")
    assert (again.created, again.unchanged) == ([], [MON])
    assert tables.snapshot() == before


def test_removing_a_day_that_is_no_holiday_is_refused_in_words(w):
    with pytest.raises(Refusal) as refused:
        holiday_remove(actor=w["maria"], company=w["acme"], day=MON)
    assert refused.value.code == "holidays.not_a_holiday"
    assert "2026-11-30 is not one of the company's holidays" in str(refused.value)


def test_a_list_shows_only_the_company_s_own_days(w):
    holiday_add(actor=w["gina"], company=w["globex"], day=MON, name="Globex day")
    assert "no holidays" in run("holidays", "list", as_="cora")


WRONG = ["anonymous", "cora", "sam", "olga", "gina", "gus"]


def _calls(w, tmp_path):
    path = _file(tmp_path, "date,name\n2026-12-24,Christmas Eve\n")
    acme = w["acme"]
    return {
        "add": lambda actor: holiday_add(actor=actor, company=acme, day=MON),
        "remove": lambda actor: holiday_remove(actor=actor, company=acme, day=TUE),
        "import": lambda actor: holidays_import(actor=actor, company=acme, path=path),
        "defaults": lambda actor: holidays_add_defaults(actor=actor, company=acme, year=2026),
    }


@pytest.mark.parametrize("service", ["add", "remove", "import", "defaults"])
@pytest.mark.parametrize("who", WRONG)
def test_only_a_credit_manager_or_an_administrator_of_the_company_changes_its_calendar(
    w, tmp_path, who, service
):
    holiday_add(actor=w["maria"], company=w["acme"], day=TUE)
    call = _calls(w, tmp_path)[service]
    before = tables.snapshot()
    with pytest.raises(NotAllowed):
        call(w.get(who))
    assert tables.snapshot() == before


# --- a file, all or nothing ------------------------------------------------------------------


def test_a_holidays_file_is_imported_whole_and_again_changes_nothing(w, tmp_path):
    holiday_add(actor=w["maria"], company=w["acme"], day=date(2026, 12, 24), name="old name")
    path = _file(
        tmp_path, "date,name\n2026-12-24,Christmas Eve\n2026-12-25,Christmas Day\n\n2026-12-31,\n"
    )
    out = run("import", "holidays", path, as_="maria")
    assert out.splitlines()[0] == "holidays: 2 added, 1 renamed, 0 unchanged"
    assert _days(w["acme"]) == [
        (date(2026, 12, 24), "Christmas Eve"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 31), ""),
    ]
    rows = tables.snapshot()["cases.Holiday"]
    again = holidays_import(actor=w["maria"], company=w["acme"], path=path)
    assert (again.created, again.renamed, len(again.unchanged)) == ([], [], 3)
    assert tables.snapshot()["cases.Holiday"] == rows
    assert _days(w["globex"]) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("date,name\n2026-12-24,Eve\n24.12.2026,Christmas\n", "row 3, date"),
        ("date,name\n2026-12-24,Eve\n2026-12-24,Again\n", "row 3, date: 2026-12-24 is in"),
        ("day,name\n2026-12-24,Eve\n", "with a `date` column"),
        ("date,nam\n2026-12-24,Eve\n", "unknown column 'nam'"),
        ("date,name\n2026-12-24\n", "row 2: 1 fields"),
        ("date,name\n", "no days in it"),
    ],
)
def test_a_holidays_file_with_a_bad_row_imports_nothing(w, tmp_path, text, words):
    path = _file(tmp_path, text)
    before = tables.snapshot()
    with pytest.raises(Refusal) as refused:
        holidays_import(actor=w["maria"], company=w["acme"], path=path)
    assert words in str(refused.value)
    assert tables.snapshot() == before


# --- a jurisdiction's public holidays ----------------------------------------------------------


def test_add_defaults_loads_the_jurisdiction_s_public_holidays_once(w):
    pytest.importorskip("holidays")
    holiday_add(actor=w["maria"], company=w["acme"], day=date(2026, 12, 25), name="Ours")
    out = run("holidays", "add-defaults", "--year", "2026", as_="maria")
    days = dict(_days(w["acme"]))
    assert days[date(2026, 10, 3)] == "German Unity Day"  # acme is in DE
    assert days[date(2026, 12, 25)] == "Ours"  # a day it had keeps its name
    assert "1 unchanged" in out.splitlines()[0]
    before = tables.snapshot()
    holidays_add_defaults(actor=w["maria"], company=w["acme"], year=2026)
    assert tables.snapshot() == before


def test_add_defaults_without_the_holidays_package_is_refused_in_words(w, monkeypatch):
    real = importlib.import_module

    def without(name, *a, **kw):
        if name == "holidays":
            raise ImportError(name)
        return real(name, *a, **kw)

    monkeypatch.setattr(importlib, "import_module", without)
    before = tables.snapshot()
    with pytest.raises(Refusal) as refused:
        holidays_add_defaults(actor=w["maria"], company=w["acme"], year=2026)
    assert "the `holidays` package is not installed" in str(refused.value)
    assert tables.snapshot() == before


@pytest.mark.parametrize("who", ["anonymous", "olga", "gus"])
def test_nobody_outside_the_company_reads_its_holidays(w, who):
    holiday_add(actor=w["maria"], company=w["acme"], day=MON, name="Company day")
    with pytest.raises(NotAllowed):
        holidays_read(actor=w.get(who), company=w["acme"])
    assert [h.day for h in holidays_read(actor=w["sam"], company=w["acme"], year=2026)] == [MON]


def test_the_holidays_list_reads_as_many_queries_however_many_days():
    from datetime import date, timedelta

    from arrears.apps.cases.models import Holiday
    from arrears.apps.cases.selectors import holidays_read
    from tests import factories
    from tests.queries import queries

    acme, rival = factories.company("acme"), factories.company("rival")
    maria = factories.credit_manager("maria", acme)
    Holiday.objects.create(company=acme, day=date(2026, 12, 25), name="Christmas")
    Holiday.objects.create(company=rival, day=date(2026, 12, 24), name="Eve")
    few, _ = queries(lambda: holidays_read(actor=maria, company=acme))
    for n in range(30):
        Holiday.objects.create(company=acme, day=date(2027, 1, 1) + timedelta(days=n), name="x")
    many, listed = queries(lambda: holidays_read(actor=maria, company=acme))
    assert len(listed) == 31 and many == few
