"""The tables the daily run fills in bulk keep an index for every way they are read, and none
besides (issue #13 §6: each index is one more write per row a first run adds, 113,040 cases and
213,130 events at a million items). A case is read by company (the worklist, the run: the
company-led indexes) and by debtor (the unique debtor-and-currency index); an event by case; a
run's actions by run (the outbox). Nothing reads a case by its driving item, nor an event by
its run or its person."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> set[tuple[str, ...]]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, table)
    return {
        tuple(c["columns"])
        for c in found.values()
        if (c["index"] or c["unique"]) and not c["primary_key"]
    }


def test_a_case_is_found_by_company_and_by_debtor_through_indexes_led_by_them():
    have = _indexes("cases_case")
    assert ("debtor_id", "currency") in have
    assert ("company_id", "status", "next_action_on") in have
    assert ("company_id", "status", "currency") in have


def test_no_case_index_repeats_the_lead_of_another_or_serves_no_read():
    have = _indexes("cases_case")
    assert not have & {("company_id",), ("debtor_id",), ("driving_item_id",)}


def test_events_are_indexed_by_case_only():
    assert _indexes("cases_caseevent") == {("case_id",)}


def test_a_run_s_actions_stay_indexed_by_run_for_the_outbox():
    assert ("run_id",) in _indexes("cases_action")
    assert ("case_id",) in _indexes("cases_action")
