"""§5-6 What a commitment is measured against: what is due, less the debtor's money we hold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from arrears.apps.cases.models import Case
from arrears.apps.negotiation import convert as load
from arrears.domain.money import Money
from arrears.domain.plans.model import sum_money
from arrears.domain.promises import net_of_credit


def overdue(items: Sequence[Any], as_of: date) -> list[Any]:
    """The items past their due date on `as_of`: what a collector negotiates and plans."""
    return [i for i in items if i.due_date < as_of]


def negotiation_balance(case: Case, as_of: date) -> Money:
    """What is negotiated: what is due on `as_of` (the open balance of items issued by then
    and past their due date), outside open disputes and approved write-offs and credits not
    yet booked, less the debtor's money we hold (open credit notes, money on account), as the
    daily run nets it. Invoices not yet due are not in arrears: they are neither asked for nor
    counted in the walk-away point's smallest first payment."""
    items = overdue(load.open_items(case, as_of), as_of)
    due = sum_money(load.negotiable(case, items).values(), case.currency)
    credit = load.m(load.credit_minor(case, as_of), case.currency)
    return net_of_credit(due, frozenset(), credit)
