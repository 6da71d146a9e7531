"""Late interest and fixed compensation (rules 9 and 12): reference-rate tables, regimes as
configuration naming their legal source, and the engine that computes one debt's interest
period by period."""

from arrears.domain.interest.engine import Accrual, Debt, Period, accrue, debt_on_open
from arrears.domain.interest.rates import RateTable, rate_table_from_text, shipped_tables
from arrears.domain.interest.regimes import (
    Compounding,
    Fixing,
    PaymentsApplyTo,
    Regime,
    regimes_from_text,
    shipped_regimes,
)

__all__ = [
    "Accrual",
    "Compounding",
    "Debt",
    "Fixing",
    "PaymentsApplyTo",
    "Period",
    "RateTable",
    "Regime",
    "accrue",
    "debt_on_open",
    "rate_table_from_text",
    "regimes_from_text",
    "shipped_regimes",
    "shipped_tables",
]
