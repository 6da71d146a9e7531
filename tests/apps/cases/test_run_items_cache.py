"""The daily run reads the ledger's open items from a file kept by the last run while no item
changed since (`ledger.items_cache`, issue #13 §6), and from the database as soon as one did:
the database itself forgets the file's token on any change to an item (`ItemsVersion`'s
triggers), whoever makes it. The run decides exactly as from the database either way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from arrears.apps.cases import selectors
from arrears.apps.cases.models import Case
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger import items_cache
from arrears.apps.ledger.models import ItemsVersion, OpenItem
from tests import factories
from tests.apps.ledger.import_support import ITEMS_HEADER, csv_file
from tests.factories import import_as_admin, run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def w(settings, tmp_path, monkeypatch):
    """acme and globex with an overdue debtor each; files kept in tmp_path from any size on;
    `reads` counts the run's reads of the ledger's open items from the database."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(items_cache, "CACHE_MIN_ITEMS", 1)
    reads: list[int] = []
    read = selectors._ledger_items

    def counted(company):
        reads.append(company.pk)
        return read(company)

    monkeypatch.setattr(selectors, "_ledger_items", counted)
    made = {"reads": reads, "folder": tmp_path / "cache"}
    for code, person in (("acme", "cora"), ("globex", "olga")):
        c = factories.company(code)
        strategies_install_defaults(actor=factories.admin(), company=c)
        d = factories.debtor(c, code="D1", owner=factories.collector(person, c))
        made[code] = {
            "company": c,
            "old": factories.item(d, due=AS_OF - timedelta(days=40), amount=500_00),
            "new": factories.item(d, due=AS_OF - timedelta(days=5)),
        }
    return made


def _case_open(company) -> int:
    return Case.objects.get(company=company, status="open").open_minor


def _token(company) -> str:
    return ItemsVersion.objects.get(company=company).token


