"""The worklist page: the same selector as `arrears worklist`, as the signed-in person, with
filters (a refusal beside its field), sorting, paging, htmx and a constant query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from arrears.apps.accounts.services import access_policy_set
from arrears.web.views import worklist as worklist_view
from tests.factories import admin, run_as_admin
from tests.web.conftest import AS_OF, _called, signed_in

pytestmark = pytest.mark.django_db

URL = "/desk/acme/worklist/"


def test_an_anonymous_visitor_is_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={URL}"


def test_another_company_s_worklist_is_not_found(w):
    assert signed_in(w.olga).get(URL).status_code == 404
    assert signed_in(w.cora).get("/desk/globex/worklist/").status_code == 404
    assert signed_in(w.cora).get("/desk/nowhere/worklist/").status_code == 404


def test_a_collector_sees_their_own_actions_with_the_reasons_for_each_place(w):
    page = signed_in(w.cora).get(URL)
    text = page.content.decode()
    assert page.status_code == 200
    assert f'id="line-{w.call.pk}"' in text and "D100" in text and "Brightwater Trading" in text
    assert "EUR 1,234.50" in text and "days late" in text and "expect EUR" in text
    assert "D200" not in text  # carl's
    assert "G100" not in text  # globex's


def test_lines_stand_in_the_selector_s_priority_order(w):
    for n in range(3):  # bigger debts: higher expected recovery, so earlier
        _called(w.acme, w.cora, f"D10{n + 1}", f"Bigger {n}").items.update(
            original_minor=10_000_00 * (n + 2), open_minor=10_000_00 * (n + 2)
        )
    run_as_admin(company=w.acme, as_of=AS_OF)
    text = signed_in(w.cora).get(URL).content.decode()
    order = [text.index(code) for code in ("D103", "D102", "D101", "D100")]
    assert order == sorted(order)


def test_a_credit_manager_reads_a_collector_s_list_by_the_owner_filter(w):
    page = signed_in(w.maria).get(URL, {"owner": "carl"})
    assert page.status_code == 200 and b"D200" in page.content and b"D100" not in page.content
    assert b'<option value="cora"' in page.content  # the owner filter is offered


def test_a_collector_asking_for_a_colleague_s_list_is_refused_beside_the_owner_field(w):
    page = signed_in(w.cora).get(URL, {"owner": "carl"})
    assert page.status_code == 403
    assert b'id="error-owner"' in page.content and b"D200" not in page.content


def test_a_collector_may_read_a_colleague_s_list_where_the_company_allows_it(w):
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    page = signed_in(w.cora).get(URL, {"owner": "carl"})
    assert page.status_code == 200 and b"D200" in page.content


@pytest.mark.parametrize(
    ("field", "value"),
    [("channel", "pigeon"), ("bucket", "7-8"), ("step", "nope"), ("currency", "XXX")],
)
def test_a_filter_naming_nothing_is_refused_beside_its_field(w, field, value):
    page = signed_in(w.cora).get(URL, {field: value})
    assert page.status_code == 422
    text = page.content.decode()
    assert f'id="error-{field}"' in text and "is not a" in text and value in text


def test_filters_narrow_the_list(w):
    client = signed_in(w.cora)
    assert b"D100" in client.get(URL, {"channel": "phone", "bucket": "1-30"}).content
    assert b"D100" not in client.get(URL, {"channel": "letter"}).content


def test_htmx_gets_only_the_table_back(w):
    page = signed_in(w.cora).get(URL, {"channel": "phone"}, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert text.lstrip().startswith('<div id="worklist-table"') and "<html" not in text
    assert "D100" in text


def test_the_table_sorts_by_a_column_and_pages(w, monkeypatch):
    for n in range(4):
        _called(w.acme, w.cora, f"D30{n}", f"Sorted {n}")
    run_as_admin(company=w.acme, as_of=AS_OF)
    monkeypatch.setattr(worklist_view, "PER_PAGE", 2)
    client = signed_in(w.cora)
    first = client.get(URL, {"sort": "debtor"}).content.decode()
    assert "D100" in first and "D300" in first and "D301" not in first
    assert "page 1 of 3" in first
    second = client.get(URL, {"sort": "debtor", "page": 2}).content.decode()
    assert "D301" in second and "D302" in second and "D100" not in second
    backwards = client.get(URL, {"sort": "-debtor"}).content.decode()
    assert backwards.index("D303") < backwards.index("D302")


def test_the_page_carries_keyboard_navigation_and_the_project_s_own_assets(w):
    text = signed_in(w.cora).get(URL).content.decode()
    assert "data-nav" in text and f'data-href="/desk/acme/cases/{w.case.pk}/"' in text
    assert "/static/desk/desk.js" in text and "/static/htmx/htmx.min.js" in text
    assert "//cdn" not in text and "https://" not in text


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(URL).status_code == 200
    return len(seen)


def test_the_worklist_page_s_query_count_does_not_grow_with_its_lines(w):
    client = signed_in(w.cora)
    one = _queries(client)
    for n in range(12):
        _called(w.acme, w.cora, f"D4{n:02d}", f"More {n}")
    run_as_admin(company=w.acme, as_of=AS_OF + timedelta(days=0))
    text = client.get(URL).content.decode()
    assert "13 actions due" in text
    assert _queries(client) == one


# How the page sorted before it sorted on the frame: Python's sort of every line.
_PYTHON_SORTS = {
    "rank": lambda x: x.rank,
    "debtor": lambda x: (x.debtor_code, x.rank),
    "action": lambda x: (x.step_code, x.rank),
    "due": lambda x: (x.due_on, x.rank),
    "late": lambda x: (-x.reasons.days_late, x.rank),
    "overdue": lambda x: (-x.reasons.overdue_company_minor, x.rank),
    "days": lambda x: (-x.reasons.days_overdue, x.rank),
}


def test_every_sort_of_the_page_agrees_with_sorting_every_line_and_keeps_ranks(w):
    from arrears.apps.cases.worklist import worklist, worklist_lines

    for n in range(6):  # lines that differ in debt and code, with ties
        made = _called(w.acme, w.cora, f"D1{5 - n}{n % 2}", f"Sorted {n}")
        made.items.update(original_minor=1_000_00 * (n % 3 + 1), open_minor=1_000_00 * (n % 3 + 1))
    run_as_admin(company=w.acme, as_of=AS_OF)
    on = AS_OF
    every = worklist(actor=w.cora, company_id=w.acme.pk, on=on)
    lines = worklist_lines(actor=w.cora, company_id=w.acme.pk, on=on)
    assert len(every) == len(lines) >= 7
    assert [x.rank for x in every] == list(range(1, len(every) + 1))
    for key, python in _PYTHON_SORTS.items():
        for reverse in (False, True):
            sort = f"-{key}" if reverse else key
            got, _ = worklist_view._sorted(lines, sort)
            want = sorted(every, key=python, reverse=reverse)
            assert list(got) == want, sort
            assert got[2:5] == want[2:5] and got[-1] == want[-1], sort
    # the other collector's list is not in cora's, and carl cannot read cora's at all
    assert not {x.debtor_code for x in every} & {"D200"}
    assert len(worklist_lines(actor=w.olga, company_id=w.globex.pk, on=on)) == 1
