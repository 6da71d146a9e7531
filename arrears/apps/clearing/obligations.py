"""Multilateral clearing of an obligations file (rule 11): who owes whom how much, in one
currency (a group of companies, an industry association, a supply chain). The file is read
and checked as the ledger's imports are (every bad row named, nothing kept of a refused
file); the clearing itself is `arrears.domain.clearing.multilateral.clear`, which proves every
firm's net position unchanged. Nothing is written: the result is a proposal to send."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from arrears.apps.accounts.access import require
from arrears.apps.ledger.imports.amounts import parse_amount
from arrears.apps.ledger.imports.columns import Spec, check_currency, prepare
from arrears.apps.ledger.imports.errors import Problems, say
from arrears.apps.ledger.imports.read import read_table
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.clearing.multilateral import Clearing, clear

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
