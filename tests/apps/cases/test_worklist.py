"""The worklist selector: whose actions, in which order, with which reasons, and who may ask."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrears.apps.accounts.models import AccessPolicy, Membership
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import PENDING_STATUSES, Action, ActionStatus, Case, CaseStatus
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.cases.worklist import worklist
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import ExchangeRate
from arrears.domain.access import PersonRole
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.domain.scoring import Reasons
from tests import factories
from tests.factories import admin, run_as_admin

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 25)


def ago(days: int) -> date:
    return ON - timedelta(days=days)


def action(debtor, *, due_on=ON, step="reminder", channel="letter", role="collector", cur=None):
    """An open action on the debtor's case in `cur` (opened if need be)."""
    case, _ = Case.objects.get_or_create(
        company=debtor.company,
        debtor=debtor,
        currency=cur or debtor.company.currency,
        defaults={"opened_on": ago(60)},
    )
    return Action.objects.create(
        case=case, step_code=step, channel=channel, role=role, due_on=due_on
    )


class World:
    """acme: collectors cora (reports to maria) and carl, credit manager maria; rival: otto."""

    def __init__(self) -> None:
        self.acme = factories.company("acme")
        self.cora = factories.collector("cora", self.acme)
        self.carl = factories.collector("carl", self.acme)
        self.maria = user_ensure(
            username="maria", role=PersonRole.CREDIT_MANAGER, company=self.acme
        )
        Membership.objects.filter(person=self.cora, company=self.acme).update(reports_to=self.maria)
        self.rival = factories.company("rival")
        self.otto = factories.collector("otto", self.rival)
        rd = factories.debtor(self.rival, code="R1", owner=self.otto)
        factories.item(rd, due=ago(40), amount=9_999_00)
        action(rd)


@pytest.fixture
def w() -> World:
    return World()


def debtor_of(w: World, owner, code: str, *items: tuple[int, int], **kw):
    """A debtor with items given as (days past due, amount in minor units)."""
    d = factories.debtor(w.acme, code=code, name=f"{code} GmbH", owner=owner, **kw)
    for days, amount in items:
        factories.item(d, due=ago(days), amount=amount)
    return d


def codes(lines) -> list[str]:
    return [x.debtor_code for x in lines]


def test_a_collector_sees_their_debtors_actions_highest_score_first_with_the_reasons(w):
    x = debtor_of(w, w.cora, "X", (45, 12_000_00))
    for i in x.items.all():
        factories.desk_input_set(i, broken_promises=1)
    y = debtor_of(w, w.cora, "Y", (10, 5_000_00))
    action(x, due_on=ago(3), step="call", channel="phone")
    action(y)
    action(debtor_of(w, w.carl, "CARLS", (20, 50_000_00)))  # carl's: not on cora's list
    lines = worklist(actor=w.cora, company_id=w.acme.pk, on=ON)
    assert codes(lines) == ["X", "Y"]  # the docstring's worked example
    assert [x.rank for x in lines] == [1, 2]
    assert lines[0].reasons == Reasons(
        overdue_minor=12_000_00,
        overdue_company_minor=12_000_00,
        days_overdue=45,
        broken_promises=1,
        days_late=3,
        expected_minor=4_000_00,
        score=571_428,
        bucket="31-60",
    )
    assert (lines[0].step_code, lines[0].channel, lines[0].owner) == ("call", "phone", "cora")


def test_only_open_actions_due_by_the_day_on_open_cases_are_listed(w):
    d = debtor_of(w, w.cora, "D", (30, 100_00))
    listed = action(d, step="reminder")
    action(d, step="later", due_on=ON + timedelta(days=1))
    done = action(d, step="done")
    Action.objects.filter(pk=done.pk).update(status=ActionStatus.DONE)
    closed = debtor_of(w, w.cora, "CLOSED", (30, 100_00))
    action(closed)
    Case.objects.filter(debtor=closed).update(status=CaseStatus.CLOSED)
    lines = worklist(actor=w.cora, company_id=w.acme.pk, on=ON)
    assert [x.action_id for x in lines] == [listed.pk]


