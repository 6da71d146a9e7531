"""The desk's dated history the propensity features read (issue #16): the negotiation desk's
promises, disputed items and excuses, and the ladder's step events as rungs, read through
cases' hook (cases sits below negotiation); the worklist reads only its debtors' history,
and another company's never."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.apps.cases.models import Case, CaseEvent, Strategy, StrategyStep
from arrears.apps.cases.propensity import desk_history
from arrears.apps.negotiation.models import Dispute, DisputePart, ExcuseLog, PromiseToPay
from arrears.domain import propensity as P
from tests import factories

pytestmark = pytest.mark.django_db

D = date


def _world():
    acme, rival = factories.company("acme"), factories.company("rival")
    cora = factories.collector("cora", acme)
    factories.collector("olaf", acme)
    factories.collector("rex", rival)
    strategy = Strategy.objects.create(company=acme, code="standard", name="Standard")
    for position, code in enumerate(["reminder", "call", "final"], start=1):
        StrategyStep.objects.create(
            strategy=strategy,
            position=position,
            code=code,
            name=code,
            min_days_past_due=position * 10,
            channel="letter",
            role="collector",
        )
    cases = {}
    for company, code, owner in ((acme, "A", cora), (acme, "B", cora), (rival, "R", None)):
        debtor = factories.debtor(company, code=code, owner=owner)
        item = factories.item(debtor, due=D(2026, 1, 31))
        case = Case.objects.create(
            company=company, debtor=debtor, currency="EUR", opened_on=D(2026, 2, 5)
        )
        cases[code] = (case, item)
        PromiseToPay.objects.create(
            case=case,
            given_on=D(2026, 3, 1),
            channel="phone",
            given_by="the debtor",
            taken_by=cora,
            currency="EUR",
            total_minor=100_00,
            state="broken",
            closed_on=D(2026, 3, 9),
        )
        dispute = Dispute.objects.create(
            case=case,
            reason="goods_damaged",
            owner=cora,
            opened_on=D(2026, 4, 1),
            deadline=D(2026, 5, 1),
            currency="EUR",
            status="resolved",
            resolved_on=D(2026, 4, 20),
        )
        DisputePart.objects.create(dispute=dispute, item=item, amount_minor=50_00)
        ExcuseLog.objects.create(
            case=case,
            excuse="no_money",
            logged_on=D(2026, 3, 15),
            by=cora,
            next_action_on=D(2026, 3, 22),
        )
        for on, kind, to_step in (
            (D(2026, 2, 5), "opened", ""),
            (D(2026, 2, 5), "step", "reminder"),
            (D(2026, 3, 5), "step", "final"),
            (D(2026, 3, 20), "closed", ""),
        ):
            CaseEvent.objects.create(
                case=case, on=on, kind=kind, to_step=to_step, reason={"strategy": "standard"}
            )
    return acme, cases


def test_the_desks_history_is_read_with_its_dates_and_steps_as_rungs():
    acme, cases = _world()
    desk = desk_history(company_id=acme.pk)
    a, b = cases["A"][0].debtor_id, cases["B"][0].debtor_id
    assert desk.promises.rows() == [
        (a, D(2026, 3, 1), "broken", D(2026, 3, 9)),
        (b, D(2026, 3, 1), "broken", D(2026, 3, 9)),
    ]
    assert desk.disputes.select("debtor_id", "item_id", "opened_on", "resolved_on").rows() == [
        (a, cases["A"][1].pk, D(2026, 4, 1), D(2026, 4, 20)),
        (b, cases["B"][1].pk, D(2026, 4, 1), D(2026, 4, 20)),
    ]
    assert desk.excuses.rows() == [(a, D(2026, 3, 15)), (b, D(2026, 3, 15))]
    steps_a = desk.steps.filter(pl.col("debtor_id") == a)
    assert steps_a.select("on", "step").rows() == [
        (D(2026, 2, 5), 0),
        (D(2026, 2, 5), 1),
        (D(2026, 3, 5), 3),  # "final" is the third rung of "standard"
        (D(2026, 3, 20), 0),  # closed
    ]
    assert set(desk.steps["currency"]) == {"EUR"}
    for frame, schema in (
        (desk.promises, P.PROMISES),
        (desk.disputes, P.DISPUTES),
        (desk.excuses, P.EXCUSES),
        (desk.steps, P.STEPS),
    ):
        assert frame.schema == pl.Schema(schema)


def test_only_the_debtors_asked_for_are_read():
    acme, cases = _world()
    a = cases["A"][0].debtor_id
    desk = desk_history(company_id=acme.pk, debtors=("SELECT %s", [a]))
    for frame in (desk.promises, desk.disputes, desk.excuses, desk.steps):
        assert set(frame["debtor_id"]) == {a}


def test_read_into_a_snapshot_the_features_are_those_known_on_the_day():
    acme, cases = _world()
    desk = desk_history(company_id=acme.pk)
    case, item = cases["A"]
    items = pl.DataFrame(
        {
            "item_id": [item.pk],
            "debtor_id": [case.debtor_id],
            "issued_on": [item.issue_date],
            "due_on": [item.due_date],
            "amount_minor": [item.original_minor],
            "currency": ["EUR"],
            "segment": ["medium"],
        }
    )
    payments = pl.DataFrame(
        schema={"item_id": pl.Int64, "paid_on": pl.Date, "amount_minor": pl.Int64}
    )
    on = {
        r["as_of"]: r
        for r in P.snapshots(
            items, payments, [D(2026, 3, 10), D(2026, 4, 10)], desk=desk
        ).iter_rows(named=True)
    }
    march, april = on[D(2026, 3, 10)], on[D(2026, 4, 10)]
    assert (march["debtor_promises_broken"], march["step_reached"], march["disputed"]) == (1, 3, 0)
    assert march["debtor_excuses"] == 0
    assert (april["step_reached"], april["disputed"], april["debtor_excuses"]) == (0, 1, 1)
    assert april["risk_tier"] == 1
