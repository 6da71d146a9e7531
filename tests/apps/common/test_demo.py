from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from arrears.apps.cases.models import Case, CaseEvent
from arrears.apps.ledger.models import Debtor, OpenItem

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
