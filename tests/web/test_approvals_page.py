"""The approvals page (`/desk/COMPANY/approvals/`): what waits for a credit manager's decision
(plans beyond the walk-away point, write-offs, set-offs, hand-overs), with its figures and the
asker's reason; approved or refused with a reason through the terminal's own services, never
by the asker (four eyes); everyone else refused and nothing written."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Action, CaseEvent
from arrears.apps.clearing.models import SetOff
from arrears.apps.clearing.services import setoff_propose
from arrears.apps.common import clock, decisions
from arrears.apps.ledger.models import Payable
from arrears.apps.negotiation.models import Approval, Handover, PaymentPlan
from arrears.apps.negotiation.services import case_ensure, plan_create, writeoff_request
from arrears.apps.negotiation.services.plans import PlanIn
from arrears.domain.access import PersonRole
from tests import factories
from tests.queries import queries
from tests.web.conftest import THU, signed_in

pytestmark = pytest.mark.django_db

URL = "/desk/acme/approvals/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Decisions are dated the day after the run (the desk's today in this world)."""
    monkeypatch.setattr(clock, "today", lambda: THU)


def _plan(w, case=None, actor=None):
    """A plan far beyond the walk-away point: it waits for approval."""
    return plan_create(
        case=case or w.case,
        actor=actor or w.cora,
        as_of=THU,
        schedule=PlanIn(due_dates=[date(2027, 3, 1), date(2027, 6, 1)]),
    )


def _writeoff(w, case=None, actor=None, reason="insolvent, the administrator pays nothing"):
    return writeoff_request(case=case or w.carls, actor=actor or w.carl, reason=reason, as_of=THU)


def _setoff(w, code="D300"):
    """A debtor who also supplies us: their due invoice against ours to them."""
    d = factories.debtor(w.acme, code=code, name=f"Supplier {code}", owner=w.cora)
    factories.item(d, due=date(2026, 10, 1), amount=500_00)
    Payable.objects.create(
        company=w.acme,
        debtor=d,
        number=f"P-{code}",
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 12, 31),
        currency="EUR",
        original_minor=200_00,
        open_minor=200_00,
    )
    return setoff_propose(actor=w.cora, company=w.acme, debtor_code=code, as_of=THU)


def _fresh_case(w, code):
    d = factories.debtor(w.acme, code=code, name=f"More {code}", owner=w.cora)
    factories.item(d, due=date(2026, 10, 1), amount=900_00)
    return case_ensure(debtor=d, currency="EUR", on=THU)


def _handover(w, case=None):
    """The ladder's legal step reached: a credit manager's task to hand the case over."""
    return Action.objects.create(
        case=case or w.carls,
        step_code="legal",
        channel="task",
        role="credit_manager",
        due_on=THU,
    )


@pytest.fixture
def asked(w):
    lena = user_ensure(username="lena", role=PersonRole.LEGAL, company=w.acme, first_name="Lena")
    plan = _plan(w)
    write_off = _writeoff(w)
    setoff = _setoff(w)
    task = _handover(w)
    return plan, write_off, setoff, task, lena


