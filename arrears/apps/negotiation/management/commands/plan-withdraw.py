"""`arrears plan-withdraw ID --reason WHY --user U`: withdraw a plan waiting for approval or in
good standing (its approval request is withdrawn with it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, as_of, plan_id
from arrears.apps.negotiation.models import PaymentPlan, PlanStatus
from arrears.apps.negotiation.presentation import (
    not_found_words,
    plan_already_withdrawn_words,
    plan_status_words,
)
from arrears.apps.negotiation.services import plan_withdraw


class Command(DeskCommand):
    help = "Withdraw a pending or standing payment plan, with the reason."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", type=plan_id, help="the plan number (PL7 or 7)")
        parser.add_argument("--reason", required=True)
        add_case_options(parser, debtor=False)

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        plan = PaymentPlan.objects.filter(pk=o["id"], case__company=company).first()
        if plan is None:
            raise CommandError(not_found_words("plan", o["id"], company.code))
        if plan.status == PlanStatus.WITHDRAWN:  # the service leaves it as it is
            self.stdout.write(plan_already_withdrawn_words(plan))
            return
        plan = plan_withdraw(plan=plan, actor=user, as_of=as_of(o, company), reason=o["reason"])
        self.stdout.write(plan_status_words(plan))
