"""`arrears propensity train|show` (issue #16): train the payment-propensity model on the
company's own ledger, judge it on the days after the split, keep it (cases.PropensityModel)
and make it the one the worklist ranks by.

The snapshots are the backtest's (`backtest.replayed`); only a credit manager (or an
administrator) trains: how the worklists rank is policy."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.utils import timezone

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import PropensityModel
from arrears.apps.cases.propensity import model_store
from arrears.apps.ledger.models import Company
from arrears.apps.reports.backtest import EVERY, replayed
from arrears.domain import propensity as P
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal


def propensity_train(
    *,
    actor: Any,
    company: Company,
    as_of: date,
    until: date | None = None,
    every: int = EVERY,
) -> PropensityModel:
    """Train on the days whose outcome was known by `until` (by default 70 % of the way
    through the replayed days), evaluate on the days after it, store the model as active."""
    require(actor, Verb.SET_POLICY, company_id=company.pk, what="train a propensity model")
    frame, days = replayed(company, as_of, None, every)
    split = until if until is not None else days[int(len(days) * 0.7)]
    model = P.train(frame, until=split)
    test = frame.filter(pl.col("as_of") > split)
    if test.is_empty() or test["paid_within"].n_unique() < 2:
        raise Refusal("backtest.nothing_to_judge", split=split, last=days[-1])
    model.metrics = P.evaluate(model, test)
    return model_store(actor=actor, company=company, model=model, trained_at=timezone.now())
