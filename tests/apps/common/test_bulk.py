from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.apps.common.bulk import insert_frame, read_frame, update_frame
from arrears.apps.ledger.models import Debtor, OpenItem
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA = {
    "id": pl.Int64(),
    "number": pl.String(),
    "due_date": pl.Date(),
    "step": pl.Int32(),
    "held": pl.Boolean(),
}
SQL = (
    "SELECT i.id, i.number, i.due_date, s.step, d.manual_hold AS held FROM ledger_openitem i "
    "JOIN ledger_debtor d ON d.id = i.debtor_id "
    "LEFT JOIN cases_itemstep s ON s.item_id = i.id WHERE i.company_id = %s ORDER BY i.id"
)


def test_read_frame_returns_typed_columns_on_either_database():
    c = factories.company()
    d = factories.debtor(c)
    factories.item(d, due=date(2026, 1, 31), number="A1")
    frame = read_frame(SQL, [c.pk], SCHEMA)
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame["number"].to_list() == ["A1"]
    assert frame["due_date"].to_list() == [date(2026, 1, 31)]
    assert frame["step"].to_list() == [None]
    assert frame["held"].to_list() == [False]


def test_read_frame_keeps_the_query_order_and_every_value_exactly():
    c = factories.company()
    d = factories.debtor(c)
    names = ['Quote "and" comma, Ltd', "back\\slash\nnew line", "Zürich 北京", "[1, 2]", "x"]
    for n, number in enumerate(reversed(names)):
        factories.item(d, due=date(2026, 1, 1 + n), number=number)
    frame = read_frame(SQL + " DESC", [c.pk], SCHEMA)
    assert frame["number"].to_list() == names
    assert frame["due_date"].to_list() == [date(2026, 1, 5 - n) for n in range(5)]
    big = read_frame(
        "SELECT 9007199254740993 AS id, -4611686018427387904 AS minor",
        [],
        {"id": pl.Int64(), "minor": pl.Int64()},
    )
    assert big.rows() == [(9007199254740993, -4611686018427387904)]


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
        pl.DataFrame({"id": [a.pk], "open_minor": [7], "due_date": [date(2026, 3, 1)]}),
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.open_minor, a.due_date) == (7, date(2026, 3, 1))
    assert (b.open_minor, b.due_date) == (100_00, date(2026, 2, 28))


def test_insert_frame_appends_rows_with_nulls_and_dates():
    c = factories.company()
    frame = pl.DataFrame(
        {
            "company_id": [c.pk],
            "code": ["N1"],
            "name": ['Quote "and" comma, Ltd'],
            "registration_number": [""],
            "vat_number": [""],
            "country": ["DE"],
            "language": ["de"],
            "parent_id": [None],
            "credit_limit_minor": [None],
            "risk_tier": ["low"],
            "owner_id": [None],
            "manual_hold": [True],
        },
        schema_overrides={
            "parent_id": pl.Int64,
            "credit_limit_minor": pl.Int64,
            "owner_id": pl.Int64,
        },
    )
    assert insert_frame("ledger_debtor", frame) == 1
    debtor = Debtor.objects.get(code="N1")
    assert debtor.name == 'Quote "and" comma, Ltd' and debtor.manual_hold
    assert (debtor.credit_limit_minor, debtor.owner_id, debtor.parent_id) == (None, None, None)
    item = factories.item(debtor, due=date(2026, 1, 31))
    assert OpenItem.objects.get(pk=item.pk).due_date == date(2026, 1, 31)


def test_statistics_refresh_gives_the_planner_the_table_as_it_is_on_either_database():
    from django.db import connection

    from arrears.apps.common.bulk import is_postgres, statistics_refresh

    c = factories.company()
    d = factories.debtor(c)
    for n in range(3):
        factories.item(d, due=date(2026, 1, 1 + n))
    statistics_refresh(["ledger_openitem"])
    with connection.cursor() as cur:
        if is_postgres():
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'ledger_openitem'")
        else:
            cur.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'ledger_openitem'")
        (seen,) = cur.fetchone()
    assert seen > 0
