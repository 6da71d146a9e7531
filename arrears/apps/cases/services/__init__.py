"""Writes for cases: the daily run, the run lock, strategy installation."""

from arrears.apps.cases.services.lock import RunLocked, run_lock
from arrears.apps.cases.services.run import RunRefused, RunResult, run_daily
from arrears.apps.cases.services.strategies import strategies_install_defaults

__all__ = [
    "RunLocked",
    "RunRefused",
    "RunResult",
    "run_daily",
    "run_lock",
    "strategies_install_defaults",
]
