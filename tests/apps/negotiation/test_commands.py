from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from arrears.apps.negotiation.models import Approval, Dispute, PaymentPlan, PromiseToPay
from tests.apps.negotiation.support import AS_OF

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_promise_command_records_a_promise(w):
    out = _run(
        "promise",
        w.debtor.code,
        "--part",
        "2026-11-27:300.00",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert "promise P" in out and PromiseToPay.objects.get().total_minor == 300_00


def test_promise_command_refuses_a_second_collector_cleanly(w):
    with pytest.raises(CommandError, match="does not own"):
        _run(
            "promise",
            w.debtor.code,
            "--part",
            "2026-11-27:300",
            "--contact",
            "X",
            "--user",
            "carl",
            "--as-of",
            DAY,
        )
    assert not PromiseToPay.objects.exists()


def test_promise_command_refuses_a_malformed_part():
    with pytest.raises(CommandError, match="dated amount"):
        _run("promise", "D1", "--part", "tomorrow:300", "--contact", "X", "--user", "cora")


def test_propose_prints_the_recommendation_and_the_script(w):
    out = _run(
        "propose",
        w.debtor.code,
        "--first",
        "2026-12-07:1000",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert "recommendation: counter" in out and "say: " in out and "walk-away" in out


def test_plan_approve_and_history_commands_work_together(w):
    out = _run(
        "plan",
        w.debtor.code,
        "--first-due",
        "2027-03-01",
        "--count",
        "4",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert "pending_approval" in out
    queue = _run("approve", "--as-of", DAY)
    approval = Approval.objects.get()
    assert f"A{approval.pk}" in queue
    with pytest.raises(CommandError, match="not a credit manager"):
        _run("approve", str(approval.pk), "--grant", "--reason", "ok", "--user", "cora")
    _run(
        "approve",
        str(approval.pk),
        "--grant",
        "--reason",
        "seasonal business",
        "--user",
        "maria",
        "--as-of",
        DAY,
    )
    assert PaymentPlan.objects.get().status == "good_standing"


def test_dispute_excuse_writeoff_and_handover_commands(w):
    _run(
        "dispute",
        w.debtor.code,
        "--part",
        "INV-OLD:120.50",
        "--reason",
        "quality",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert Dispute.objects.get().parts.get().amount_minor == 120_50
    said = _run("excuse", w.debtor.code, "no_money", "--user", "cora", "--as-of", DAY)
    assert "say:" in said
    _run("writeoff", w.debtor.code, "--reason", "insolvent", "--user", "cora", "--as-of", DAY)
    out = _run(
        "handover",
        w.debtor.code,
        "--to",
        "legal",
        "--owner",
        "lena",
        "--reason",
        "ignored final notice",
        "--user",
        "maria",
        "--as-of",
        DAY,
    )
    assert "lena" in out
    assert "no_money" in _run("excuse", "--list")


def test_negotiation_history_exports_csv(w):
    _run(
        "propose",
        w.debtor.code,
        "--first",
        "2026-12-07:1000",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    text = _run("negotiation-history", w.debtor.code, "--csv")
    assert text.splitlines()[0].startswith("negotiation,seq,on,kind")
    assert "counter" in _run("negotiation-history", w.debtor.code)


def test_explain_shows_the_promise_keeping_record(w):
    _run(
        "promise",
        w.debtor.code,
        "--part",
        "2026-11-27:300.00",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    out = _run("explain", w.debtor.code)
    assert "promise record: 1 promises" in out
