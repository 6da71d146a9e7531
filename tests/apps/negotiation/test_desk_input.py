"""What the desk's commands read: dates only as YYYY-MM-DD, amounts and rates by one strict
rule (the import's), within bounds; a refusal writes nothing. Every world here has a second
company (with its own collector and case) that must stay as it was."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from arrears.apps.cases.services import run_daily, strategies_install_defaults
from arrears.apps.common.cli import iso_date
from arrears.domain import dates
from tests import factories
from tests.apps.negotiation.support import AS_OF, World, world
from tests.tables import snapshot

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()


@pytest.fixture
def w(db) -> World:
    got = world()
    other = factories.company("other")
    strategies_install_defaults(company=other)
    d = factories.debtor(other, owner=factories.collector("olga"))
    factories.item(d, due=AS_OF - timedelta(days=10), number="INV-OLD")
    run_daily(company=other, as_of=AS_OF)
    return got


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _refused(*args: str) -> str:
    """The command's clean refusal (a CommandError), having written nothing anywhere."""
    before = snapshot()
    with pytest.raises(CommandError) as got:
        _call(*args)
    assert snapshot() == before
    assert str(got.value).strip()
    return str(got.value)


@pytest.mark.parametrize(
    "text",
    [
        "20261204",
        "2026-W49-5",
        "2026-W49",
        "2026-338",
        "2026-12-4",
        "2026-12-04T00:00",
        " 2026-12-04",
        "2026-12-04\n",
        "２０２６-12-04",
        "+2026-12-04",
        "2026-02-30",
        "",
    ],
)
def test_dates_are_read_only_as_yyyy_mm_dd(text):
    with pytest.raises(argparse.ArgumentTypeError, match="is not a date"):
        iso_date(text)


def test_a_date_written_yyyy_mm_dd_is_read():
    assert iso_date("2026-12-04") == date(2026, 12, 4)
    assert iso_date("9999-12-31") == date.max


@pytest.mark.parametrize("text", ["0001-06-01", "0001-01-01", "1899-12-31"])
def test_dates_before_1900_are_refused_when_read(text):
    with pytest.raises(argparse.ArgumentTypeError) as got:
        iso_date(text)
    assert str(got.value) == dates.DATE_TOO_EARLY.format(
        day=date.fromisoformat(text), first=dates.FIRST_DAY
    )


@pytest.mark.parametrize("day", ["20261204", "2026-W49-5"])
def test_run_and_desk_commands_refuse_an_as_of_not_written_yyyy_mm_dd(w, day):
    assert "is not a date" in _refused("run", "--company", "acme", "--as-of", day)
    said = _refused(
        "promise",
        w.debtor.code,
        "--company",
        "acme",
        "--part",
        "2026-11-27:300",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        day,
    )
    assert "is not a date" in said
