"""The demo's items and the payment allocations that explain their open amounts.

Each item is drawn open (untouched), partly paid or fully paid according to its debtor's
behaviour; open items get a days-past-due from the behaviour's age profile. Amounts are
integer minor units; `original - open` of every item is exactly what its allocations sum to.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.demo.amounts import cents_to_minor_by_currency
from arrears.demo.rng import ROW, Rng
from arrears.demo.tables import (
    AGE_PROFILES,
    AMOUNT_BUCKETS,
    DPD_BUCKETS,
    ITEM_KINDS,
    ITEM_STATES,
    KIND_PREFIX,
    PAY_DELAYS,
)

OPEN, PARTIAL, PAID = 0, 1, 2
OTHER_CURRENCY = 20  # per mille of items billed in a second currency (an export deal)
SPLIT_PAYMENTS = 300  # per mille of partly paid items paid in two instalments
PAID_HISTORY_DAYS = 365  # fully paid items fell due within this many days before as_of


def _table(values: list[int]) -> pl.Expr:
    return pl.lit(pl.Series(values, dtype=pl.Int64))


def _days(n: pl.Expr) -> pl.Expr:
    return pl.duration(days=n)


def _assign_debtors(rng: Rng, n_items: int, n_debtors: int) -> pl.Expr:
    """The first item of each debtor, then a skew: low debtor numbers hold more items."""
    skewed = pl.min_horizontal(rng.below("d1", n_debtors), rng.below("d2", n_debtors))
    i = pl.col(ROW).cast(pl.Int64)
    return pl.when(i < n_debtors).then(i).otherwise(skewed).alias("debtor_ix")


def _amounts(rng: Rng, currencies: list[str]) -> list[pl.Expr]:
    bucket = rng.choose("size", [[(k, w) for k, (_, w) in enumerate(AMOUNT_BUCKETS)]], pl.Int64())
    lo = _table([lo for (lo, _), _ in AMOUNT_BUCKETS]).gather(bucket)
    hi = _table([hi for (_, hi), _ in AMOUNT_BUCKETS]).gather(bucket)
    cents = rng.between("cents", lo, hi)
    cents = pl.when(pl.col("kind") == "credit_note").then(cents // 5).otherwise(cents)
    return [cents.alias("_cents")]


def _open(rng: Rng) -> pl.Expr:
    share = rng.between("open_pct", 10, 90)
    return (
        pl.when(pl.col("state") == OPEN)
        .then(pl.col("original_minor"))
        .when(pl.col("state") == PARTIAL)
        .then(pl.col("original_minor") * share // 100)
        .otherwise(0)
        .alias("open_minor")
    )


def _dates(rng: Rng, as_of: date) -> list[pl.Expr]:
    """Due and issue dates: from the age profile (open), pay delay (paid), or recent (credit)."""
    bucket = rng.choose("age", AGE_PROFILES, pl.Int64(), group=pl.col("behaviour"))
    lo = _table([lo for lo, _ in DPD_BUCKETS]).gather(bucket)
    hi = _table([hi for _, hi in DPD_BUCKETS]).gather(bucket)
    not_due = -rng.below("not_due", pl.col("terms_days") + 1)
    dpd = pl.when(bucket == 0).then(not_due).otherwise(rng.between("dpd", lo, hi))
    delay = rng.between(
        "delay",
        _table([lo for lo, _ in PAY_DELAYS]).gather(pl.col("behaviour")),
        _table([hi for _, hi in PAY_DELAYS]).gather(pl.col("behaviour")),
    )
    paid_age = delay.clip(lower_bound=0) + rng.below("paid_age", PAID_HISTORY_DAYS)
    credit_age = rng.below("credit_age", 180)
    age = (
        pl.when(pl.col("kind") == "credit_note")
        .then(credit_age)
        .when(pl.col("state") == PAID)
        .then(paid_age)
        .otherwise(dpd)
    )
    terms = pl.when(pl.col("kind") == "credit_note").then(0).otherwise(pl.col("terms_days"))
    due = pl.lit(as_of) - _days(age)
    return [
        due.alias("due_date"),
        (due - _days(terms)).alias("issue_date"),
        delay.alias("_delay"),
    ]


def items_frame(
    debtors: pl.DataFrame, n_items: int, *, seed: int, as_of: date, company_currency: str
) -> pl.DataFrame:
    """n_items items over `debtors`, numbered in issue order; hidden columns start with `_`."""
    rng = Rng(seed, "items")
    frame = pl.DataFrame({ROW: pl.int_range(n_items, dtype=pl.UInt64, eager=True)})
    frame = frame.with_columns(_assign_debtors(rng, n_items, debtors.height))
    who = debtors.select(
        pl.col(ROW).cast(pl.Int64).alias("debtor_ix"),
        "debtor_code",
        "behaviour",
        "terms_days",
        "payday",
        pl.col("currency").alias("_main_currency"),
    )
    frame = frame.join(who, on="debtor_ix", how="left", maintain_order="left")
    other = (
        pl.when(pl.col("_main_currency") == "USD")
        .then(pl.lit(company_currency))
        .otherwise(pl.lit("USD"))
    )
    kind = rng.choose("kind", [list(ITEM_KINDS)], pl.String())
    state = rng.choose("state", ITEM_STATES, pl.Int64(), group=pl.col("behaviour"))
    frame = frame.with_columns(
        kind.alias("kind"),
        pl.when(rng.chance("other_ccy", OTHER_CURRENCY))
        .then(other)
        .otherwise(pl.col("_main_currency"))
        .alias("currency"),
    )
    currencies = frame["currency"].unique().to_list()
    frame = frame.with_columns(
        pl.when(pl.col("kind") == "credit_note").then(OPEN).otherwise(state).alias("state"),
        *_amounts(rng, currencies),
    )
    frame = frame.with_columns(
        cents_to_minor_by_currency("_cents", "currency", currencies).alias("original_minor"),
        *_dates(rng, as_of),
    ).with_columns(_open(rng))
    return _number(frame)


def _number(frame: pl.DataFrame) -> pl.DataFrame:
    """Document numbers follow issue order, as an ERP's do: 'INV-0000001', 'CN-0000002'."""
    frame = frame.sort(["issue_date", "debtor_ix", ROW])
    prefix = pl.col("kind").replace_strict(KIND_PREFIX, return_dtype=pl.String)
    seq = pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)
    terms = pl.concat_str(pl.col("terms_days").cast(pl.String), pl.lit(" days net"))
    return frame.with_columns(
        pl.concat_str(prefix, pl.lit("-"), seq).alias("number"),
        pl.when(pl.col("kind") == "credit_note").then(None).otherwise(terms).alias("payment_terms"),
    )


