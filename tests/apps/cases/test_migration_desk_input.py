"""Cases 0007 / ledger 0005: what the desk's sweep stored on the ERP's item row (the part not
dunned, the breaks that count) moves into cases.ItemDeskInput; cases 0009 / ledger 0006: the
run's credit hold moves off the debtor row into cases.CreditHold; and back when unapplied."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2026, 11, 25)
BEFORE = [("cases", "0006_owner_handoffs"), ("ledger", "0004_broken_promises_per_item")]


def _migrate(to):
    executor = MigrationExecutor(connection)
    executor.migrate(to)
    executor.loader.build_graph()
    return executor.loader.project_state(to).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _items(apps, *rows):
    Company = apps.get_model("ledger", "Company")
    Debtor = apps.get_model("ledger", "Debtor")
    OpenItem = apps.get_model("ledger", "OpenItem")
    out = []
    for code in ("acme", "bolt"):  # a second company's items move as well
        co = Company.objects.create(code=code, name=code, currency="EUR", jurisdiction="DE")
        d = Debtor.objects.create(company=co, code="D1", name="D1", on_hold=code == "bolt")
        for n, (excluded, broken) in enumerate(rows):
            out.append(
                OpenItem.objects.create(
                    company=co,
                    debtor=d,
                    number=f"INV-{n}",
                    issue_date=DAY,
                    due_date=DAY,
                    currency="EUR",
                    original_minor=1000,
                    open_minor=1000,
                    excluded_minor=excluded,
                    broken_promises=broken,
                ).pk
            )
    return out


def test_the_desk_s_inputs_move_off_the_erp_s_item_row_with_their_values():
    old = _migrate(BEFORE)
    try:
        ids = _items(old, (400, 0), (0, 2), (0, 0))
        new = _migrate(_latest())
        rows = new.get_model("cases", "ItemDeskInput").objects.order_by("item_id")
        got = [(r.item_id, r.excluded_minor, r.broken_promises) for r in rows]
        assert got == [
            (ids[0], 400, 0),
            (ids[1], 0, 2),
            (ids[3], 400, 0),
            (ids[4], 0, 2),
        ]  # nothing held back and no break: no row
        held = new.get_model("cases", "CreditHold").objects.values_list("debtor__company__code")
        assert list(held) == [("bolt",)]
        back = _migrate(BEFORE)
        items = back.get_model("ledger", "OpenItem").objects.order_by("id")
        assert [(i.excluded_minor, i.broken_promises) for i in items] == [
            (400, 0),
            (0, 2),
            (0, 0),
        ] * 2
        debtors = back.get_model("ledger", "Debtor").objects.order_by("company__code")
        assert [d.on_hold for d in debtors] == [False, True]
    finally:
        _migrate(_latest())
