"""The desk commands say codes in words: `propose` (its recommendation, the limits passed, the
steps recorded, what was agreed), `promise` and `plan` (their state), the override refusal;
after an override `propose` gives the collector's choice as the line to say and keeps the
engine's recommendation as a note; `excuse` takes the excuse before or after the options and
lists excuses and follow-ups by label, with the code users type in brackets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management.base import CommandError

from arrears.apps.negotiation.models import ExcuseLog, NegotiationEvent, PaymentPlan
from tests import terminal
from tests.apps.negotiation.support import AS_OF

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()
CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def _run(*args: str, as_: Any = "admin") -> str:
    return terminal.run(*args, as_=as_)


def _propose(w, *args: str) -> str:
    return _run(
        "propose", w.debtor.code, *args, "--contact", "Mr Weber", "--user", "cora", "--as-of", DAY
    )


def test_propose_says_the_recommendation_the_limits_and_the_steps_in_words(w):
    _propose(w, "--first", "2026-12-07:1000")
    out = _propose(
        w, "--first", "2027-01-30:50", "--rest", "2027-12-01:1000", "--instalments", "10"
    )
    assert (
        "recommendation: needs approval — beyond the walk-away point: first payment too late, "
        "first payment too small, plan too long"
    ) in out
    assert "recorded: approval requested" in out
    assert not CODE.findall(out)


def test_propose_says_the_state_of_the_agreed_plan_in_words(w):
    out = _propose(
        w,
        "--first",
        "2026-11-27:400",
        "--rest",
        "2027-01-24:1000",
        "--instalments",
        "2",
        "--override",
        "accept",
        "--reason",
        "agreed with the CFO",
    )
    plan = PaymentPlan.objects.get()
    assert f"agreed: plan PL{plan.pk} recorded (in good standing)" in out
    assert "recorded: override, acceptance" in out
    assert not CODE.findall(out)


def test_an_accepting_override_says_agreed_terms_and_keeps_the_recommendation_as_a_note(w):
    out = _propose(
        w,
        "--first",
        "2026-12-07:1000",
        "--override",
        "accept",
        "--reason",
        "pays reliably",
        "--condition",
        "payment_today",
    )
    script = NegotiationEvent.objects.get(kind="override").script
    assert "recommended: counter — " in out and "recommendation:" not in out
    assert "chosen instead: accept — pays reliably" in out
    assert "say: Agreed: EUR 1,000.00 by " in out
    assert "provided you pay EUR 100.00 today, towards the first payment." in out
    assert script and script not in out
    assert not CODE.findall(out)


def test_a_hold_override_repeats_our_standing_offer_not_the_debtors(w):
    _propose(w, "--first", "2026-12-07:1000")  # countered: our offer now stands
    out = _propose(
        w, "--first", "2026-12-06:1000", "--override", "hold", "--reason", "end of quarter"
    )
    assert "chosen instead: hold — end of quarter" in out
    said = out.split("say: ")[1]
    assert said.startswith("My offer stands: EUR 1,000.00 by ")
    assert "6 December" not in said  # the debtor's date is not our offer


def test_a_hold_override_before_any_offer_of_ours_is_refused(w):
    with pytest.raises(CommandError, match="nothing to hold"):
        _propose(w, "--first", "2026-12-07:1000", "--override", "hold", "--reason", "x")


def test_an_override_beyond_the_walk_away_point_is_refused_in_words(w):
    with pytest.raises(CommandError) as refused:
        _propose(w, "--first", "2027-01-04:1000", "--override", "accept", "--reason", "I like them")
    said = str(refused.value)
    assert "beyond the walk-away point (first payment too late" in said
    assert not CODE.findall(said)


def test_promise_says_its_state_in_words(w):
    out = _run(
        "promise",
        w.debtor.code,
        "--part",
        "2027-01-30:1000.00",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert "(waiting for approval)" in out and "pending_approval" not in out


def test_plan_says_its_state_in_words(w):
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
    plan = PaymentPlan.objects.get()
    assert f"plan PL{plan.pk} (waiting for approval)" in out and "pending_approval" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("no_money", "--user", "cora", "--as-of", DAY),
        ("--user", "cora", "no_money", "--as-of", DAY),
        ("--user", "cora", "--as-of", DAY, "no_money"),
    ],
)
def test_the_excuse_may_come_before_or_after_the_options(w, args):
    out = _run("excuse", w.debtor.code, *args)
    assert ExcuseLog.objects.get().excuse == "no_money"
    assert out.startswith("say: ")


def test_an_unknown_excuse_after_the_options_is_refused(w):
    with pytest.raises(CommandError, match="invalid choice"):
        _run("excuse", w.debtor.code, "--user", "cora", "--as-of", DAY, "no_cash")
    assert not ExcuseLog.objects.exists()


def test_excuse_list_names_excuses_and_follow_ups_in_words_with_their_codes(w):
    out = _run("excuse", "--list")
    assert "no money (no_money): " in out
    assert "then: ask for a payment plan (ask_plan) in 1 business day" in out


def test_excuse_stats_name_excuses_in_words_with_their_codes(w):
    _run("excuse", w.debtor.code, "--user", "cora", "no_money", "--as-of", DAY)
    out = _run("excuse", "--stats", "--as-of", "2026-12-26")
    assert out.startswith("no money (no_money) ") and "cases      1" in out
