from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management.base import CommandError

from arrears.apps.cases.models import Action, Case
from arrears.apps.negotiation import cli
from arrears.apps.negotiation.models import (
    Approval,
    Dispute,
    ExcuseLog,
    Handover,
    Negotiation,
    PaymentPlan,
    PromiseToPay,
    WriteOff,
)
from arrears.apps.negotiation.presentation import NO_STATS
from arrears.domain.excuses import CATALOGUE, Excuse
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()


def _run(*args: str, as_: Any = "admin") -> str:
    return terminal.run(*args, as_=as_)


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


def test_promise_command_refuses_a_malformed_part(w):
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
    assert "waiting for approval" in out
    queue = _run("approve", "--as-of", DAY)
    approval = Approval.objects.get()
    assert f"A{approval.pk}" in queue
    with pytest.raises(CommandError, match="only credit managers may approve"):
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
    assert f"say: {CATALOGUE[Excuse.NO_MONEY].answer}" in said
    log = ExcuseLog.objects.get()
    assert (log.excuse, log.by, log.next_action_on) == ("no_money", w.cora, date(2026, 11, 26))
    assert Action.objects.filter(case=w.case, step_code="excuse_ask_plan").exists()
    _run("writeoff", w.debtor.code, "--reason", "insolvent", "--user", "cora", "--as-of", DAY)
    wo = WriteOff.objects.get()
    assert (wo.status, wo.reason, wo.requested_by) == ("requested", "insolvent", w.cora)
    assert sorted(wo.parts.values_list("item__number", "amount_minor")) == [
        ("INV-NEW", 400_00),
        ("INV-OLD", 479_50),  # the disputed 120.50 stays with its dispute
    ]
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
    w.refresh()
    assert w.debtor.owner == w.lena
    assert Handover.objects.get(case=w.case).to_owner == w.lena
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
    assert "promise record: 1 promise:" in out


def _promise(w, day=DAY, part="2026-11-27:300"):
    return _run(
        "promise",
        w.debtor.code,
        "--part",
        part,
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        day,
    )


def test_desk_writes_dated_after_today_are_refused(w, monkeypatch):
    monkeypatch.setattr(cli, "today", lambda: date(2026, 11, 25))
    want = cli.AFTER_TODAY.format(day=date(2026, 11, 26), today=date(2026, 11, 25))
    with pytest.raises(CommandError) as got:
        _promise(w, day="2026-11-26")
    assert str(got.value) == want
    assert not PromiseToPay.objects.exists()


def test_desk_writes_dated_before_the_last_run_are_refused(w, monkeypatch):
    monkeypatch.setattr(cli, "today", lambda: date(2026, 12, 31))
    for code, args in [
        ("promise", ["--part", "2026-11-27:300", "--contact", "X"]),
        ("propose", ["--first", "2026-11-27:300", "--contact", "X"]),
        ("plan", ["--first-due", "2026-12-01", "--count", "2"]),
        ("writeoff", ["--reason", "x"]),
        ("dispute", ["--part", "INV-OLD:1", "--reason", "quality"]),
        ("excuse", ["no_money"]),
    ]:
        with pytest.raises(CommandError) as got:
            _run(code, w.debtor.code, *args, "--user", "cora", "--as-of", "2026-11-24")
        assert str(got.value) == cli.BEFORE_RUN.format(
            day=date(2026, 11, 24), last=AS_OF, company=w.company.code
        )
    assert not (PromiseToPay.objects.exists() or Negotiation.objects.exists())
    assert not (PaymentPlan.objects.exists() or WriteOff.objects.exists())
    assert not (Dispute.objects.exists() or ExcuseLog.objects.exists())


def test_promise_cancel_command_withdraws_a_standing_promise(w):
    _promise(w)
    p = PromiseToPay.objects.get()
    out = _run(
        "promise-cancel",
        str(p.pk),
        "--reason",
        "replaced by a plan",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    p.refresh_from_db()
    assert p.state == "cancelled" and "cancelled" in out


def test_withdraw_commands_take_back_a_plan_a_negotiation_and_a_write_off(w):
    _run(
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
    plan = PaymentPlan.objects.get()
    _run(
        "plan-withdraw", str(plan.pk), "--reason", "pays in full", "--user", "cora", "--as-of", DAY
    )
    plan.refresh_from_db()
    assert plan.status == "withdrawn"
    _run(
        "propose",
        w.debtor.code,
        "--first",
        "2026-12-07:1000",
        "--contact",
        "X",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    _run(
        "negotiation-close",
        w.debtor.code,
        "--reason",
        "no answer",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert Negotiation.objects.get().status == "closed"
    _run("writeoff", w.debtor.code, "--reason", "insolvent", "--user", "cora", "--as-of", DAY)
    wo = WriteOff.objects.get()
    _run("writeoff-cancel", str(wo.pk), "--reason", "paid", "--user", "cora", "--as-of", DAY)
    wo.refresh_from_db()
    assert wo.status == "withdrawn"
    _run("writeoff", w.debtor.code, "--reason", "insolvent", "--user", "cora", "--as-of", DAY)
    a = Approval.objects.get(status="requested")
    _run("approval-withdraw", str(a.pk), "--reason", "paid", "--user", "cora", "--as-of", DAY)
    a.refresh_from_db()
    assert a.status == "withdrawn"


def test_the_approval_queue_shows_a_write_off_s_amount_items_and_reason(w):
    _run(
        "writeoff",
        w.debtor.code,
        "--reason",
        "insolvent",
        "--part",
        "INV-OLD:250",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    _run(
        "plan",
        w.debtor.code,
        "--first-due",
        "2027-03-01",
        "--count",
        "4",
        "--item",
        "INV-NEW",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    queue = _run("approve")
    assert "write off EUR 250.00 on INV-OLD EUR 250.00; reason: insolvent" in queue
    assert "plan EUR 400.00 on INV-NEW" in queue
    assert "first payment EUR 100.00 on 2027-03-01; total EUR 400.00, last payment 2027-06-01" in (
        queue
    )


def test_excuse_list_shows_each_follow_up_and_its_delay(w):
    out = _run("excuse", "--list")
    assert "now: send a copy of the invoice (send_invoice_copy)\n  then: call back" in out
    assert "then: ask for a payment plan (ask_plan) in 1 business day\n" in out + "\n"


def test_commands_use_the_debtor_s_only_case_whatever_its_currency(w):
    usd = factories.debtor(w.company, owner=w.cora, code="D-USD")
    factories.item(usd, due=AS_OF, amount=500_00, number="US-1", currency="USD")
    Case.objects.create(company=w.company, debtor=usd, currency="USD", opened_on=AS_OF)
    _run("excuse", "D-USD", "no_money", "--user", "cora", "--as-of", DAY)
    assert ExcuseLog.objects.get().case.currency == "USD"


def test_excuse_stats_says_so_when_no_window_has_closed_yet(w):
    _run("excuse", w.debtor.code, "no_money", "--user", "cora", "--as-of", DAY)
    out = _run("excuse", "--stats", "--as-of", DAY)
    assert out.strip() == NO_STATS.format(days=30, cutoff=date(2026, 10, 26), as_of=AS_OF)
    later = _run("excuse", "--stats", "--as-of", "2026-12-26")
    assert later.startswith("no money (no_money)") and "cases      1" in later
