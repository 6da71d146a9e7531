"""Multilateral clearing of an obligations file (rule 11): who owes whom how much, in one
currency (a group of companies, an industry association, a supply chain). The file is read
and checked as the ledger's imports are (every bad row named, nothing kept of a refused
file); the clearing itself is `arrears.domain.clearing.multilateral.clear`, which proves every
firm's net position unchanged. Nothing is written: the result is a proposal to send."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Sum

from arrears.apps.accounts.access import require
from arrears.apps.ledger.imports.amounts import parse_amount
from arrears.apps.ledger.imports.columns import Spec, check_currency, prepare
from arrears.apps.ledger.imports.errors import Problems, say
from arrears.apps.ledger.imports.read import read_table
from arrears.apps.ledger.models import DUNNABLE_KINDS, Company, OpenItem, Payable
from arrears.domain.access import Verb
from arrears.domain.clearing.multilateral import Clearing, clear
from arrears.domain.firm_ids import id_key
from arrears.domain.refusal import Refusal

FIRM_LENGTH = 200
OWES_ITSELF = "{firm!r} owes itself: the debtor and the creditor must differ"
MIXED = "currency {currency!r} differs from the first row's {first!r}: one currency per file"
SPEC = Spec(
    kind="obligations",
    required=("debtor", "creditor", "amount", "currency"),
    optional=("reference",),
    lengths={"debtor": FIRM_LENGTH, "creditor": FIRM_LENGTH, "reference": 64},
)


@dataclass(frozen=True)
class ClearingProposal:
    """The clearing of one obligations file, in the file's currency."""

    currency: str
    obligations: int  # rows in the file
    firms: int
    clearing: Clearing


def obligations_read(path: Path) -> tuple[pl.DataFrame, str]:
    """The file as (debtor, creditor, amount_minor) and its currency; `ImportRejected` naming
    every bad row."""
    table = read_table(path)
    p = Problems()
    f = prepare(table, SPEC, p)
    exp = check_currency(f, p, "currency")
    first = f["currency"].drop_nulls().first() if f.height else None
    first_currency = str(first) if first is not None else ""
    p.add(
        f,
        pl.col("currency").is_not_null() & (pl.col("currency") != first_currency),
        "currency",
        say(MIXED, currency=pl.col("currency"), first=first_currency),
    )
    f = parse_amount(
        f,
        p,
        "amount",
        into="amount_minor",
        exp=exp,
        currency=pl.col("currency"),
        minimum="positive",
    )
    p.add(
        f,
        pl.col("debtor") == pl.col("creditor"),
        "creditor",
        say(OWES_ITSELF, firm=pl.col("debtor")),
    )
    p.raise_if_any()
    return f.select("debtor", "creditor", "amount_minor"), first_currency


def clearing_propose(*, actor: Any, company: Company, path: Path) -> ClearingProposal:
    """The clearing that removes the most debt from the file's obligations without changing
    any firm's net position, to a credit manager of `company` (whose proposal it is)."""
    require(actor, Verb.SET_POLICY, company_id=company.pk, what="propose a clearing")
    frame, currency = obligations_read(path)
    result = clear(frame)
    return ClearingProposal(
        currency=currency,
        obligations=frame.height,
        firms=result.firms.height,
        clearing=result,
    )


def _firm(prefix: str) -> pl.Expr:
    """A debtor as a firm across the companies: by its VAT number, else its registration
    number (spaces and case ignored), else only within its own company."""
    vat = id_key(pl.col(f"{prefix}vat"))
    reg = id_key(pl.col(f"{prefix}reg"))
    return (
        pl.when(vat != "")
        .then(pl.concat_str([pl.lit("VAT "), vat]))
        .when(reg != "")
        .then(pl.concat_str([pl.lit("reg. "), reg]))
        .otherwise(pl.concat_str([pl.col("company"), pl.lit("/"), pl.col(f"{prefix}code")]))
    )


_SIDE_SCHEMA = {
    "company": pl.String,
    "code": pl.String,
    "name": pl.String,
    "vat": pl.String,
    "reg": pl.String,
    "amount_minor": pl.Int64,
}


def _side(model: Any, companies: list[Company], currency: str, **only: Any) -> pl.DataFrame:
    rows = (
        model.objects.filter(company__in=companies, currency=currency, open_minor__gt=0, **only)
        .values_list(
            "company__code",
            "debtor__code",
            "debtor__name",
            "debtor__vat_number",
            "debtor__registration_number",
        )
        .annotate(total=Sum("open_minor"))
        .order_by()
    )
    return pl.DataFrame(list(rows), schema=_SIDE_SCHEMA, orient="row")


def ledger_obligations(
    *, actor: Any, companies: list[Company], currency: str
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Who owes whom across `companies` in `currency`, from the ledgers arrears holds: each
    debtor owes its company its open receivables; each company owes a debtor who is also its
    supplier its open payables. A debtor is one firm across companies when its VAT (else
    registration) number matches. Returns (debtor, creditor, amount_minor) and each firm's
    name. For a credit manager of every company named; anyone else is refused."""
    for c in companies:
        require(actor, Verb.SET_POLICY, company_id=c.pk, what=f"clear the ledgers of {c.code}")
    receivables = _side(OpenItem, companies, currency, kind__in=DUNNABLE_KINDS)
    payables = _side(Payable, companies, currency)
    own = pl.concat_str([pl.lit("company "), pl.col("company")])
    firm = _firm("")
    edges = pl.concat(
        [
            receivables.select(debtor=firm, creditor=own, amount_minor="amount_minor"),
            payables.select(debtor=own, creditor=firm, amount_minor="amount_minor"),
        ]
    )
    names = {f"company {c.code}": c.name for c in companies}
    # a firm's name: as the first company (by code) calls it
    both = pl.concat([receivables, payables]).select(firm.alias("k"), "company", "code", "name")
    for key, name in (
        both.sort("k", "company", "code").unique("k", keep="first").select("k", "name").iter_rows()
    ):
        names.setdefault(key, name)
    return edges, names


def clearing_from_ledgers(
    *, actor: Any, companies: list[Company], currency: str
) -> ClearingProposal:
    """`clearing_propose` on the obligations of the companies' own ledgers (`ledger_obligations`)."""
    frame, names = ledger_obligations(actor=actor, companies=companies, currency=currency)
    result = clear(frame)
    named = (
        result.firms.with_columns(
            pl.col("firm").replace_strict(names, default=pl.col("firm")).alias("name")
        )
        .with_columns(
            firm=pl.when(pl.col("name") == pl.col("firm"))
            .then(pl.col("firm"))
            .otherwise(pl.concat_str([pl.col("name"), pl.lit(" ("), pl.col("firm"), pl.lit(")")]))
        )
        .drop("name")
    )
    return ClearingProposal(
        currency=currency,
        obligations=frame.height,
        firms=named.height,
        clearing=replace(result, firms=named),
    )


def ledgers_currency(companies: list[Company]) -> str:
    """The companies' one currency; refused when they keep different ones (say which)."""
    found = sorted({c.currency for c in companies})
    if len(found) != 1:
        raise Refusal("clearing.which_currency", currencies=", ".join(found) or "none")
    return found[0]
