"""Replaying the company's past days to see which ranking of the open cases (debtor and
currency: the company's own) finds the money (`arrears backtest`, rules 3-4): the propensity model (`arrears.domain.propensity`) is trained
on the days before a split and judged on the days after it, against oldest-first,
largest-first and the worklist's rule-based score.

Only a credit manager or an administrator runs it: choosing how worklists rank is policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from arrears.apps.accounts.access import require
from arrears.apps.cases.propensity import desk_history
from arrears.apps.ledger.models import Company
from arrears.apps.reports.kpis import ledger_history
from arrears.domain import propensity as P
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal

EVERY = 7  # days between replayed days: a week of work between two looks at the list
K = 20  # cases a collector works a day


@dataclass(frozen=True)
class Backtest:
    """What the replay found, amounts in minor units of the company's currency (a backtest
    ranks the cases of that one currency, it never adds currencies: see `currency`)."""

    company: str
    currency: str  # the ledger's currency judged (the company's own)
    first: date  # the first replayed day
    split: date  # trained on the days whose outcome was known by then; judged after it
    last: date  # the last replayed day (its horizon ends by the as-of day)
    every: int
    k: int
    train_rows: int
    test_rows: int  # item-days judged
    test_cases: int  # case-days judged: what the rankings chose from
    test_days: int
    base_rate: float  # share of the judged items paid in full within the horizon
    auc: float
    brier: float
    brier_base: float  # the Brier score of always saying the base rate: the bar to beat
    recovered: dict[str, int]  # ranking -> what the top k cases recovered within the horizon


def backtest(
    *,
    actor: Any,
    company: Company,
    as_of: date,
    first: date | None = None,
    split: date | None = None,
    every: int = EVERY,
    k: int = K,
) -> Backtest:
    """Replay every `every` days from `first` to the last day whose horizon has ended by
    `as_of`; train on the days up to `split` (by default 70 % of the way), judge after it."""
    require(actor, Verb.SET_POLICY, company_id=company.pk)
    if every < 1 or k < 1:
        raise Refusal("backtest.bad_setting", every=every, k=k)
    frame, days = replayed(company, as_of, first, every)
    if split is None:
        split = days[int(len(days) * 0.7)]
    model = P.train(frame, until=split)
    test = frame.filter(pl.col("as_of") > split)
    if test.is_empty() or test["paid_within"].n_unique() < 2:
        raise Refusal("backtest.nothing_to_judge", split=split, last=days[-1])
    judged = P.expected_recovery(model, test)
    metrics = P.evaluate(model, test)
    base = metrics["base_rate"]
    return Backtest(
        company=company.code,
        currency=company.currency,
        first=days[0],
        split=split,
        last=days[-1],
        every=every,
        k=k,
        train_rows=frame.filter(pl.col("as_of") <= split).height,
        test_rows=test.height,
        test_cases=test.select("as_of", "debtor_id").n_unique(),
        test_days=test["as_of"].n_unique(),
        base_rate=base,
        auc=metrics["auc"],
        brier=metrics["brier"],
        brier_base=P.brier_of_base_rate(base),
        recovered=P.backtest(judged, k, P.WITH_RULE),  # by case: the debtor (one currency)
    )


def replayed(
    company: Company, as_of: date, first: date | None = None, every: int = EVERY
) -> tuple[pl.DataFrame, list[date]]:
    """The snapshots (`propensity.snapshots`) of the company's open items every `every` days
    from `first` to the last day whose horizon has ended by `as_of`, and those days."""
    items, payments, credits, _ = ledger_history(company, as_of)
    # what a credit cleared is no longer open to work: for the ranking, it counts as settled
    payments = pl.concat([payments, credits.rename({"credited_on": "paid_on"})])
    items = items.filter(pl.col("currency") == company.currency)
    # what the desk and the ladder knew each day (promises, disputes, excuses, steps: dated)
    desk = desk_history(company_id=company.pk)
    last = as_of - timedelta(days=P.HORIZON)
    if first is None:
        earliest = items["issued_on"].min()
        first = (earliest if isinstance(earliest, date) else last) + timedelta(days=P.HORIZON)
    days = [first + timedelta(days=n) for n in range(0, (last - first).days + 1, every)]
    if len(days) < 8:
        raise Refusal("backtest.too_few_days", days=len(days), first=first, last=last)
    return P.snapshots(items, payments, days, desk=desk), days
