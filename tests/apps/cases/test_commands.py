from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.cases.models import RunLock, Strategy
from arrears.apps.cases.services import strategies_install_defaults
from tests import factories, terminal
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 25)


def _call(*args: str, as_: Any = "admin") -> str:
    return terminal.run(*args, as_=as_)


@pytest.fixture
def company():
    c = factories.company()
    strategies_install_defaults(actor=admin(), company=c)
    return c


def test_run_command_prints_cases_by_step_holds_and_actions(company):
    d = factories.debtor(company, owner=factories.collector(), risk_tier="high")
    factories.item(d, due=AS_OF - timedelta(days=20))
    out = _call("run", "--as-of", "2026-11-25")
    assert "cases by ladder step:" in out
    assert "final_notice" in out and "credit holds set 0" in out
    assert "actions created 1: letter 1" in out


def test_dry_run_command_says_nothing_was_changed(company):
    factories.item(factories.debtor(company, owner=factories.collector()), due=AS_OF)
    assert "DRY RUN: nothing was changed" in _call("run", "--as-of", "2026-11-25", "--dry-run")


def test_run_command_refuses_cleanly_while_another_run_holds_the_lock(company):
    RunLock.objects.create(company=company, run_id=7, holder="h1", acquired_at=timezone.now())
    with pytest.raises(CommandError, match="another run holds the lock") as said:
        _call("run", "--as-of", "2026-11-25")
    assert str(said.value).endswith("if it died, break the lock with: arrears run --break-lock")


def test_a_run_interrupted_at_the_terminal_says_so_in_one_line_and_exits_non_zero(
    company, monkeypatch
):
    from arrears.apps.cases.models import Run
    from arrears.apps.cases.services import run as run_module

    factories.item(factories.debtor(company, owner=factories.collector()), due=AS_OF)

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "insert_frame", ctrl_c)
    with pytest.raises(CommandError) as said:
        _call("run", "--as-of", "2026-11-25")
    words = str(said.value)
    assert words.startswith("the run of ") and "as of 2026-11-25 was interrupted" in words
    assert "\n" not in words and said.value.returncode == 130
    assert Run.objects.get().status == "failed" and not RunLock.objects.exists()


def test_the_run_service_refuses_a_held_lock_with_a_code_and_no_terminal_option(company):
    from arrears.apps.cases.services import RunLocked

    RunLock.objects.create(company=company, run_id=7, holder="h1", acquired_at=timezone.now())
    with pytest.raises(RunLocked) as refused:
        run_as_admin(company=company, as_of=AS_OF)
    assert refused.value.code == "run.locked"
    assert refused.value.figures["run_id"] == 7 and refused.value.figures["holder"] == "h1"
    assert "another run holds the lock" in str(refused.value)
    assert "--break-lock" not in str(refused.value)


def test_explain_names_the_rule_the_item_and_the_figures(company):
    d = factories.debtor(company, code="C042", owner=factories.collector(), risk_tier="high")
    factories.item(d, due=AS_OF - timedelta(days=20), number="INV-9", amount=500_00)
    _call("run", "--as-of", "2026-11-25")
    out = _call("explain", "C042")
    assert "step: final notice since 2026-11-25 (strategy high risk)" in out
    assert "item INV-9 due 2026-11-05, 20 days past due, overdue EUR 500.00" in out
    assert "trigger: >= 15 days past due" in out


def test_explain_an_unknown_debtor_says_so(company):
    with pytest.raises(CommandError, match="has no case"):
        _call("explain", "NOPE")


def test_ladder_export_then_load_keeps_the_strategies(company, tmp_path):
    path = tmp_path / "ladder.toml"
    path.write_text(_call("ladder", "export"))
    factories.credit_manager("maria", company)
    assert "loaded 2 strategies" in _call("ladder", "load", str(path), as_="maria")
    assert Strategy.objects.filter(company=company).count() == 2
    assert "Final notice" in _call("ladder", "show")


def test_loading_a_broken_ladder_file_changes_nothing(company, tmp_path):
    path = tmp_path / "ladder.toml"
    path.write_text(_call("ladder", "export").replace('"letter"', '"pigeon"'))
    factories.credit_manager("maria", company)
    with pytest.raises(CommandError, match="'pigeon' is not one of"):
        _call("ladder", "load", str(path), as_="maria")
    assert Strategy.objects.filter(company=company).count() == 2


def test_commands_ask_which_company_when_there_are_several(company):
    factories.company("globex")
    with pytest.raises(CommandError, match="several companies"):
        _call("run", "--as-of", "2026-11-25")


def test_explain_says_what_opened_the_case_not_a_rule_code(company):
    d = factories.debtor(company, owner=factories.collector(), code="C077")
    factories.item(d, due=AS_OF - timedelta(days=20))
    _call("run", "--as-of", "2026-11-25")
    out = _call("explain", "C077")
    assert "case opened: EUR" in out and ": balance" not in out
