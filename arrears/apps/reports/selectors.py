"""Reads for reports: the ledger as frames, and the ageing report composed from them.

Ageing is a company figure (DOMAIN.md "Who uses it": every role reads the company's state,
sales and collectors included), so it asks READ of the company, for every member: the
report by owner or by debtor shows the whole company's ledger, never another company's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl
from django.contrib.auth import get_user_model

from arrears.apps.accounts.access import require
from arrears.apps.cases.selectors import conversion_factors
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import Company, Debtor, OpenItem, Payment
from arrears.domain.access import Verb
from arrears.domain.ageing import ITEMS_SCHEMA, Buckets, Conversion, ageing
from arrears.domain.fx import require_rates

# Open items and unapplied payments (a credit, like a credit note: DOMAIN.md "open item"),
# with the debtor's code, name and owner. Payments age from the day they were received.
_ITEMS_SQL = """
SELECT i.debtor_id, d.code AS debtor_code, d.name AS debtor_name, u.username AS owner,
       i.currency, i.due_date, i.open_minor, i.kind
FROM {item} i JOIN {debtor} d ON d.id = i.debtor_id LEFT JOIN {user} u ON u.id = d.owner_id
WHERE i.company_id = %s AND i.open_minor <> 0
UNION ALL
SELECT p.debtor_id, d.code, d.name, u.username, p.currency, p.received_on, p.unapplied_minor,
       'unapplied_payment'
FROM {payment} p JOIN {debtor} d ON d.id = p.debtor_id LEFT JOIN {user} u ON u.id = d.owner_id
WHERE p.company_id = %s AND p.unapplied_minor <> 0
"""


def ageing_items(*, actor: Any, company: Company) -> pl.DataFrame:
    """The company's open items and unapplied payments in one query (ageing.ITEMS_SCHEMA), to
    a member."""
    require(actor, Verb.READ, company_id=company.pk)
    return _items(company)


def _items(company: Company) -> pl.DataFrame:
    sql = _ITEMS_SQL.format(
        item=OpenItem._meta.db_table,
        debtor=Debtor._meta.db_table,
        payment=Payment._meta.db_table,
        user=get_user_model()._meta.db_table,
    )
    return read_frame(sql, [company.pk, company.pk], ITEMS_SCHEMA)


def ageing_report(
    *,
    actor: Any,
    company: Company,
    as_of: date,
    buckets: Buckets,
    by: Sequence[str],
    in_company_currency: bool = False,
) -> pl.DataFrame:
    """The ageing report of a company (see `arrears.domain.ageing.ageing`), to a member; in
    company currency, refused (`fx.no_rate`) while a currency has no rate on the day."""
    require(actor, Verb.READ, company_id=company.pk)
    conversion = None
    items = _items(company)
    if in_company_currency:
        factors = conversion_factors(company=company, as_of=as_of)
        currencies = items["currency"].unique().to_list()
        require_rates(currencies, factors, company_currency=company.currency, on=as_of)
        conversion = Conversion(company.currency, factors)
    return ageing(items, as_of=as_of, buckets=buckets, by=by, conversion=conversion)
