from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from arrears.apps.cases.models import Case, CaseEvent, PropensityModel
from arrears.apps.cases.worklist import worklist
from arrears.apps.ledger.models import Allocation, Debtor, OpenItem
from arrears.apps.negotiation.models import ExcuseLog, PromiseToPay

pytestmark = pytest.mark.django_db


def _demo(tmp_path) -> str:
    out = StringIO()
    call_command(
        "demo",
        "--items",
        "400",
        "--seed",
        "3",
        "--as-of",
        "2026-11-25",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    return out.getvalue()


def test_demo_loads_a_ledger_and_prints_what_the_run_decided(tmp_path):
    out = _demo(tmp_path)
    assert OpenItem.objects.count() >= 400 and Debtor.objects.count() >= 40
    assert "cases by ladder step:" in out and "credit holds set" in out
    assert Case.objects.filter(status="open", next_action_on__isnull=True).count() == 0
    # The generator leaves a few debtors without an owner: the run must name them as defects.
    orphans = Case.objects.filter(status="open", debtor__owner__isnull=True).count()
    assert orphans == 0 or f"DEFECT: {orphans:,} open cases have no owner" in out


def test_running_the_demo_twice_changes_nothing_the_second_time(tmp_path):
    _demo(tmp_path)
    events = CaseEvent.objects.count()
    again = _demo(tmp_path)
    assert CaseEvent.objects.count() == events
    assert "of which moved up the ladder today 0" in again
    assert " 0 created, 0 updated" in again


def test_the_demo_s_case_histories_start_with_their_opening(tmp_path):
    _demo(tmp_path)  # the first weekly run opens the cases, then the desk's stories
    for case in Case.objects.all():
        opened = case.events.filter(kind="opened").order_by("on").first()
        assert opened is not None
        assert not case.events.filter(on__lt=opened.on).exists(), case.debtor.code


def test_the_demo_trains_a_propensity_model_and_the_worklist_ranks_by_expected_recovery(
    tmp_path,
):
    out = _demo(tmp_path)
    model = PropensityModel.objects.get(company__code="demo", active=True)
    assert "propensity model trained on the days" in out and "AUC" in out and "Brier" in out
    assert f"Brier {model.metrics['brier']:.3f}" in out
    maria = get_user_model().objects.get(username="maria")
    lines = worklist(actor=maria, company_id=model.company_id, on=date(2026, 11, 25), team=True)
    assert lines
    for line in lines:  # expected recovery: the case's balance x p (case_expected_recovery)
        assert line.p_paid is not None
        assert line.reasons.score == line.reasons.expected_minor >= 0
    scores = [line.reasons.score for line in lines]
    assert scores == sorted(scores, reverse=True)  # ranked by it, highest first


def test_a_second_demo_keeps_the_model_it_trained(tmp_path):
    _demo(tmp_path)
    again = _demo(tmp_path)
    assert PropensityModel.objects.filter(company__code="demo").count() == 1
    assert "propensity model trained on the days" in again


def test_the_demo_s_desk_history_reaches_back_before_its_weekly_runs(tmp_path):
    _demo(tmp_path)  # eight weekly runs from 30 Sep 2026: the desk's past is older
    first_run = date(2026, 11, 25) - timedelta(weeks=8)
    past = PromiseToPay.objects.filter(given_on__lt=first_run)
    assert past.filter(state="kept").exists() and past.filter(state="broken").exists()
    assert past.filter(given_on__lt=first_run - timedelta(days=180)).exists()
    assert ExcuseLog.objects.filter(logged_on__lt=first_run).exists()
    for promise in past:
        item = promise.items.get()
        paid = Allocation.objects.filter(
            item=item, payment__received_on__gte=promise.given_on
        ).filter(payment__received_on__lte=promise.parts.get().on)
        assert paid.exists() == (promise.state == "kept"), promise.pk
        assert promise.case.opened_on <= promise.given_on


def test_a_demo_too_small_to_learn_from_says_the_worklist_keeps_the_rule_based_score(tmp_path):
    out = StringIO()
    call_command(
        "demo", "--items", "10", "--as-of", "2026-11-25", "--out", str(tmp_path), stdout=out
    )
    assert "no propensity model: the demo ledger has too little history" in out.getvalue()
    assert "the desk's past" not in out.getvalue()
    assert not PropensityModel.objects.exists()


def test_a_demo_given_an_output_folder_keeps_its_tokens_there_and_leaves_the_real_demos(
    tmp_path, settings
):
    settings.DATA_DIR = tmp_path / "data"
    real = tmp_path / "data" / "demo" / "tokens" / "alice"
    real.parent.mkdir(parents=True)
    real.write_text("arr_the_real_demos_token\n", encoding="utf-8")
    out = StringIO()
    folder = tmp_path / "out"
    call_command(
        "demo", "--items", "10", "--as-of", "2026-11-25", "--history-weeks", "1",
        "--out", str(folder), stdout=out,
    )  # fmt: skip
    assert real.read_text(encoding="utf-8") == "arr_the_real_demos_token\n"
    assert sorted(p.name for p in real.parent.iterdir()) == ["alice"]
    alice = folder / "tokens" / "alice"
    assert alice.read_text(encoding="utf-8").startswith("arr_")
    assert alice.stat().st_mode & 0o777 == 0o600
    assert f"access tokens in {folder / 'tokens'}/" in out.getvalue()
