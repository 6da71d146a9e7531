"""Ledger 0012: the items' version token becomes one row per company (each company's existing
one, every token empty), and back to the one row of 0011 when unapplied."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

ONE = [("ledger", "0011_items_version")]
PER_COMPANY = [("ledger", "0012_items_version_per_company")]


def _migrate(to):
    executor = MigrationExecutor(connection)
    executor.migrate(to)
    executor.loader.build_graph()
    return executor.loader.project_state(to).apps


def test_each_company_gets_its_own_token_row_and_unapplying_brings_back_the_one_row():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(ONE)
    try:
        Company = old.get_model("ledger", "Company")
        for code in ("acme", "globex"):
            Company.objects.create(code=code, name=code, currency="EUR", jurisdiction="DE")
        new = _migrate(PER_COMPANY)
        rows = new.get_model("ledger", "ItemsVersion").objects.values_list("company__code", "token")
        assert sorted(rows) == [("acme", ""), ("globex", "")]
        back = _migrate(ONE)
        assert list(
            back.get_model("ledger", "ItemsVersion").objects.values_list("id", "token")
        ) == [(1, "")]
    finally:
        _migrate(latest)
