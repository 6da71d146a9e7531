"""The contract's late-interest rate per debtor, from the debtors file (issue #14): optional
columns `contract_rate` (a percentage) and `contract_rate_per` (year, the default, or month),
stored exactly; a bad value refuses the whole file with its row, and writes nothing; the same
file again changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arrears.apps.ledger.imports.debtors import NOT_A_RATE, RATE_PER_COLUMN, RATE_PER_WITHOUT_RATE
from arrears.apps.ledger.models import Debtor
from arrears.domain.interest import ContractRate, Per
from tests.apps.ledger.import_support import csv_file, ledger_world, refused, rival_untouched, where
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

HEADER = "debtor_code,name,country,contract_rate,contract_rate_per"


@pytest.fixture
def acme():
    return ledger_world()  # beside rival, whose debtor D1 shares acme's code


def debtors(tmp_path, *rows: str, header: str = HEADER):
    return csv_file(tmp_path, "\n".join([header, *rows]) + "\n")


def test_a_debtors_contract_rate_is_stored_as_the_contract_states_it(acme, tmp_path):
    with rival_untouched():
        summary = import_as_admin(
            company=acme,
            kind="debtors",
            path=debtors(
                tmp_path, "D1,Monthly AG,DE,1,month", "D2,Yearly AG,DE,8.50,", "D3,None AG,DE,,"
            ),
        )
    assert summary.created == 3
    got = {d.code: d.contract for d in Debtor.objects.filter(company=acme)}
    assert got == {
        "D1": ContractRate(Decimal(1), Per.MONTH),
        "D2": ContractRate(Decimal("8.5"), Per.YEAR),  # a year unless the file says a month
        "D3": None,
    }
    assert got["D1"].yearly == Decimal(12)  # 1% a month is 12% a year


def test_the_same_rates_again_change_nothing_and_a_changed_one_is_updated(acme, tmp_path):
    rows = ("D1,Monthly AG,DE,1,month", "D2,Yearly AG,DE,8.5,year")
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, *rows))
    again = ("D1,Monthly AG,DE,1.00,MONTH", "D2,Yearly AG,DE,8.50,")  # the same, written apart
    summary = import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, *again))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    changed = ("D1,Monthly AG,DE,1.25,month", "D2,Yearly AG,DE,,")  # D2's rate cleared
    summary = import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, *changed))
    assert summary.updated == 2
    d1, d2 = Debtor.objects.filter(company=acme).order_by("code")
    assert d1.contract == ContractRate(Decimal("1.25"), Per.MONTH) and d2.contract is None


def test_a_file_without_the_columns_leaves_the_rates_alone(acme, tmp_path):
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, "D1,A,DE,1,month"))
    plain = debtors(tmp_path, "D1,A renamed,DE", header="debtor_code,name,country")
    import_as_admin(company=acme, kind="debtors", path=plain)
    assert Debtor.objects.get(company=acme, code="D1").contract == ContractRate(
        Decimal(1), Per.MONTH
    )


@pytest.mark.parametrize("bad", ["-1", "ten", "101", "1.1234567", "1,5", "1e2"])
def test_a_bad_contract_rate_is_refused_with_its_row_and_nothing_is_written(acme, tmp_path, bad):
    path = debtors(tmp_path, "D1,Good AG,DE,1,month", f'D2,Bad AG,DE,"{bad}",month')
    with rival_untouched():
        errors = refused(acme, "debtors", path)
    assert where(errors) == [(3, "contract_rate")]
    assert errors[0].message == NOT_A_RATE.format(value=bad, most="100")
    assert not Debtor.objects.filter(company=acme).exists()


def test_a_period_other_than_year_or_month_or_without_a_rate_is_refused(acme, tmp_path):
    path = debtors(tmp_path, "D1,A,DE,1,week", "D2,B,DE,,month")
    errors = refused(acme, "debtors", path)
    assert where(errors) == [(2, "contract_rate_per"), (3, "contract_rate_per")]
    assert errors[1].message == RATE_PER_WITHOUT_RATE
    header = "debtor_code,name,country,contract_rate_per"
    errors = refused(acme, "debtors", debtors(tmp_path, "D1,A,DE,month", header=header))
    assert [(e.row, e.column, e.message) for e in errors] == [
        (1, "contract_rate_per", RATE_PER_COLUMN)
    ]
