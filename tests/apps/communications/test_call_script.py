"""A phone step gives the collector a call script: who to call, what to say at this step in the
firm tone (the amount, how long overdue, interest and fees so far, what by when, what follows),
and the prepared answers to the likely excuses, those heard on the case first."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string

from arrears.apps.accounts.services import user_ensure
from arrears.apps.cases.models import Case
from arrears.apps.communications.call_scripts import call_script
from arrears.apps.ledger.models import Contact
from arrears.domain.access import PersonRole
from arrears.domain.excuses import CATALOGUE, Excuse
from arrears.domain.refusal import NotAllowed
from arrears.domain.tone import hedges
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db
CALL_DAY = date(2025, 6, 12)  # 11 days overdue: the ladder's phone call


def at_the_call(w: dict) -> Case:
    Contact.objects.filter(debtor=w["k1"]).update(phone="+49 30 1234567")
    Contact.objects.create(debtor=w["k1"], name="Bert Buchhaltung", phone="+49 30 7654321",
                           is_primary=False)  # fmt: skip
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    terminal.run("excuse", "K1", "invoice_not_received", "--as-of", "2025-06-06", as_="cora")
    factories.run_as_admin(company=w["acme"], as_of=CALL_DAY)
    case = Case.objects.select_related("debtor", "company").get(debtor=w["k1"])
    assert case.step_code == "call"
    return case


def test_the_call_script_says_who_what_how_much_by_when_and_the_answers():
    w = support.world()
    case = at_the_call(w)
    s = call_script(actor=w["cora"], case=case, as_of=CALL_DAY)
    assert s.is_call and s.step_name == "Phone call"
    assert [(c.name, c.phone, c.primary) for c in s.contacts] == [
        ("Anna Kunde", "+49 30 1234567", True),
        ("Bert Buchhaltung", "+49 30 7654321", False),
    ]
    # §288 BGB: 1,000.00 x 11.27 % x 11/365 (2-12 June) = 3.3964 -> 3.40; EUR 40 compensation
    assert (str(s.overdue.amount), str(s.interest.amount), str(s.fees.amount)) == (
        "1000.00", "3.40", "40.00",
    )  # fmt: skip
    # the excuse heard on this case first, then the others of §8
    assert s.excuses[0].excuse is Excuse.INVOICE_NOT_RECEIVED
    assert {a.excuse for a in s.excuses} >= {Excuse.NO_MONEY, Excuse.GOODS_PROBLEM}
    out = terminal.run("call-script", "K1", "--as-of", "2025-06-12", as_="cora")
    for said in (
        "who: Anna Kunde (primary): +49 30 1234567 · anna@kunde.example",
        "1 invoice of €1,000.00 is overdue, by 11 days",
        "€3.40 in interest and €40.00 in compensation for recovery costs and fees so far",
        "We need payment of €1,043.40 by 23 June 2025",  # 7 business days on
        "If it is not paid by then, firm demand follows.",
        CATALOGUE[Excuse.INVOICE_NOT_RECEIVED].heard + " (said before on this case)",
        "answer: " + CATALOGUE[Excuse.NO_MONEY].answer,
    ):
        assert said in out, (said, out)
    assert hedges(s.say, "en", ()) == []  # rule 10: no hedging, no apology


def test_the_case_page_partial_renders_the_script():
    w = support.world()
    s = call_script(actor=w["cora"], case=at_the_call(w), as_of=CALL_DAY)
    html = render_to_string("desk/call_script.html", {"script": s})
    assert "Call script: Phone call" in html and 'href="tel:+49 30 1234567"' in html
    assert s.say in html.replace("&#x27;", "'")
    assert "said before" in html


def test_explain_shows_the_script_for_a_pending_call():
    w = support.world()
    at_the_call(w)
    out = terminal.run("explain", "K1", as_="cora")
    assert "call script:" in out and "who: Anna Kunde (primary)" in out


def test_another_collector_or_company_is_refused_the_script():
    w = support.world()
    case = at_the_call(w)
    sam = user_ensure(username="sam", role=PersonRole.SALES, company=w["acme"])
    for who in (w["carl"], w["olga"], sam):  # sales reads no notes: the excuses heard are
        with pytest.raises(NotAllowed):
            call_script(actor=who, case=case, as_of=CALL_DAY)


def test_the_call_script_counts_only_the_invoices_overdue_on_the_day():
    w = support.world()
    factories.item(w["k1"], due=date(2025, 6, 20), amount=50_000, number="INV-LATER")
    s = call_script(actor=w["cora"], case=at_the_call(w), as_of=CALL_DAY)
    assert s.items == 1 and str(s.overdue.amount) == "1000.00"
    assert "1 invoice of €1,000.00 is overdue" in s.say


def test_past_the_rate_tables_the_script_says_interest_runs_and_never_a_silent_zero():
    """The rate tables end before 26 November 2026: a call on that day cannot put a
    figure on the interest, so the script claims it in words (as the letters do), never
    "€0.00 in interest", and the desk's panel says the figure is not known."""
    w = support.world()
    case = at_the_call(w)
    s = call_script(actor=w["cora"], case=case, as_of=date(2026, 11, 26))
    assert not s.interest_known
    assert "in compensation for recovery costs and fees so far, and interest on top" in s.say
    assert "0.00 in interest" not in s.say
    html = render_to_string("desk/call_script.html", {"script": s})
    assert "Interest so far</dt><dd>not known" in html
    known = call_script(actor=w["cora"], case=case, as_of=CALL_DAY)
    assert known.interest_known and "in interest and" in known.say