def _paid_on() -> pl.Expr:
    """A paid item's payment day: due + the debtor's delay, stepped back to its payment-run
    weekday (so one payment settles several items), never before the invoice."""
    paid_on = pl.col("due_date") + _days(pl.col("_delay"))
    back = (paid_on.dt.weekday().cast(pl.Int64) - pl.col("payday")) % 7
    return pl.max_horizontal(paid_on - _days(back), pl.col("issue_date"))


def _payment_days(rng: Rng, as_of: date) -> list[pl.Expr]:
    """split (paid in two parts), first_on, second_on, part (the first part's amount)."""
    span = (pl.lit(as_of) - pl.col("issue_date")).dt.total_days()
    split = (
        (pl.col("state") == PARTIAL)
        & (pl.col("alloc") >= 2)
        & (span >= 1)
        & rng.chance("split", SPLIT_PAYMENTS)
    )
    first_day = (
        pl.when(split)
        .then(rng.below("d1", span.clip(lower_bound=1)))  # leaves a day for the second part
        .otherwise(rng.below("d1", span + 1))
    )
    first_on = (
        pl.when(pl.col("state") == PAID)
        .then(_paid_on())
        .otherwise(pl.col("issue_date") + _days(first_day))
    )
    days_left = (pl.lit(as_of) - first_on).dt.total_days().clip(lower_bound=1)
    return [
        split.alias("split"),
        first_on.alias("first_on"),
        (first_on + _days(1 + rng.below("d2", days_left))).alias("second_on"),
        (pl.col("alloc") * rng.between("part", 30, 70) // 100).clip(1, None).alias("part"),
    ]


def allocations(items: pl.DataFrame, *, seed: int, as_of: date) -> pl.DataFrame:
    """One row per (item, payment date): paid items in the debtor's weekly payment run,
    partly paid ones in one or two payments between issue and as_of."""
    rng = Rng(seed, "allocations")
    frame = items.filter(pl.col("state") != OPEN).with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt64).alias(ROW),
        alloc=pl.col("original_minor") - pl.col("open_minor"),
    )
    frame = frame.with_columns(_payment_days(rng, as_of))
    cols = ["debtor_code", "currency", "number"]
    whole = frame.filter(~pl.col("split")).select(
        *cols, pl.col("first_on").alias("received_on"), pl.col("alloc").alias("allocated_minor")
    )
    parts = frame.filter(pl.col("split"))
    first = parts.select(
        *cols, pl.col("first_on").alias("received_on"), pl.col("part").alias("allocated_minor")
    )
    second = parts.select(
        *cols,
        pl.col("second_on").alias("received_on"),
        (pl.col("alloc") - pl.col("part")).alias("allocated_minor"),
    )
    return pl.concat([whole, first, second])
