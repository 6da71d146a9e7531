from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.apps.common.bulk import insert_frame, read_frame, update_frame
from arrears.apps.ledger.models import OpenItem
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA = {"id": pl.Int64(), "number": pl.String(), "due_date": pl.Date(), "step": pl.Int32()}
SQL = "SELECT id, number, due_date, step FROM ledger_openitem WHERE company_id = %s ORDER BY id"


def test_read_frame_returns_typed_columns_on_either_database():
    c = factories.company()
    d = factories.debtor(c)
    factories.item(d, due=date(2026, 1, 31), number="A1")
    frame = read_frame(SQL, [c.pk], SCHEMA)
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame["number"].to_list() == ["A1"]
    assert frame["due_date"].to_list() == [date(2026, 1, 31)]
    assert frame["step"].to_list() == [None]


def test_read_frame_of_nothing_is_an_empty_typed_frame():
    frame = read_frame(SQL, [-1], SCHEMA)
    assert frame.height == 0 and frame.schema == pl.Schema(SCHEMA)


def test_update_frame_sets_columns_by_key_and_leaves_other_rows_alone():
    c = factories.company()
    d = factories.debtor(c)
    a = factories.item(d, due=date(2026, 1, 31))
    b = factories.item(d, due=date(2026, 2, 28))
    update_frame(
        "ledger_openitem",
        pl.DataFrame({"id": [a.pk], "step": [3], "step_on": [date(2026, 3, 1)]}),
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.step, a.step_on) == (3, date(2026, 3, 1))
    assert (b.step, b.step_on) == (None, None)


def test_insert_frame_appends_rows_with_nulls_and_dates():
    c = factories.company()
    d = factories.debtor(c)
    frame = pl.DataFrame(
        {
            "company_id": [c.pk],
            "debtor_id": [d.pk],
            "number": ["X-1"],
            "kind": ["invoice"],
            "issue_date": [date(2026, 1, 1)],
            "due_date": [date(2026, 1, 31)],
            "currency": ["EUR"],
            "original_minor": [12345],
            "open_minor": [12345],
            "payment_terms": [""],
            "excluded_minor": [0],
            "strategy_code": [""],
            "step": [None],
            "step_on": [None],
        },
        schema_overrides={"step": pl.Int16, "step_on": pl.Date},
    )
    assert insert_frame("ledger_openitem", frame) == 1
    item = OpenItem.objects.get(number="X-1")
    assert item.due_date == date(2026, 1, 31) and item.step is None
