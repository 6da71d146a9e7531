"""§1: giving debtors an owner, one or all unowned by a rule, each a recorded hand-off."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.cli import ASSIGN_USAGE
from arrears.apps.cases.models import Handoff
from arrears.apps.cases.services import debtor_assign, debtors_assign_unowned
from arrears.apps.common.cli import TOKEN_ENV
from arrears.apps.ledger.models import Debtor
from arrears.cli import main
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, terminal
from tests.factories import run_as_admin
from tests.tables import snapshot

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 16)


@pytest.fixture
def w():
    acme, globex = factories.company("acme"), factories.company("globex")
    cora, carl = factories.collector("cora", acme), factories.collector("carl", acme)
    gus = factories.collector("gus", globex)
    maria = factories.credit_manager("maria", acme)
    owned = factories.debtor(acme, code="OWNED", owner=cora)
    loose = [factories.debtor(acme, code=f"U{i}", country=c) for i, c in enumerate("DDAF")]
    theirs = factories.debtor(globex, code="G1")  # unowned too, in the other company
    return acme, cora, carl, gus, maria, owned, loose, theirs


def test_round_robin_evens_the_portfolios_and_records_each_hand_off_with_its_reason(w):
    acme, cora, carl, _, maria, *_ = w
    done = debtors_assign_unowned(
        actor=maria, company=acme, rule="round_robin", reason="new portfolios", on=ON
    )
    assert done.given == {"carl": 3, "cora": 1}  # cora already owned one
    assert not Debtor.objects.filter(company=acme, owner__isnull=True).exists()
    assert Debtor.objects.get(code="G1").owner is None  # the other company is not touched
    h = Handoff.objects.filter(debtor__code="U0").get()
    assert (h.from_owner, h.to_owner, h.rule, h.reason, h.actor) == (
        None,
        carl,
        "round_robin",
        "new portfolios",
        maria,
    )
    assert AuditEvent.objects.filter(action="cases.handoff").count() == 4


def test_assigning_again_finds_nobody_unowned_and_changes_nothing(w):
    acme, *_, maria, _, _, _ = w
    debtors_assign_unowned(actor=maria, company=acme, rule="round_robin", reason="x", on=ON)
    before = snapshot()
    done = debtors_assign_unowned(actor=maria, company=acme, rule="round_robin", reason="x", on=ON)
    assert done.given == {} and snapshot() == before


def test_a_country_map_gives_mapped_countries_and_lists_the_rest(w):
    acme, *_, maria, _, _, _ = w
    done = debtors_assign_unowned(
        actor=maria, company=acme, rule="country", mapping={"D": "cora"}, reason="x", on=ON
    )
    assert done.given == {"cora": 2} and done.left_unowned == ["U2", "U3"]


def test_one_debtor_changes_hands_with_its_former_owner_recorded(w):
    acme, cora, carl, _, maria, *_ = w
    debtor_assign(
        actor=maria, company=acme, debtor_code="OWNED", owner="carl", reason="leave", on=ON
    )
    h = Handoff.objects.get()
    assert (h.from_owner, h.to_owner) == (cora, carl)
    again = debtor_assign(
        actor=maria, company=acme, debtor_code="OWNED", owner="carl", reason="leave", on=ON
    )
    assert again.unchanged == 1 and Handoff.objects.count() == 1


@pytest.mark.parametrize("who", ["nobody", "collector", "other_company"])
def test_only_a_credit_manager_or_administrator_of_the_company_assigns(w, who):
    acme, cora, _, gus, *_ = w
    actor = {"nobody": None, "collector": cora, "other_company": gus}[who]
    before = snapshot()
    with pytest.raises(NotAllowed):
        debtors_assign_unowned(actor=actor, company=acme, rule="round_robin", reason="x", on=ON)
    with pytest.raises(NotAllowed):
        debtor_assign(actor=actor, company=acme, debtor_code="U0", owner="cora", reason="x", on=ON)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("owner", "reason", "code"),
    [("gus", "x", "assign.not_an_owner"), ("cora", " ", "assign.no_reason")],
)
def test_an_owner_from_another_company_or_no_reason_is_refused(w, owner, reason, code):
    acme, *_, maria, _, _, _ = w
    before = snapshot()
    with pytest.raises(Refusal) as refused:
        debtor_assign(
            actor=maria, company=acme, debtor_code="U0", owner=owner, reason=reason, on=ON
        )
    assert refused.value.code == code and snapshot() == before


def test_the_administrator_may_assign_too(w):
    acme, *_ = w
    admin = get_user_model().objects.get(username="admin")
    done = debtor_assign(
        actor=admin, company=acme, debtor_code="U0", owner="cora", reason="x", on=ON
    )
    assert done.given == {"cora": 1}


def test_a_deactivated_owner_s_debtors_are_reported_unowned_and_handed_on(w):
    from arrears.apps.accounts.services import member_deactivate
    from arrears.apps.cases.services import strategies_install_defaults

    acme, cora, carl, _, maria, owned, *_ = w
    admin = factories.admin()
    strategies_install_defaults(actor=admin, company=acme)
    factories.item(owned, due=date(2026, 10, 1))
    debtors_assign_unowned(actor=maria, company=acme, rule="round_robin", reason="x", on=ON)
    member_deactivate(actor=admin, company_id=acme.pk, username="cora")
    result = run_as_admin(company=acme, as_of=ON)
    assert "OWNED" in result.orphans  # §1: an account whose owner left is a defect
    done = debtors_assign_unowned(
        actor=maria, company=acme, rule="round_robin", reason="cora left", on=ON
    )
    assert done.given == {"carl": 2}  # OWNED and the one cora had been given
    assert Handoff.objects.filter(from_owner=cora, to_owner=carl).count() == 2


@pytest.mark.parametrize(
    "args",
    [["--reason", "x"], ["OWNED", "--reason", "x"], ["--to", "carl", "--reason", "x"]],
    ids=["no-debtor", "no-owner", "no-debtor-given-an-owner"],
)
def test_assign_without_whom_to_assign_refuses_with_its_usage_and_writes_nothing(w, args):
    token = terminal.token_for("maria")  # a row too: made before counting
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        terminal.run("assign", *args, token=token)
    assert snapshot() == before
    assert str(refused.value) == ASSIGN_USAGE


def test_assign_without_whom_to_assign_exits_non_zero_at_the_terminal(w, capsys, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, terminal.token_for("maria"))
    with pytest.raises(SystemExit) as exited:
        main(["assign", "--reason", "x"])
    assert exited.value.code != 0
    assert "arrears assign DEBTOR --to USER" in capsys.readouterr().err
