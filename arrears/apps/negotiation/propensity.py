"""The negotiation desk's dated history for the payment-propensity features (issue #16,
`propensity.Desk`): every promise given (with today's state and the day it was kept or the
deadline it failed on), each disputed item with the days its dispute opened and was resolved,
and each excuse logged. Registered with cases (`cases.propensity.desk_frames_register`), which
sits below this app and reads it only through that hook."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from arrears.apps.cases.models import Case
from arrears.apps.cases.propensity import Debtors, debtors_clause
from arrears.apps.common.bulk import read_frame
from arrears.apps.negotiation.models import Dispute, DisputePart, ExcuseLog, PromiseToPay
from arrears.domain import propensity as P

# Every promise the debtor gave counts as given, whatever came of it later (approved or not):
# what came of it is read only from its dates (`propensity.Desk`).
_PROMISES = (
    "SELECT k.debtor_id, p.given_on, p.state, p.closed_on FROM {promise} p "
    "JOIN {case} k ON k.id = p.case_id WHERE k.company_id = %s{only} ORDER BY p.given_on, p.id"
)
_DISPUTES = (
    "SELECT d.id AS dispute_id, k.debtor_id, x.item_id, d.opened_on, d.resolved_on FROM {dispute} d "
    "JOIN {case} k ON k.id = d.case_id JOIN {part} x ON x.dispute_id = d.id "
    "WHERE k.company_id = %s{only} ORDER BY d.opened_on, d.id, x.item_id"
)
_EXCUSES = (
    "SELECT k.debtor_id, e.logged_on FROM {excuse} e JOIN {case} k ON k.id = e.case_id "
    "WHERE k.company_id = %s{only} ORDER BY e.logged_on, e.id"
)


def desk_frames(*, company_id: int, debtors: Debtors = None) -> Mapping[str, pl.DataFrame]:
    """The promises, disputes and excuses of the company's cases (of `debtors`' only)."""
    only, params = debtors_clause("k", debtors)
    tables = {
        "promise": PromiseToPay._meta.db_table,
        "dispute": Dispute._meta.db_table,
        "part": DisputePart._meta.db_table,
        "excuse": ExcuseLog._meta.db_table,
        "case": Case._meta.db_table,
    }
    args = [company_id, *params]
    return {
        "promises": read_frame(_PROMISES.format(only=only, **tables), args, P.PROMISES),
        "disputes": read_frame(_DISPUTES.format(only=only, **tables), args, P.DISPUTES),
        "excuses": read_frame(_EXCUSES.format(only=only, **tables), args, P.EXCUSES),
    }
