"""Late interest and fixed compensation (rules 9 and 12): reference-rate tables, regimes as
configuration naming their legal source, and the engine that computes one debt's interest
period by period."""

from arrears.domain.interest.contract import (
    ContractRate,
    Per,
    RateUsed,
    applied_regime,
    contract_for,
    contract_rate,
    markup_checked,
    rates_used,
    stated,
)
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
    "ContractRate",
    "Debt",
    "Fixing",
    "PaymentsApplyTo",
    "Per",
    "Period",
    "RateTable",
    "RateUsed",
    "Regime",
    "accrue",
    "applied_regime",
    "contract_for",
    "contract_rate",
    "debt_on_open",
    "markup_checked",
    "rate_table_from_text",
    "rates_used",
    "regimes_from_text",
    "shipped_regimes",
    "shipped_tables",
    "stated",
]
