"""The run's as-of date: never after today, never before `FIRST_DAY`, and a failed run blocks
neither the next run nor the desk (only finished runs count as "the last run")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError

from arrears.apps.cases import selectors
from arrears.apps.cases.models import Run
from arrears.apps.cases.services import RunRefused, strategies_install_defaults
from arrears.apps.cases.services import run as run_module
from arrears.apps.common import clock
from arrears.apps.negotiation.models import PromiseToPay
from arrears.apps.negotiation.services import promise_create
from arrears.domain.promises import PromiseChannel
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, eur, world
from tests.factories import admin, run_as_admin
from tests.tables import snapshot

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 4)


@pytest.fixture
def w(monkeypatch):
    """The desk's world (a run on AS_OF), a second company with its own collector and case,
    and today fixed at TODAY."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    got = world()
    other = factories.company("other")
    strategies_install_defaults(actor=admin(), company=other)
    debtor = factories.debtor(other, owner=factories.collector("olga", other))
    factories.item(debtor, due=AS_OF - timedelta(days=10))
    run_as_admin(company=other, as_of=AS_OF)
    return got


def _call(*args: str) -> str:
    return terminal.run(*args)


def _promise(w, on: date) -> PromiseToPay:
    return promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(on + timedelta(days=3), eur("100"))],
        given_by="Mr Weber",
        channel=PromiseChannel.PHONE,
        as_of=on,
    )


@pytest.mark.parametrize("day", [TODAY + timedelta(days=1), date(9999, 12, 25), date.max])
def test_a_run_after_today_is_refused_and_writes_nothing(w, day):
    before = snapshot()
    with pytest.raises(RunRefused) as got:
        run_as_admin(company=w.company, as_of=day)
    assert (got.value.code, got.value.figures) == (
        "run.after_today",
        {"as_of": day, "today": TODAY},
    )
    assert (
        str(got.value)
        == f"the as-of date {day} is after today ({TODAY}): a run judges days that have happened"
    )
    assert snapshot() == before


def test_the_run_command_refuses_a_far_future_date_and_the_desk_stays_open(w):
    token = terminal.token_for("admin")
    before = snapshot()
    with pytest.raises(CommandError, match="after today"):
        terminal.run("run", "--as-of", "9999-12-31", "--company", "acme", token=token)
    assert snapshot() == before
    _promise(w, AS_OF + timedelta(days=1))  # the desk still takes writes after the last run


def test_a_run_before_the_first_day_is_refused_on_a_new_database(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w = world(run=False)
    factories.company("other")
    before = snapshot()
    for day in (date(1, 6, 1), date.min, date(1899, 12, 31)):
        with pytest.raises(RunRefused) as got:
            run_as_admin(company=w.company, as_of=day)
        assert got.value.code == "run.too_early"
        assert got.value.figures == {"as_of": day, "first": date(1900, 1, 1)}
        assert "no ledger goes back that far" in str(got.value)
    assert snapshot() == before


def test_a_failed_run_blocks_neither_the_next_run_nor_the_desk(w, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    failed_on = AS_OF + timedelta(days=5)
    with monkeypatch.context() as m:
        m.setattr(run_module, "decide", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            run_as_admin(company=w.company, as_of=failed_on)
    failed = Run.objects.get(company=w.company, as_of=failed_on)
    assert failed.status == "failed"
    # the desk dates writes after the last *finished* run, not after the failed one
    assert _promise(w, AS_OF + timedelta(days=1)).pk
    # and the next run may still be dated before the failed one
    assert run_as_admin(company=w.company, as_of=AS_OF + timedelta(days=2)).run_id
    assert selectors.last_run(company=w.company).as_of == AS_OF + timedelta(days=2)


def test_the_desk_counts_finished_runs_only_as_the_run_does(w):
    """One definition of the last run: a run still going or failed never bounds the desk."""
    for status, day in (
        ("failed", AS_OF + timedelta(days=6)),
        ("running", AS_OF + timedelta(days=7)),
    ):
        Run.objects.create(
            company=w.company, as_of=day, status=status, started_at="2026-11-30T10:00:00Z"
        )
    assert _promise(w, AS_OF + timedelta(days=1)).pk
    assert selectors.last_run(company=w.company).as_of == AS_OF
