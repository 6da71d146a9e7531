"""The exchange rates file: company-currency units per unit of a currency, from a day on,
keyed on `currency` + `valid_from` (what `arrears rate set` records one at a time).

A rates file is small (a few currencies, a rate a day at most), so the rate itself is checked
row by row with the rule `arrears rate set` uses (`domain.fx.conversion_factor`: positive,
below `MAX_RATE`, at most 6 decimals, exactly applicable); the rest is the columnar checks
every file shares.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import polars as pl

from arrears.apps.ledger.imports.columns import Spec, check_currency, check_unique, parse_dates
from arrears.apps.ledger.imports.columns import prepare as prepare_columns
from arrears.apps.ledger.imports.errors import ROW, Problems, say
from arrears.apps.ledger.imports.read import Table
from arrears.apps.ledger.imports.upsert import ImportSummary, Progress
from arrears.apps.ledger.models import Company, ExchangeRate
from arrears.domain.fx import MAX_RATE, RATE_DECIMALS, conversion_factor
from arrears.domain.money import CURRENCY_EXPONENTS, MoneyError

SPEC = Spec(kind="rates", required=("currency", "rate", "valid_from"), optional=())

NOT_A_RATE = (
    "{value!r} is not a rate: a number such as 0.92 (company currency per unit, '.' as the "
    "decimal separator)"
)
RATE_NOT_POSITIVE = "a rate must be greater than 0, not {value}"
RATE_TOO_LARGE = "{value} is too large: a rate is below " + f"{MAX_RATE:,}"
RATE_TOO_FINE = "{value} has more than " + str(RATE_DECIMALS) + " decimals"
RATE_INEXACT = "{value} cannot be applied exactly to {currency} amounts"
OWN_CURRENCY = "{currency} is the company's own currency: it needs no rate (it is always 1)"
RATE_PATTERN = r"^[0-9]+(\.[0-9]+)?$"


def validate(table: Table, *, company: Company) -> pl.DataFrame:
    """The file as typed columns (`rate` a Decimal column of text), or `ImportRejected`
    listing every problem with its row and column."""
    p = Problems()
    f = prepare_columns(table, SPEC, p)
    check_currency(f, p, "currency")
    own = pl.col("currency") == company.currency
    p.add(f, own, "currency", say(OWN_CURRENCY, currency=pl.col("currency")))
    f = parse_dates(f, p, "valid_from")
    check_unique(f, p, ["currency", "valid_from"], "valid_from")
    for row, currency, text in f.select(ROW, "currency", "rate").iter_rows():
        problem = _rate_problem(text, currency, company.currency)
        if problem:
            p.add_one(row, "rate", problem)
    p.raise_if_any()
    return f


def _rate_problem(text: str | None, currency: str | None, company_currency: str) -> str | None:
    """What is wrong with one rate cell (None: nothing; an empty cell is reported apart)."""
    if text is None:
        return None
    if not _is_number(text):
        return NOT_A_RATE.format(value=text)
    rate = Decimal(text)
    if rate <= 0:
        return RATE_NOT_POSITIVE.format(value=text)
    if rate >= MAX_RATE:
        return RATE_TOO_LARGE.format(value=text)
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
        return RATE_TOO_FINE.format(value=text)
    if currency not in CURRENCY_EXPONENTS or currency == company_currency:
        return None  # reported on the currency
    try:
        conversion_factor(currency, company_currency, rate)
    except MoneyError:
        return RATE_INEXACT.format(value=text, currency=currency)
    return None


def _is_number(text: str) -> bool:
    if not re.fullmatch(RATE_PATTERN, text):
        return False
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def import_rates(
    table: Table, *, company: Company, progress: Progress | None = None
) -> ImportSummary:
    """Validate the whole file, then add new rates and change those that differ (a rate set
    by hand for the same currency and day is replaced by the file's)."""
    f = validate(table, company=company)
    stored = {(r.currency, r.valid_from): r for r in ExchangeRate.objects.filter(company=company)}
    new, changed = [], []
    for currency, valid_from, text in f.select("currency", "valid_from", "rate").iter_rows():
        rate = Decimal(text)
        old = stored.get((currency, valid_from))
        if old is None:
            new.append(
                ExchangeRate(company=company, currency=currency, rate=rate, valid_from=valid_from)
            )
        elif old.rate != rate:
            old.rate = rate
            changed.append(old)
    if progress:
        progress(0, len(new) + len(changed))
    ExchangeRate.objects.bulk_create(new)
    ExchangeRate.objects.bulk_update(changed, ["rate"])
    if progress:
        progress(len(new) + len(changed), len(new) + len(changed))
    return ImportSummary(
        kind="rates",
        rows=f.height,
        created=len(new),
        updated=len(changed),
        unchanged=f.height - len(new) - len(changed),
        changes={"rate": len(changed)},
    )
