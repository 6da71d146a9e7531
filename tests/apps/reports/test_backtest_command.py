"""`arrears backtest`: on a ledger where some debtors pay and others never do, ranking by the
learned expected recovery of each case (debtor and currency) finds more money than
oldest-first and largest-first; a baseline that finds almost nothing gets no ratio; only a
credit manager or an administrator runs it; bad settings are refused in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError

from arrears.apps.ledger.models import Allocation, OpenItem, Payment
from arrears.apps.reports.backtest import backtest
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal

pytestmark = pytest.mark.django_db

START = date(2025, 1, 6)
WEEKS = 40
AS_OF = START + timedelta(weeks=WEEKS + 8)


@pytest.fixture
def acme():
    """Six debtors invoiced every week: three pay 10 days after the due date, three never
    pay and owe larger invoices (so the largest and the oldest cases are the ones that never
    come in). rival, a second company, has a manager of its own."""
    c = factories.company("acme")
    cora = factories.collector("cora", c)
    factories.collector("olaf", c)
    factories.credit_manager("maria", c)
    rival = factories.company("rival")
    factories.credit_manager("rita", rival)
    for n in range(6):
        payer = n < 3
        debtor = factories.debtor(c, code=f"D{n}", owner=cora)
        items = OpenItem.objects.bulk_create(
            OpenItem(
                company=c,
                debtor=debtor,
                number=f"I{n}-{w}",
                issue_date=START + timedelta(weeks=w),
                due_date=START + timedelta(weeks=w, days=30),
                currency="EUR",
                original_minor=(100_00 if payer else 300_00) + 7 * w,
                open_minor=0 if payer else (300_00 + 7 * w),
            )
            for w in range(WEEKS)
        )
        if payer:
            for it in items:
                pay = Payment.objects.create(
                    company=c,
                    debtor=debtor,
                    reference=f"P-{it.number}",
                    received_on=it.due_date + timedelta(days=10),
                    currency="EUR",
                    amount_minor=it.original_minor,
                )
                Allocation.objects.create(payment=pay, item=it, amount_minor=it.original_minor)
    return c


def test_expected_recovery_finds_more_than_oldest_and_largest_first(acme):
    result = backtest(actor=factories.credit_manager("maria"), company=acme, as_of=AS_OF, k=3)
    found = result.recovered
    assert found["expected recovery"] > found["largest first"]
    assert found["expected recovery"] > found["oldest first"]
    assert found["oldest first"] == 0  # the oldest cases are the ones never paid
    assert found["largest first"] == 0  # and the largest
    assert result.auc > 0.9
    assert result.test_days > 0 and result.split < result.last


def test_the_command_prints_the_window_the_model_and_each_rankings_money(acme):
    out = terminal.run(
        "backtest", "--company", "acme", "--as-of", AS_OF.isoformat(), "--k", "3", as_="maria"
    )
    assert out.startswith("Backtest of acme (EUR cases): the top 3 open cases a day, every 7")
    assert "case-days)" in out
    for ranking in ("expected recovery", "oldest first", "largest first", "rule-based score"):
        assert f"  {ranking}" in out
    assert "model AUC" in out
    # the rankings that found nothing have no ratio to show, never a division by zero
    assert "largest first      EUR             0.00  (recovers nothing: no ratio" in out
    assert "oldest first       EUR             0.00  (recovers nothing: no ratio" in out


def test_a_baseline_that_finds_almost_nothing_gets_no_absurd_ratio():
    """The demo ledger's oldest-first found EUR 190 against expected recovery's EUR 22.0M: a
    ratio of 115,789 says nothing; the line says the baseline found almost nothing."""
    from arrears.apps.reports.presentation import _lift

    assert _lift(22_000_000_00, 190_00).startswith("(recovers almost nothing: under 1%")
    assert "times as much" in _lift(22_000_000_00, 11_700_000_00)


@pytest.mark.parametrize("who", ["cora", "olaf"])
def test_a_collector_may_not_run_a_backtest(acme, who):
    from django.contrib.auth import get_user_model

    with pytest.raises(NotAllowed):
        backtest(actor=get_user_model().objects.get(username=who), company=acme, as_of=AS_OF)


def test_another_companys_manager_does_not_even_see_the_company(acme):
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: rival\)"):
        terminal.run("backtest", "--company", "acme", as_="rita")


def test_too_short_a_history_is_refused_in_words(acme):
    with pytest.raises(CommandError, match="only 2 days to replay from 2025-10-06 to 2025-10-13"):
        terminal.run(
            "backtest",
            "--company",
            "acme",
            "--as-of",
            "2025-11-12",
            "--from",
            "2025-10-06",
            as_="maria",
        )


@pytest.mark.parametrize("k", ["0", "abc", "١", "10001"])
def test_a_bad_number_of_items_a_day_is_refused(acme, k):
    with pytest.raises(CommandError, match="a whole number from 1 to 10000"):
        terminal.run("backtest", "--company", "acme", "--k", k, as_="maria")
