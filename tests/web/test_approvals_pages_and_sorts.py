"""The approvals page pages and sorts what waits, as the worklist does: a page at a time
(`?page=`), in the order asked (`?sort=`: kind, oldest or newest first, debtor, what is asked,
who asked), htmx getting the list alone; every page costs the same number of queries however
many wait, and only a credit manager of the company sees any of it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from arrears.apps.common import clock
from arrears.web.views import approvals
from tests.queries import queries
from tests.web.conftest import THU, signed_in
from tests.web.test_approvals_page import URL, _fresh_case, _setoff, _writeoff, asked

pytestmark = pytest.mark.django_db
__all__ = ["asked"]  # the fixture, used by name


@pytest.fixture(autouse=True)
def _short_pages(monkeypatch):
    monkeypatch.setattr(approvals, "PER_PAGE", 3)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: THU)


def _listed(page: str) -> list[str]:
    return re.findall(r'id="decision-([a-z]+-\d+)"', page)


def _more(w, n: int) -> None:
    for i in range(n):
        _writeoff(w, case=_fresh_case(w, f"F{i}"), actor=w.cora)


def test_the_page_shows_one_page_of_what_waits_and_links_the_next(w, asked):
    client = signed_in(w.maria)
    first = client.get(URL).content.decode()
    assert "4 waiting for a decision" in first
    assert len(_listed(first)) == 3 and "page 1 of 2" in first
    assert 'rel="next" href="?page=2"' in first
    second = client.get(URL + "?page=2").content.decode()
    assert len(_listed(second)) == 1
    assert set(_listed(first)).isdisjoint(_listed(second))


def test_every_page_costs_the_same_queries_however_many_wait(w, asked, monkeypatch):
    """A page costs a count, a read of its keys and each kind's own reads for the kinds on it:
    never more than a page showing every kind, however many wait."""
    client = signed_in(w.maria)

    def every_kind() -> int:  # one page holding everything, every kind on it
        with monkeypatch.context() as m:
            m.setattr(approvals, "PER_PAGE", 100)
            return queries(lambda: client.get(URL))[0]

    bound = every_kind()
    one, _ = queries(lambda: client.get(URL))
    _more(w, 6)
    _setoff(w, code="S9")
    assert every_kind() == bound
    pages = [queries(lambda n=n: client.get(f"{URL}?page={n}&sort=debtor")) for n in (1, 2, 4)]
    assert all(n <= bound for n, _ in pages) and one <= bound
    assert "11 waiting for a decision" in pages[0][1].content.decode()
    assert len(_listed(pages[2][1].content.decode())) == 2


def test_sorting_by_debtor_orders_every_page_and_keeps_the_sort_when_paging(w, asked):
    _more(w, 3)
    client = signed_in(w.maria)
    first = client.get(URL + "?sort=debtor").content.decode()
    assert 'href="?sort=debtor&amp;page=2"' in first
    pages = "".join(client.get(f"{URL}?sort=debtor&page={n}").content.decode() for n in (1, 2, 3))
    codes = re.findall(r'<h2 id="title-[^"]+">[^:]+: (?:<a [^>]+>)?([A-Z0-9]+)', pages)
    assert len(codes) == 7 and codes == sorted(codes)


def test_newest_first_reverses_oldest_first(w, asked):
    client = signed_in(w.maria)

    def keys(sort: str) -> list[str]:
        return [
            k
            for n in (1, 2)
            for k in _listed(client.get(f"{URL}?sort={sort}&page={n}").content.decode())
        ]

    oldest, newest = keys("asked"), keys("-asked")
    assert len(oldest) == 4 and newest == oldest[::-1]


def test_an_unknown_sort_or_page_falls_back_to_the_first_page_by_kind(w, asked):
    client = signed_in(w.maria)
    plain = _listed(client.get(URL).content.decode())
    assert _listed(client.get(URL + "?sort=nonsense&page=zz").content.decode()) == plain


def test_htmx_gets_the_list_alone(w, asked):
    page = signed_in(w.maria).get(URL + "?page=2", HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200 and "<html" not in text
    assert text.startswith('<div id="approvals-list">') and len(_listed(text)) == 1


@pytest.mark.parametrize("who", ["cora", "carl", "sam", "olga"])
def test_no_page_of_it_for_anyone_but_the_company_s_credit_manager(w, asked, who):
    page = signed_in(getattr(w, who)).get(URL + "?page=2&sort=debtor")
    assert page.status_code in (403, 404)
    assert "decision-" not in page.content.decode()
    anonymous = Client().get(URL + "?page=2")
    assert anonymous.status_code == 302


def test_a_refused_decision_on_a_later_page_comes_back_on_that_page(w, asked):
    _more(w, 3)
    client = signed_in(w.maria)
    last = _listed(client.get(URL + "?page=3").content.decode())[-1]
    kind, id_ = last.rsplit("-", 1)
    page = client.post(f"{URL}{kind}/{id_}/", {"verdict": "refuse", "reason": ""})
    assert page.status_code == 422
    assert last in _listed(page.content.decode()) and "page 3 of 3" in page.content.decode()


# How the page sorted before the database did: Python's sort of every request (stable: ties
# in the order by kind, which `decisions.waiting` gives).
_PYTHON_SORTS = {
    "asked": lambda w: (w.requested_on, w.kind, w.id),
    "debtor": lambda w: w.debtor_code,
    "what": lambda w: w.what,
    "by": lambda w: w.requested_by,
}


def test_the_database_orders_and_pages_as_sorting_every_request_did(w, asked):
    from arrears.apps.common import decisions

    for code in ("b10", "B9", "a-1", "Z", "ä1"):  # case, punctuation and beyond ASCII
        _writeoff(w, case=_fresh_case(w, code), actor=w.cora)
    _setoff(w, code="S9")
    every = decisions.waiting(actor=w.maria, company=w.acme)
    assert len(every) >= 10 and len({x.kind for x in every}) >= 3
    for sort in ("kind", "-kind", *_PYTHON_SORTS, *(f"-{k}" for k in _PYTHON_SORTS)):
        key = sort.removeprefix("-")
        want = (
            every
            if key == "kind"
            else sorted(every, key=_PYTHON_SORTS[key], reverse=sort[0] == "-")
        )
        got = decisions.listing(actor=w.maria, company=w.acme, sort=sort)
        assert len(got) == len(want)
        assert got[0 : len(got)] == want, sort
        assert got[2:5] == want[2:5] and got[-1] == want[-1], sort
        assert [got.position(x.key) for x in want] == list(range(len(want))), sort
    assert decisions.listing(actor=w.maria, company=w.acme).position("approval-999999") is None
