from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.negotiation.models import ExcuseLog
from arrears.apps.negotiation.selectors import excuse_stats
from arrears.apps.negotiation.services import NotAllowed, excuse_log
from arrears.domain.excuses import Excuse
from tests.apps.negotiation.support import AS_OF, pay

pytestmark = pytest.mark.django_db


def test_an_excuse_suggests_the_answer_and_sets_a_dated_follow_up(w):
    r = excuse_log(
        case=w.case,
        actor=w.cora,
        excuse=Excuse.INVOICE_NOT_RECEIVED,
        as_of=AS_OF,
        contact="Mr Weber",
    )
    assert "copy" in r.answer.answer
    assert (r.action.step_code, r.action.due_on, r.action.channel) == (
        "excuse_send_invoice_copy",
        date(2026, 11, 27),
        "email",
    )
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
    pay(w.old, 100_00, AS_OF + timedelta(days=10))
    stats = excuse_stats(actor=w.cora, company=w.company, as_of=AS_OF + timedelta(days=31))
    row = stats.row(0, named=True)
    assert (row["excuse"], row["cases"], row["paid"], str(row["share_pct"])) == (
        "no_money",
        1,
        1,
        "100.00",
    )


def test_excuses_whose_window_is_still_open_are_left_out_of_the_statistics(w):
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    assert excuse_stats(actor=w.cora, company=w.company, as_of=AS_OF + timedelta(days=5)).is_empty()
