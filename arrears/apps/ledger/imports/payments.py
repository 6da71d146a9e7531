"""The payments file: one row per allocation, keyed on `reference` (+ `item_number`).

The rows of one payment carry the same header (debtor, date, currency, amount); the file
holds the whole payment, so its allocations mirror the file: ones no longer listed go.
Payments are history: they do not change the items' open amounts (the items file does).
"""

from __future__ import annotations

import polars as pl

from arrears.apps.common.bulk import delete_ids, insert_frame, read_frame, update_frame
from arrears.apps.ledger.imports.amounts import check_total, minor_text, parse_amount
from arrears.apps.ledger.imports.columns import (
    Spec,
    check_currency,
    check_unique,
    max_length,
    parse_dates,
    prepare,
    resolve_debtors,
)
from arrears.apps.ledger.imports.errors import ROW, Problems, say
from arrears.apps.ledger.imports.items import company_debtors
from arrears.apps.ledger.imports.read import Table
from arrears.apps.ledger.imports.upsert import Diff, ImportSummary, Progress, diff, summarize
from arrears.apps.ledger.models import Company, Debtor, OpenItem, Payment

NEEDS_ALLOCATION = "required when item_number is given: the part of the payment applied to it"
NEEDS_ITEM = "an allocated_amount needs the item_number it is applied to"
INCONSISTENT = (
    "{value!r} differs from row {first} ({expected!r}): "
    "the rows of payment {reference!r} must agree"
)
OVER_ALLOCATED = "the rows of payment {reference!r} allocate {allocated}, more than its {amount}"
UNKNOWN_ITEM = "unknown item {value!r}: import it with the items file first"
OTHER_DEBTOR = "item {value!r} belongs to debtor {owner!r}, not {debtor!r}"
OTHER_CURRENCY = "item {value!r} is in {item_currency}, the payment in {currency}"

SPEC = Spec(
    kind="payments",
    required=("reference", "debtor_code", "received_on", "currency", "amount"),
    optional=("item_number", "allocated_amount"),
    lengths={
        "reference": max_length(Payment, "reference"),
        "debtor_code": max_length(Debtor, "code"),
        "item_number": max_length(OpenItem, "number"),
    },
)
HEADER = ("debtor_code", "received_on", "currency", "amount_minor")
_I: pl.DataType = pl.Int64()
_S: pl.DataType = pl.String()
_D: pl.DataType = pl.Date()
_PAYMENTS = {
    "id": _I,
    "reference": _S,
    "debtor_id": _I,
    "received_on": _D,
    "currency": _S,
    "amount_minor": _I,
    "unapplied_minor": _I,
}
_ALLOCATIONS = {"id": _I, "payment_id": _I, "item_id": _I, "amount_minor": _I}
_ITEMS = {"item_id": _I, "item_number": _S, "item_debtor": _S, "item_currency": _S}


def existing_payments(company: Company) -> pl.DataFrame:
    """The company's payments as stored."""
    sql = f"SELECT {', '.join(_PAYMENTS)} FROM ledger_payment WHERE company_id = %s"
    return read_frame(sql, [company.pk], _PAYMENTS)


