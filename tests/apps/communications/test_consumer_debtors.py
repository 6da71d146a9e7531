"""Consumer debtors (rules 9 and 12, issue #14): a debtor the ERP's file marks `consumer` owes
§ 288(1) BGB interest (base rate + 5 points, not + 9) and no EUR 40 compensation in Germany,
and in France its claim lasts 2 years, not 5; the run's limitation task, the statement, the
case's costs and the letters follow the debtor's kind. A law made for business debts only (the
French L441-10) shows a consumer's letter without interest, saying why, never a zero."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.apps.cases.models import Action, Case
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.communications.call_scripts import call_script
from arrears.apps.communications.costs import case_costs
from arrears.apps.communications.models import LimitationTask
from arrears.apps.communications.selectors import case_letter_preview
from arrears.apps.communications.statements import statement_of
from tests import factories, terminal

pytestmark = pytest.mark.django_db

DUE = date(2025, 6, 1)
AS_OF = date(2025, 7, 31)


def ladders(company):
    strategies_install_defaults(company=company, actor=factories.admin())


@pytest.fixture
def w():
    acme = factories.company("acme")  # DE
    cora = factories.collector("cora", acme)
    factories.collector("carl", acme)
    biz = factories.debtor(acme, code="B1", name="Firma GmbH", owner=cora)
    con = factories.debtor(acme, code="C1", name="Erika Mustermann", owner=cora, kind="consumer")
    factories.item(biz, due=DUE, amount=1_000_00, number="B-INV")
    factories.item(con, due=DUE, amount=1_000_00, number="C-INV")
    rival = factories.company("rival", jurisdiction="FR")
    otto = factories.collector("otto", rival)
    factories.debtor(rival, code="C1", owner=otto, kind="consumer")
    ladders(acme)
    return {"acme": acme, "cora": cora, "biz": biz, "con": con, "rival": rival}


def test_a_german_consumer_owes_five_points_over_the_base_rate_and_no_compensation(w):
    # § 288(1) BGB, C-INV EUR 1,000.00 due 1 June 2025:
    #   2-30 June, 29 days at 2.27 + 5 = 7.27 %: 1,000 x 7.27 % x 29/365 = 5.7762 -> 5.78
    #   1-31 July, 31 days at 1.27 + 5 = 6.27 %: 1,000 x 6.27 % x 31/365 = 5.3252 -> 5.33
    #   together 11.11; § 288(5) (EUR 40) is for business debtors only: none
    # the business debtor's same invoice at + 9 points: 8.95 + 8.72 = 17.67, and EUR 40
    consumer = statement_of(w["con"], w["acme"], AS_OF).statement.items[0]
    assert [(str(p.rate.normalize()), p.interest.to_minor()) for p in consumer.periods] == [
        ("7.27", 5_78),
        ("6.27", 5_33),
    ]
    assert (consumer.interest.to_minor(), consumer.compensation.to_minor()) == (11_11, 0)
    business = statement_of(w["biz"], w["acme"], AS_OF).statement.items[0]
    assert (business.interest.to_minor(), business.compensation.to_minor()) == (17_67, 40_00)


def test_the_case_costs_and_the_letter_of_a_german_consumer_count_at_five_points(w):
    factories.run_as_admin(company=w["acme"], as_of=AS_OF)
    case = Case.objects.get(company=w["acme"], debtor=w["con"])
    costs = case_costs(case=case, company=w["acme"], as_of=AS_OF)
    assert costs.lines[0].interest.to_minor() == 11_11
    found, problem = case_letter_preview(
        actor=w["cora"], company=w["acme"], debtor_code="C1", currency="EUR", as_of=AS_OF
    )
    assert problem is None
    assert found.letter.lines[0].interest.to_minor() == 11_11


def test_a_german_consumers_letter_claims_base_plus_five_and_no_forty_euro_compensation(w):
    # § 288(5) BGB (EUR 40) is for business debtors only: the consumer's letter claims the
    # interest at base + 5 points (11.11) and no compensation, and its total leaves it out;
    # the business debtor's letter still claims the EUR 40 beside its 17.67 interest. The call
    # script says the letter's figures.
    factories.run_as_admin(company=w["acme"], as_of=AS_OF)
    letters = {}
    for code in ("C1", "B1"):
        found, problem = case_letter_preview(
            actor=w["cora"], company=w["acme"], debtor_code=code, currency="EUR", as_of=AS_OF
        )
        assert problem is None
        letters[code] = found.letter
    con, biz = letters["C1"], letters["B1"]
    assert con.shows_cost
    assert [(x.interest.to_minor(), x.fees.to_minor()) for x in con.lines] == [(11_11, 0)]
    assert con.total_due.to_minor() == 1_000_00 + 11_11
    assert [(x.interest.to_minor(), x.fees.to_minor()) for x in biz.lines] == [(17_67, 40_00)]
    assert biz.total_due.to_minor() == 1_000_00 + 17_67 + 40_00
    case = Case.objects.get(company=w["acme"], debtor=w["con"])
    script = call_script(actor=w["cora"], case=case, as_of=AS_OF)
    assert (script.interest.to_minor(), script.fees.to_minor()) == (11_11, 0)


def test_a_french_claim_against_a_consumer_expires_after_two_years_and_legal_is_told_first():
    # L218-2 Code de la consommation: 2 years from the due date 1 March 2024: 1 March 2026;
    # against a business (L110-4 Code de commerce) 5 years: 1 March 2029. Legal's task comes
    # 90 days before: 1 December 2025, for the consumer's item alone.
    paris = factories.company("paris", jurisdiction="FR")
    cora = factories.collector("cora", paris)
    factories.collector("carl", paris)
    con = factories.debtor(paris, code="C1", owner=cora, kind="consumer")
    biz = factories.debtor(paris, code="B1", owner=cora)
    factories.item(con, due=date(2024, 3, 1), amount=500_00, number="C-OLD")
    factories.item(biz, due=date(2024, 3, 1), amount=500_00, number="B-OLD")
    other = factories.company("other", jurisdiction="FR")
    ladders(paris)
    ladders(other)
    factories.item(
        factories.debtor(other, code="C9", kind="consumer"), due=date(2024, 3, 1), amount=1_00
    )
    factories.run_as_admin(company=paris, as_of=date(2025, 11, 30))
    assert not LimitationTask.objects.exists()
    factories.run_as_admin(company=paris, as_of=date(2025, 12, 1))
    assert list(LimitationTask.objects.values_list("item__number", "expires_on")) == [
        ("C-OLD", date(2026, 3, 1))
    ]
    assert Action.objects.filter(case__company=other, step_code="limitation").count() == 0
    costs = {
        c.debtor.code: case_costs(case=c, company=paris, as_of=date(2025, 12, 1)).lines[0]
        for c in Case.objects.filter(company=paris).select_related("debtor")
    }
    assert costs["C1"].limitation.expires_on == date(2026, 3, 1)
    assert costs["B1"].limitation.expires_on == date(2029, 3, 1)
    explained = terminal.run("explain", "C1", "--company=paris", as_="cora")
    assert "C-OLD: time-barred after 2026-03-01 (FR)" in explained


def test_a_french_consumers_letter_shows_no_commercial_interest_and_says_why(w):
    paris = factories.company("paris", jurisdiction="FR")
    cora = factories.collector("cora", paris)
    con = factories.debtor(paris, code="C1", owner=cora, kind="consumer")
    factories.item(con, due=DUE, amount=1_000_00, number="C-INV")
    ladders(paris)
    factories.run_as_admin(company=paris, as_of=AS_OF)
    found, problem = case_letter_preview(
        actor=cora, company=paris, debtor_code="C1", currency="EUR", as_of=AS_OF
    )
    assert problem is not None and problem.code == "interest.not_for_debtor"
    assert problem.figures == {"regime": "fr_commerce", "debtor": "consumer"}
    assert found.letter.lines[0].interest.to_minor() == 0
    shown = statement_of(con, paris, AS_OF)
    assert "no rate for a consumer debtor" in shown.interest_note
