"""Files found by fuzzing that crashed the import or stored what cannot be summed: each is now
a clear refusal (row and column named, nothing written) or, for CR-only files, read."""

from __future__ import annotations

import pytest

from arrears.apps.ledger.imports import RowError
from arrears.apps.ledger.imports.columns import DUPLICATE
from arrears.apps.ledger.imports.debtors import GROUP_TOO_DEEP, MAX_DEPTH, PARENT_LOOP
from arrears.apps.ledger.imports.errors import SHOWN
from tests.apps.ledger.import_support import (
    csv_file,
    ledger_snapshot,
    ledger_world,
    refused,
    where,
)

pytestmark = pytest.mark.django_db

DEBTORS = "debtor_code,name,country,parent_code"


@pytest.fixture
def acme():
    return ledger_world()


def test_a_debtor_code_repeated_as_its_own_parent_is_refused_as_a_duplicate(acme, tmp_path):
    # Each repeat of A doubled the parent walk's rows, 32 levels deep: 19 GB for four lines.
    path = csv_file(tmp_path, f"{DEBTORS}\nA,a,DE,A\nA,a,DE,A\nC,c,DE,A\n")
    before = ledger_snapshot()
    errors = refused(acme, "debtors", path)
    assert where(errors) == [(3, "debtor_code")]
    assert errors[0].message == DUPLICATE.format(value="A", first=2)
    assert ledger_snapshot() == before


def test_a_group_deeper_than_the_limit_is_refused_below_the_limit_only(acme, tmp_path):
    chain = [f"G{i},g,DE,{f'G{i - 1}' if i else ''}" for i in range(MAX_DEPTH + 3)]
    errors = refused(acme, "debtors", csv_file(tmp_path, "\n".join([DEBTORS, *chain]) + "\n"))
    # G0 is the top; G33 is the first with more than 32 levels above it (rows count from 2).
    assert where(errors) == [(MAX_DEPTH + 3, "parent_code"), (MAX_DEPTH + 4, "parent_code")]
    assert {e.message for e in errors} == {GROUP_TOO_DEEP.format(depth=MAX_DEPTH)}


def test_a_long_loop_of_parents_is_refused_on_every_row_of_it(acme, tmp_path):
    n = 5_000
    ring = [f"L{i},l,DE,L{(i + 1) % n}" for i in range(n)]
    below = "B,b,DE,L0"
    path = csv_file(tmp_path, "\n".join([DEBTORS, *ring, below]) + "\n")
    errors = refused(acme, "debtors", path)
    assert errors[0] == RowError(2, "parent_code", PARENT_LOOP.format(value="L1"))
    assert len(errors) == SHOWN
