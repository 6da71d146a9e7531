"""People, roles per company and reporting lines: only an administrator of the company changes
them, every change is audited, and a refusal writes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from arrears.apps.accounts.access import require, role_in
from arrears.apps.accounts.models import AuditEvent, Membership
from arrears.apps.accounts.selectors import manager_of, people_list, roles_of
from arrears.apps.accounts.services import (
    administrator_bootstrap,
    member_add,
    member_deactivate,
    member_role_change,
    reports_to_set,
    user_ensure,
)
from arrears.domain.access import PersonRole, Verb
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, terminal
from tests.queries import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    acme, globex = factories.company("acme"), factories.company("globex")
    admin = get_user_model().objects.get(username="admin")
    cora = factories.collector("cora", acme)
    gus = factories.collector("gus", globex)  # the other company's collector
    maria = factories.credit_manager("maria", acme)
    return acme, globex, admin, cora, gus, maria


def _rows():
    return list(Membership.objects.order_by("id").values()), AuditEvent.objects.count()


def test_an_administrator_adds_a_collector_who_reports_to_the_credit_manager(world):
    acme, _, admin, *_ = world
    change = member_add(
        actor=admin, company_id=acme.pk, username="carl", role="collector", reports_to="maria"
    )
    assert change.created and change.role is PersonRole.COLLECTOR
    carl = get_user_model().objects.get(username="carl")
    assert role_in(carl, acme.pk) is PersonRole.COLLECTOR
    assert manager_of(carl.pk, acme.pk).username == "maria"
    assert AuditEvent.objects.filter(action="accounts.member_add").count() == 1


def test_adding_the_same_person_in_the_same_role_twice_changes_nothing(world):
    acme, _, admin, *_ = world
    member_add(actor=admin, company_id=acme.pk, username="carl", role="collector")
    member_add(actor=admin, company_id=acme.pk, username="carl", role="collector")
    assert Membership.objects.filter(person__username="carl").count() == 1


@pytest.mark.parametrize("who", ["anonymous", "collector", "credit_manager", "other_company"])
def test_only_an_administrator_of_the_company_adds_people_and_a_refusal_writes_nothing(world, who):
    acme, _, _, cora, gus, maria = world
    actor = {"anonymous": None, "collector": cora, "credit_manager": maria, "other_company": gus}
    before = _rows()
    with pytest.raises(NotAllowed):
        member_add(actor=actor[who], company_id=acme.pk, username="x", role="collector")
    assert _rows() == before
    assert not get_user_model().objects.filter(username="x").exists()


def test_one_person_holds_different_roles_in_different_companies(world):
    acme, globex, admin, cora, *_ = world
    member_add(actor=admin, company_id=globex.pk, username="cora", role="credit_manager")
    assert role_in(cora, acme.pk) is PersonRole.COLLECTOR
    assert role_in(cora, globex.pk) is PersonRole.CREDIT_MANAGER
    with pytest.raises(NotAllowed):  # her role in globex does not count in acme
        require(cora, Verb.APPROVE, company_id=acme.pk)


def test_a_deactivated_member_can_no_longer_act_and_their_reports_lose_the_line(world):
    acme, _, admin, cora, _, maria = world
    reports_to_set(actor=admin, company_id=acme.pk, username="cora", manager="maria")
    member_deactivate(actor=admin, company_id=acme.pk, username="maria")
    with pytest.raises(NotAllowed) as refused:
        require(maria, Verb.APPROVE, company_id=acme.pk)
    assert refused.value.code == "access.inactive"
    assert manager_of(cora.pk, acme.pk) is None
    maria.refresh_from_db()
    assert not maria.is_active  # no role left anywhere: her tokens stop working


def test_the_last_administrator_of_a_company_stays(world):
    acme, _, admin, *_ = world
    with pytest.raises(Refusal) as refused:
        member_role_change(actor=admin, company_id=acme.pk, username="admin", role="collector")
    assert refused.value.code == "accounts.last_administrator"
    with pytest.raises(Refusal):
        member_deactivate(actor=admin, company_id=acme.pk, username="admin")


def test_a_reporting_line_may_not_loop(world):
    acme, _, admin, *_ = world
    reports_to_set(actor=admin, company_id=acme.pk, username="cora", manager="maria")
    with pytest.raises(Refusal) as refused:
        reports_to_set(actor=admin, company_id=acme.pk, username="maria", manager="cora")
    assert refused.value.code == "accounts.bad_manager"


def test_a_role_change_is_audited_with_what_it_was(world):
    acme, _, admin, *_ = world
    change = member_role_change(
        actor=admin, company_id=acme.pk, username="cora", role="credit_manager"
    )
    assert change.was is PersonRole.COLLECTOR
    event = AuditEvent.objects.get(action="accounts.member_role")
    assert event.detail["was"] == "collector" and event.actor == admin


def test_the_people_list_shows_only_the_company_s_people_to_its_members(world):
    acme, _, _, cora, gus, _ = world
    names = [r.username for r in people_list(actor=cora, company_id=acme.pk)]
    assert "cora" in names and "gus" not in names
    with pytest.raises(NotAllowed):
        people_list(actor=gus, company_id=acme.pk)


def test_the_people_list_is_two_queries_however_many_people(world, django_assert_num_queries):
    acme, _, _, cora, _, maria = world
    for n in range(5):
        factories.collector(f"c{n}", acme)
    Membership.objects.filter(person=cora, company=acme).update(reports_to=maria)
    with django_assert_num_queries(2):  # cora's membership, the people with their managers
        rows = people_list(actor=cora, company_id=acme.pk)
        assert [r.reports_to for r in rows if r.username == "cora"] == ["maria"]
    assert len(rows) == 8  # admin, maria, cora and five more


def test_nobody_anonymous_reads_the_people_list(world):
    acme, *_ = world
    with pytest.raises(NotAllowed) as e:
        people_list(actor=None, company_id=acme.pk)
    assert e.value.code == "access.anonymous"


def test_the_first_administrator_is_made_once(world):
    acme, *_ = world
    with pytest.raises(Refusal) as refused:
        administrator_bootstrap(company_id=acme.pk, username="eve")
    assert refused.value.code == "accounts.already_set_up"


def test_sales_reads_state_but_not_negotiation_notes(world):
    acme, *_ = world
    sam = user_ensure(username="sam", role=PersonRole.SALES, company=acme)
    assert require(sam, Verb.READ, company_id=acme.pk) is PersonRole.SALES
    with pytest.raises(NotAllowed):
        require(sam, Verb.READ_NOTES, company_id=acme.pk)
    with pytest.raises(NotAllowed):
        require(sam, Verb.CHANGE_CASE, company_id=acme.pk, owner_id=sam.pk)


def test_an_administrator_lets_collectors_read_each_other_s_cases_and_it_is_audited(world):
    from arrears.apps.accounts.services import access_policy_set
    from tests import terminal

    acme, _, admin, cora, *_ = world
    other = factories.debtor(acme, owner=factories.collector("carl", acme))
    with pytest.raises(NotAllowed):
        require(cora, Verb.READ_OTHERS, company_id=acme.pk, owner_id=other.owner_id)
    out = terminal.run("people", "access", "--collectors-read-others", "yes", "--company", "acme")
    assert "collectors of acme read cases they do not own" in out
    require(cora, Verb.READ_OTHERS, company_id=acme.pk, owner_id=other.owner_id)
    assert AuditEvent.objects.filter(action="accounts.access_policy").count() == 1
    with pytest.raises(NotAllowed):  # a collector cannot widen it herself
        access_policy_set(actor=cora, company_id=acme.pk, collectors_read_others=False)


def test_the_roles_whoami_shows_are_read_in_one_query_however_many_companies(world):
    acme, globex, _, cora, _, _ = world
    few, one = queries(lambda: roles_of(actor=cora))
    for code in ("initech", "umbrella", "hooli"):
        factories.credit_manager("cora", factories.company(code))
    many, four = queries(lambda: roles_of(actor=cora))
    assert [(r.company, r.role) for r in one] == [("acme", PersonRole.COLLECTOR)]
    assert [r.company for r in four] == ["acme", "hooli", "initech", "umbrella"]  # not globex
    assert many == few == 1


def test_whoami_says_who_the_terminal_acts_as_and_the_role_in_each_company(world):
    acme, globex, _, cora, _, _ = world
    factories.credit_manager("cora", globex)
    said = terminal.run("whoami", as_="cora").splitlines()
    assert said == ["cora", "  acme: collector", "  globex: credit manager"]
