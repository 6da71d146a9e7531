"""Writes for the negotiation desk (§5-8): one module per area, re-exported here."""

from arrears.apps.negotiation.services.approvals import approval_decide
from arrears.apps.negotiation.services.balances import negotiation_balance
from arrears.apps.negotiation.services.common import Refused, case_ensure
from arrears.apps.negotiation.services.disputes import dispute_open, dispute_resolve
from arrears.apps.negotiation.services.excuses import ExcuseResult, excuse_log
from arrears.apps.negotiation.services.negotiation import (
    OverrideIn,
    ProposalResult,
    negotiation_propose,
)
from arrears.apps.negotiation.services.plans import PlanIn, plan_create
from arrears.apps.negotiation.services.policy import negotiation_policy_load
from arrears.apps.negotiation.services.promises import promise_cancel, promise_create
from arrears.apps.negotiation.services.sweep import SweepResult, negotiation_sweep
from arrears.apps.negotiation.services.withdrawals import (
    approval_withdraw,
    negotiation_close,
    plan_withdraw,
    writeoff_cancel,
)
from arrears.apps.negotiation.services.writeoffs import case_handover, writeoff_request
from arrears.domain.refusal import NotAllowed

__all__ = [
    "ExcuseResult",
    "NotAllowed",
    "OverrideIn",
    "PlanIn",
    "ProposalResult",
    "Refused",
    "SweepResult",
    "approval_decide",
    "approval_withdraw",
    "case_ensure",
    "case_handover",
    "dispute_open",
    "dispute_resolve",
    "excuse_log",
    "negotiation_balance",
    "negotiation_close",
    "negotiation_policy_load",
    "negotiation_propose",
    "negotiation_sweep",
    "plan_create",
    "plan_withdraw",
    "promise_cancel",
    "promise_create",
    "writeoff_cancel",
    "writeoff_request",
]