def test_a_second_run_reads_the_kept_file_and_decides_as_from_the_database(w):
    acme = w["acme"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    assert w["reads"] == [acme.pk]
    assert [p.name for p in w["folder"].iterdir()] == [f"open-items-{acme.pk}-{_token(acme)}.arrow"]
    kept = selectors.run_items_stored(company=acme)
    assert w["reads"] == [acme.pk]  # from the file
    w["folder"].joinpath(f"open-items-{acme.pk}-{_token(acme)}.arrow").unlink()
    assert selectors.run_items_stored(company=acme).equals(kept)  # the database's, the same
    assert w["reads"] == [acme.pk, acme.pk]  # and kept again
    run_as_admin(company=acme, as_of=AS_OF + timedelta(days=1))
    run_as_admin(company=acme, as_of=AS_OF + timedelta(days=2))
    assert w["reads"] == [acme.pk, acme.pk]  # the next days' runs read the file


def test_another_company_never_reads_a_companys_file(w):
    acme, globex = w["acme"]["company"], w["globex"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=globex, as_of=AS_OF)
    assert w["reads"] == [acme.pk, globex.pk]
    assert _case_open(globex) == 600_00
    run_as_admin(company=globex, as_of=AS_OF + timedelta(days=1))
    assert {p.name.split("-")[2] for p in w["folder"].iterdir()} == {str(acme.pk), str(globex.pk)}


def test_an_import_changes_the_key_and_the_next_run_reads_the_imported_items(w, tmp_path):
    acme = w["acme"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    assert _case_open(acme) == 600_00
    row = "INV-X,invoice,D1,2026-09-01,2026-10-01,EUR,50.00,50.00,"
    import_as_admin(company=acme, kind="items", path=csv_file(tmp_path, f"{ITEMS_HEADER}\n{row}\n"))
    assert _token(acme) == ""
    run_as_admin(company=acme, as_of=AS_OF + timedelta(days=1))
    assert _case_open(acme) == 650_00
    assert w["reads"] == [acme.pk, acme.pk]


@pytest.mark.parametrize(
    "change",
    [
        lambda w: OpenItem.objects.filter(pk=w["acme"]["new"].pk).update(open_minor=40_00),
        lambda w: OpenItem.objects.filter(pk=w["acme"]["new"].pk).update(
            due_date=AS_OF + timedelta(days=30)
        ),
        lambda w: OpenItem.objects.filter(pk=w["acme"]["new"].pk).update(kind="credit_note"),
        lambda w: OpenItem.objects.filter(pk=w["acme"]["new"].pk).delete(),
        lambda w: factories.item(w["acme"]["old"].debtor, due=AS_OF, amount=7_00),
        lambda w: _sql("UPDATE ledger_openitem SET open_minor = 1 WHERE id = %s", w),
    ],
    ids=["amount", "due date", "kind", "deleted", "added", "by hand in SQL"],
)
def test_a_stale_file_is_never_used_whoever_changes_an_item(w, change):
    acme = w["acme"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    kept = selectors.run_items_stored(company=acme)
    change(w)
    assert _token(acme) == ""
    after = selectors.run_items_stored(company=acme)
    assert not after.equals(kept)
    items_cache.claim(acme.pk)
    assert selectors.run_items_stored(company=acme).equals(after)


def _sql(sql: str, w) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, [w["acme"]["new"].pk])


def test_a_change_to_a_column_the_run_does_not_read_keeps_the_file(w):
    acme = w["acme"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    token = _token(acme)
    OpenItem.objects.filter(pk=w["acme"]["new"].pk).update(payment_terms="60 days net")
    assert _token(acme) == token


def test_a_company_s_tokens_removed_by_hand_make_its_next_run_read_the_database(w):
    acme = w["acme"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    ItemsVersion.objects.all().delete()
    _sql("UPDATE ledger_openitem SET open_minor = 1 WHERE id = %s", w)  # no token to empty
    run_as_admin(company=acme, as_of=AS_OF + timedelta(days=1))
    assert w["reads"] == [acme.pk, acme.pk]  # the database, not the file kept before
    assert _case_open(acme) == 500_01
    assert _token(acme) != ""  # a fresh row and token, for the next run


def test_an_import_into_one_company_keeps_another_company_s_file(w, tmp_path):
    acme, globex = w["acme"]["company"], w["globex"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=globex, as_of=AS_OF)
    kept = _token(globex)
    row = "INV-X,invoice,D1,2026-09-01,2026-10-01,EUR,50.00,50.00,"
    import_as_admin(company=acme, kind="items", path=csv_file(tmp_path, f"{ITEMS_HEADER}\n{row}\n"))
    assert (_token(acme), _token(globex)) == ("", kept)
    run_as_admin(company=globex, as_of=AS_OF + timedelta(days=1))
    run_as_admin(company=acme, as_of=AS_OF + timedelta(days=1))
    assert w["reads"] == [acme.pk, globex.pk, acme.pk]  # globex from its file, acme anew
    assert _case_open(acme) == 650_00


def test_a_change_by_hand_to_one_company_s_item_empties_that_company_s_token_only(w):
    acme, globex = w["acme"]["company"], w["globex"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=globex, as_of=AS_OF)
    kept = _token(globex)
    _sql("UPDATE ledger_openitem SET due_date = '2026-11-01' WHERE id = %s", w)
    assert (_token(acme), _token(globex)) == ("", kept)


def test_an_item_moved_to_another_company_empties_both_tokens(w):
    acme, globex = w["acme"]["company"], w["globex"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=globex, as_of=AS_OF)
    OpenItem.objects.filter(pk=w["acme"]["new"].pk).update(company=globex)
    assert (_token(acme), _token(globex)) == ("", "")


def test_an_update_that_writes_the_values_already_there_keeps_the_file(w):
    acme = w["acme"]["company"]
    run_as_admin(company=acme, as_of=AS_OF)
    token = _token(acme)
    _sql("UPDATE ledger_openitem SET open_minor = open_minor, kind = kind WHERE id = %s", w)
    assert _token(acme) == token
