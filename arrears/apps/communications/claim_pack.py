"""The claim pack for a hand-over to legal (issue #14): one ZIP file holding what a lawyer
needs to claim the debt of one case (debtor and currency) on a day:

- `statement.pdf`: the debtor's statement of account (`statements.debtor_statement`);
- `claim.pdf`: per item, the interest computed to the day with the regime and each rate
  period used (first and last day, principal, rate, interest), the statutory compensation,
  the totals; each item's limitation (its last day, the day legal was to be asked: the
  company's lead days before, what restarted it); then the case's whole contact history;
- `interest.csv`: the same periods, one row each (exact decimals);
- `history.csv`: the history, one dated line each.

The history is the case's one history (`cases.presentation.history_entries`, through the
desk's `case_timeline`: the same lines as `arrears explain` and the case page): messages sent,
calls, excuses, promises given and broken, plans, disputes, step changes, credit holds.
Only a credit manager, legal (or an administrator) may make one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from arrears.apps.accounts.access import require, role_in
from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import case_explain
from arrears.apps.communications.costs import ItemLimitation, case_costs
from arrears.apps.communications.pdf import claim_pdf, statement_pdf
from arrears.apps.communications.statements import DebtorStatement, statement_of
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.case_desk import TimelineEntry, case_timeline
from arrears.apps.negotiation.selectors import desk_facts
from arrears.domain.access import PersonRole, Verb
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.domain.text import neutralise

MAY_MAKE = (PersonRole.CREDIT_MANAGER, PersonRole.LEGAL, PersonRole.ADMINISTRATOR)
# (ZIP entries get a fixed time: the same case on the same day gives the same bytes)
_STAMP = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ClaimPack:
    debtor_code: str
    currency: str
    as_of: date
    statement: DebtorStatement  # of the whole debtor; the claim is on `currency`'s items
    history: tuple[TimelineEntry, ...]
    limitation: tuple[ItemLimitation, ...] = ()  # the case's items' (none: no rule)
    lead_days: int | None = None  # legal is asked this many days before a last day


def claim_pack(
    *, actor: Any, company: Company, debtor_code: str, currency: str | None, as_of: date
) -> ClaimPack:
    """The claim pack of the debtor's case (in `currency`, if it has several) on `as_of`."""
    require(actor, Verb.READ, company_id=company.pk)
    role = role_in(actor, company.pk)
    if role not in MAY_MAKE:
        raise NotAllowed(
            "claim_pack.role",
            person=actor.get_username(),
            role=role or "",
            roles=", ".join(r.value for r in MAY_MAKE),
        )
    cases = Case.objects.filter(company=company, debtor__code=debtor_code)
    if currency:
        cases = cases.filter(currency=currency.upper())
    found = list(cases.values_list("currency", flat=True)[:2])
    if len(found) != 1:
        raise Refusal(
            "communications.no_case" if not found else "communications.which_currency",
            debtor=debtor_code,
            currency=currency or "",
        )
    (ex,) = case_explain(actor=actor, company=company, debtor_code=debtor_code, currency=found[0])
    facts = desk_facts(actor=actor, case=ex.case, events=ex.events)
    costs = case_costs(case=ex.case, company=company, as_of=as_of)
    return ClaimPack(
        debtor_code=debtor_code,
        currency=found[0],
        as_of=as_of,
        statement=statement_of(ex.case.debtor, company, as_of),
        history=tuple(case_timeline(ex, facts)),
        limitation=tuple(x.limitation for x in costs.lines if x.limitation is not None),
        lead_days=costs.lead_days,
    )


def interest_rows(pack: ClaimPack) -> list[list[str]]:
    """One row per rate period of each of the case's items, then its compensation."""
    st = pack.statement.statement
    head = ["item", "due", "first_day", "last_day", "days", "principal", "rate_percent",
            "interest", "compensation", "currency", "regime", "source"]  # fmt: skip
    rows = [head]
    for i in st.items:
        if i.open.currency != pack.currency:
            continue
        for p in i.periods:
            rows.append(
                [i.number, i.due_on.isoformat(), p.first.isoformat(), p.last.isoformat(),
                 str(p.days), str(p.principal.amount), str(p.rate), str(p.interest.amount), "",
                 pack.currency, st.regime_name or "", st.regime_source or ""]
            )  # fmt: skip
        if i.compensation.amount:
            rows.append(
                [i.number, i.due_on.isoformat(), "", "", "", "", "", "",
                 str(i.compensation.amount), pack.currency, st.regime_name or "",
                 st.regime_source or ""]
            )  # fmt: skip
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue().encode("utf-8")


def claim_pack_zip(pack: ClaimPack) -> bytes:
    """The pack as one ZIP file (see the module's text)."""
    history = [["date", "entry"], *([e.on.isoformat(), e.text] for e in pack.history)]
    files = {
        "statement.pdf": statement_pdf(pack.statement),
        "claim.pdf": claim_pdf(pack),
        "interest.csv": _csv(interest_rows(pack)),
        "history.csv": _csv(history),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=_STAMP), data)
    return out.getvalue()
