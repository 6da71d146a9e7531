"""Issue #16: the daily run keeps a compact snapshot of what is open (per company, day,
currency, bucket and collector), and `arrears kpis` reads its ageing over time from it.

acme (EUR), on 25 Nov 2026: cora owns BRICK, olaf owns MORTAR, LOOSE has no owner.
- BRICK: 100.00 due 5 Dec (current), 25.00 due 25 Nov (0 days: current), 200.00 due 23 Nov
  with 150.00 open (2 days: 1-30), 300.00 due 11 Oct (45 days: 31-60);
- MORTAR: 400.00 due 22 Aug (95 days: 90+);
- LOOSE: 50.00 due 16 Sep (70 days: 61-90), and 80.00 paid off (nothing open: no row).
rival (a second company, its collector otto) has 999.00 overdue: never in acme's rows."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrears.apps.cases.services import RunRefused, strategies_install_defaults
from arrears.apps.ledger.models import OpenItem
from arrears.apps.reports.kpis import kpi_report
from arrears.apps.reports.models import DailySnapshot
from arrears.apps.reports.snapshots import snapshot_ageing
from arrears.domain.kpi import BUCKET_NAMES
from tests import factories, terminal
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


def _world():
    acme = factories.company("acme")
    strategies_install_defaults(actor=admin(), company=acme)
    cora, olaf = factories.collector("cora", acme), factories.collector("olaf", acme)
    factories.credit_manager("maria", acme)
    brick = factories.debtor(acme, code="BRICK", owner=cora)
    mortar = factories.debtor(acme, code="MORTAR", owner=olaf)
    loose = factories.debtor(acme, code="LOOSE")
    factories.item(brick, due=AS_OF + timedelta(days=10), amount=100_00)
    factories.item(brick, due=AS_OF, amount=25_00)
    factories.item(brick, due=AS_OF - timedelta(days=2), amount=200_00, open_=150_00)
    factories.item(brick, due=AS_OF - timedelta(days=45), amount=300_00)
    factories.item(mortar, due=AS_OF - timedelta(days=95), amount=400_00)
    factories.item(loose, due=AS_OF - timedelta(days=70), amount=50_00)
    factories.item(loose, due=AS_OF - timedelta(days=70), amount=80_00, open_=0)
    rival = factories.company("rival")
    strategies_install_defaults(actor=admin(), company=rival)
    otto = factories.collector("otto", rival)
    big = factories.debtor(rival, code="BRICK", owner=otto)
    factories.item(big, due=AS_OF - timedelta(days=3), amount=999_00)
    return acme, rival, cora, olaf


@pytest.fixture
def world():
    return _world()


def _rows(company, day=AS_OF):
    return sorted(
        DailySnapshot.objects.filter(company=company, day=day).values_list(
            "currency", "bucket", "owner__username", "open_minor", "items"
        ),
        key=str,
    )


def _everything():
    return sorted(
        DailySnapshot.objects.values_list(
            "id", "company_id", "day", "currency", "bucket", "owner_id", "open_minor", "items"
        )
    )


def test_the_run_writes_the_days_snapshot_with_the_figures_worked_by_hand(world):
    acme, *_ = world
    run_as_admin(company=acme, as_of=AS_OF)
    assert _rows(acme) == sorted(
        [
            ("EUR", "current", "cora", 125_00, 2),
            ("EUR", "1-30", "cora", 150_00, 1),
            ("EUR", "31-60", "cora", 300_00, 1),
            ("EUR", "61-90", None, 50_00, 1),
            ("EUR", "90+", "olaf", 400_00, 1),
        ],
        key=str,
    )


def test_a_rerun_of_the_day_writes_nothing_new(world):
    acme, *_ = world
    run_as_admin(company=acme, as_of=AS_OF)
    before = _everything()
    run_as_admin(company=acme, as_of=AS_OF)
    assert _everything() == before  # the same rows, the same ids: nothing rewritten


def test_a_rerun_after_a_payment_replaces_that_days_rows_and_keeps_the_earlier_days(world):
    acme, *_ = world
    run_as_admin(company=acme, as_of=AS_OF - timedelta(days=1))
    earlier = _rows(acme, AS_OF - timedelta(days=1))
    run_as_admin(company=acme, as_of=AS_OF)
    OpenItem.objects.filter(debtor__code="MORTAR", company=acme).update(open_minor=0)
    run_as_admin(company=acme, as_of=AS_OF)
    assert ("EUR", "90+", "olaf", 400_00, 1) not in _rows(acme)
    assert len(_rows(acme)) == 4
    assert _rows(acme, AS_OF - timedelta(days=1)) == earlier


def test_the_other_companys_snapshot_is_untouched(world):
    acme, rival, *_ = world
    run_as_admin(company=rival, as_of=AS_OF)
    theirs = list(DailySnapshot.objects.filter(company=rival).values_list())
    assert _rows(rival) == [("EUR", "1-30", "otto", 999_00, 1)]
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=acme, as_of=AS_OF)
    assert list(DailySnapshot.objects.filter(company=rival).values_list()) == theirs
    assert all(r[2] != "otto" and r[3] != 999_00 for r in _rows(acme))


def test_a_dry_run_writes_no_snapshot(world):
    acme, *_ = world
    result = run_as_admin(company=acme, as_of=AS_OF, dry_run=True)
    assert result.dry_run
    assert not DailySnapshot.objects.exists()


def test_a_refused_run_writes_no_snapshot_and_keeps_the_last_one(world):
    acme, *_ = world
    run_as_admin(company=acme, as_of=AS_OF)
    before = _everything()
    with pytest.raises(RunRefused, match="runs go forward"):
        run_as_admin(company=acme, as_of=AS_OF - timedelta(days=1))
    assert _everything() == before


def test_the_snapshot_adds_nothing_to_the_runs_counts(world):
    acme, *_ = world
    result = run_as_admin(company=acme, as_of=AS_OF)
    assert not any("snapshot" in k for k in result.negotiation)
    assert "snapshot" in result.seconds  # timed beside the run's other stages


def _kpis(months: int = 1) -> str:
    return terminal.run(
        "kpis", "--company", "acme", "--as-of", AS_OF.isoformat(), "--months", str(months),
        as_="maria",
    )  # fmt: skip


def _ageing_block(text: str) -> str:
    return text.split("Ageing over time")[1].split("\n\n")[0]


def test_kpis_reads_the_ageing_from_the_snapshot_when_the_run_kept_one(world):
    acme, *_ = world
    run_as_admin(company=acme, as_of=AS_OF)
    # the snapshot is what is read: a figure only it holds shows
    DailySnapshot.objects.filter(company=acme, day=AS_OF, bucket="90+").update(open_minor=777_00)
    block = _ageing_block(_kpis())
    assert "(from the daily snapshots)" in block
    row = next(line for line in block.splitlines() if line.startswith("2026-11-25"))
    assert row.split() == ["2026-11-25", "EUR", "125.00", "150.00", "300.00", "50.00", "777.00"]


def test_kpis_rebuilds_the_ageing_from_the_ledger_without_snapshots(world):
    block = _ageing_block(_kpis())
    assert "(rebuilt from the ledger)" in block
    row = next(line for line in block.splitlines() if line.startswith("2026-11-25"))
    assert row.split() == ["2026-11-25", "EUR", "125.00", "150.00", "300.00", "50.00", "400.00"]


def test_kpis_says_which_month_ends_came_from_the_snapshots(world):
    acme, *_ = world
    run_as_admin(company=acme, as_of=AS_OF)
    block = _ageing_block(_kpis(months=2))
    assert "from the daily snapshots at 1 month ends, the rest rebuilt from the ledger" in block
    assert "2026-10-31" in block and "2026-11-25" in block


@pytest.fixture
def reads(monkeypatch):
    """Counts every query a read makes: Django's (captured) and the bulk reads on the raw
    connection (`bulk.read_frame`, which Django does not see), one query each."""
    from arrears.apps.common import bulk
    from arrears.apps.reports import kpis, snapshots

    made = []

    def counted(*args, **kwargs):
        made.append(args[0])
        return bulk.read_frame(*args, **kwargs)

    monkeypatch.setattr(kpis, "read_frame", counted)
    monkeypatch.setattr(snapshots, "read_frame", counted)

    def count(read):
        made.clear()
        with CaptureQueriesContext(connection) as ctx:
            got = read()
        return len(ctx.captured_queries) + len(made), got

    return count


def test_reading_365_days_of_snapshots_is_a_constant_number_of_queries(world, reads):
    acme, _, cora, olaf = world
    first = date(2025, 11, 26)
    days = [first + timedelta(days=n) for n in range(365)]
    DailySnapshot.objects.bulk_create(
        DailySnapshot(
            company=acme, day=d, currency="EUR", bucket=b, owner=o, open_minor=1_00, items=1
        )
        for d in days
        for b in BUCKET_NAMES
        for o in (cora, olaf, None)
    )
    one, single = reads(lambda: snapshot_ageing(acme, days[:1]))
    year, ageing = reads(lambda: snapshot_ageing(acme, days))
    assert one == year == 1
    assert single.height == len(BUCKET_NAMES)
    assert ageing.height == 365 * len(BUCKET_NAMES)
    assert set(ageing["open_minor"].to_list()) == {3_00}  # three owners' rows a bucket
    month, _ = reads(lambda: kpi_report(actor=admin(), company=acme, as_of=AS_OF, months=1))
    twelve, report = reads(lambda: kpi_report(actor=admin(), company=acme, as_of=AS_OF, months=12))
    assert twelve == month
    assert report.ageing_from_snapshots == 12


def test_the_runs_snapshot_from_its_own_read_equals_one_read_from_the_ledger(world):
    """The run hands the snapshot the items it read (no second read of the ledger): the rows
    are those `open_items` gives, with the due dates as stored (not as a defaulted plan's
    acceleration moved them) and each debtor's owner as stored (one no longer active too)."""
    from arrears.apps.accounts.models import Membership
    from arrears.apps.reports.snapshots import open_items
    from arrears.domain import kpi

    acme, rival, _cora, olaf = world
    brick_old = OpenItem.objects.get(company=acme, debtor__code="BRICK", open_minor=300_00)
    factories.desk_input_set(brick_old, accelerated_on=AS_OF - timedelta(days=100))
    Membership.objects.filter(person=olaf, company=acme).update(active=False)
    run_as_admin(company=acme, as_of=AS_OF)
    run_as_admin(company=rival, as_of=AS_OF)
    for company in (acme, rival):
        expected = kpi.snapshot_rows(open_items(company), AS_OF)
        stored = DailySnapshot.objects.filter(company=company, day=AS_OF)
        got = kpi.snapshot_sorted(
            pl.DataFrame(
                list(stored.values_list("currency", "bucket", "owner_id", "open_minor", "items")),
                schema=kpi.SNAPSHOT,
                orient="row",
            )
        )
        assert got.equals(expected)
    assert ("EUR", BUCKET_NAMES[2], "cora", 300_00, 1) in _rows(acme)  # 45 days, as stored
    assert ("EUR", BUCKET_NAMES[4], "olaf", 400_00, 1) in _rows(acme)
