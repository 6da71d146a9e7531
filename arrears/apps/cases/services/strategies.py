"""Installing and replacing collection strategies (ladders): the company's policy, a credit
manager's to change; the shipped defaults come with the company's setup, by its
administrator."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Strategy as StrategyRow
from arrears.apps.cases.models import StrategyStep
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.ladder import DEFAULT_STRATEGIES, Strategy


def strategies_install(*, actor: Any, company: Company, strategies: tuple[Strategy, ...]) -> None:
    """Replace the company's strategies with these (validated domain objects)."""
    with transaction.atomic():
        _lock(company)
        require(actor, Verb.SET_POLICY, company_id=company.pk, what="change the ladders")
        _install(company, strategies, actor)


def strategies_install_defaults(*, actor: Any, company: Company) -> None:
    """Give a company the shipped default ladders if it has none (part of its setup)."""
    with transaction.atomic():
        _lock(company)
        require(actor, Verb.ADMINISTER, company_id=company.pk, what="set the company up")
        if not StrategyRow.objects.filter(company=company).exists():
            _install(company, DEFAULT_STRATEGIES, actor)


def _lock(company: Company) -> None:
    """One change of a company's ladders at a time (the second waits, then sees the first)."""
    Company.objects.select_for_update().filter(pk=company.pk).first()


def _install(company: Company, strategies: tuple[Strategy, ...], actor: Any) -> None:
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
                fee_kind=st.fee.kind.value if st.fee else "",
                fee_amount_minor=st.fee.amount_minor if st.fee else 0,
                fee_currency=(st.fee.currency or "") if st.fee else "",
                fee_basis_points=st.fee.basis_points if st.fee else 0,
                attach_statement=st.attach_statement,
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
