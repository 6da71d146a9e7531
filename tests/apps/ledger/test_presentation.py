"""How an exchange rate reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from arrears.apps.ledger.models import ExchangeRate
from arrears.apps.ledger.presentation import rate_line


def test_a_rate_reads_as_one_unit_in_the_company_s_currency_without_stored_zeros():
    rate = ExchangeRate(currency="USD", rate=Decimal("0.920000"), valid_from=date(2026, 1, 1))
    assert rate_line(rate, "EUR") == "1 USD = 0.92 EUR from 2026-01-01"
    big = ExchangeRate(currency="JPY", rate=Decimal("10.000000"), valid_from=date(2026, 1, 1))
    assert rate_line(big, "EUR") == "1 JPY = 10 EUR from 2026-01-01"
