"""The payables file: what we owe our debtors as their customer (their invoices to us), keyed
on our ERP's document `number`: the other side of a set-off (rule 11).

A row names its supplier by one of three keys, tried in this order: `debtor_code` (our code
for them), `registration_number`, `vat_number` (as the debtors file holds them, spaces and
case ignored, as `clear --from-ledgers` finds a firm: `domain.firm_ids`). A row naming
none, or a number or VAT id shared by two debtors, is refused with its row; so is a code or
number nobody holds.
"""

from __future__ import annotations

import polars as pl

from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.imports.columns import (
    Spec,
    max_length,
    prepare,
)
from arrears.apps.ledger.imports.documents import (
    check_documents,
)
from arrears.apps.ledger.imports.errors import Problems, say
from arrears.apps.ledger.imports.read import Table
from arrears.apps.ledger.imports.upsert import (
    ImportSummary,
    Progress,
    diff,
    summarize,
    write_diff,
)
from arrears.apps.ledger.models import Company, Debtor, Payable
from arrears.domain.firm_ids import id_key
from arrears.domain.money import CURRENCY_EXPONENTS

NO_SUPPLIER = (
    "names no supplier: fill debtor_code, registration_number or vat_number "
    "(the debtor we owe this to)"
)
UNKNOWN_SUPPLIER = "no debtor has {column} {value!r}: import the debtor first"
SHARED = "{value!r} is the {column} of {count} debtors: name the supplier by debtor_code"
NEW_SETTLED = (
    "a payable new to arrears and already settled (open_amount 0) needs its original_amount"
)
KEYS = ("debtor_code", "registration_number", "vat_number")

SPEC = Spec(
    kind="payables",
    required=("number", "issue_date", "due_date", "currency", "open_amount"),
    optional=(*KEYS, "original_amount"),
    lengths={
        "number": max_length(Payable, "number"),
        "debtor_code": max_length(Debtor, "code"),
        "registration_number": max_length(Debtor, "registration_number"),
        "vat_number": max_length(Debtor, "vat_number"),
    },
)
FILE_NAMES = {
    "debtor_id": "supplier",
    "original_minor": "original_amount",
    "open_minor": "open_amount",
}
_EXISTING = {
    "id": pl.Int64(),
    "number": pl.String(),
    "debtor_id": pl.Int64(),
    "issue_date": pl.Date(),
    "due_date": pl.Date(),
    "currency": pl.String(),
    "original_minor": pl.Int64(),
    "open_minor": pl.Int64(),
}
_DEBTORS = {
    "id": pl.Int64(),
    "code": pl.String(),
    "registration_number": pl.String(),
    "vat_number": pl.String(),
}


def existing_payables(company: Company) -> pl.DataFrame:
    sql = f"SELECT {', '.join(_EXISTING)} FROM ledger_payable WHERE company_id = %s"
    return read_frame(sql, [company.pk], _EXISTING)


def _debtors(company: Company) -> pl.DataFrame:
    sql = (
        "SELECT id, code, registration_number, vat_number FROM ledger_debtor WHERE company_id = %s"
    )
    return read_frame(sql, [company.pk], _DEBTORS)


