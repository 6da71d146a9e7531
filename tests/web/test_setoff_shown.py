"""Rule 11: a set-off possible or pending shows on the case (`arrears explain`, the case page)
and marks the case's line in the worklist (terminal and web); another company's people see
none of it, and a case without one carries no mark."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.clearing.selectors import case_setoff
from arrears.apps.clearing.services import setoff_decide, setoff_propose
from arrears.apps.ledger.models import Payable
from arrears.domain.refusal import NotAllowed
from tests import terminal
from tests.web.conftest import AS_OF, signed_in

pytestmark = pytest.mark.django_db


def _we_owe(w, minor=500_00):
    Payable.objects.create(
        company=w.acme,
        debtor=w.debtor,
        number="SUP-9",
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 12, 31),
        currency="EUR",
        original_minor=minor,
        open_minor=minor,
    )


def _case_page(w, who=None):
    return signed_in(who or w.cora).get(f"/desk/acme/cases/{w.case.pk}/")


def test_without_a_payable_nothing_is_shown(w):
    page = _case_page(w)
    assert page.status_code == 200 and 'id="setoff"' not in page.content.decode()
    listed = signed_in(w.cora).get("/desk/acme/worklist/")
    assert listed.status_code == 200 and "set-off" not in listed.content.decode()


def test_a_possible_setoff_shows_on_the_case_page_and_in_explain(w):
    _we_owe(w)
    page = _case_page(w).content.decode()
    assert 'id="setoff"' in page
    assert "set-off possible: EUR 500.00 of what they owe against what we owe them" in page
    assert "against their SUP-9: EUR 500.00" in page
    said = terminal.run("explain", w.debtor.code, "--company=acme", as_="cora")
    assert "set-off possible: EUR 500.00" in said


def test_a_possible_setoff_marks_the_line_in_the_worklist(w):
    _we_owe(w)
    page = signed_in(w.cora).get("/desk/acme/worklist/").content.decode()
    assert '<span class="tag setoff">set-off possible</span>' in page
    said = terminal.run("worklist", "--company=acme", f"--on={AS_OF}", as_="cora")
    assert f"{w.debtor.code} [set-off possible]" in said
    assert f"{w.carls.debtor.code} [" not in said  # carl's case: nothing owed to it


def test_a_proposed_then_approved_setoff_shows_its_state(w):
    _we_owe(w)
    made = setoff_propose(actor=w.cora, company=w.acme, debtor_code=w.debtor.code, as_of=AS_OF)
    page = _case_page(w).content.decode()
    assert f"set-off S{made.id} of EUR 500.00 proposed: waits for a credit manager" in page
    said = terminal.run("worklist", "--company=acme", f"--on={AS_OF}", as_="cora")
    assert f"{w.debtor.code} [set-off proposed]" in said
    setoff_decide(actor=w.maria, setoff_id=made.id, approve=True, on=AS_OF)
    said = terminal.run("explain", w.debtor.code, "--company=acme", as_="cora")
    assert f"set-off S{made.id} of EUR 500.00 approved: not dunned until the ERP books it" in said


def test_another_companys_person_sees_no_setoff(w):
    _we_owe(w)
    assert _case_page(w, w.olga).status_code == 404
    with pytest.raises(NotAllowed):
        case_setoff(
            actor=w.olga, company=w.acme, debtor_id=w.debtor.pk, currency="EUR", as_of=AS_OF
        )
