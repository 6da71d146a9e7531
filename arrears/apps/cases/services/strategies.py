"""Installing and replacing collection strategies (ladders)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Strategy as StrategyRow
from arrears.apps.cases.models import StrategyStep
from arrears.apps.ledger.models import Company
from arrears.domain.ladder import DEFAULT_STRATEGIES, Strategy


@transaction.atomic
def strategies_install(
    *, company: Company, strategies: tuple[Strategy, ...], actor: Any = None
) -> None:
    """Replace the company's strategies with these (validated domain objects)."""
    StrategyRow.objects.filter(company=company).delete()
    for s in strategies:
        row = StrategyRow.objects.create(
            company=company,
            code=s.code,
            name=s.name,
            mode=s.mode.value,
            priority=s.priority,
            risk_tiers=sorted(s.segment.risk_tiers),
            countries=sorted(s.segment.countries),
            min_amount=s.segment.min_amount,
            max_amount=s.segment.max_amount,
        )
        StrategyStep.objects.bulk_create(
            StrategyStep(
                strategy=row,
                position=i,
                code=st.code,
                name=st.name,
                min_days_past_due=st.min_days_past_due,
                min_gap_days=st.min_gap_days,
                min_overdue_amount=st.min_overdue_amount,
                min_broken_promises=st.min_broken_promises,
                channel=st.channel.value,
                role=st.role.value,
                follow_up_days=st.follow_up_days,
            )
            for i, st in enumerate(s.steps)
        )
    audit_record(
        action="strategies.install",
        actor=actor,
        object_type="company",
        object_id=company.pk,
        detail={"strategies": [s.code for s in strategies]},
    )


def strategies_install_defaults(*, company: Company, actor: Any = None) -> None:
    """Give a company the shipped default ladders if it has none."""
    if not StrategyRow.objects.filter(company=company).exists():
        strategies_install(company=company, strategies=DEFAULT_STRATEGIES, actor=actor)
