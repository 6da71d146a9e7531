"""Migration 0005 parses the old `Case.next_action` string once into typed columns, queues
open letters and emails, and cancels what was left open on closed cases."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2026, 11, 25)


def _leaves(cases: str) -> list[tuple[str, str]]:
    """Every app at its latest migration that does not need a later one of cases, the cases
    app at `cases` (ledger 0005 needs cases 0007, which carried its columns over first)."""
    graph = MigrationExecutor(connection).loader.graph
    too_new = set(graph.backwards_plan(("cases", cases))) - {("cases", cases)}
    out = []
    for node in graph.leaf_nodes():
        if node[0] == "cases":
            out.append(("cases", cases))
            continue
        while node is not None and too_new & set(graph.forwards_plan(node)):
            # an app whose first migration needs a later one of cases is left out altogether
            node = next((p.key for p in graph.node_map[node].parents if p.key[0] == node[0]), None)
        if node is not None:
            out.append(node)
    return out


def _migrate(to):
    executor = MigrationExecutor(connection)
    executor.migrate(to)
    executor.loader.build_graph()
    return executor.loader.project_state(to).apps


def test_the_old_next_action_strings_become_typed_columns_and_stale_actions_end():
    old = _migrate(_leaves("0004_agency_role"))
    try:
        Company = old.get_model("ledger", "Company")
        Debtor = old.get_model("ledger", "Debtor")
        Strategy = old.get_model("cases", "Strategy")
        Case = old.get_model("cases", "Case")
        Action = old.get_model("cases", "Action")
        co = Company.objects.create(code="acme", name="Acme", currency="EUR", jurisdiction="DE")
        s = Strategy.objects.create(company=co, code="default", name="D", mode="sequential")
        s.steps.create(
            position=0,
            code="reminder",
            name="R",
            min_days_past_due=1,
            channel="email",
            role="collector",
        )
        s.steps.create(
            position=1,
            code="call",
            name="C",
            min_days_past_due=10,
            channel="phone",
            role="collector",
        )

        def case(code, next_action, **kw):
            d = Debtor.objects.create(company=co, code=code, name=code)
            return Case.objects.create(
                company=co,
                debtor=d,
                currency="EUR",
                opened_on=DAY,
                strategy_code="default",
                step_code=kw.pop("step_code", "reminder"),
                next_action=next_action,
                next_action_on=DAY,
                **kw,
            )

        climb = case("A", "step:call")
        review = case("B", "review:reminder")
        do = case("C", "do:promise_follow_up")
        Action.objects.create(
            case=do,
            step_code="promise_follow_up",
            channel="phone",
            role="credit_manager",
            due_on=DAY,
            status="open",
        )
        letter = Action.objects.create(
            case=climb,
            step_code="reminder",
            channel="email",
            role="collector",
            due_on=DAY,
            status="open",
        )
        closed = case("D", "", status="closed", closed_reason="paid", closed_on=DAY)
        stale = Action.objects.create(
            case=closed,
            step_code="call",
            channel="phone",
            role="collector",
            due_on=DAY,
            status="open",
        )
        new = _migrate(_leaves("0005_action_life"))
        Case = new.get_model("cases", "Case")
        Action = new.get_model("cases", "Action")
        cols = [
            "next_action_kind",
            "next_action_step_code",
            "next_action_channel",
            "next_action_role",
        ]
        got = {c.pk: tuple(getattr(c, f) for f in cols) for c in Case.objects.all()}
        assert got[climb.pk] == ("step", "call", "phone", "collector")
        assert got[review.pk] == ("review", "review", "task", "collector")
        assert got[do.pk] == ("call", "promise_follow_up", "phone", "credit_manager")
        assert got[closed.pk] == ("", "", "", "")
        assert Action.objects.get(pk=letter.pk).status == "queued"
        s = Action.objects.get(pk=stale.pk)
        assert (s.status, s.cancelled_reason, s.cancelled_on) == ("cancelled", "case_closed", DAY)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # all the way