def test_the_other_companys_collector_is_refused_and_sees_nothing(w):
    action(debtor_of(w, w.cora, "D", (30, 100_00)))
    with pytest.raises(NotAllowed) as e:
        worklist(actor=w.otto, company_id=w.acme.pk, on=ON)
    assert e.value.code == "access.not_a_member"
    with pytest.raises(NotAllowed):
        worklist(actor=w.otto, company_id=w.acme.pk, on=ON, owner="cora")
    assert codes(worklist(actor=w.otto, company_id=w.rival.pk, on=ON)) == ["R1"]


def test_a_collector_cannot_read_another_collectors_worklist(w):
    action(debtor_of(w, w.carl, "CARLS", (30, 100_00)))
    with pytest.raises(NotAllowed) as e:
        worklist(actor=w.cora, company_id=w.acme.pk, on=ON, owner="carl")
    assert (e.value.code, e.value.figures["what"]) == ("access.not_owner", "read carl's worklist")


def test_a_collector_reads_another_collectors_worklist_where_the_company_allows_it(w):
    action(debtor_of(w, w.carl, "CARLS", (30, 100_00)))
    AccessPolicy.objects.create(company=w.acme, collectors_read_others=True)
    assert codes(worklist(actor=w.cora, company_id=w.acme.pk, on=ON, owner="carl")) == ["CARLS"]


def test_a_collector_may_name_themself(w):
    action(debtor_of(w, w.cora, "MINE", (30, 100_00)))
    assert codes(worklist(actor=w.cora, company_id=w.acme.pk, on=ON, owner="cora")) == ["MINE"]


def test_a_credit_manager_reads_any_collectors_worklist(w):
    action(debtor_of(w, w.carl, "CARLS", (30, 100_00)))
    assert codes(worklist(actor=w.maria, company_id=w.acme.pk, on=ON, owner="carl")) == ["CARLS"]


def test_a_credit_manager_sees_the_worklists_of_the_people_who_report_to_them(w):
    action(debtor_of(w, w.cora, "CORAS", (30, 100_00)))
    action(debtor_of(w, w.carl, "CARLS", (30, 900_00)))  # carl reports to nobody
    lines = worklist(actor=w.maria, company_id=w.acme.pk, on=ON, team=True)
    assert [(x.debtor_code, x.owner) for x in lines] == [("CORAS", "cora")]


def test_a_team_narrows_to_one_member_and_refuses_someone_outside_it(w):
    action(debtor_of(w, w.cora, "CORAS", (30, 100_00)))
    team = worklist(actor=w.maria, company_id=w.acme.pk, on=ON, team=True, owner="cora")
    assert codes(team) == ["CORAS"]
    with pytest.raises(Refusal) as e:
        worklist(actor=w.maria, company_id=w.acme.pk, on=ON, team=True, owner="carl")
    assert (e.value.code, e.value.figures) == (
        "worklist.not_in_team",
        {"username": "carl", "manager": "maria"},
    )


def test_a_collector_has_no_team_to_read(w):
    with pytest.raises(NotAllowed) as e:
        worklist(actor=w.cora, company_id=w.acme.pk, on=ON, team=True)
    assert e.value.code == "access.not_owner"


def test_a_credit_managers_own_list_holds_the_actions_the_ladder_gives_their_role(w):
    d = debtor_of(w, w.cora, "D", (100, 100_00))
    action(d, step="final_notice", role="credit_manager", due_on=ago(1))
    action(d, step="reminder")
    mine = worklist(actor=w.maria, company_id=w.acme.pk, on=ON)
    assert [(x.step_code, x.role) for x in mine] == [("final_notice", "credit_manager")]
    coras = worklist(actor=w.cora, company_id=w.acme.pk, on=ON)
    assert [x.step_code for x in coras] == ["reminder"]


def test_a_collectors_list_leaves_off_the_hand_over_tasks_a_credit_manager_does(w):
    """The legal or agency step asks a credit manager to approve the hand-over (acting_role):
    the collector who owns the debtor is not offered it, however high it would rank, since
    action-done would refuse them; it leads the credit manager's list instead."""
    d = debtor_of(w, w.cora, "D", (200, 9_000_00))
    handover = action(d, step="legal", role="credit_manager", due_on=ago(5))
    action(debtor_of(w, w.cora, "E", (3, 10_00)), step="reminder")
    coras = worklist(actor=w.cora, company_id=w.acme.pk, on=ON)
    assert [(x.debtor_code, x.role) for x in coras] == [("E", "collector")]
    # a credit manager reading Cora's list sees what Cora can do, not their own task
    assert codes(worklist(actor=w.maria, company_id=w.acme.pk, on=ON, owner="cora")) == ["E"]
    marias = worklist(actor=w.maria, company_id=w.acme.pk, on=ON)
    assert [x.action_id for x in marias] == [handover.pk]


