"""The desk's inputs to the ladder (`cases.ItemDeskInput`) have one writer,
`desk_inputs_store`, and each of its writes moves the company's `DeskInputsVersion`: what the
worklist keeps of the cases' figures is kept under that number, so a write outside a run (a
set-off approved at the desk) can never leave the worklist showing the figure before it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from arrears.apps.cases.models import DeskInputsVersion
from arrears.apps.cases.services.desk_inputs import desk_inputs_store
from tests import factories

ROOT = Path(__file__).resolve().parents[3] / "arrears"
WRITER = ROOT / "apps" / "cases" / "services" / "desk_inputs.py"
# an ORM write of the model, or SQL that writes its table
WRITES = re.compile(
    r"ItemDeskInput\.objects|(?<!class )ItemDeskInput\(|"
    r"(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?cases_itemdeskinput|"
    r"(insert|update)_frame\(\s*\"cases_itemdeskinput",
    re.IGNORECASE,
)


def _version(company) -> int | None:
    row = DeskInputsVersion.objects.filter(company=company).first()
    return row.version if row else None


def _changed(item_id: int, minor: int) -> pl.DataFrame:
    return pl.DataFrame({"item_id": [item_id], "excluded_minor": [minor]})


def test_no_code_but_the_one_writer_writes_the_desk_inputs():
    found = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if p != WRITER and "migrations" not in p.parts and WRITES.search(p.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.django_db
def test_each_write_moves_its_own_companys_version_and_no_other():
    acme, globex = factories.company(), factories.company("globex")
    item = factories.item(factories.debtor(acme), due=date(2026, 10, 1), amount=100_00)
    assert _version(acme) is None and _version(globex) is None
    desk_inputs_store(company=acme, column="excluded_minor", changed=_changed(item.pk, 40_00))
    assert _version(acme) == 1
    desk_inputs_store(company=acme, column="excluded_minor", changed=_changed(item.pk, 0))
    assert _version(acme) == 2  # the row went, and that is a write too
    assert _version(globex) is None


@pytest.mark.django_db
def test_nothing_changed_leaves_the_version_alone():
    acme = factories.company()
    desk_inputs_store(company=acme, column="excluded_minor", changed=_changed(1, 0).clear())
    assert _version(acme) is None
