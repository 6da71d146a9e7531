"""Who may do what (arrears.domain.access): the pure rules, without a database."""

from __future__ import annotations

import pytest

from arrears.domain.access import (
    INACTIVE,
    NOT_A_MEMBER,
    NOT_ACTION_ROLE,
    NOT_OWNER,
    WRONG_ROLE,
    PersonRole,
    Verb,
    decide,
    decide_action,
)
from arrears.domain.ladder import Role

R = PersonRole


def test_sales_reads_the_state_but_not_the_negotiation_notes():
    assert decide(R.SALES, Verb.READ) is None
    assert decide(R.SALES, Verb.READ_NOTES) == WRONG_ROLE


def test_a_collector_reads_another_s_case_only_where_the_company_allows_it():
    assert decide(R.COLLECTOR, Verb.READ_OTHERS) == NOT_OWNER
    assert decide(R.COLLECTOR, Verb.READ_OTHERS, others_readable=True) is None
    assert decide(R.COLLECTOR, Verb.READ_OTHERS, owns=True) is None
    assert decide(R.CREDIT_MANAGER, Verb.READ_OTHERS) is None


def test_the_owning_collector_does_the_collector_s_actions():
    assert decide_action(R.COLLECTOR, Role.COLLECTOR, owns=True) is None


@pytest.mark.parametrize("theirs", [Role.CREDIT_MANAGER, Role.LEGAL, Role.AGENCY])
def test_the_owning_collector_does_no_action_of_another_role(theirs):
    assert decide_action(R.COLLECTOR, theirs, owns=True) == NOT_ACTION_ROLE


def test_a_collector_who_does_not_own_the_debtor_is_refused_as_not_the_owner():
    assert decide_action(R.COLLECTOR, Role.COLLECTOR) == NOT_OWNER
    assert decide_action(R.COLLECTOR, Role.CREDIT_MANAGER) == NOT_ACTION_ROLE  # the first why


@pytest.mark.parametrize("any_role", list(Role))
def test_a_credit_manager_does_any_action_of_the_company(any_role):
    assert decide_action(R.CREDIT_MANAGER, any_role) is None


def test_legal_does_legal_s_actions_on_any_case_and_no_other_role_s():
    assert decide_action(R.LEGAL, Role.LEGAL) is None  # the ladder's step, on anyone's debtor
    assert decide_action(R.LEGAL, Role.COLLECTOR, owns=True) == NOT_ACTION_ROLE
    assert decide_action(R.LEGAL, Role.CREDIT_MANAGER) == NOT_ACTION_ROLE


def test_an_agency_does_its_actions_on_the_cases_handed_over_to_it_only():
    assert decide_action(R.AGENCY, Role.AGENCY, owns=True) is None
    assert decide_action(R.AGENCY, Role.AGENCY) == NOT_OWNER
    assert decide_action(R.AGENCY, Role.COLLECTOR, owns=True) == NOT_ACTION_ROLE


@pytest.mark.parametrize("role", [R.SALES, R.FINANCE, R.ADMINISTRATOR])
def test_roles_that_act_on_no_case_do_no_action(role):
    for theirs in Role:
        assert decide_action(role, theirs, owns=True) == WRONG_ROLE


def test_nobody_from_outside_and_nobody_inactive_does_an_action():
    assert decide_action(None, Role.COLLECTOR, owns=True) == NOT_A_MEMBER
    assert decide_action(R.CREDIT_MANAGER, Role.COLLECTOR, active=False) == INACTIVE
