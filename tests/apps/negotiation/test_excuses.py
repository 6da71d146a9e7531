from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.negotiation.models import ExcuseLog
from arrears.apps.negotiation.selectors import excuse_stats
from arrears.apps.negotiation.services import NotAllowed, excuse_log
from arrears.domain.excuses import Excuse
from tests.apps.negotiation.support import AS_OF, pay, refused
from tests.factories import sweep_as_admin

pytestmark = pytest.mark.django_db


def test_an_excuse_suggests_the_answer_and_sets_a_dated_follow_up(w):
    r = excuse_log(
        case=w.case,
        actor=w.cora,
        excuse=Excuse.INVOICE_NOT_RECEIVED,
        as_of=AS_OF,
        contact="Mr Weber",
    )
    assert "I am sending you a copy now" in r.answer.answer
    # the script and the tasks agree: the copy goes out today, the call back in two days
    assert r.now is not None
    assert (r.now.step_code, r.now.due_on, r.now.channel) == (
        "excuse_send_invoice_copy",
        AS_OF,
        "email",
    )
    assert (r.action.step_code, r.action.due_on, r.action.channel) == (
        "excuse_call_back",
        date(2026, 11, 27),
        "phone",
    )
    assert (r.log.answer, r.log.owed_minor) == ("copy_now_pay_in_48_hours", 1000_00)
    assert CaseEvent.objects.get(case=w.case, kind="excuse").reason["excuse"] == (
        "invoice_not_received"
    )


def test_the_same_excuse_logged_twice_on_one_day_is_kept_once(w):
    for _ in range(2):
        excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    assert (
        ExcuseLog.objects.count() == 1
        and Action.objects.filter(step_code="excuse_ask_plan").count() == 1
    )


def test_a_second_collector_may_not_log_an_excuse_on_cora_s_debtor(w):
    with pytest.raises(NotAllowed):
        excuse_log(case=w.case, actor=w.carl, excuse=Excuse.NO_MONEY, as_of=AS_OF)


def test_excuse_statistics_give_the_share_of_cases_paid_within_30_days(w):
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    pay(w.old, 600_00, AS_OF + timedelta(days=10))
    pay(w.new, 400_00, AS_OF + timedelta(days=20))
    stats = excuse_stats(actor=w.cora, company=w.company, as_of=AS_OF + timedelta(days=31))
    row = stats.row(0, named=True)
    assert (row["excuse"], row["answer"], row["cases"], row["paid"], str(row["share_pct"])) == (
        "no_money",
        "part_payment_and_plan",
        1,
        1,
        "100.00",
    )


def test_a_partial_payment_is_not_paid_in_the_excuse_statistics(w):
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF, answer="own_words")
    pay(w.old, 100_00, AS_OF + timedelta(days=10))  # EUR 100 of the EUR 1,000 owed
    stats = excuse_stats(actor=w.cora, company=w.company, as_of=AS_OF + timedelta(days=31))
    row = stats.row(0, named=True)
    assert (row["answer"], row["paid"], str(row["share_pct"])) == ("own_words", 0, "0.00")
    assert (row["owed_minor"], row["recovered_minor"], str(row["recovered_pct"])) == (
        1000_00,
        100_00,
        "10.00",
    )


def test_an_answer_that_is_neither_the_prepared_one_nor_own_words_is_refused(w):
    got = refused(
        "excuse.unknown_answer",
        excuse_log,
        case=w.case,
        actor=w.cora,
        excuse=Excuse.NO_MONEY,
        as_of=AS_OF,
        answer="shouting",
    )
    assert got.figures["answer"] == "shouting" and not ExcuseLog.objects.exists()


def test_excuse_follow_ups_close_when_the_case_has_paid_what_it_owed(w):
    r = excuse_log(case=w.case, actor=w.cora, excuse=Excuse.PAYMENT_IN_PROCESS, as_of=AS_OF)
    other = excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    pay(w.old, 600_00, AS_OF)
    sweep_as_admin(company=w.company, as_of=date(2026, 11, 26))
    r.action.refresh_from_db()
    assert r.action.status == "open"  # EUR 600 of 1,000: not paid yet
    pay(w.new, 400_00, date(2026, 11, 26))
    sweep_as_admin(company=w.company, as_of=date(2026, 11, 26))
    for a in (r.action, other.action):
        a.refresh_from_db()
        assert (a.status, a.cancelled_reason) == ("cancelled", "paid")


def test_excuses_whose_window_is_still_open_are_left_out_of_the_statistics(w):
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    assert excuse_stats(actor=w.cora, company=w.company, as_of=AS_OF + timedelta(days=5)).is_empty()
