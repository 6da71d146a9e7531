"""Files found by fuzzing that crashed the import or stored what cannot be summed: each is now
a clear refusal (row and column named, nothing written) or, for CR-only files, read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.apps.ledger.imports import RowError, import_file
from arrears.apps.ledger.imports.amounts import MAX_DIGITS, MAX_TOTAL, TOO_LARGE, TOTAL_TOO_LARGE
from arrears.apps.ledger.imports.columns import DUPLICATE
from arrears.apps.ledger.imports.debtors import GROUP_TOO_DEEP, MAX_DEPTH, PARENT_LOOP
from arrears.apps.ledger.imports.errors import SHOWN
from arrears.apps.ledger.imports.payments import OVER_ALLOCATED
from arrears.apps.ledger.models import OpenItem, Payment
from tests import factories
from tests.apps.ledger.import_support import (
    ITEMS_HEADER,
    PAYMENTS_HEADER,
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


# Ten items of this much summed to more than a 64-bit integer holds: explain showed a negative
# open balance and SQLite's SUM failed.
HUGE = "9999999999999999.99"
LARGEST = "9999999999999.99"  # 15 digits in minor units: the most one amount may be
LARGEST_MINOR = 999_999_999_999_999


def items_file(tmp_path, rows, name="items.csv"):
    return csv_file(tmp_path, "\n".join([ITEMS_HEADER, *rows]) + "\n", name)


def item_row(number, original, open_=None, debtor="D1"):
    return f"{number},invoice,{debtor},2026-09-01,2026-10-01,EUR,{original},{open_ or original},"


def overflow_row(amount_minor: int) -> int:
    """The file row (header = 1) at which amounts of `amount_minor` pass the storable total."""
    return MAX_TOTAL // amount_minor + 2


def test_an_amount_of_more_than_15_digits_in_minor_units_is_refused(acme, tmp_path):
    factories.debtor(acme, code="D1")
    rows = [item_row(f"I{i}", HUGE) for i in range(10)]
    errors = refused(acme, "items", items_file(tmp_path, rows))
    assert (errors[0].row, errors[0].column) == (2, "original_amount")
    assert errors[0].message == TOO_LARGE.format(amount=HUGE, digits=15)
    assert MAX_DIGITS == 15


def test_items_whose_total_cannot_be_stored_are_refused_at_the_row_that_passes_it(acme, tmp_path):
    factories.debtor(acme, code="D1")
    n = overflow_row(LARGEST_MINOR)
    rows = [item_row(f"I{i}", LARGEST, "1.00") for i in range(n - 1)]
    errors = refused(acme, "items", items_file(tmp_path, rows))
    assert where(errors) == [(n, "original_amount")]
    assert errors[0].message == TOTAL_TOO_LARGE.format(
        what="items", currency="EUR", limit=f"{MAX_TOTAL:,}"
    )


def test_the_items_total_counts_the_items_already_imported(acme, tmp_path):
    d1 = factories.debtor(acme, code="D1")
    already = MAX_TOTAL - LARGEST_MINOR + 1
    factories.item(d1, due=date(2026, 1, 1), number="OLD", amount=already)
    errors = refused(acme, "items", items_file(tmp_path, [item_row("NEW", LARGEST)]))
    assert where(errors) == [(2, "original_amount")]
    # The file replaces what it lists: with OLD's amount in it, the total fits.
    rows = [item_row("OLD", "1.00"), item_row("NEW", LARGEST)]
    assert import_file(company=acme, kind="items", path=items_file(tmp_path, rows)).created == 1
    assert OpenItem.objects.get(number="OLD").original_minor == 100


def test_allocations_summing_past_64_bits_are_refused_as_more_than_the_payment(acme, tmp_path):
    factories.debtor(acme, code="D1")
    n = overflow_row(LARGEST_MINOR) + 1
    import_file(
        company=acme,
        kind="items",
        path=items_file(tmp_path, [item_row(f"I{i}", "1.00") for i in range(n)]),
    )
    rows = [f"P1,D1,2026-10-20,EUR,{LARGEST},I{i},{LARGEST}" for i in range(n)]
    path = csv_file(tmp_path, "\n".join([PAYMENTS_HEADER, *rows]) + "\n", "payments.csv")
    errors = refused(acme, "payments", path)
    assert where(errors) == [(2, "allocated_amount")]
    allocated = f"EUR {Decimal(n * LARGEST_MINOR) / 100:.2f}"  # exact: over 2**63 minor
    assert errors[0].message == OVER_ALLOCATED.format(
        reference="P1", allocated=allocated, amount=f"EUR {LARGEST}"
    )
    assert Payment.objects.filter(company=acme).count() == 0


def test_payments_whose_total_cannot_be_stored_are_refused_at_the_row_that_passes_it(
    acme, tmp_path
):
    factories.debtor(acme, code="D1")
    n = overflow_row(LARGEST_MINOR)
    rows = [f"P{i},D1,2026-10-20,EUR,{LARGEST},," for i in range(n - 1)]
    path = csv_file(tmp_path, "\n".join([PAYMENTS_HEADER, *rows]) + "\n", "payments.csv")
    errors = refused(acme, "payments", path)
    assert where(errors) == [(n, "amount")]
    assert errors[0].message == TOTAL_TOO_LARGE.format(
        what="payments", currency="EUR", limit=f"{MAX_TOTAL:,}"
    )
