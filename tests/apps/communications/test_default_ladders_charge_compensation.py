"""The shipped ladders charge the statutory fixed compensation (rule 9; EUR 40 under 2011/7/EU,
§ 288(5) BGB, L441-10 Code de commerce; GBP 40/70/100 in the UK) from their demand step on,
once per invoice however many steps or runs see it; never to a consumer, nor where the
company's regime gives none. Recorded as a fee, it shows on the case (what the case page and
`explain` read) and in the export for the ERP, and is waived only with a credit manager's
approval. Before, the letters claimed it but no fee was recorded."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from arrears.apps.cases.models import Case
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.communications.costs import case_costs
from arrears.apps.communications.fees import fee_waive_decide, fee_waive_request
from arrears.apps.communications.models import Fee
from arrears.apps.communications.selectors import case_letter
from arrears.domain.money import Money
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal

pytestmark = pytest.mark.django_db

DUE = date(2025, 6, 1)


@pytest.fixture
def w():
    acme = factories.company("acme")  # DE: § 288(5) BGB, EUR 40
    cora = factories.collector("cora", acme)
    factories.collector("carl", acme)
    maria = factories.credit_manager("maria", acme)
    mark = factories.credit_manager("mark", acme)
    k1 = factories.debtor(acme, code="K1", name="Kunde GmbH", owner=cora)
    factories.item(k1, due=DUE, amount=1_000_00, number="INV-1")
    factories.item(k1, due=DUE, amount=2_000_00, number="INV-2")
    globex = factories.company("globex", currency="GBP", jurisdiction="GB")
    olga = factories.collector("olga", globex)
    g1 = factories.debtor(globex, code="G1", owner=olga)
    factories.item(g1, due=DUE, amount=5_000_00, number="G-1")  # GBP 1,000 to 10,000: 70
    for c in (acme, globex):
        strategies_install_defaults(actor=factories.admin(), company=c)
    return {"acme": acme, "globex": globex, "cora": cora, "maria": maria, "mark": mark, "k1": k1}


def run(company, days):
    return factories.run_as_admin(company=company, as_of=DUE + timedelta(days=days))


def fees(company):
    return sorted(
        Fee.objects.filter(company=company).values_list(
            "item__number", "step_code", "kind", "amount_minor", "currency"
        )
    )


def climb(company, *days):
    for d in days:
        run(company, d)


def test_the_default_ladder_charges_the_compensation_at_the_demand_once_per_invoice(w):
    climb(w["acme"], 2, 10)  # reminder, call: nothing yet
    assert fees(w["acme"]) == []
    climb(w["acme"], 20, 20)  # the firm demand, and the same day again
    assert fees(w["acme"]) == [
        ("INV-1", "firm_demand", "compensation", 40_00, "EUR"),
        ("INV-2", "firm_demand", "compensation", 40_00, "EUR"),
    ]
    climb(w["acme"], 35, 60, 61)  # final notice and legal carry it too: not again
    assert Fee.objects.filter(company=w["acme"]).count() == 2


def test_an_english_company_charges_the_act_s_band_in_pounds(w):
    climb(w["globex"], 2, 10, 20)
    # Late Payment of Commercial Debts (Interest) Act 1998 s. 5A: GBP 5,000 is below 10,000: 70
    assert fees(w["globex"]) == [("G-1", "firm_demand", "compensation", 70_00, "GBP")]
    assert fees(w["acme"]) == []  # the other company's runs charged nothing there


def test_an_item_that_jumps_past_the_demand_is_charged_where_it_lands(w):
    risky = factories.debtor(w["acme"], code="HR", owner=w["cora"], risk_tier="high")
    factories.item(risky, due=DUE, amount=500_00, number="HR-1")
    climb(w["acme"], 2, 40)  # the high-risk ladder jumps from the reminder to legal
    assert ("HR-1", "legal", "compensation", 40_00, "EUR") in fees(w["acme"])
    assert [n for n, *_ in fees(w["acme"])].count("HR-1") == 1


def test_no_compensation_for_a_consumer_nor_where_the_regime_has_none(w):
    w["k1"].kind = "consumer"  # 2011/7/EU and § 288(5) BGB: business debts only
    w["k1"].save()
    austria = factories.company("austria", jurisdiction="AT")  # no regime known
    strategies_install_defaults(actor=factories.admin(), company=austria)
    a1 = factories.debtor(austria, code="A1", owner=factories.collector("anna", austria))
    factories.item(a1, due=DUE, amount=1_000_00, number="A-1")
    for company in (w["acme"], austria):
        climb(company, 2, 10, 20, 35)
    assert fees(w["acme"]) == fees(austria) == []


def test_the_compensation_shows_on_the_case_and_in_the_letter_once(w):
    climb(w["acme"], 2, 10, 20)
    case = Case.objects.get(debtor=w["k1"])
    costs = case_costs(case=case, company=w["acme"], as_of=DUE + timedelta(days=20))
    assert [(f.item, f.kind, f.amount) for f in costs.fees] == [
        ("INV-1", "compensation", Money.of("40.00", "EUR")),
        ("INV-2", "compensation", Money.of("40.00", "EUR")),
    ]
    assert [line.fees_owed for line in costs.lines] == [Money.of("40.00", "EUR")] * 2
    found = case_letter(
        actor=w["cora"],
        company=w["acme"],
        debtor_code="K1",
        currency="EUR",
        as_of=DUE + timedelta(days=20),
        step_code="firm_demand",
    )
    assert found.letter.total_fees == Money.of("80.00", "EUR")  # 2 x 40, not 4 x 40
    out = terminal.run("explain", "K1", as_="cora")
    assert "INV-1 firm demand statutory compensation EUR 40.00" in out


def test_the_compensation_is_exported_once_for_the_erp(w, tmp_path):
    climb(w["acme"], 2, 10, 20)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    terminal.run("fees", "export", first, "--as-of", "2025-06-21", as_="maria")
    with open(first, encoding="utf-8") as f:
        lines = [
            (r["item"], r["line"], r["step"], r["kind"], r["amount"])
            for r in csv.DictReader(f)
            if r["line"] == "fee"
        ]
    assert lines == [
        ("INV-1", "fee", "firm_demand", "compensation", "40.00"),
        ("INV-2", "fee", "firm_demand", "compensation", "40.00"),
    ]
    run(w["acme"], 35)  # the final notice charges nothing more
    terminal.run("fees", "export", second, "--as-of", "2025-07-06", as_="maria")
    with open(second, encoding="utf-8") as f:
        assert [r for r in csv.DictReader(f) if r["line"] == "fee"] == []


def test_waiving_the_compensation_takes_a_credit_manager_who_did_not_ask(w):
    climb(w["acme"], 2, 10, 20)
    fee = Fee.objects.get(item__number="INV-1")
    fee_waive_request(actor=w["cora"], company=w["acme"], fee_id=fee.pk, reason="goodwill")
    with pytest.raises(NotAllowed):  # the collector cannot decide it
        fee_waive_decide(
            actor=w["cora"], company=w["acme"], fee_id=fee.pk, approve=True, reason="mine"
        )
    fee.refresh_from_db()
    assert fee.waived_on is None
    fee_waive_decide(actor=w["maria"], company=w["acme"], fee_id=fee.pk, approve=True, reason="ok")
    run(w["acme"], 35)  # a later step does not charge it again
    found = case_letter(
        actor=w["cora"],
        company=w["acme"],
        debtor_code="K1",
        currency="EUR",
        as_of=DUE + timedelta(days=35),
        step_code="final_notice",
    )
    # the letter claims INV-2's EUR 40 only: the waived compensation is not added back
    assert found.letter.total_fees == Money.of("40.00", "EUR")
    assert Fee.objects.filter(item__number="INV-1").count() == 1