def written():
    return (
        list(Approval.objects.order_by("pk").values_list("pk", "status", "decision_reason")),
        list(SetOff.objects.order_by("pk").values_list("pk", "state", "reason")),
        list(Action.objects.order_by("pk").values_list("pk", "status")),
        Handover.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def _key(kind, id_):
    return f"decision-{kind}-{id_}"


def _decide_url(kind, id_, company="acme"):
    return f"/desk/{company}/approvals/{kind}/{id_}/"


def _approval(plan_or_writeoff):
    if isinstance(plan_or_writeoff, PaymentPlan):
        return Approval.objects.get(plan=plan_or_writeoff)
    return Approval.objects.get(write_off=plan_or_writeoff)


def test_the_credit_manager_sees_every_kind_waiting_with_its_figures_and_reason(w, asked):
    plan, write_off, setoff, task, _ = asked
    page = signed_in(w.maria).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    a_plan, a_wo = _approval(plan), _approval(write_off)
    for key in (("approval", a_plan.pk), ("approval", a_wo.pk), ("setoff", setoff.id)):
        assert f'id="{_key(*key)}"' in text
    assert f'id="{_key("handover", task.pk)}"' in text
    assert "plan beyond the walk-away point" in text and "write-off" in text
    assert "insolvent, the administrator pays nothing" in text  # the asker's reason
    assert "our " in text and "against their P-D300: EUR 200.00" in text  # the set-off's pair
    assert "Lena (lena)" in text  # who a hand-over can go to
    assert "4 waiting for a decision" in text
    # in order: the approval queue, set-offs, hand-overs
    assert text.index(_key("approval", a_plan.pk)) < text.index(_key("setoff", setoff.id))
    assert text.index(_key("setoff", setoff.id)) < text.index(_key("handover", task.pk))


def test_the_header_links_the_approvals_with_the_count_waiting(w, asked):
    text = signed_in(w.maria).get("/desk/acme/worklist/").content.decode()
    assert f'href="{URL}"' in text and 'aria-label="4 waiting"' in text
    assert "Approvals waiting:" in text  # on the worklist, under the day's actions


def test_a_collector_s_header_has_no_approvals_link(w, asked):
    text = signed_in(w.cora).get("/desk/acme/worklist/").content.decode()
    assert f'href="{URL}"' not in text and "Approvals waiting" not in text


def test_the_worklist_puts_approvals_waiting_after_the_day_s_actions(w, asked):
    text = signed_in(w.maria).get("/desk/acme/worklist/").content.decode()
    assert text.index('id="worklist-table"') < text.index('id="approvals-waiting"')


def test_a_credit_manager_approves_a_plan_with_htmx_and_the_plan_stands(w, asked):
    plan = asked[0]
    a = _approval(plan)
    response = signed_in(w.maria).post(
        _decide_url("approval", a.pk),
        {"verdict": "approve", "reason": "seasonal business"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith(f'<article class="panel decision done" id="{_key("approval", a.pk)}"')
    assert '<span class="tag" id="approvals-count" aria-label="3 waiting" hx-swap-oob' in text
    assert f"A{a.pk} granted by maria" in text or f"A{a.pk} approved by maria" in text
    a.refresh_from_db()
    plan.refresh_from_db()
    assert (a.status, a.decided_by, a.decision_reason) == ("approved", w.maria, "seasonal business")
    assert plan.status == "good_standing"


def test_a_credit_manager_refuses_a_write_off_with_a_reason(w, asked):
    write_off = asked[1]
    a = _approval(write_off)
    response = signed_in(w.maria).post(
        _decide_url("approval", a.pk), {"verdict": "refuse", "reason": "the debtor still trades"}
    )
    assert response.status_code == 302 and response["Location"] == URL
    write_off.refresh_from_db()
    assert write_off.status == "refused"
    page = signed_in(w.maria).get(URL).content.decode()
    assert f'id="{_key("approval", a.pk)}"' not in page


def test_a_refusal_without_a_reason_is_said_beside_the_reason_and_writes_nothing(w, asked):
    a = _approval(asked[1])
    before = written()
    response = signed_in(w.maria).post(
        _decide_url("approval", a.pk), {"verdict": "refuse", "reason": "  "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and written() == before
    beside = re.search(r'id="error-reason-approval-\d+">([^<]*)<', response.content.decode())
    assert beside is not None and beside.group(1) == "a decision needs its reason"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"verdict": "maybe"}, "verdict", "Select a valid choice"),
        ({"verdict": ""}, "verdict", "This field is required"),
        ({"reason": "x" * 2001}, "reason", "at most 2000 characters"),
    ],
)
def test_bad_input_is_said_beside_its_field_and_writes_nothing(w, asked, data, field, words):
    a = _approval(asked[0])
    before = written()
    response = signed_in(w.maria).post(
        _decide_url("approval", a.pk),
        {"verdict": "approve", "reason": "fine", **data},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and written() == before
    beside = re.search(rf'id="error-{field}-approval-{a.pk}">([^<]*)<', response.content.decode())
    assert beside is not None and words in beside.group(1)


def test_a_set_off_is_approved_and_refused_through_its_own_service(w, asked):
    setoff = asked[2]
    refusal = signed_in(w.maria).post(
        _decide_url("setoff", setoff.id),
        {"verdict": "refuse", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert refusal.status_code == 422
    assert f"say why set-off S{setoff.id} is refused" in refusal.content.decode()
    assert SetOff.objects.get(pk=setoff.id).state == "proposed"
    response = signed_in(w.maria).post(
        _decide_url("setoff", setoff.id), {"verdict": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"approved by maria" in response.content
    assert SetOff.objects.get(pk=setoff.id).state == "approved"


def test_a_hand_over_goes_to_the_legal_member_chosen_and_the_task_is_done(w, asked):
    task, lena = asked[3], asked[4]
    response = signed_in(w.maria).post(
        _decide_url("handover", task.pk),
        {"verdict": "approve", "reason": "no answer for 60 days", "choice": "lena"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content
    h = Handover.objects.get(case=w.carls)
    assert (h.to, h.to_owner, h.reason, h.by) == ("legal", lena, "no answer for 60 days", w.maria)
    assert Action.objects.get(pk=task.pk).status == "done"


def test_a_hand_over_to_someone_not_legal_is_said_beside_the_choice_and_writes_nothing(w, asked):
    task = asked[3]
    before = written()
    response = signed_in(w.maria).post(
        _decide_url("handover", task.pk),
        {"verdict": "approve", "reason": "no answer", "choice": "cora"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and written() == before
    beside = re.search(rf'id="error-choice-handover-{task.pk}">([^<]*)<', response.content.decode())
    assert beside is not None and "a legal member of this company" in beside.group(1)


def test_a_refused_hand_over_cancels_the_task_with_the_reason(w, asked):
    task = asked[3]
    response = signed_in(w.maria).post(
        _decide_url("handover", task.pk), {"verdict": "refuse", "reason": "pays next week"}
    )
    assert response.status_code == 302
    a = Action.objects.get(pk=task.pk)
    assert (a.status, a.cancelled_reason, a.done_by) == ("cancelled", "pays next week", w.maria)
    assert not Handover.objects.exists()


def test_the_asker_cannot_decide_their_own_request_and_nothing_is_written(w, asked):
    mine = _writeoff(w, case=_fresh_case(w, "M1"), actor=w.maria, reason="maria's own")
    a = _approval(mine)
    page = signed_in(w.maria).get(URL).content.decode()
    row = page[page.index(f'id="{_key("approval", a.pk)}"') :]
    row = row[: row.index("</article>")]
    assert "Your own request" in row and "<form" not in row
    before = written()
    response = signed_in(w.maria).post(
        _decide_url("approval", a.pk), {"verdict": "approve", "reason": "fine by me"}
    )
    assert response.status_code == 403 and written() == before


def test_a_second_credit_manager_decides_the_first_s_request(w, asked):
    mike = factories.credit_manager("mike", w.acme)
    a = _approval(_writeoff(w, case=_fresh_case(w, "M1"), actor=w.maria, reason="maria's own"))
    response = signed_in(mike).post(
        _decide_url("approval", a.pk), {"verdict": "approve", "reason": "agreed"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.decided_by) == ("approved", mike)


@pytest.mark.parametrize("who", ["cora", "carl", "sam"])
def test_collectors_and_sales_are_refused_the_page_and_the_decision(w, asked, who):
    person = getattr(w, who)
    assert signed_in(person).get(URL).status_code == 403
    a = _approval(asked[0])
    before = written()
    for kind, id_ in (("approval", a.pk), ("setoff", asked[2].id), ("handover", asked[3].pk)):
        response = signed_in(person).post(
            _decide_url(kind, id_), {"verdict": "approve", "reason": "x", "choice": "lena"}
        )
        assert response.status_code == 403
    assert written() == before


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_written(w, asked):
    assert Client().get(URL)["Location"].startswith("/accounts/login/")
    before = written()
    a = _approval(asked[0])
    response = Client().post(_decide_url("approval", a.pk), {"verdict": "approve", "reason": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert written() == before


def test_another_company_s_people_and_requests_are_not_found(w, asked):
    rita = factories.credit_manager("rita", w.globex)
    assert signed_in(rita).get(URL).status_code == 404
    a = _approval(asked[0])
    before = written()
    assert (
        signed_in(rita).post(_decide_url("approval", a.pk), {"verdict": "approve"}).status_code
        == 404
    )
    # acme's request through globex's page: not one of globex's
    response = signed_in(rita).post(
        _decide_url("approval", a.pk, company="globex"),
        {"verdict": "approve", "reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and b"no approval request" in response.content
    response = signed_in(rita).post(
        _decide_url("setoff", asked[2].id, company="globex"),
        {"verdict": "approve", "reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and b"no set-off" in response.content
    assert written() == before
    page = signed_in(rita).get("/desk/globex/approvals/").content.decode()
    assert "0 waiting for a decision" in page


def test_an_unknown_kind_is_not_found(w, asked):
    assert (
        signed_in(w.maria).post(_decide_url("fee_waiver_x", 1), {"verdict": "approve"}).status_code
        == 404
    )


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(w, asked):
    a = _approval(asked[0])
    before = written()
    client = signed_in(w.maria, csrf=True)
    response = client.post(_decide_url("approval", a.pk), {"verdict": "approve", "reason": "x"})
    assert response.status_code == 403 and written() == before
    page = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        _decide_url("approval", a.pk),
        {"verdict": "approve", "reason": "x", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302


def test_a_get_does_not_decide(w, asked):
    a = _approval(asked[0])
    assert signed_in(w.maria).get(_decide_url("approval", a.pk)).status_code == 405


def test_what_waits_is_read_in_as_many_queries_however_many_wait(w, asked):
    one, rows = queries(lambda: decisions.waiting(actor=w.maria, company=w.acme))
    assert len(rows) == 4
    for n in range(3):
        _plan(w, case=_fresh_case(w, f"E{n}"))
        _writeoff(w, case=_fresh_case(w, f"F{n}"), actor=w.cora)
        _handover(w, case=_fresh_case(w, f"G{n}"))
        _setoff(w, code=f"S{n}")
    more, rows = queries(lambda: decisions.waiting(actor=w.maria, company=w.acme))
    assert len(rows) == 4 + 4 * 3 and more == one


def test_the_approvals_page_s_query_count_does_not_grow_with_what_waits(w, asked):
    client = signed_in(w.maria)
    one, page = queries(lambda: client.get(URL))
    assert page.status_code == 200 and "4 waiting for a decision" in page.content.decode()
    for n in range(3):
        _plan(w, case=_fresh_case(w, f"E{n}"))
        _writeoff(w, case=_fresh_case(w, f"F{n}"), actor=w.cora)
        _handover(w, case=_fresh_case(w, f"G{n}"))
        _setoff(w, code=f"S{n}")
    more, page = queries(lambda: client.get(URL))
    assert "16 waiting for a decision" in page.content.decode()
    assert more == one


def test_the_approvals_page_counts_what_waits_once_and_makes_only_its_page_whole(w, asked):
    """The database counts what waits once (the page's pager and the header's count alike),
    orders and pages it, and only the page's requests are read whole; another page's header
    only counts."""
    client = signed_in(w.maria)

    def setoff_reads(url):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        sqls = [q["sql"] for q in seen.captured_queries if 'FROM "clearing_setoff"' in q["sql"]]
        counted = sum(s.startswith("SELECT COUNT(*) FROM (") for s in sqls)
        paged = sum(" LIMIT " in s and "UNION ALL" in s for s in sqls)
        return counted, paged, len(sqls) - counted - paged

    assert setoff_reads(URL) == (1, 1, 1)
    assert setoff_reads(URL + "?sort=-asked") == (1, 1, 1)
    assert setoff_reads("/desk/acme/search/") == (1, 0, 0)  # another page's header counts
