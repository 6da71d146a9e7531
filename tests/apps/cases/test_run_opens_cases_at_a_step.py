"""A case the daily run opens at its first step is one event, not an opening and a step
(issue #13 §6: a first run opens every case at once, 113,040 at a million items, and wrote
twice as many events): `explain`, the case page and the desk's features read it as they read
the two events, which a history written before still holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Case, CaseEvent
from arrears.apps.cases.presentation import event_lines, history_lines
from arrears.apps.cases.propensity import step_events
from arrears.apps.cases.selectors import case_explain
from arrears.apps.cases.services import strategies_install_defaults
from tests import factories
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def w():
    """acme (cora's debtor D1 20 days overdue, high risk: the final notice at once; D2 not yet
    due) and globex (olga's debtor, overdue too), each with the default ladders."""
    made = {}
    for code, person in (("acme", "cora"), ("globex", "olga")):
        c = factories.company(code)
        strategies_install_defaults(actor=admin(), company=c)
        owner = factories.collector(person, c)
        d = factories.debtor(c, code="D1", owner=owner, risk_tier="high")
        factories.item(d, due=AS_OF - timedelta(days=20), amount=1234_56)
        made[code] = c
    later = factories.debtor(made["acme"], code="D2", owner=factories.collector("carl"))
    factories.item(later, due=AS_OF + timedelta(days=30), amount=50_00)
    return made


def _events(company, code):
    return list(CaseEvent.objects.filter(case__company=company, case__debtor__code=code))


def test_a_case_opened_at_its_first_step_is_one_event_with_both_facts(w):
    result = run_as_admin(company=w["acme"], as_of=AS_OF)
    (e,) = _events(w["acme"], "D1")
    assert (e.kind, e.from_step, e.to_step, e.took_step) == ("opened", "", "final_notice", True)
    assert e.reason["open_minor"] == 1234_56
    assert e.reason["rule"] == "ladder" and e.reason["strategy"] == "high_risk"
    assert e.reason["inputs"]["days_past_due"] == 20
    assert result.counts["cases_opened"] == 2  # D1 and D2
    assert result.counts["case_steps_changed"] == 1  # D1 took its first step


def test_a_case_opened_at_no_step_yet_is_an_opening_alone(w):
    run_as_admin(company=w["acme"], as_of=AS_OF)
    (e,) = _events(w["acme"], "D2")
    assert (e.kind, e.to_step, e.took_step) == ("opened", "", False)
    assert e.reason == {"rule": "balance", "open_minor": 50_00}


def test_explain_reads_the_one_event_as_the_opening_then_the_step(w):
    run = run_as_admin(company=w["acme"], as_of=AS_OF)
    (ex,) = case_explain(actor=admin(), company=w["acme"], debtor_code="D1")
    opening, step = history_lines(ex)
    assert opening == f"{AS_OF} opened (run {run.run_id}): case opened: EUR 1,234.56 open"
    assert step.startswith(f"{AS_OF} step no step -> final notice (run {run.run_id}): jump ladder")
    assert "20 days past due" in step


def test_a_history_written_as_an_opening_and_a_step_reads_as_the_one_event(w):
    run_as_admin(company=w["acme"], as_of=AS_OF)
    (e,) = _events(w["acme"], "D1")
    (ex,) = case_explain(actor=admin(), company=w["acme"], debtor_code="D1")
    before = [  # the same facts as two events, as a run wrote them before
        CaseEvent(
            case=e.case,
            run_id=e.run_id,
            on=e.on,
            kind="opened",
            reason={"rule": "balance", "open_minor": e.reason["open_minor"]},
        ),
        CaseEvent(
            case=e.case,
            run_id=e.run_id,
            on=e.on,
            kind="step",
            to_step=e.to_step,
            reason={k: v for k, v in e.reason.items() if k != "open_minor"},
        ),
    ]
    assert [line for old in before for line in event_lines(old, ex.items)] == event_lines(
        e, ex.items
    )
    assert [old.took_step for old in before] == [False, True]


def test_the_desk_s_features_read_the_rung_the_case_opened_at(w):
    run_as_admin(company=w["acme"], as_of=AS_OF)
    run_as_admin(company=w["globex"], as_of=AS_OF)
    d1 = Case.objects.get(company=w["acme"], debtor__code="D1").debtor_id
    steps = step_events(company_id=w["acme"].pk)
    assert set(steps["debtor_id"]) == {d1, Case.objects.get(debtor__code="D2").debtor_id}
    (rung,) = steps.filter(debtor_id=d1)["step"].to_list()
    assert rung > 0  # the final notice's rung of the high-risk ladder, not 0


def test_the_run_writes_one_event_per_new_case_in_each_company(w):
    run_as_admin(company=w["acme"], as_of=AS_OF)
    run_as_admin(company=w["globex"], as_of=AS_OF)
    assert CaseEvent.objects.filter(case__company=w["acme"]).count() == 2
    assert CaseEvent.objects.filter(case__company=w["globex"]).count() == 1
    run_as_admin(company=w["acme"], as_of=AS_OF)  # the same day again: nothing new
    assert CaseEvent.objects.filter(case__company=w["acme"]).count() == 2
