"""Exchange rates come in as a file like any other (docs/import-format.md, "rates"): validated,
all or nothing, re-importing changes nothing, every refusal names its row and column; a run
that meets a currency without a rate names the currency, the day and the command that adds
one; the shipped example files, rates included, run without meeting it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.ledger.imports.columns import NOT_A_DATE
from arrears.apps.ledger.imports.rates import (
    NOT_A_RATE,
    OWN_CURRENCY,
    RATE_TOO_FINE,
    RATE_TOO_LARGE,
)
from arrears.apps.ledger.models import ExchangeRate
from arrears.domain import fx
from arrears.domain.money import UNKNOWN_CURRENCY
from tests import factories, terminal
from tests.apps.ledger.import_support import EXAMPLES, csv_file, refused, where
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db
HEADER = "currency,rate,valid_from"


@pytest.fixture
def acme():
    rival = factories.company("rival")
    ExchangeRate.objects.create(company=rival, currency="USD", rate=2, valid_from=date(2026, 1, 1))
    factories.collector("otto", rival)
    return factories.company()


def rates(tmp_path, *rows: str):
    return csv_file(tmp_path, "\n".join([HEADER, *rows]) + "\n", name="rates.csv")


def stored(company) -> list[tuple[str, Decimal, date]]:
    rows = ExchangeRate.objects.filter(company=company).order_by("currency", "valid_from")
    return [(r.currency, r.rate, r.valid_from) for r in rows]


def test_rates_are_imported_and_reimporting_changes_nothing(acme, tmp_path):
    path = rates(tmp_path, "USD,0.92,2026-01-01", "USD,0.93,2026-06-01", "JPY,0.0061,2026-01-01")
    first = import_as_admin(company=acme, kind="rates", path=path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert stored(acme) == [
        ("JPY", Decimal("0.0061"), date(2026, 1, 1)),
        ("USD", Decimal("0.92"), date(2026, 1, 1)),
        ("USD", Decimal("0.93"), date(2026, 6, 1)),
    ]
    again = import_as_admin(company=acme, kind="rates", path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.filter(action="import.rates").count() == 2
    changed = rates(tmp_path, "USD,0.95,2026-01-01")
    assert import_as_admin(company=acme, kind="rates", path=changed).changes == {"rate": 1}
    assert ExchangeRate.objects.get(company=acme, valid_from="2026-01-01", currency="USD").rate == (
        Decimal("0.95")
    )
    assert stored(factories.company("rival")) == [("USD", Decimal(2), date(2026, 1, 1))]


def test_a_bad_rates_file_is_refused_whole_naming_each_row_and_column(acme, tmp_path):
    path = rates(
        tmp_path,
        "USD,0.92,2026-01-01",  # fine, but not written: the file is refused whole
        "XXX,1,2026-01-01",
        "EUR,1,2026-01-01",
        "GBP,0.0000001,2026-01-01",
        "CHF,1.05,01.02.2026",
        "JPY,abc,2026-01-01",
        "USD,0.91,2026-01-01",
    )
    errors = refused(acme, "rates", path)
    assert where(errors) == [
        (3, "currency"),
        (4, "currency"),
        (5, "rate"),
        (6, "valid_from"),
        (7, "rate"),
        (8, "valid_from"),
    ]
    messages = [e.message for e in errors]
    assert messages[0] == UNKNOWN_CURRENCY.format(code="XXX")
    assert messages[1] == OWN_CURRENCY.format(currency="EUR")
    assert messages[2] == RATE_TOO_FINE.format(value="0.0000001")
    assert messages[3] == NOT_A_DATE.format(value="01.02.2026")
    assert messages[4] == NOT_A_RATE.format(value="abc")
    assert stored(acme) == []


def test_a_negative_or_zero_rate_is_refused(acme, tmp_path):
    errors = refused(acme, "rates", rates(tmp_path, "USD,0,2026-01-01", "JPY,-1,2026-01-01"))
    assert where(errors) == [(2, "rate"), (3, "rate")]


# A rate of 13 digits or more was stored; then every read of the company's rates (the run, the
# worklist, ageing, `rate list`, the next rates import) crashed in SQLite's decimal converter,
# and PostgreSQL's numeric(18, 6) refused the write with a traceback.
TOO_LARGE = ["1000000000", "999999999999.999999", "9999999999999.5", "1" + "0" * 30]


@pytest.mark.parametrize("rate", TOO_LARGE)
def test_a_rate_larger_than_the_column_holds_exactly_is_refused_by_the_import(acme, tmp_path, rate):
    errors = refused(acme, "rates", rates(tmp_path, f"USD,{rate},2026-01-01"))
    assert where(errors) == [(2, "rate")]
    assert errors[0].message == RATE_TOO_LARGE.format(value=rate)


def test_the_largest_rate_is_stored_and_read_back_exactly(acme, tmp_path):
    largest = "999999999.999999"  # 15 significant digits: exact through SQLite's float too
    import_as_admin(company=acme, kind="rates", path=rates(tmp_path, f"USD,{largest},2026-01-01"))
    assert stored(acme) == [("USD", Decimal(largest), date(2026, 1, 1))]
    assert terminal.run("rate", "list", "--company", "acme").strip() == (
        f"1 USD = {largest} EUR from 2026-01-01"
    )


@pytest.mark.parametrize("rate", TOO_LARGE)
def test_rate_set_refuses_a_rate_too_large_and_the_rates_stay_readable(acme, rate):
    terminal.run("rate", "set", "USD", "0.92", "--company", "acme")
    with pytest.raises(CommandError) as got:
        terminal.run("rate", "set", "USD", rate, "--from", "2026-06-01", "--company", "acme")
    assert str(got.value) == fx.RATE_TOO_LARGE.format(
        rate=Decimal(rate), currency="USD", most=fx.MAX_RATE
    )
    assert stored(acme) == [("USD", Decimal("0.92"), date(2000, 1, 1))]
    assert "1 USD = 0.92 EUR" in terminal.run("rate", "list", "--company", "acme")


def test_the_import_command_takes_rates_as_the_administrator_only(acme, tmp_path):
    path = rates(tmp_path, "USD,0.92,2026-01-01")
    out = terminal.run("import", "rates", str(path), "--company", "acme")
    assert out.strip() == "rates: 1 rows: 1 created, 0 updated, 0 unchanged"
    with pytest.raises(CommandError):
        terminal.run("import", "rates", str(path), "--company", "acme", as_="otto")


def test_a_run_without_a_rate_names_the_currency_the_day_and_the_command(acme):
    strategies_install_defaults(actor=factories.admin(), company=acme)
    debtor = factories.debtor(acme, owner=factories.collector("cora", acme))
    factories.item(debtor, due=date(2026, 10, 1), currency="USD")
    with pytest.raises(CommandError) as e:
        terminal.run("run", "--as-of", "2026-11-25", "--company", "acme")
    said = str(e.value)
    assert "no exchange rate into EUR for USD valid on 2026-11-25" in said
    assert "arrears rate set USD RATE --from DATE" in said
    assert "arrears import rates FILE" in said


def test_the_shipped_example_files_run_without_a_missing_rate(acme):
    strategies_install_defaults(actor=factories.admin(), company=acme)
    for kind in ("debtors", "items", "payments", "rates"):
        terminal.run("import", kind, EXAMPLES / f"{kind}.csv", "--company", "acme")
    out = terminal.run("run", "--as-of", "2026-11-25", "--company", "acme")
    assert out.startswith("run ")