def test_an_unknown_or_foreign_person_is_refused_alike(w):
    for name in ("nobody", "otto"):
        with pytest.raises(Refusal) as e:
            worklist(actor=w.maria, company_id=w.acme.pk, on=ON, owner=name)
        assert (e.value.code, e.value.figures) == ("worklist.unknown_person", {"username": name})


@pytest.fixture
def spread(w):
    """Cora's actions across channels, steps, buckets and currencies."""
    ExchangeRate.objects.create(
        company=w.acme, currency="USD", rate=Decimal("0.9"), valid_from=ago(365)
    )
    action(debtor_of(w, w.cora, "FRESH", (5, 100_00)), step="reminder")
    action(debtor_of(w, w.cora, "MID", (45, 100_00)), step="call", channel="phone")
    action(debtor_of(w, w.cora, "OLD", (120, 100_00)), step="final_notice")
    usd = factories.debtor(w.acme, code="USD", owner=w.cora)
    factories.item(usd, due=ago(70), amount=1_000_00, currency="USD")
    action(usd, step="call", channel="phone", cur="USD")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"channel": "phone"}, {"MID", "USD"}),
        ({"step": "final_notice"}, {"OLD"}),
        ({"bucket": "1-30"}, {"FRESH"}),
        ({"bucket": "61-90"}, {"USD"}),
        ({"bucket": "90+"}, {"OLD"}),
        ({"currency": "USD"}, {"USD"}),
        ({"channel": "phone", "currency": "EUR"}, {"MID"}),
    ],
)
def test_filters_narrow_the_list(w, spread, filters, expected):
    assert set(codes(worklist(actor=w.cora, company_id=w.acme.pk, on=ON, **filters))) == expected


def test_a_foreign_currency_case_is_weighed_in_the_company_currency(w, spread):
    (usd,) = worklist(actor=w.cora, company_id=w.acme.pk, on=ON, currency="USD")
    assert (usd.reasons.overdue_minor, usd.reasons.overdue_company_minor) == (1_000_00, 900_00)
    assert (usd.currency, usd.company_currency) == ("USD", "EUR")


@pytest.mark.parametrize(
    ("filters", "name"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"bucket": "over 9000"}, "bucket"),
        ({"currency": "XXY"}, "currency"),
        ({"step": "no_such_step"}, "step"),
    ],
)
def test_unknown_filters_are_refused_with_their_name_and_value(w, filters, name):
    with pytest.raises(Refusal) as e:
        worklist(actor=w.cora, company_id=w.acme.pk, on=ON, **filters)
    assert e.value.code == "worklist.unknown_filter"
    assert (e.value.figures["name"], e.value.figures["value"]) == (name, filters[name])


def test_a_case_in_a_currency_without_a_rate_is_refused(w):
    gbp = factories.debtor(w.acme, code="GBP", owner=w.cora)
    factories.item(gbp, due=ago(10), amount=100_00, currency="GBP")
    action(gbp, cur="GBP")
    with pytest.raises(Refusal) as e:
        worklist(actor=w.cora, company_id=w.acme.pk, on=ON)
    assert (e.value.code, e.value.figures) == ("worklist.no_rate", {"currencies": "GBP"})


def _reads(w: World, monkeypatch, *, kept: bool = False) -> tuple[int, int]:
    """Queries Django counts, and bulk reads through the driver (`read_frame`), which it
    does not; with nothing kept from an earlier read of the day unless `kept`."""
    from arrears.apps.cases import worklist as module

    if not kept:
        cache.clear()
    bulk = []
    monkeypatch.setattr(module, "read_frame", lambda *a: bulk.append(a) or read_frame(*a))
    with CaptureQueriesContext(connection) as ctx:
        worklist(actor=w.maria, company_id=w.acme.pk, on=ON, team=True)
    return len(ctx), len(bulk)


