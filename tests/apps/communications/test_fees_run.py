"""Fees charged by the daily run (rule 9, issue #14): the fee of the step an item stands on,
once per item and step, the statutory compensation once per invoice however many steps carry
it; stored on collection's side, never on the ERP's item; re-running a day charges nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from arrears.apps.communications.models import Fee
from arrears.domain.ladder import Mode
from tests import factories
from tests.apps.communications import fee_support as fs
from tests.apps.communications.fee_support import DUE

pytestmark = pytest.mark.django_db


def run(company, days):
    return factories.run_as_admin(company=company, as_of=DUE + timedelta(days=days))


def test_each_step_charges_its_fee_once_and_a_rerun_of_the_day_charges_nothing():
    w = fs.world()
    run(w["acme"], -5)  # courtesy: no fee
    assert fs.fees() == []
    result = run(w["acme"], 2)  # reminder: EUR 5.00
    assert result.negotiation.get("fees_charged") == 1
    assert fs.fees() == [("INV-1", "reminder", "fixed", 5_00, "EUR")]
    run(w["acme"], 2)  # the same day again
    run(w["acme"], 3)  # the next day, still at the reminder
    assert Fee.objects.count() == 1
    run(w["acme"], 10)  # call: no fee
    run(w["acme"], 20)  # firm demand: 1% of EUR 1,000.00 open = EUR 10.00
    run(w["acme"], 35)  # final notice: the BGB's EUR 40 (§288(5))
    run(w["acme"], 60)  # legal carries the compensation too: not again for this invoice
    run(w["acme"], 61)
    assert fs.fees() == [
        ("INV-1", "reminder", "fixed", 5_00, "EUR"),
        ("INV-1", "firm_demand", "percent", 10_00, "EUR"),
        ("INV-1", "final_notice", "compensation", 40_00, "EUR"),
    ]
    w["inv1"].refresh_from_db()  # the ERP's item is untouched
    assert (w["inv1"].original_minor, w["inv1"].open_minor) == (1_000_00, 1_000_00)


def test_a_percentage_is_of_what_is_open_rounded_half_up():
    w = fs.world(Mode.JUMP)
    # EUR 123.45 open: 1% = 1.2345 -> EUR 1.23; EUR 50.50 open: 0.505 -> EUR 0.51
    factories.item(w["k1"], due=DUE, amount=200_00, open_=123_45, number="INV-2")
    factories.item(w["k1"], due=DUE, amount=50_50, number="INV-3")
    run(w["acme"], 25)  # jump: straight to the firm demand
    assert [f for f in fs.fees() if f[0] != "INV-1"] == [
        ("INV-2", "firm_demand", "percent", 1_23, "EUR"),
        ("INV-3", "firm_demand", "percent", 51, "EUR"),
    ]


def test_a_jump_charges_only_the_step_the_item_lands_on():
    w = fs.world(Mode.JUMP)
    run(w["acme"], 40)  # the reminder and the firm demand are skipped, not charged
    assert fs.fees() == [("INV-1", "final_notice", "compensation", 40_00, "EUR")]


def test_the_english_compensation_is_40_70_or_100_pounds_by_the_size_of_the_debt():
    w = fs.world()
    for number, pounds in (("S", 999_99), ("M", 1_000_00), ("L", 9_999_99), ("XL", 10_000_00)):
        factories.item(w["g1"], due=DUE, amount=pounds, number=number)
    run(w["globex"], 40)
    run(w["globex"], 70)
    # the Late Payment of Commercial Debts (Interest) Act 1998 s. 5A: below GBP 1,000: 40;
    # below 10,000: 70; from 10,000: 100. The ladder's EUR 5 reminder fee charges nothing here.
    assert fs.fees(w["globex"]) == [
        ("L", "final_notice", "compensation", 70_00, "GBP"),
        ("M", "final_notice", "compensation", 70_00, "GBP"),
        ("S", "final_notice", "compensation", 40_00, "GBP"),
        ("XL", "final_notice", "compensation", 100_00, "GBP"),
    ]
    assert fs.fees(w["acme"]) == []  # the other company's run charged nothing here


def test_a_paid_item_is_charged_nothing_and_a_dry_run_charges_nothing():
    w = fs.world()
    factories.item(w["k1"], due=DUE, amount=10_00, open_=0, number="PAID")
    factories.run_as_admin(company=w["acme"], as_of=DUE + timedelta(days=2), dry_run=True)
    assert Fee.objects.count() == 0
    run(w["acme"], 2)
    assert [f[0] for f in fs.fees()] == ["INV-1"]


def test_a_ladder_without_fees_charges_nothing():
    w = fs.world()
    from arrears.apps.cases.models import Strategy
    from arrears.apps.cases.services import strategies_install_defaults

    Strategy.objects.filter(company=w["acme"]).delete()
    strategies_install_defaults(actor=w["admin"], company=w["acme"])
    run(w["acme"], 2)
    assert Fee.objects.count() == 0


def test_fees_are_set_per_step_in_the_ladder_file_and_a_bad_fee_is_refused(tmp_path):
    from django.core.management.base import CommandError

    from arrears.apps.cases.models import StrategyStep
    from tests import terminal

    w = fs.world()
    path = tmp_path / "ladder.toml"
    terminal.run("ladder", "export", str(path), as_="maria")
    text = path.read_text()
    assert 'fee = { kind = "fixed", amount = "5.00", currency = "EUR" }' in text
    assert 'fee = { kind = "percent", percent = "1" }' in text
    shown = terminal.run("ladder", "show", as_="cora")
    assert "fee EUR 5.00" in shown or "fee 5.00 EUR" in shown
    assert "fee 1% of what is open" in shown
    bad = text.replace('percent = "1"', 'percent = "101"')
    path.write_text(bad)
    with pytest.raises(CommandError, match="firm_demand: a percentage fee must be above 0%"):
        terminal.run("ladder", "load", str(path), as_="maria")
    path.write_text(text.replace('kind = "fixed", amount = "5.00"', 'kind = "fixed", amount = "7"'))
    with pytest.raises(Exception, match="cora"):
        terminal.run("ladder", "load", str(path), as_="cora")  # a collector sets no policy
    assert (
        StrategyStep.objects.get(strategy__company=w["acme"], code="reminder").fee_amount_minor
        == 5_00
    )
    terminal.run("ladder", "load", str(path), as_="maria")
    assert (
        StrategyStep.objects.get(strategy__company=w["acme"], code="reminder").fee_amount_minor
        == 7_00
    )
    # the other company's ladder is its own
    assert (
        StrategyStep.objects.get(strategy__company=w["globex"], code="reminder").fee_amount_minor
        == 5_00
    )
