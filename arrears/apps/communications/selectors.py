"""Reads for communications: the figures of the message a case's step sends, as of a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for, strategies_for
from arrears.apps.communications.presentation import LANGUAGES
from arrears.apps.ledger.models import DUNNABLE_KINDS, Allocation, Company, OpenItem
from arrears.domain.access import Verb
from arrears.domain.interest import Regime, rate_table_from_text, shipped_regimes, shipped_tables
from arrears.domain.interest.rates import RateTable
from arrears.domain.letters import Letter, OpenLine, letter
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

# The late-interest regime a company's jurisdiction applies (Company.jurisdiction).
REGIME_OF_JURISDICTION = {
    "EU": "eu_directive",
    "DE": "de_bgb",
    "FR": "fr_commerce",
    "NL": "nl_handelsrente",
    "IT": "it_dlgs_231",
    "ES": "es_ley_3_2004",
    "GB": "uk_late_payment",
    "UK": "uk_late_payment",
    "CN": "cn_lpr",
}


@dataclass(frozen=True)
class CaseLetter:
    letter: Letter
    language: str
    debtor: str
    company: str
    reference: str


def rate_tables_folder() -> Path:
    """Where newer reference-rate tables go (the shipped format, one CSV file per series): a
    file here replaces the shipped table of its series, no code change needed."""
    return Path(settings.DATA_DIR) / "rates"


def rate_tables() -> dict[str, RateTable]:
    """The shipped reference-rate tables, each replaced by a newer file in the folder."""
    tables = shipped_tables()
    folder = rate_tables_folder()
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        table = rate_table_from_text(path.read_text(encoding="utf-8"), origin=str(path))
        tables[table.series] = table
    return tables


def regime_for(company: Company) -> Regime | None:
    code = REGIME_OF_JURISDICTION.get(company.jurisdiction.upper())
    return None if code is None else shipped_regimes()[code]


def case_letter(
    *,
    actor: Any,
    company: Company,
    debtor_code: str,
    currency: str | None,
    as_of: date,
    language: str | None = None,
    step_code: str | None = None,
    with_interest: bool = True,
) -> CaseLetter:
    """The message the case's step (or `step_code`) sends on `as_of`, in the debtor's
    language (or `language`), for a person who may read the case."""
    cases = Case.objects.select_related("debtor").filter(company=company, debtor__code=debtor_code)
    if currency:
        cases = cases.filter(currency=currency.upper())
    found = list(cases[:2])
    if len(found) != 1:
        raise Refusal(
            "communications.no_case" if not found else "communications.which_currency",
            debtor=debtor_code,
            currency=currency or "",
        )
    case = found[0]
    require(actor, Verb.READ, company_id=company.pk, owner_id=case.debtor.owner_id)
    strategy = next(
        (s for s in strategies_for(company=company) if s.code == case.strategy_code), None
    )
    steps = strategy.steps if strategy is not None else ()
    codes = [s.code for s in steps]
    code = step_code or case.step_code
    if not code:
        raise Refusal("communications.no_step", debtor=debtor_code, currency=case.currency)
    index = codes.index(code) if code in codes else (case.step or 0)
    following = steps[index + 1].name if index + 1 < len(steps) else None
    items = list(
        OpenItem.objects.filter(
            debtor=case.debtor, currency=case.currency, open_minor__gt=0, kind__in=DUNNABLE_KINDS
        ).order_by("due_date", "number")
    )
    paid: dict[int, list[tuple[date, Money]]] = {}
    for a in Allocation.objects.filter(item__in=items, payment__received_on__lte=as_of).values(
        "item_id", "amount_minor", "payment__received_on"
    ):
        paid.setdefault(a["item_id"], []).append(
            (a["payment__received_on"], Money.from_minor(a["amount_minor"], case.currency))
        )
    lines = [
        OpenLine(
            number=i.number,
            issued_on=i.issue_date,
            due_on=i.due_date,
            amount=Money.from_minor(i.original_minor, i.currency),
            open=Money.from_minor(i.open_minor, i.currency),
            payments=tuple(sorted(paid.get(i.pk, []))),
        )
        for i in items
    ]
    if not lines:
        raise Refusal("communications.nothing_open", debtor=debtor_code, currency=case.currency)
    language = language or (case.debtor.language if case.debtor.language in LANGUAGES else "en")
    figures = letter(
        step_code=code,
        step_number=index + 1,
        lines=lines,
        as_of=as_of,
        regime=regime_for(company) if with_interest else None,
        next_step=following,
        tables=rate_tables(),
        holidays=holidays_for(company=company),
    )
    return CaseLetter(
        figures, language, case.debtor.name, company.name, f"{case.debtor.code}-{case.currency}"
    )
