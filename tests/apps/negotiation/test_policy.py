from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.negotiation.models import NegotiationPolicy
from arrears.apps.negotiation.policy import desk_policy, negotiation_config
from arrears.apps.negotiation.services import (
    NotAllowed,
    PlanIn,
    excuse_log,
    negotiation_policy_load,
    negotiation_propose,
    plan_create,
)
from arrears.domain.excuses import Excuse
from arrears.domain.negotiation import Terms
from arrears.domain.negotiation.document import PolicyDocumentError
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, eur

pytestmark = pytest.mark.django_db

GENEROUS = {
    "walk_away": [
        {
            "risk_tier": "",
            "min_balance": "0",
            "max_days_to_first": 60,
            "min_first_share": "0.05",
            "max_days_to_last": 365,
        }
    ],
    "plan_grace_business_days": 7,
    "excuse_follow_up_days": {"no_money": 5},
}


def _run(*args: str, as_: Any = "admin") -> str:
    return terminal.run(*args, as_=as_)


def test_a_company_s_policy_document_replaces_the_defaults_only_for_that_company(w):
    other = factories.company(code="OTHER")
    negotiation_policy_load(company=w.company, actor=w.maria, document=GENEROUS)
    assert negotiation_config(w.company).walk_away[0].walk_away.max_days_to_first == 60
    assert len(negotiation_config(w.company).walk_away) == 1
    assert len(negotiation_config(other).walk_away) == 5
    assert desk_policy(w.company).promise.grace_business_days == 2  # untouched: the default


def test_the_negotiation_judges_by_the_company_s_walk_away_table(w):
    negotiation_policy_load(company=w.company, actor=w.maria, document=GENEROUS)
    r = negotiation_propose(
        case=w.case,
        actor=w.cora,
        proposal=Terms.single(date(2027, 1, 10), eur("1000")),
        proposed_by="Mr Weber",
        as_of=AS_OF,
    )
    assert r.recommendation.walk_away.max_days_to_first == 60


def test_plans_and_excuses_follow_the_company_s_grace_and_follow_up_days(w):
    negotiation_policy_load(company=w.company, actor=w.maria, document=GENEROUS)
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2026, 12, 1), date(2026, 12, 8)]),
    )
    assert plan.grace_business_days == 7
    r = excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    assert r.action.due_on == date(2026, 12, 2)  # 5 business days after Wednesday 25 November


def test_a_bad_policy_field_is_refused_by_name_and_nothing_is_stored(w):
    bad = {"concessions": {"first_share": "1.5"}}
    with pytest.raises(PolicyDocumentError) as got:
        negotiation_policy_load(company=w.company, actor=w.maria, document=bad)
    assert str(got.value) == (
        "negotiation policy: concessions.first_share: '1.5' must be between 0 and 1"
    )
    assert not NegotiationPolicy.objects.exists()


def test_only_a_credit_manager_changes_the_policy(w):
    with pytest.raises(NotAllowed):
        negotiation_policy_load(company=w.company, actor=w.cora, document=GENEROUS)
    assert not NegotiationPolicy.objects.exists()


def test_loading_the_same_policy_twice_records_one_change(w):
    negotiation_policy_load(company=w.company, actor=w.maria, document=GENEROUS)
    negotiation_policy_load(company=w.company, actor=w.maria, document=GENEROUS)
    assert AuditEvent.objects.filter(action="negotiation.policy_loaded").count() == 1


def test_policy_command_exports_a_document_that_loads_back(w, tmp_path):
    exported = json.loads(_run("negotiation-policy", "export"))
    assert exported["concessions"] == {"first_share": "0.5", "ratio": "0.5", "max_concessions": 3}
    exported["concessions"]["max_concessions"] = 2
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(exported))
    _run("negotiation-policy", "load", str(path), "--user", "maria")
    assert negotiation_config(w.company).concessions.max_concessions == 2
    assert "company ACME sets: " in _run("negotiation-policy", "show").replace(
        w.company.code, "ACME"
    )


def test_policy_command_loads_toml_and_refuses_a_bad_file_cleanly(w, tmp_path):
    good = tmp_path / "policy.toml"
    good.write_text('[strictness]\nmax_tightening = "0.5"\n')
    _run("negotiation-policy", "load", str(good), "--user", "maria")
    assert str(negotiation_config(w.company).strictness.max_tightening) == "0.5"
    bad = tmp_path / "bad.toml"
    bad.write_text("[conditions]\norder = ['cash']\n")
    with pytest.raises(CommandError, match=r"conditions.order\[0\]: 'cash' is not a condition"):
        _run("negotiation-policy", "load", str(bad), "--user", "maria")
