"""The case page: debtor, contacts, open items, step and why, hold and why, the
promise-keeping record and one timeline, from the same selectors and presenters as `arrears
explain`; read as the signed-in person, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from arrears.apps.accounts.services import access_policy_set
from arrears.apps.cases.models import CaseEvent, CreditHold, HoldChange
from arrears.apps.cases.presentation import step_words
from arrears.apps.ledger.models import Contact
from arrears.apps.negotiation.services import excuse_log
from arrears.domain.excuses import Excuse
from tests import factories, terminal
from tests.factories import admin
from tests.web.conftest import AS_OF, signed_in

pytestmark = pytest.mark.django_db


def _url(w, case=None, company="acme"):
    return f"/desk/{company}/cases/{(case or w.case).pk}/"


def test_an_anonymous_visitor_is_sent_to_sign_in(w):
    response = Client().get(_url(w))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_case_of_another_company_is_not_found(w):
    assert signed_in(w.cora).get(_url(w, w.rival)).status_code == 404  # globex's, acme's url
    assert signed_in(w.olga).get(_url(w)).status_code == 404  # acme's, to globex's collector
    assert signed_in(w.olga).get(_url(w, company="globex")).status_code == 404
    assert signed_in(w.cora).get("/desk/acme/cases/999999/").status_code == 404


def test_another_collector_s_case_is_refused_in_words(w):
    page = signed_in(w.carl).get(_url(w))
    assert page.status_code == 403
    assert b'id="refusal"' in page.content and b"does not own this account" in page.content
    assert b"Brightwater" not in page.content


def test_another_collector_reads_the_case_where_the_company_allows_it_but_may_not_act(w):
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    page = signed_in(w.carl).get(_url(w))
    assert page.status_code == 200 and b"Brightwater" in page.content
    assert b'name="outcome"' not in page.content  # the form is for who may act


def test_the_owner_sees_debtor_contacts_items_step_and_why_hold_record_and_timeline(w):
    CreditHold.objects.create(debtor=w.debtor)
    HoldChange.objects.create(
        debtor=w.debtor, on=AS_OF, hold=True, reason={"rules": ["oldest_item_past_hold_age"]}
    )
    text = signed_in(w.cora).get(_url(w)).content.decode()
    assert "D100 Brightwater Trading" in text and "Petra Brandt" in text and "+49 30 1234" in text
    assert "INV-" in text
    step = [e for e in CaseEvent.objects.filter(case=w.case).order_by("id") if e.took_step][-1]
    assert escape(step_words(step, {})).split(";")[0] in text  # the step and why
    assert "hold set: oldest item past the hold age" in text  # the hold and why
    assert "promise record: 0 promises" in text
    assert 'id="timeline"' in text and "case opened: EUR 1,234.50 open" in text


def test_items_show_their_days_overdue_on_the_day_the_page_is_read(w):
    page = signed_in(w.cora).get(_url(w))
    due = w.case.debtor.items.get().due_date
    days = (timezone.localdate() - due).days
    assert f'<td class="num">{days}</td>' in page.content.decode()


def test_the_timeline_says_what_explain_says(w):
    text = signed_in(w.cora).get(_url(w)).content.decode()
    history = terminal.run("explain", "D100", as_="cora").split("history:")[1]
    lines = [x.strip() for x in history.split("actions (")[0].strip().splitlines()]
    assert lines
    for line in lines:
        assert escape(line) in text


def test_sales_reads_the_case_without_its_negotiation(w):
    page = signed_in(w.sam).get(_url(w))
    assert page.status_code == 200 and b"Brightwater" in page.content
    assert b"promise record" not in page.content and b'name="outcome"' not in page.content


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_the_case_page_s_query_count_does_not_grow_with_items_contacts_and_history(w):
    client = signed_in(w.cora)
    before = _queries(client, _url(w))
    events = CaseEvent.objects.filter(case=w.case).count()
    for n in range(8):
        factories.item(w.debtor, due=AS_OF - timedelta(days=10 + n))
        Contact.objects.create(debtor=w.debtor, name=f"Contact {n}", is_primary=False)
        HoldChange.objects.create(debtor=w.debtor, on=AS_OF, hold=bool(n % 2), reason={})
    for n in range(3):
        factories.run_as_admin(company=w.acme, as_of=AS_OF + timedelta(days=7 * (n + 1)))
    assert CaseEvent.objects.filter(case=w.case).count() >= events + 2  # the history grew
    assert _queries(client, _url(w)) == before


def test_the_case_page_reads_the_reader_s_membership_once(w):
    """Its selectors ask who may some twenty times; a page read looks it up once."""
    client = signed_in(w.cora)
    client.get(_url(w))
    with CaptureQueriesContext(connection) as seen:
        assert client.get(_url(w)).status_code == 200
    reads = [q["sql"] for q in seen.captured_queries if 'FROM "accounts_membership"' in q["sql"]]
    assert len(reads) <= 2  # the reader's companies (the header), their role in this one


def test_the_case_page_sends_no_query_twice(w):
    """The company, its ladders, the case's open items, payments, contacts, excuses and open
    actions are read once, however many panels show them."""
    client = signed_in(w.cora)
    client.get(_url(w))
    with CaptureQueriesContext(connection) as seen:
        assert client.get(_url(w)).status_code == 200
    sent = [(q["sql"]) for q in seen.captured_queries]
    assert [q for q in sent if sent.count(q) > 1] == []


def test_a_case_with_many_items_excuses_and_runs_costs_no_more_queries(w):
    client = signed_in(w.cora)
    before = _queries(client, _url(w))
    for n in range(12):
        factories.item(w.debtor, due=AS_OF - timedelta(days=20 + n))
    for excuse in (Excuse.NO_MONEY, Excuse.INVOICE_NOT_RECEIVED, Excuse.ALREADY_PAID):
        excuse_log(case=w.case, actor=w.cora, excuse=excuse, as_of=AS_OF, contact="Mr Weber")
    for n in range(4):
        factories.run_as_admin(company=w.acme, as_of=AS_OF + timedelta(days=7 * (n + 1)))
    assert CaseEvent.objects.filter(case=w.case).count() > 4
    assert _queries(client, _url(w)) == before


def test_the_owner_is_not_offered_to_record_the_credit_manager_s_task_which_the_manager_is(w):
    """The ladder's final notice or hand-over task on a collector's case is the credit
    manager's: the owner sees it, said to be the manager's, without the form `action-done`
    would refuse them; the credit manager sees the form."""
    from arrears.apps.cases.models import Action

    task = Action.objects.create(
        case=w.case, step_code="final_notice", channel="task", role="credit_manager", due_on=AS_OF
    )
    url = f"/desk/acme/cases/{w.case.pk}/"
    as_owner = signed_in(w.cora).get(url).content.decode()
    own = as_owner.split(f'id="action-{task.pk}"')[1].split('<div class="action"')[0]
    assert "For the credit manager to record." in own
    assert 'name="outcome"' not in own
    assert f'id="outcome-{w.call.pk}"' in as_owner  # the owner's own call keeps its form
    as_manager = signed_in(w.maria).get(url).content.decode()
    assert f'id="outcome-{task.pk}"' in as_manager
    assert "For the credit manager to record." not in as_manager