def validate(
    table: Table, *, company: Company, existing: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The file as typed columns, or `ImportRejected` listing every problem. `existing` (the
    company's payments, read if not given) are the amounts the file adds to."""
    if existing is None:
        existing = existing_payments(company)
    p = Problems()
    f = prepare(table, SPEC, p)
    f = f.with_columns(
        pl.lit(None, dtype=pl.String).alias(c)
        for c in ("item_number", "allocated_amount")
        if c not in f.columns
    )
    exp = check_currency(f, p, "currency")
    f = f.with_columns(_exp=exp)
    for column, into in (("amount", "amount_minor"), ("allocated_amount", "allocated_minor")):
        f = parse_amount(
            f,
            p,
            column,
            into=into,
            exp=pl.col("_exp"),
            currency=pl.col("currency"),
            minimum="positive",
        )
    f = parse_dates(f, p, "received_on")
    item, allocated = pl.col("item_number"), pl.col("allocated_amount")
    p.add(f, item.is_not_null() & allocated.is_null(), "allocated_amount", NEEDS_ALLOCATION)
    p.add(f, item.is_null() & allocated.is_not_null(), "item_number", NEEDS_ITEM)
    check_unique(f.filter(item.is_not_null()), p, ["reference", "item_number"], "item_number")
    check_unique(f.filter(item.is_null()), p, ["reference"], "reference")
    _check_header_agrees(f, p)
    _check_allocations(f, p)
    # Every sum of the company's payments (and so of their allocations) stays storable.
    kept = existing.join(f.select("reference").unique(), on="reference", how="anti")
    first = f.filter(pl.col(ROW) == pl.col(ROW).min().over("reference"))
    check_total(first, p, "amount", minor="amount_minor", already=kept, what="payments")
    f = resolve_debtors(f, p, company_debtors(company))
    f = _check_items(f, p, company)
    p.raise_if_any()
    return f


def _check_header_agrees(f: pl.DataFrame, p: Problems) -> None:
    """Every row of a payment repeats its first row's debtor, date, currency and amount."""
    ref = pl.col("reference")
    # Windows are materialized first: `Problems.add` formats messages on the failing rows only.
    f = f.with_columns(_first_row=pl.col(ROW).first().over("reference"))
    for column in HEADER:
        shown = "amount" if column == "amount_minor" else column
        g = f.with_columns(
            _first=pl.col(column).first().over("reference"),
            _expected=pl.col(shown).first().over("reference"),
        )
        value, first = pl.col(column), pl.col("_first")
        bad = ref.is_not_null() & value.is_not_null() & first.is_not_null() & (value != first)
        msg = say(
            INCONSISTENT,
            value=pl.col(shown),
            first=pl.col("_first_row"),
            expected=pl.col("_expected"),
            reference=ref,
        )
        p.add(g, bad, shown, msg)


def _check_allocations(f: pl.DataFrame, p: Problems) -> None:
    """The rows of a payment allocate at most its amount (reported on its first row). Summed
    exactly (128-bit): a 64-bit sum of large allocations wraps around below the amount."""
    g = f.with_columns(
        _allocated=pl.col("allocated_minor").cast(pl.Int128).sum().over("reference"),
        _first=pl.col(ROW) == pl.col(ROW).min().over("reference"),
    )
    allocated, amount = pl.col("_allocated"), pl.col("amount_minor")
    bad = pl.col("reference").is_not_null() & pl.col("_first") & (allocated > amount)
    msg = say(
        OVER_ALLOCATED,
        reference=pl.col("reference"),
        allocated=pl.col("currency") + " " + minor_text(allocated, pl.col("_exp")),
        amount=pl.col("currency") + " " + minor_text(amount, pl.col("_exp")),
    )
    p.add(g, bad, "allocated_amount", msg)


def _check_items(f: pl.DataFrame, p: Problems, company: Company) -> pl.DataFrame:
    """Allocated items exist, belong to the paying debtor and are in the payment's currency."""
    items = read_frame(
        "SELECT i.id AS item_id, i.number AS item_number, d.code AS item_debtor, "
        "i.currency AS item_currency FROM ledger_openitem i "
        "JOIN ledger_debtor d ON d.id = i.debtor_id WHERE i.company_id = %s",
        [company.pk],
        _ITEMS,
    )
    f = f.join(items, on="item_number", how="left", maintain_order="left")
    item, found = pl.col("item_number"), pl.col("item_id").is_not_null()
    p.add(f, item.is_not_null() & ~found, "item_number", say(UNKNOWN_ITEM, value=item))
    debtor = pl.col("debtor_code")
    p.add(
        f,
        found & (pl.col("item_debtor") != debtor),
        "item_number",
        say(OTHER_DEBTOR, value=item, owner=pl.col("item_debtor"), debtor=debtor),
    )
    p.add(
        f,
        found & (pl.col("item_currency") != pl.col("currency")),
        "item_number",
        say(
            OTHER_CURRENCY,
            value=item,
            item_currency=pl.col("item_currency"),
            currency=pl.col("currency"),
        ),
    )
    return f


def import_payments(
    table: Table, *, company: Company, progress: Progress | None = None
) -> ImportSummary:
    """Validate the whole file, then upsert payments and their allocations."""
    existing = existing_payments(company)
    f = validate(table, company=company, existing=existing)
    header = f.group_by("reference", maintain_order=True).agg(
        pl.col("debtor_id", "received_on", "currency", "amount_minor").first(),
        (pl.col("amount_minor").first() - pl.col("allocated_minor").sum()).alias("unapplied_minor"),
    )
    compare = ["debtor_id", "received_on", "currency", "amount_minor", "unapplied_minor"]
    pd = diff(header, existing, key=["reference"], compare=compare)
    if progress:
        progress(0, f.height)
    insert_frame("ledger_payment", pd.new.with_columns(company_id=pl.lit(company.pk)))
    update_frame("ledger_payment", pd.changed.select("id", *compare))
    allocations, ad, removed = _write_allocations(f, company)
    if progress:
        progress(f.height, f.height)
    return _summary(f, header, pd, allocations, ad, removed)


def _write_allocations(f: pl.DataFrame, company: Company) -> tuple[pl.DataFrame, Diff, int]:
    """Upsert the file's allocations; delete those of its payments no longer listed."""
    ids = read_frame(
        "SELECT id AS payment_id, reference FROM ledger_payment WHERE company_id = %s",
        [company.pk],
        {"payment_id": _I, "reference": _S},
    )
    target = (
        f.filter(pl.col("item_number").is_not_null())
        .join(ids, on="reference", maintain_order="left")
        .select(ROW, "payment_id", "item_id", pl.col("allocated_minor").alias("amount_minor"))
    )
    existing = read_frame(
        "SELECT a.id AS id, a.payment_id AS payment_id, a.item_id AS item_id, "
        "a.amount_minor AS amount_minor FROM ledger_allocation a "
        "JOIN ledger_payment p ON p.id = a.payment_id WHERE p.company_id = %s",
        [company.pk],
        _ALLOCATIONS,
    )
    ad = diff(target, existing, key=["payment_id", "item_id"], compare=["amount_minor"])
    insert_frame("ledger_allocation", ad.new.drop(ROW))
    update_frame("ledger_allocation", ad.changed.select("id", "amount_minor"))
    mine = ids.join(f.select("reference").unique(), on="reference")["payment_id"].implode()
    stale = existing.filter(pl.col("payment_id").is_in(mine)).join(
        target, on=["payment_id", "item_id"], how="anti"
    )
    delete_ids("ledger_allocation", stale["id"].to_list())
    return target, ad, stale.height


_HEAD_NAMES = {
    "debtor_id": "debtor_code",
    "received_on": "received_on",
    "currency": "currency",
    "amount_minor": "amount",
}


def _summary(
    f: pl.DataFrame,
    header: pl.DataFrame,
    pd: Diff,
    allocations: pl.DataFrame,
    ad: Diff,
    removed: int,
) -> ImportSummary:
    """Per file row: new if its payment or allocation is new; updated if its payment's
    header or its allocated amount changed. Removed allocations count under item_number."""
    head = pd.flags.select(
        pl.lit(header["reference"]).alias("reference"),
        pl.col("is_new").alias("pay_new"),
        *[pl.col(c).alias(name) for c, name in _HEAD_NAMES.items()],
    )
    alloc = ad.flags.select(
        pl.lit(allocations[ROW]).alias(ROW),
        pl.col("is_new").alias("alloc_new"),
        pl.col("amount_minor").alias("allocated_amount"),
    )
    rows = (
        f.select(ROW, "reference")
        .join(head, on="reference", how="left", maintain_order="left")
        .join(alloc, on=ROW, how="left", maintain_order="left")
        .fill_null(False)
    )
    is_new = pl.col("pay_new") | pl.col("alloc_new")
    columns = [*_HEAD_NAMES.values(), "allocated_amount"]
    flags = rows.select(is_new.alias("is_new"), *[(~is_new & pl.col(c)).alias(c) for c in columns])
    flags = flags.with_columns(changed_any=pl.any_horizontal(columns))
    changes = {c: int(flags[c].sum()) for c in columns} | {"item_number": removed}
    return summarize("payments", flags, changes)
