"""Writes for cases: the daily run, the run lock, strategy installation, actions done or sent."""

from arrears.apps.cases.services.actions import (
    Completed,
    action_cancel,
    action_complete,
    message_mark,
)
from arrears.apps.cases.services.assignment import (
    Assigned,
    debtor_assign,
    debtors_assign_unowned,
)
from arrears.apps.cases.services.lock import RunLocked, run_lock
from arrears.apps.cases.services.run import RunRefused, RunResult, run_daily
from arrears.apps.cases.services.strategies import strategies_install_defaults

__all__ = [
    "Assigned",
    "debtor_assign",
    "debtors_assign_unowned",
    "Completed",
    "RunLocked",
    "RunRefused",
    "RunResult",
    "action_cancel",
    "action_complete",
    "message_mark",
    "run_daily",
    "run_lock",
    "strategies_install_defaults",
]
