"""§2 Insist: a silent debtor is pursued up every rung, and the case never ends until paid.

§1 One owner and a dated next action at every moment; §3 act early (a courtesy reminder before
the due date) and hold credit when the debt grows old.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Action, Case
from arrears.apps.cases.services import run_daily, strategies_install_defaults
from arrears.apps.ledger.models import OpenItem
from tests import factories

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 31)


def test_a_silent_debtor_climbs_every_rung_and_the_case_stays_open_until_paid():
    company = factories.company()
    strategies_install_defaults(company=company)
    owner = factories.collector("cora")
    debtor = factories.debtor(company, code="SILENT", owner=owner)
    invoice = factories.item(debtor, due=DUE, amount=1_800_00)

    steps_seen, day = [], DUE - timedelta(days=7)
    while day <= DUE + timedelta(days=150):  # a run every other day; the debtor says nothing
        run_daily(company=company, as_of=day)
        case = Case.objects.get(debtor=debtor)
        assert case.status == "open" and case.next_action_on is not None  # §1, §2
        if not steps_seen or steps_seen[-1] != case.step_code:
            steps_seen.append(case.step_code)
        day += timedelta(days=2)

    # §3: the courtesy reminder went out before the due date, then every rung in order
    assert steps_seen == [
        "",
        "courtesy",
        "reminder",
        "call",
        "firm_demand",
        "final_notice",
        "legal",
    ]
    first = Action.objects.filter(case__debtor=debtor).order_by("due_on").first()
    assert first is not None and first.step_code == "courtesy" and first.due_on < DUE
    assert factories.on_hold(debtor)  # 60 days past due: no more credit
    case = Case.objects.get(debtor=debtor)
    assert case.step_code == "legal" and case.next_action_on is not None  # legal still reviews

    OpenItem.objects.filter(pk=invoice.pk).update(open_minor=0)  # paid in full at last
    run_daily(company=company, as_of=day)
    case.refresh_from_db()
    assert (case.status, case.closed_reason) == ("closed", "paid")
    assert not factories.on_hold(debtor)  # the run lifts the hold it set
