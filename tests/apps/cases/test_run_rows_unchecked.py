"""The keys the database no longer checks (`cases.models.RUN_GUARANTEED`, issue #13 §6): the
daily run writes them in bulk and guarantees them itself. A run leaves no row pointing at
nothing and no row pointing into another company; these are exactly the unchecked keys
(every other key is still checked by the database); and deleting through Django still
applies each key's `on_delete`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError

from arrears.apps.cases.models import (
    RUN_GUARANTEED,
    Action,
    Case,
    CaseEvent,
    CreditHold,
    HoldChange,
    ItemStep,
    Run,
)
from arrears.apps.cases.services import run_daily, strategies_install_defaults
from arrears.apps.ledger.models import OpenItem
from arrears.domain.refusal import NotAllowed
from tests import factories
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def w():
    """acme and globex, each with an overdue debtor over its credit limit (held at the first
    run), one who pays everything after the first run (their case closes), and a collector."""
    made = {}
    for code, person in (("acme", "cora"), ("globex", "olga")):
        c = factories.company(code)
        strategies_install_defaults(actor=factories.admin(), company=c)
        who = factories.collector(person, c)
        held = factories.debtor(c, owner=who, credit_limit_minor=10_00)
        factories.item(held, due=AS_OF - timedelta(days=40), amount=500_00)
        factories.item(held, due=AS_OF - timedelta(days=5))
        payer = factories.debtor(c, owner=who)
        paid = factories.item(payer, due=AS_OF - timedelta(days=20))
        made[code] = {"company": c, "collector": who, "held": held, "paid": paid}
    return made


def _orphans(table: str, column: str, target: str) -> int:
    """Rows of `table` whose `column` names no row of `target`."""
    with connection.cursor() as cur:
        cur.execute(
            f'SELECT count(*) FROM "{table}" AS t LEFT JOIN "{target}" AS p '
            f'ON p."id" = t."{column}" WHERE t."{column}" IS NOT NULL AND p."id" IS NULL'
        )
        return int(cur.fetchone()[0])


def _runs_of_days(w) -> None:
    for code in ("acme", "globex"):
        run_as_admin(company=w[code]["company"], as_of=AS_OF)
        OpenItem.objects.filter(pk=w[code]["paid"].pk).update(open_minor=0)  # paid off
    for code in ("acme", "globex"):
        for days in (1, 4, 12):
            run_as_admin(company=w[code]["company"], as_of=AS_OF + timedelta(days=days))


def test_runs_leave_no_row_pointing_at_nothing_in_any_unchecked_key(w):
    _runs_of_days(w)
    # every table with an unchecked key got rows, so the check below checks something
    for model in (ItemStep, CreditHold, Case, CaseEvent, Action, HoldChange):
        assert model.objects.exists(), model.__name__
    assert Case.objects.filter(status="closed").exists()
    assert {(t, c): _orphans(t, c, p) for t, c, p in RUN_GUARANTEED} == {
        (t, c): 0 for t, c, _ in RUN_GUARANTEED
    }


def test_runs_write_only_rows_of_their_own_company(w):
    _runs_of_days(w)
    for code in ("acme", "globex"):
        company = w[code]["company"]
        mine = Case.objects.filter(company=company)
        assert mine.exists()
        assert not mine.exclude(debtor__company=company).exists()
        assert not mine.exclude(driving_item=None).exclude(driving_item__company=company).exists()
        assert (
            not ItemStep.objects.filter(item__company=company)
            .exclude(item__debtor__cases__company=company)
            .exists()
        )
        for model in (CaseEvent, Action):
            rows = model.objects.filter(case__company=company).exclude(run=None)
            assert rows.exists()
            assert not rows.exclude(run__company=company).exists()
        changes = HoldChange.objects.filter(debtor__company=company)
        assert changes.exists()
        assert not changes.exclude(run__company=company).exists()


def test_a_collector_running_the_run_is_refused_and_writes_no_unchecked_row(w):
    with pytest.raises(NotAllowed):
        run_daily(actor=w["acme"]["collector"], company=w["acme"]["company"], as_of=AS_OF)
    for model in (ItemStep, CreditHold, Case, CaseEvent, Action, HoldChange, Run):
        assert not model.objects.exists(), model.__name__


def _unchecked_in_models() -> set[tuple[str, str, str]]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and not field.db_constraint:
                target = field.related_model._meta.db_table
                found.add((model._meta.db_table, field.column, target))
    return found


def test_the_unchecked_keys_are_exactly_those_the_run_guarantees():
    assert _unchecked_in_models() == set(RUN_GUARANTEED)


def _foreign_keys(table: str) -> set[str]:
    with connection.cursor() as cur:
        got = connection.introspection.get_constraints(cur, table)
    return {c["columns"][0] for c in got.values() if c["foreign_key"]}


def test_the_database_checks_every_other_key_and_none_of_the_unchecked():
    for table in {t for t, _, _ in RUN_GUARANTEED}:
        unchecked = {c for t, c, _ in RUN_GUARANTEED if t == table}
        checked = _foreign_keys(table)
        assert not checked & unchecked, table
    # the desk's keys on the same tables stay checked
    assert {"done_by_id"} <= _foreign_keys("cases_action")
    assert {"actor_id"} <= _foreign_keys("cases_caseevent")
    assert {"actor_id"} <= _foreign_keys("cases_holdchange")


def test_a_desk_key_pointing_at_nothing_is_still_refused_by_the_database(w):
    run_as_admin(company=w["acme"]["company"], as_of=AS_OF)
    action = Action.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(done_by_id=987_654)
        connection.check_constraints()  # SQLite and PostgreSQL check deferred keys here


def test_deleting_through_django_still_applies_each_keys_on_delete(w):
    run_as_admin(company=w["acme"]["company"], as_of=AS_OF)
    held = w["acme"]["held"]
    case = Case.objects.get(debtor=held)
    with pytest.raises(ProtectedError):
        held.delete()  # a debtor with a case (PROTECT)
    with pytest.raises(ProtectedError):
        Run.objects.get(company=w["acme"]["company"]).delete()  # a run with its rows (PROTECT)
    driving = case.driving_item
    assert driving is not None and ItemStep.objects.filter(item=driving).exists()
    driving.delete()  # CASCADE to its item step, SET_NULL on the case
    assert not ItemStep.objects.filter(item_id=driving.pk).exists()
    case.refresh_from_db()
    assert case.driving_item_id is None
    actions, events = case.actions.count(), case.events.count()
    assert actions and events
    case.delete()  # CASCADE to its actions and events
    assert not Action.objects.filter(case_id=case.pk).exists()
    assert not CaseEvent.objects.filter(case_id=case.pk).exists()
    assert _orphans("cases_action", "case_id", "cases_case") == 0
