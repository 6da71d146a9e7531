"""§8 Excuses are met with prepared answers: the collector logs the excuse, gets the answer and
a dated follow-up; "problem with the goods" splits off only the disputed part, which escalates
past its deadline; credit managers see which excuses end in payment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.negotiation.selectors import excuse_stats
from arrears.apps.negotiation.services import NotAllowed, dispute_open, excuse_log
from arrears.domain.disputes import DisputeReason
from arrears.domain.excuses import Excuse
from tests.apps.negotiation.support import AS_OF, eur, pay
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db


def test_goods_problem_splits_off_the_disputed_part_and_the_rest_is_collected(w):
    said = excuse_log(
        case=w.case, actor=w.cora, excuse=Excuse.GOODS_PROBLEM, as_of=AS_OF, contact="Mr Weber"
    )
    assert "dispute" in said.answer.answer and said.action.step_code == "excuse_open_dispute"
    dispute = dispute_open(
        case=w.case,
        actor=w.cora,
        parts=[("INV-OLD", eur("150"))],
        reason=DisputeReason.GOODS_DAMAGED,
        as_of=AS_OF,
    )
    run_as_admin(company=w.company, as_of=date(2026, 11, 26))
    w.refresh()
    assert (w.old.excluded_minor, w.new.excluded_minor) == (150_00, 0)
    assert w.case.open_minor == 1000_00 and w.case.status == "open"

    # Nobody resolves it by the deadline: it goes to cora's manager, maria.
    run_as_admin(company=w.company, as_of=date(2026, 12, 10))
    dispute.refresh_from_db()
    assert dispute.escalated_to == w.maria
    assert Action.objects.filter(case=w.case, step_code="dispute_escalation").exists()


def test_invoice_not_received_gets_a_copy_and_a_date_within_two_business_days(w):
    r = excuse_log(case=w.case, actor=w.cora, excuse=Excuse.INVOICE_NOT_RECEIVED, as_of=AS_OF)
    assert r.now is not None and (r.now.due_on, r.now.channel) == (AS_OF, "email")  # the copy
    assert r.action.due_on == date(2026, 11, 27) and r.action.channel == "phone"  # the date
    assert CaseEvent.objects.filter(case=w.case, kind="excuse").count() == 1


def test_credit_managers_learn_which_excuses_end_in_payment(w):
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.PAYMENT_IN_PROCESS, as_of=AS_OF)
    pay(w.new, 400_00, AS_OF + timedelta(days=3))
    pay(w.old, 600_00, AS_OF + timedelta(days=5))  # all of it: a part payment is not "paid"
    stats = excuse_stats(actor=w.cora, company=w.company, as_of=AS_OF + timedelta(days=40))
    assert stats.filter(excuse="payment_in_process")["paid"].to_list() == [1]


def test_carl_cannot_log_an_excuse_on_cora_s_debtor(w):
    with pytest.raises(NotAllowed):
        excuse_log(case=w.case, actor=w.carl, excuse=Excuse.NO_MONEY, as_of=AS_OF)
