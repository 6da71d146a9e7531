"""Every read of the negotiation desk asks who reads (selectors.py): nobody anonymous, nobody
from another company, no negotiation notes for sales, another collector's case only where the
company allows it; lists hold only the reader's company's rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from arrears.apps.accounts.models import AccessPolicy
from arrears.apps.accounts.services import user_ensure
from arrears.apps.negotiation.presentation import handed_over_words, negotiation_csv
from arrears.apps.negotiation.selectors import (
    approval_queue,
    case_handover,
    case_negotiation,
    excuse_stats,
    negotiation_policy_read,
    negotiation_rows,
)
from arrears.apps.negotiation.services import case_ensure, excuse_log, writeoff_request
from arrears.domain.access import PersonRole
from arrears.domain.excuses import Excuse
from arrears.domain.refusal import NotAllowed
from tests import factories
from tests.apps.negotiation.support import AS_OF, World, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(w: World) -> Any:
    """Acme's sales: reads the state of its customers, not what was negotiated."""
    return user_ensure(username="sam", role=PersonRole.SALES, company=w.company)


def _allow_others(w: World) -> None:
    AccessPolicy.objects.update_or_create(
        company=w.company, defaults={"collectors_read_others": True}
    )


def _case_readers(w: World) -> dict[str, Any]:
    """Each read of one case, as a function of the reader."""
    return {
        "case_negotiation": lambda who: case_negotiation(actor=who, case=w.case, as_of=AS_OF),
        "negotiation_rows": lambda who: negotiation_rows(actor=who, case=w.case),
        "negotiation_csv": lambda who: negotiation_csv(negotiation_rows(actor=who, case=w.case)),
    }


READERS = ["case_negotiation", "negotiation_rows", "negotiation_csv"]


def _refused(code: str, read: Any, who: Any) -> NotAllowed:
    with pytest.raises(NotAllowed) as e:
        read(who)
    assert e.value.code == code
    return e.value


@pytest.mark.parametrize("reader", READERS)
def test_a_case_s_negotiation_is_refused_to_nobody_and_to_the_other_company(w, reader):
    read = _case_readers(w)[reader]
    _refused("access.anonymous", read, None)
    e = _refused("access.not_a_member", read, w.olga)
    assert (e.figures["person"], e.figures["company_id"]) == ("olga", w.company.pk)


@pytest.mark.parametrize("reader", READERS)
def test_sales_reads_no_negotiation_notes(w, sam, reader):
    e = _refused("access.wrong_role", _case_readers(w)[reader], sam)
    assert (e.figures["role"], e.figures["verb"]) == ("sales", "read_notes")


@pytest.mark.parametrize("reader", READERS)
def test_a_collector_reads_another_s_case_only_where_the_company_allows_it(w, reader):
    read = _case_readers(w)[reader]
    _refused("access.not_owner", read, w.carl)
    _allow_others(w)
    read(w.carl)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("who", ["cora", "maria", "lena"])
def test_the_owner_a_credit_manager_and_legal_read_the_negotiation(w, reader, who):
    _case_readers(w)[reader](getattr(w, who))


def test_sales_reads_whether_a_case_is_handed_over_but_the_other_company_does_not(w, sam):
    assert handed_over_words(case_handover(actor=sam, case=w.case, as_of=AS_OF)) is None
    _refused(
        "access.not_a_member",
        lambda who: case_handover(actor=who, case=w.case, as_of=AS_OF),
        w.olga,
    )
    _refused(
        "access.not_owner", lambda who: case_handover(actor=who, case=w.case, as_of=AS_OF), w.carl
    )


# --- the approval queue ---------------------------------------------------------------------


def _request_on_globex(w: World) -> None:
    """A write-off request waiting at globex: it must never show at acme."""
    case = case_ensure(debtor=w.other_debtor, currency="EUR", on=AS_OF)
    writeoff_request(case=case, actor=w.olga, reason="insolvent", as_of=AS_OF)


def test_the_approval_queue_holds_only_the_reader_s_company_s_requests(w):
    writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    _request_on_globex(w)
    acme = approval_queue(actor=w.maria, company=w.company)
    assert [a.case.company_id for a in acme] == [w.company.pk]
    globex = approval_queue(actor=w.olga, company=w.other)
    assert [a.case.company_id for a in globex] == [w.other.pk]


def test_the_approval_queue_is_refused_to_nobody_the_other_company_and_sales(w, sam):
    def read(who: Any) -> Any:
        return approval_queue(actor=who, company=w.company)

    _refused("access.anonymous", read, None)
    _refused("access.not_a_member", read, w.olga)
    _refused("access.wrong_role", read, sam)


def test_a_collector_s_queue_holds_the_requests_on_their_own_debtors_unless_allowed(w):
    writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    assert len(approval_queue(actor=w.cora, company=w.company)) == 1
    assert approval_queue(actor=w.carl, company=w.company) == []
    _allow_others(w)
    assert len(approval_queue(actor=w.carl, company=w.company)) == 1


def test_a_collector_s_queue_is_a_constant_number_of_queries(w, django_assert_num_queries):
    for _ in range(3):
        d = factories.debtor(w.company, owner=w.cora)
        factories.item(d, due=AS_OF - timedelta(days=9))
        case = case_ensure(debtor=d, currency="EUR", on=AS_OF)
        writeoff_request(case=case, actor=w.cora, reason="x", as_of=AS_OF)
    with django_assert_num_queries(3):  # cora's membership, the company's policy, the queue
        queue = approval_queue(actor=w.cora, company=w.company)
        assert [a.case.debtor.code for a in queue]
    assert len(queue) == 3


# --- excuse statistics and the policy ---------------------------------------------------------


def test_excuse_statistics_count_only_the_reader_s_company_and_not_for_sales(w, sam):
    excuse_log(case=w.case, actor=w.cora, excuse=Excuse.NO_MONEY, as_of=AS_OF)
    other = case_ensure(debtor=w.other_debtor, currency="EUR", on=AS_OF)
    excuse_log(case=other, actor=w.olga, excuse=Excuse.SIGNATORY_AWAY, as_of=AS_OF)
    pay(w.old, 100_00, AS_OF + timedelta(days=10))
    later = AS_OF + timedelta(days=31)
    stats = excuse_stats(actor=w.carl, company=w.company, as_of=later)  # a company figure
    assert stats["excuse"].to_list() == ["no_money"]
    assert excuse_stats(actor=w.olga, company=w.other, as_of=later)["excuse"].to_list() == [
        "signatory_away"
    ]
    for who, code in ((None, "access.anonymous"), (w.olga, "access.not_a_member")):
        _refused(code, lambda p: excuse_stats(actor=p, company=w.company, as_of=later), who)
    _refused(
        "access.wrong_role", lambda p: excuse_stats(actor=p, company=w.company, as_of=later), sam
    )


def test_the_negotiation_policy_is_read_by_every_member_and_nobody_else(w, sam):
    assert negotiation_policy_read(actor=sam, company=w.company).own == {}
    _refused(
        "access.not_a_member",
        lambda p: negotiation_policy_read(actor=p, company=w.company),
        w.olga,
    )