def test_the_number_of_queries_does_not_grow_with_the_lines(
    w, monkeypatch, django_assert_num_queries
):
    action(debtor_of(w, w.cora, "ONE", (30, 100_00)))
    one = _reads(w, monkeypatch)
    for n in range(12):
        d = debtor_of(w, w.cora, f"N{n}", (n + 1, 100_00), (n + 40, 50_00))
        action(d)
        action(d, step="call", channel="phone", due_on=ago(2))
    assert len(worklist(actor=w.maria, company_id=w.acme.pk, on=ON, team=True)) == 25
    # the baseline: access (membership; again with the company's policy), the team, its
    # members, the company, its rates, the ledger's version; and two bulk reads: the actions
    # with their debtors and owners, and those debtors' items
    assert _reads(w, monkeypatch) == one == (8, 2)
    # read again the same day: the cases' figures were kept, only the actions are read
    assert _reads(w, monkeypatch, kept=True) == (8, 1)
    with django_assert_num_queries(8):
        worklist(actor=w.maria, company_id=w.acme.pk, on=ON, team=True)


def test_the_worklist_lists_what_the_daily_run_created(w):
    strategies_install_defaults(actor=admin(), company=w.acme)
    d = debtor_of(w, w.cora, "RUN", (20, 300_00))
    run_as_admin(company=w.acme, as_of=ON)
    lines = worklist(actor=w.cora, company_id=w.acme.pk, on=ON)
    created = Action.objects.filter(case__debtor=d, status__in=PENDING_STATUSES)
    assert [x.action_id for x in lines] == [a.pk for a in created] != []
    assert lines[0].reasons.days_overdue == 20


def test_a_list_read_from_its_owners_debtors_holds_what_the_company_wide_read_holds(w, spread):
    """On PostgreSQL an owners' list is read from their debtors (`_BY_OWNER`): for every filter
    and whose list, the same rows as the company-wide read, so the same lines in the same
    ranks; what is not due, not pending, on a closed case or another's debtor stays out."""
    from dataclasses import replace

    from arrears.apps.cases import worklist as module

    action(debtor_of(w, w.cora, "LATER", (10, 100_00)), due_on=ON + timedelta(days=1))
    done = action(debtor_of(w, w.cora, "DONE", (10, 100_00)))
    Action.objects.filter(pk=done.pk).update(status=ActionStatus.DONE)
    closed = action(debtor_of(w, w.cora, "SHUT", (10, 100_00)))
    Case.objects.filter(pk=closed.case_id).update(status=CaseStatus.CLOSED)
    action(debtor_of(w, w.carl, "CARLS", (30, 100_00)))
    queued = action(debtor_of(w, w.cora, "SENDING", (20, 100_00)), channel="email")
    Action.objects.filter(pk=queued.pk).update(status=ActionStatus.QUEUED)
    people = [
        {w.cora.pk: PersonRole.COLLECTOR},
        {w.cora.pk: PersonRole.COLLECTOR, w.carl.pk: PersonRole.COLLECTOR},
    ]
    filters = [
        {},
        {"channel": "phone"},
        {"step": "final_notice"},
        {"currency": "USD"},
        {"channel": "phone", "step": "call", "currency": "EUR"},
    ]
    for whose in people:
        for f in filters:
            ask = module._ask(
                w.acme.pk,
                ON,
                whose,
                channel=f.get("channel"),
                step=f.get("step"),
                currency=f.get("currency"),
            )
            assert (ask.by_owner is not None) == (connection.vendor == "postgresql")
            by_owner = module._action_rows(ask).sort("action_id")
            wide = module._action_rows(replace(ask, by_owner=None)).sort("action_id")
            assert by_owner.equals(wide), (whose, f)
    every = module._action_rows(
        module._ask(w.acme.pk, ON, people[1], channel=None, step=None, currency=None)
    )
    assert set(every["debtor_code"]) == {"FRESH", "MID", "OLD", "USD", "CARLS", "SENDING"}
    # a credit manager's own list also holds the ladder's actions for their role: read wide
    mine = module._ask(
        w.acme.pk,
        ON,
        {w.maria.pk: PersonRole.CREDIT_MANAGER},
        channel=None,
        step=None,
        currency=None,
    )
    assert mine.by_owner is None