def resolve_suppliers(
    frame: pl.DataFrame, problems: Problems, debtors: pl.DataFrame
) -> pl.DataFrame:
    """Add `debtor_id`: by the first key a row fills (see the module)."""
    for key in KEYS:
        if key not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(key))
    which = pl.lit(None, dtype=pl.String)
    for key in reversed(KEYS):
        which = pl.when(pl.col(key).is_not_null()).then(pl.lit(key)).otherwise(which)
    value = pl.coalesce(*KEYS)
    frame = frame.with_columns(
        _key=which,
        _value=value,  # as the file says it, for the messages
        _match=pl.when(which == "debtor_code").then(value).otherwise(id_key(value)),
    )
    problems.add(frame, pl.col("_key").is_null(), "debtor_code", NO_SUPPLIER)
    lookups = pl.concat(
        [
            debtors.with_columns(
                _match=pl.col(column) if key == "debtor_code" else id_key(pl.col(column))
            )
            .filter(pl.col("_match").is_not_null() & (pl.col("_match") != ""))
            .group_by("_match")
            .agg(debtor_id=pl.col("id").min(), holders=pl.len())
            .select(_key=pl.lit(key), _match="_match", debtor_id="debtor_id", holders="holders")
            for key, column in zip(KEYS, ("code", "registration_number", "vat_number"), strict=True)
        ]
    )
    out = frame.join(lookups, on=["_key", "_match"], how="left", maintain_order="left")
    problems.add(
        out,
        pl.col("_key").is_not_null() & pl.col("debtor_id").is_null(),
        "debtor_code",
        say(UNKNOWN_SUPPLIER, column=pl.col("_key"), value=pl.col("_value")),
    )
    problems.add(
        out,
        pl.col("holders") > 1,
        "debtor_code",
        say(SHARED, value=pl.col("_value"), column=pl.col("_key"), count=pl.col("holders")),
    )
    return out.drop("_key", "_value", "_match", "holders", *KEYS)


def _minor_text(minor: pl.Expr, exp: pl.Expr) -> pl.Expr:
    """A stored amount in minor units as the file would write it (exponents are 0, 2, 3)."""
    scale = pl.when(exp == 3).then(1000).when(exp == 2).then(100).otherwise(1)
    whole = (minor // scale).cast(pl.String)
    frac = (minor % scale).cast(pl.String).str.zfill(exp)
    return pl.when(exp == 0).then(whole).otherwise(pl.concat_str([whole, pl.lit("."), frac]))


def _original_amounts(f: pl.DataFrame, p: Problems, existing: pl.DataFrame) -> pl.DataFrame:
    """Fill an empty or absent `original_amount`: a payable already stored keeps its original
    amount (a set-off or payment may have brought its open amount down to 0); a new one takes
    its open amount. A new payable already settled (open 0) names its original amount."""
    if "original_amount" not in f.columns:
        f = f.with_columns(original_amount=pl.lit(None, dtype=pl.String))
    stored = existing.select("number", _stored="original_minor")
    f = f.join(stored, on="number", how="left", maintain_order="left")
    exp = pl.col("currency").replace_strict(CURRENCY_EXPONENTS, default=None, return_dtype=pl.Int64)
    missing = pl.col("original_amount").is_null()
    settled = pl.col("open_amount").str.contains(r"^0*(\.0*)?$")
    new_settled = missing & pl.col("_stored").is_null() & settled
    p.add(f, new_settled, "original_amount", NEW_SETTLED)
    kept = _minor_text(pl.col("_stored"), exp)
    filled = pl.when(new_settled).then(None).otherwise(pl.coalesce(kept, pl.col("open_amount")))
    return f.with_columns(
        original_amount=pl.when(missing).then(filled).otherwise(pl.col("original_amount"))
    ).drop("_stored")


def validate(table: Table, *, company: Company, existing: pl.DataFrame) -> pl.DataFrame:
    p = Problems()
    f = _original_amounts(prepare(table, SPEC, p), p, existing)
    f = check_documents(f, p, existing=existing, what="payables")
    f = resolve_suppliers(f, p, _debtors(company))
    p.raise_if_any()
    return f


def import_payables(
    table: Table, *, company: Company, progress: Progress | None = None
) -> ImportSummary:
    """Validate the whole file, then insert new payables and update changed ones."""
    existing = existing_payables(company)
    f = validate(table, company=company, existing=existing)
    compare = [c for c in _EXISTING if c not in ("id", "number")]
    d = diff(f.select("number", *compare), existing, key=["number"], compare=compare)
    write_diff("ledger_payable", d, compare, company_id=company.pk, progress=progress)
    return summarize("payables", d.flags, d.counts(FILE_NAMES))
