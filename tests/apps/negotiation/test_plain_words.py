"""What a collector or a credit manager reads is plain words: `arrears explain`, the desk's
history lines and the desk commands say every stored code (states, reasons, excuses, kinds,
limits) in words, never print None, and show a dispute's amounts and items; the machine
formats (the CSV of negotiation-history, the JSON of a case event) keep the codes."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from arrears.apps.cases.models import Case, CaseEvent
from arrears.apps.cases.presentation import say
from arrears.apps.negotiation.models import (
    Approval,
    DecisionStatus,
    HandoverTarget,
    PaymentPlan,
    PromiseToPay,
)
from arrears.apps.negotiation.presentation import describe_desk_event
from arrears.apps.negotiation.selectors import events_facts
from arrears.apps.negotiation.services import (
    approval_decide,
    case_ensure,
    case_handover,
    dispute_open,
    excuse_log,
    negotiation_propose,
    plan_create,
    promise_create,
    writeoff_request,
)
from arrears.apps.negotiation.services.balances import negotiation_balance
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.disputes import DisputeReason
from arrears.domain.excuses import Excuse
from arrears.domain.negotiation.terms import Terms
from arrears.domain.promises import PromiseChannel
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, eur, pay
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b(?!\.csv)")  # a file to put is named as it is
LATER = AS_OF + timedelta(days=12)


def _run(*args: str, as_: Any = "admin") -> str:
    return terminal.run(*args, as_=as_)


def _grant_all(w, on: date) -> None:
    for a in Approval.objects.filter(status=DecisionStatus.REQUESTED).exclude(kind="terms"):
        approval_decide(approval=a, actor=w.maria, approve=True, reason="ok", as_of=on)


def _debtor_with_a_case(w, amount_minor: int = 1000_00):
    d = factories.debtor(w.company, owner=w.cora)
    factories.item(d, due=AS_OF - timedelta(days=25), amount=amount_minor)
    return d, case_ensure(debtor=d, currency="EUR", on=AS_OF)


def _full_negotiation(w) -> dict[str, object]:
    """A promise partly kept, a dispute, an excuse, proposals up to one needing approval, a
    plan whose down payment is missed, and a case written off."""
    whole = negotiation_balance(w.case, AS_OF)
    for days in (20, 20):
        negotiation_propose(
            case=w.case,
            actor=w.cora,
            proposal=Terms.single(AS_OF + timedelta(days), whole),
            proposed_by="Mr Weber",
            as_of=AS_OF,
        )
    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(AS_OF + timedelta(days=3), eur("400"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=AS_OF,
        item_numbers=["INV-NEW"],
    )
    dispute = dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("120"))],
        reason=DisputeReason.WRONG_PRICE,
        as_of=AS_OF,
        deadline=date(2026, 12, 21),
    )
    excuse_log(
        case=w.case, actor=w.cora, excuse=Excuse.GOODS_PROBLEM, as_of=AS_OF, contact="Mr Weber"
    )
    planned, plan_case = _debtor_with_a_case(w)
    plan = plan_create(
        case=plan_case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(
            due_dates=[AS_OF + timedelta(days=30), AS_OF + timedelta(days=60)],
            down_payment=eur("200"),
        ),
    )
    gone, gone_case = _debtor_with_a_case(w, 300_00)
    wo = writeoff_request(case=gone_case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    _grant_all(w, AS_OF)
    pay(w.new, 100_00, AS_OF + timedelta(days=2))
    run_as_admin(company=w.company, as_of=LATER)
    return {"dispute": dispute, "plan": plan, "planned": planned, "gone": gone, "write_off": wo}


def test_say_puts_codes_in_words_with_the_nicer_word_where_there_is_one():
    assert say("wrong_price") == "wrong price"
    assert say("good_standing") == "in good standing"
    assert say("partly_kept") == "partly kept"
    assert say("first_payment_too_late") == "first payment too late"
    assert say("needs_approval") == "needs approval"
    assert say("approval_requested") == "approval requested"
    assert say("write_off") == "write-off"
    assert say("goods_problem") == "problem with the goods"
    assert say("excuse_propose_set_off") == "propose a set-off"
    assert say(None) == ""


def test_no_raw_codes_in_explain_after_a_full_negotiation(w):
    made = _full_negotiation(w)
    assert PromiseToPay.objects.get().state == "partly_kept"
    assert PaymentPlan.objects.get().status == "defaulted"
    for debtor in (w.debtor, made["planned"], made["gone"]):
        out = _run("explain", debtor.code)
        for line in out.splitlines():
            assert not CODE.search(line), line
            assert "None" not in line, line


def test_explain_names_dispute_reasons_and_amounts_in_words(w):
    d = _full_negotiation(w)["dispute"]
    out = _run("explain", w.debtor.code)
    assert (
        f"dispute D{d.pk}: EUR 120.00 on INV-OLD (wrong price), owner cora, "
        "deadline 2026-12-21, open"
    ) in out
    assert (
        f"dispute: dispute D{d.pk} opened: EUR 120.00 on INV-OLD (wrong price), owner cora, "
        "deadline 2026-12-21"
    ) in out


def test_explain_says_a_proposal_once_with_the_engine_s_answer_in_words(w):
    _full_negotiation(w)
    out = _run("explain", w.debtor.code)
    assert "negotiation: negotiation:" not in out
    assert "negotiation: debtor proposed EUR" in out
    assert "engine: needs approval (" in out
    assert "recorded proposal, approval requested" in out


def test_explain_says_promise_states_and_excuses_in_words(w):
    _full_negotiation(w)
    out = _run("explain", w.debtor.code)
    assert "EUR 400.00, partly kept" in out
    assert "excuse 2026-11-25: problem with the goods (Mr Weber)" in out
    assert (
        "excuse: problem with the goods (Mr Weber); the prepared answer given; follow-up: open a "
        "dispute" in out
    )


def test_a_missed_down_payment_reads_as_the_down_payment(w):
    made = _full_negotiation(w)
    out = _run("explain", made["planned"].code)
    plan = made["plan"]
    assert f"plan PL{plan.pk} defaulted on " in out
    assert "(down payment missed)" in out and "instalment 0" not in out
    assert "next action: defaulted plan follow-up on" in out


def test_a_written_off_case_names_its_write_off(w):
    made = _full_negotiation(w)
    out = _run("explain", made["gone"].code)
    wo = made["write_off"]
    assert f"closed as written off (write-off W{wo.pk})" in out
    assert f"write-off: write-off W{wo.pk} requested: insolvent" in out
    assert "(write-off) granted by maria" in out
    assert "last step: none (the ladder took no step)" in out


def test_a_handed_over_case_that_never_stepped_says_so_without_none(w):
    d, case = _debtor_with_a_case(w)
    case_handover(
        case=case,
        actor=w.maria,
        to=HandoverTarget.LEGAL,
        new_owner=w.lena,
        reason="sue",
        as_of=AS_OF,
    )
    out = _run("explain", d.code)
    assert "ladder stopped before its first step" in out
    assert "None" not in out and "(no step)" not in out


def test_a_case_without_a_step_or_anything_overdue_says_so(w):
    d = factories.debtor(w.company, owner=w.cora)
    factories.item(d, due=AS_OF + timedelta(days=20), amount=100_00)
    case_ensure(debtor=d, currency="EUR", on=AS_OF)
    out = _run("explain", d.code)
    assert "nothing overdue" in out and "step: none yet" in out
    assert "None" not in out


def test_negotiation_history_speaks_words_while_the_csv_keeps_the_codes(w):
    _full_negotiation(w)
    out = _run("negotiation-history", w.debtor.code)
    assert "approval requested" in out and "first payment too late" in out
    assert not any(CODE.search(line) for line in out.splitlines())
    csv = _run("negotiation-history", w.debtor.code, "--csv")
    assert "approval_requested" in csv


def test_every_desk_event_reads_without_codes(w):
    _full_negotiation(w)
    events = list(CaseEvent.objects.all())
    facts = events_facts(events)
    for e in events:
        said = describe_desk_event(e, facts)
        if said is not None:
            assert not CODE.search(said), said
            assert "None" not in said, said
    e = CaseEvent.objects.filter(reason__rule="dispute_opened").first()
    assert e is not None and e.reason["reason"] == "wrong_price"  # the stored JSON keeps codes


def test_desk_commands_answer_in_words(w):
    day = AS_OF.isoformat()
    out = _run(
        "dispute",
        w.debtor.code,
        "--part",
        "INV-OLD:120.00",
        "--reason",
        "wrong_price",
        "--user",
        "cora",
        "--as-of",
        day,
    )
    assert "open: EUR 120.00 on INV-OLD (wrong price), owner cora" in out
    out = _run("excuse", w.debtor.code, "goods_problem", "--user", "cora", "--as-of", day)
    assert "next: open a dispute on " in out
    assert not CODE.search(out)
    assert Case.objects.filter(pk=w.case.pk).exists()
