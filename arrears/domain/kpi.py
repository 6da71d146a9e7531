"""The figures that say whether collection works (rules 3-4): DSO, best possible DSO, average
days delinquent, collection effectiveness, roll and cure rates, promise-kept rates, and the
cash expected from promises and plans. Pure functions over columnar batches; amounts stay
integer minor units per currency (never added across currencies); ratios are `Decimal`,
rounded half-up where they are shown.

The ledger as these formulas read it:
- `items`: item_id, currency, issued_on, due_on, amount_minor (the invoice as issued: credit
  sales are the items issued in a period);
- `payments`: item_id, paid_on, amount_minor (what was allocated to the item, and when);
- `credits` (optional): item_id, credited_on, amount_minor (a credit note applied to the item,
  or a dispute's credit booked: §2, a case closed as credited or settled). A credit is not
  cash: it lowers what is owed, and the period's credit sales by as much, but is never counted
  as collected nor as recovered.
An item's open balance on a day: its amount, once issued, less what was paid or credited on or
before that day. "Current" means not yet overdue on that day (days past due <= 0).

Formulas, for a period from `start` to `end` inclusive (D = its number of days):
- standard DSO = AR at the end / credit sales in the period x D
- best possible DSO (BPDSO) = current AR at the end / credit sales x D
- average days delinquent (ADD) = DSO - BPDSO
- countback DSO: take the AR at the end; going back month by month from the end's month,
  subtract each month's credit sales and count its days, until a month's sales exceed what is
  left, which counts the fraction of that month's days that the rest is of its sales
- collection effectiveness index (CEI) = (AR at the start + credit sales - AR at the end) /
  (AR at the start + credit sales - current AR at the end) x 100, where "AR at the start" is
  the balance at the end of the day before `start`; credit sales are net of the credits given
  in the period (DSO's and BPDSO's too)
- roll rate from a bucket (between two days): of the balance in that bucket on the first day,
  the share that on the second day is still open in a later (worse) bucket
- cure rate (between two days): of the items overdue on the first day, the share (by count and
  by their first-day balance) that on the second day are paid or no longer overdue
- promise-kept rate: of the promises resolved (kept, partly kept, broken), the share kept in
  full by count, and the share of the promised amount that was paid by amount

The same figures from the daily snapshots (issue #16: a year of figures without reading the
ledger's history), each a pure function of what a day keeps: its ageing (open amount per
currency and bucket), its totals (all billed and credited by the day, per currency: `TOTALS`)
and its roll rows (`ROLLS`: how the balance open at the previous month's end stands that day):
- AR at a day = the day's open amount; current AR = its bucket 0 (not yet overdue);
- net credit sales of a period = (billed - credited) at its end less the same on the day
  before its start; a month's sales for countback = billed at its end less billed at the month
  end before (`period_figures_from_snapshots`, `countback_from_totals`);
- roll and cure rates = sums of the roll rows (`roll_and_cure_from`), which the ledger's
  `roll_and_cure` also reads (`roll_rows`).
A property test keeps each equal to the ledger's on the same days.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

ITEMS = {
    "item_id": pl.Int64,
    "currency": pl.String,
    "issued_on": pl.Date,
    "due_on": pl.Date,
    "amount_minor": pl.Int64,
}
PAYMENTS = {"item_id": pl.Int64, "paid_on": pl.Date, "amount_minor": pl.Int64}
CREDITS = {"item_id": pl.Int64, "credited_on": pl.Date, "amount_minor": pl.Int64}


def _reductions(payments: pl.DataFrame, credits: pl.DataFrame | None) -> pl.DataFrame:
    """Payments and credits as one frame of what lowered each item and when (item_id, on,
    amount_minor, credit)."""
    paid = payments.select("item_id", on="paid_on", amount_minor="amount_minor", credit=False)
    if credits is None:
        return paid
    given = credits.select("item_id", on="credited_on", amount_minor="amount_minor", credit=True)
    return pl.concat([paid, given], how="vertical_relaxed")


BUCKETS = (0, 30, 60, 90)  # days-past-due boundaries: current, 1-30, 31-60, 61-90, 90+


BUCKET_NAMES = ("current", "1-30", "31-60", "61-90", "90+")  # the bands of BUCKETS, in order
OPEN_ITEMS = {
    "owner_id": pl.Int64,  # the debtor's owner (a collector); null when unowned
    "currency": pl.String,
    "due_on": pl.Date,
    "open_minor": pl.Int64,
}
SNAPSHOT = {
    "currency": pl.String,
    "bucket": pl.String,
    "owner_id": pl.Int64,
    "open_minor": pl.Int64,
    "items": pl.Int64,
}


def snapshot_rows(open_items: pl.DataFrame, day: date) -> pl.DataFrame:
    """The day's compact snapshot (issue #16): of the open dunnable items (`OPEN_ITEMS`), the
    open amount and the number of items per currency, bucket (a name of `BUCKET_NAMES`, by
    days past due on `day`) and owner. Items with nothing open are left out; an unowned
    debtor's items are one row per currency and bucket with a null owner. Sorted, so the
    same items give the same rows."""
    names = dict(enumerate(BUCKET_NAMES))
    return (
        open_items.filter(pl.col("open_minor") > 0)
        .with_columns(
            bucket=bucket_of((pl.lit(day) - pl.col("due_on")).dt.total_days()),
        )
        .group_by("currency", "bucket", "owner_id")
        .agg(open_minor=pl.col("open_minor").sum(), items=pl.len().cast(pl.Int64))
        .with_columns(bucket=pl.col("bucket").replace_strict(names, return_dtype=pl.String))
        .select(list(SNAPSHOT))
        .cast(SNAPSHOT)  # type: ignore[arg-type]
        .pipe(snapshot_sorted)
    )


def snapshot_sorted(rows: pl.DataFrame) -> pl.DataFrame:
    """Snapshot rows in one order (currency, bucket by age, owner, unowned last), so that two
    snapshots of the same figures are equal frames."""
    order = {name: i for i, name in enumerate(BUCKET_NAMES)}
    return rows.sort(
        pl.col("currency"),
        pl.col("bucket").replace_strict(order, return_dtype=pl.Int32),
        pl.col("owner_id"),
        nulls_last=True,
    )


def ratio(part: int | Decimal, whole: int | Decimal, *, scale: int = 1) -> Decimal | None:
    """part / whole x scale, exactly (None where the whole is zero: no figure, not zero)."""
    if whole == 0:
        return None
    return Decimal(part) * scale / Decimal(whole)


def shown(value: Decimal | None, places: int = 1) -> str:
    """A ratio as a person reads it: half-up to `places` decimals; '-' where there is none."""
    if value is None:
        return "-"
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def balances_on(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    day: date,
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """item_id, currency, due_on, open_minor, dpd of every item issued by `day` with an open
    balance at the end of that day (less what was paid or credited by then)."""
    paid = (
        _reductions(payments, credits)
        .filter(pl.col("on") <= day)
        .group_by("item_id")
        .agg(paid_minor=pl.col("amount_minor").sum())
    )
    return (
        items.filter(pl.col("issued_on") <= day)
        .join(paid, on="item_id", how="left")
        .select(
            "item_id",
            "currency",
            "due_on",
            open_minor=pl.col("amount_minor") - pl.col("paid_minor").fill_null(0),
            dpd=(pl.lit(day) - pl.col("due_on")).dt.total_days(),
        )
        .filter(pl.col("open_minor") > 0)
    )


def bucket_of(dpd: pl.Expr, boundaries: Sequence[int] = BUCKETS) -> pl.Expr:
    """The bucket number of a days-past-due column: 0 for current (<= the first boundary),
    then one per band, the last open-ended."""
    expr = pl.lit(len(boundaries), dtype=pl.Int32)
    for i, b in reversed(list(enumerate(boundaries))):
        expr = pl.when(dpd <= b).then(pl.lit(i, dtype=pl.Int32)).otherwise(expr)
    return expr


@dataclass(frozen=True)
class PeriodFigures:
    currency: str
    start: date
    end: date
    days: int
    ar_start_minor: int
    ar_end_minor: int
    current_end_minor: int
    sales_minor: int
    dso: Decimal | None
    bpdso: Decimal | None
    add: Decimal | None
    countback_dso: Decimal | None
    cei: Decimal | None


def _sums(frame: pl.DataFrame, by: str = "currency") -> dict[str, int]:
    return {r[0]: int(r[1]) for r in frame.group_by(by).agg(pl.col("open_minor").sum()).rows()}


def _monthly_sales(items: pl.DataFrame, currency: str) -> dict[tuple[int, int], int]:
    rows = (
        items.filter(pl.col("currency") == currency)
        .group_by(y=pl.col("issued_on").dt.year(), m=pl.col("issued_on").dt.month())
        .agg(pl.col("amount_minor").sum())
        .rows()
    )
    return {(int(y), int(m)): int(s) for y, m, s in rows}


def countback_dso(
    ar_minor: int, end: date, monthly_sales: dict[tuple[int, int], int]
) -> Decimal | None:
    """Countback DSO at `end` (see the module's formulas); the end's month counts the days up
    to `end`; None if the AR is not covered by the sales on record."""
    left, days = Decimal(ar_minor), Decimal(0)
    year, month, last_day = end.year, end.month, end.day
    earliest = min(monthly_sales, default=(end.year, end.month))
    while left > 0:
        if (year, month) < earliest:
            return None
        sales = monthly_sales.get((year, month), 0)
        if sales >= left:
            return days + left / sales * last_day
        left -= sales
        days += last_day
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        last_day = calendar.monthrange(year, month)[1]
    return days


def period_figures(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    start: date,
    end: date,
    credits: pl.DataFrame | None = None,
) -> list[PeriodFigures]:
    """DSO, BPDSO, ADD, countback DSO and CEI per currency for the period (formulas above);
    `credits` lower the AR and the period's credit sales, never counting as collected."""
    before = balances_on(items, payments, start - timedelta(days=1), credits)
    after = balances_on(items, payments, end, credits)
    ar_start, ar_end = _sums(before), _sums(after)
    current_end = _sums(after.filter(pl.col("dpd") <= 0))
    sales = {
        r[0]: int(r[1])
        for r in items.filter(pl.col("issued_on").is_between(start, end))
        .group_by("currency")
        .agg(pl.col("amount_minor").sum())
        .rows()
    }
    if credits is not None:  # net credit sales: a credit given in the period is no sale
        given = (
            credits.filter(pl.col("credited_on").is_between(start, end))
            .join(items.select("item_id", "currency"), on="item_id")
            .group_by("currency")
            .agg(pl.col("amount_minor").sum())
        )
        for currency, minor in given.rows():
            sales[currency] = sales.get(currency, 0) - int(minor)
    return [
        _figures(
            currency,
            start,
            end,
            ar_start.get(currency, 0),
            ar_end.get(currency, 0),
            current_end.get(currency, 0),
            sales.get(currency, 0),
            countback_dso(
                ar_end.get(currency, 0),
                end,
                _monthly_sales(items.filter(pl.col("issued_on") <= end), currency),
            ),
        )
        for currency in sorted(set(ar_start) | set(ar_end) | set(sales))
    ]


def _figures(
    currency: str,
    start: date,
    end: date,
    a0: int,
    a1: int,
    c1: int,
    s: int,
    countback: Decimal | None,
) -> PeriodFigures:
    """A period's figures from its AR at the start (`a0`) and end (`a1`), the current part of
    the end's (`c1`) and its net credit sales (`s`): the module's formulas, once, whether the
    four come from the ledger (`period_figures`) or the daily snapshots
    (`period_figures_from_snapshots`)."""
    days = (end - start).days + 1
    dso, bpdso = ratio(a1 * days, s), ratio(c1 * days, s)
    return PeriodFigures(
        currency=currency,
        start=start,
        end=end,
        days=days,
        ar_start_minor=a0,
        ar_end_minor=a1,
        current_end_minor=c1,
        sales_minor=s,
        dso=dso,
        bpdso=bpdso,
        add=None if dso is None or bpdso is None else dso - bpdso,
        countback_dso=countback,
        cei=ratio(a0 + s - a1, a0 + s - c1, scale=100),
    )


# What the daily snapshot keeps besides the ageing (issue #16), per currency at the end of a
# day: all that was ever billed (dunnable items issued on or before the day) and credited (on
# or before it). A period's credit sales are the difference of two days' totals, so a day the
# run missed loses nothing and a month's sales are read from two rows.
TOTALS = {"currency": pl.String, "billed_minor": pl.Int64, "credited_minor": pl.Int64}
# The day's ageing as the formulas read it: currency, bucket (its number), open_minor.
DAY_AGEING = {"currency": pl.String, "bucket": pl.Int32, "open_minor": pl.Int64}


def totals_on(items: pl.DataFrame, day: date, credits: pl.DataFrame | None = None) -> pl.DataFrame:
    """`TOTALS` at the end of `day`, from the ledger (`items`: `ITEMS`; `credits`: `CREDITS`),
    one row per currency that billed or credited anything by then, sorted."""
    billed = (
        items.filter(pl.col("issued_on") <= day)
        .group_by("currency")
        .agg(billed_minor=pl.col("amount_minor").sum())
    )
    credited = pl.DataFrame(schema={"currency": pl.String, "credited_minor": pl.Int64})
    if credits is not None:
        credited = (
            credits.filter(pl.col("credited_on") <= day)
            .join(items.select("item_id", "currency"), on="item_id")
            .group_by("currency")
            .agg(credited_minor=pl.col("amount_minor").sum())
        )
    return (
        billed.join(credited, on="currency", how="full", coalesce=True)
        .with_columns(pl.col("billed_minor", "credited_minor").fill_null(0))
        .select(list(TOTALS))
        .cast(TOTALS)  # type: ignore[arg-type]
        .sort("currency")
    )


def day_ageing(
    items: pl.DataFrame, payments: pl.DataFrame, day: date, credits: pl.DataFrame | None = None
) -> pl.DataFrame:
    """`DAY_AGEING` at the end of `day` from the ledger: what a daily snapshot's rows sum to,
    per currency and bucket, over its owners."""
    return (
        balances_on(items, payments, day, credits)
        .group_by("currency", bucket=bucket_of(pl.col("dpd")))
        .agg(open_minor=pl.col("open_minor").sum())
        .select(list(DAY_AGEING))
        .cast(DAY_AGEING)  # type: ignore[arg-type]
        .sort("currency", "bucket")
    )


class NotKept(Exception):
    """A figure needs a day the snapshots do not hold: read it from the ledger instead."""


def period_figures_from_snapshots(
    ageing: Mapping[date, pl.DataFrame],
    totals: Mapping[date, pl.DataFrame],
    start: date,
    end: date,
) -> list[PeriodFigures]:
    """`period_figures` from the daily snapshots instead of the ledger: the same formulas
    (`_figures`) over the ageing (`DAY_AGEING`) on the day before `start` and on `end`, and the
    totals (`TOTALS`) on those days and at the month ends countback DSO walks back through.
    AR = the open amount of the day's ageing, current AR = its bucket 0; net credit sales =
    (billed - credited) at the end less the same the day before the start; countback reads
    each month's sales as billed at its end (or at `end`, for the end's month) less billed at
    the month end before. Raises `NotKept` where a day it needs has no snapshot."""
    day0 = start - timedelta(days=1)
    for day in (day0, end):
        if day not in ageing or day not in totals:
            raise NotKept(day)
    ar_start = _open_by_currency(ageing[day0])
    ar_end = _open_by_currency(ageing[end])
    current_end = _open_by_currency(ageing[end].filter(pl.col("bucket") == 0))
    t0, t1 = _totals_by_currency(totals[day0]), _totals_by_currency(totals[end])
    sales = {}
    for currency in set(t0) | set(t1):
        b0, c0 = t0.get(currency, (0, 0))
        b1, c1 = t1.get(currency, (0, 0))
        if (b1, c1) != (b0, c0):
            sales[currency] = (b1 - b0) - (c1 - c0)
    billed_by = {
        day: {c: b for c, (b, _) in _totals_by_currency(frame).items()}
        for day, frame in totals.items()
    }
    return [
        _figures(
            currency,
            start,
            end,
            ar_start.get(currency, 0),
            ar_end.get(currency, 0),
            current_end.get(currency, 0),
            sales.get(currency, 0),
            countback_from_totals(ar_end.get(currency, 0), end, currency, billed_by),
        )
        for currency in sorted(set(ar_start) | set(ar_end) | set(sales))
    ]


def countback_from_totals(
    ar_minor: int, end: date, currency: str, billed_by: Mapping[date, Mapping[str, int]]
) -> Decimal | None:
    """`countback_dso` with each month's sales read from the snapshots' totals (`billed_by`:
    day -> currency -> all billed by then): the month of `end` up to `end`, then each whole
    month before, as the difference of the billed totals at its end and the month end
    before. A month by whose end nothing had been billed is before the first sale: None, as
    `countback_dso` says. Raises `NotKept` where a month end it reaches has no snapshot."""
    left, days = Decimal(ar_minor), Decimal(0)
    upto = end
    while left > 0:
        before = upto.replace(day=1) - timedelta(days=1)
        for day in (upto, before):
            if day not in billed_by:
                raise NotKept(day)
        billed = billed_by[upto].get(currency, 0)
        if billed == 0:
            return None
        sales = billed - billed_by[before].get(currency, 0)
        if sales >= left:
            return days + left / sales * upto.day
        left -= sales
        days += upto.day
        upto = before
    return days


def _open_by_currency(frame: pl.DataFrame) -> dict[str, int]:
    return _sums(frame.select("currency", "open_minor"))


def _totals_by_currency(frame: pl.DataFrame) -> dict[str, tuple[int, int]]:
    return {
        str(c): (int(b), int(k))
        for c, b, k in frame.select("currency", "billed_minor", "credited_minor").rows()
    }


# How the balance open on one day (a month's start, less a day) stood on a later one (issue
# #16: what the roll and cure rates read, kept by the daily snapshot): per currency, bucket
# on the first day and bucket on the second (null: no longer open), the first day's balance,
# the second's (0 when no longer open) and the number of items.
ROLLS = {
    "currency": pl.String,
    "bucket": pl.Int32,
    "later_bucket": pl.Int32,
    "from_minor": pl.Int64,
    "later_minor": pl.Int64,
    "items": pl.Int64,
}


def roll_rows(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    first: date,
    second: date,
    boundaries: Sequence[int] = BUCKETS,
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`ROLLS` between `first` and `second`, from the ledger, sorted."""
    then = balances_on(items, payments, first, credits).with_columns(
        bucket=bucket_of(pl.col("dpd"), boundaries)
    )
    later = balances_on(items, payments, second, credits).select(
        "item_id", later_minor="open_minor", later_bucket=bucket_of(pl.col("dpd"), boundaries)
    )
    return (
        then.join(later, on="item_id", how="left")
        .group_by("currency", "bucket", "later_bucket")
        .agg(
            from_minor=pl.col("open_minor").sum(),
            later_minor=pl.col("later_minor").fill_null(0).sum(),
            items=pl.len().cast(pl.Int64),
        )
        .select(list(ROLLS))
        .cast(ROLLS)  # type: ignore[arg-type]
        .sort("currency", "bucket", "later_bucket", nulls_last=True)
    )


def roll_and_cure(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    first: date,
    second: date,
    boundaries: Sequence[int] = BUCKETS,
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per currency and bucket on `first`: the balance then (`from_minor`), the part of it
    that on `second` is open in a later bucket (`rolled_minor`), and, for overdue buckets, the
    items (count and first-day balance) cured by `second`: paid, or no longer overdue.
    `roll_and_cure_from` of the ledger's `roll_rows`."""
    return roll_and_cure_from(roll_rows(items, payments, first, second, boundaries, credits))


def roll_and_cure_from(rows: pl.DataFrame) -> pl.DataFrame:
    """The roll and cure figures (`roll_and_cure`) from `ROLLS` rows, the ledger's or a daily
    snapshot's: rolled = the second day's balance of what sits in a later bucket; cured =
    of an overdue bucket (not 0), what is no longer open or no longer overdue (bucket 0)."""
    cured = pl.col("later_bucket").is_null() | (pl.col("later_bucket") == 0)
    return (
        rows.group_by("currency", "bucket")
        .agg(
            items=pl.col("items").sum().cast(pl.UInt32),
            from_minor=pl.col("from_minor").sum(),
            rolled_minor=pl.col("later_minor")
            .filter(pl.col("later_bucket") > pl.col("bucket"))
            .sum(),
            cured_items=pl.col("items")
            .filter(cured & (pl.col("bucket") > 0))
            .sum()
            .cast(pl.UInt32),
            cured_minor=pl.col("from_minor").filter(cured & (pl.col("bucket") > 0)).sum(),
        )
        .sort("currency", "bucket")
    )


@dataclass(frozen=True)
class PromiseFigures:
    resolved: int
    kept: int
    promised_minor: int
    paid_minor: int

    @property
    def kept_rate(self) -> Decimal | None:
        return ratio(self.kept, self.resolved, scale=100)

    @property
    def amount_rate(self) -> Decimal | None:
        return ratio(self.paid_minor, self.promised_minor, scale=100)


RESOLVED = ("kept", "partly_kept", "broken")


def promise_figures(promises: pl.DataFrame) -> dict[str, PromiseFigures]:
    """Per currency, from promises with currency, status, amount_minor and paid_minor (what
    was paid toward each, capped at its amount): open promises do not count yet."""
    rows = (
        promises.filter(pl.col("status").is_in(RESOLVED))
        .group_by("currency")
        .agg(
            resolved=pl.len(),
            kept=(pl.col("status") == "kept").sum(),
            promised=pl.col("amount_minor").sum(),
            paid=pl.min_horizontal("paid_minor", "amount_minor").sum(),
        )
        .rows(named=True)
    )
    return {
        r["currency"]: PromiseFigures(r["resolved"], r["kept"], r["promised"], r["paid"])
        for r in rows
    }


def expected_cash(commitments: pl.DataFrame, as_of: date, weeks: int = 8) -> pl.DataFrame:
    """Cash expected from promises and plan instalments (due_on, currency, outstanding_minor)
    by week (Monday) for the `weeks` weeks starting with the one holding `as_of`; anything
    already overdue and unpaid is counted in the first week, as the collector chases it now."""
    monday = as_of - timedelta(days=as_of.weekday())
    last = monday + min(timedelta(weeks=weeks) - timedelta(days=1), date.max - monday)
    return (
        commitments.filter((pl.col("outstanding_minor") > 0) & (pl.col("due_on") <= last))
        .with_columns(day=pl.max_horizontal(pl.col("due_on"), pl.lit(monday)))
        .group_by("currency", week=pl.col("day").dt.truncate("1w"))
        .agg(expected_minor=pl.col("outstanding_minor").sum())
        .sort("currency", "week")
    )


AGES = (0, 30, 60, 90, 120, 180, 270, 365)  # days overdue at which the curve is read
HORIZONS = (30, 90, 180)  # recovered within this many days after that age


def collectability(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    ages: Sequence[int] = AGES,
    horizons: Sequence[int] = HORIZONS,
    by: Sequence[str] = (),
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The collectability curve (rule 4), measured on the ledger's own history: for the items
    still open at the end of the day they reached `age` days overdue, the share of that open
    amount paid within `horizon` more days. Only items whose whole window lies on or before
    `as_of` count (the future is never guessed). Per currency (and the `by` columns, e.g. a
    segment): age, horizon, items, open_minor, recovered_minor, and the rate in percent. A
    credit (`credits`) lowers what is open at an age, and is never a recovery.

    Columnar, never a row per item and cell: each payment and credit is dated in days after
    its item's due date (`after`); then, one age at a time, for the items something lowered,
    what was paid and what was credited by each mark (the age, and the age plus each horizon)
    is summed, one column a mark, and each (age, horizon) cell reads, of the items whose window is complete,
    open at the age = amount - paid and credited by the age, recovered = min(paid by the
    window's end - paid by the age, open - credited in the window), at least 0. The items
    nothing lowered (most of a large ledger) are summed by due date first: in every cell whose
    window they complete they are open in full and recovered nothing."""
    keys = ["currency", *by]
    base = items.lazy().select("item_id", "due_on", "amount_minor", *keys)
    dated = (
        _reductions(payments, credits)
        .lazy()
        .join(base.select("item_id", "due_on"), on="item_id")
        .select(
            "item_id",
            "amount_minor",
            "credit",
            after=(pl.col("on") - pl.col("due_on")).dt.total_days(),
        )
        .collect()
        .lazy()
    )
    untouched = (
        base.join(dated.select("item_id").unique(), on="item_id", how="anti")
        .filter(pl.col("amount_minor") > 0)
        .group_by(*keys, "due_on")
        .agg(items=pl.len().cast(pl.Int64), open_minor=pl.col("amount_minor").sum())
        .collect()
        .lazy()
    )
    paid, credit = ~pl.col("credit"), pl.col("credit")
    columns = [*keys, "age", "horizon", "items", "open_minor", "recovered_minor"]
    parts: list[pl.DataFrame] = []
    for a in ages:  # one age at a time: a few columns per lowered item, never every mark's
        marks = sorted({a, *(a + h for h in horizons)})
        touched = base.join(
            dated.group_by("item_id").agg(
                *(_by_mark(paid, m).alias(f"p{m}") for m in marks),
                *(_by_mark(credit, m).alias(f"c{m}") for m in marks),
            ),
            on="item_id",
        )
        open_then = pl.col("amount_minor") - pl.col(f"p{a}") - pl.col(f"c{a}")
        cells = []
        for h in horizons:
            last_due = as_of - timedelta(days=a + h)
            cell = {"age": pl.lit(a, pl.Int64), "horizon": pl.lit(h, pl.Int64)}
            recovered = pl.min_horizontal(
                pl.col(f"p{a + h}") - pl.col(f"p{a}"),
                pl.col("open_minor") - (pl.col(f"c{a + h}") - pl.col(f"c{a}")),
            ).clip(0)
            cells.append(
                touched.filter(pl.col("due_on") <= last_due)
                .with_columns(open_minor=open_then)
                .filter(pl.col("open_minor") > 0)
                .group_by(keys)
                .agg(
                    items=pl.len().cast(pl.Int64),
                    open_minor=pl.col("open_minor").sum(),
                    recovered_minor=recovered.sum(),
                )
                .with_columns(**cell)
                .select(columns)
            )
            cells.append(
                untouched.filter(pl.col("due_on") <= last_due)
                .group_by(keys)
                .agg(
                    pl.col("items").sum(),
                    pl.col("open_minor").sum(),
                    recovered_minor=pl.lit(0, pl.Int64),
                )
                .with_columns(**cell)
                .select(columns)
            )
        parts.extend(pl.collect_all(cells))
    if not parts:
        return pl.DataFrame(schema=_curve_schema(items, keys))
    return (
        pl.concat(parts, how="vertical_relaxed")
        .group_by(*keys, "age", "horizon")
        .agg(
            pl.col("items").sum().cast(pl.UInt32),
            pl.col("open_minor").sum(),
            pl.col("recovered_minor").sum(),
        )
        .filter(pl.col("items") > 0)
        .sort(*keys, "age", "horizon")
    )


def _by_mark(kind: pl.Expr, mark: int) -> pl.Expr:
    """What of `kind` (payments or credits) lowered an item by `mark` days after its due date."""
    return pl.col("amount_minor").filter(kind & (pl.col("after") <= mark)).sum()


def _curve_schema(items: pl.DataFrame, keys: Sequence[str]) -> dict[str, pl.DataType]:
    return {
        **{k: items.schema[k] for k in keys},
        "age": pl.Int64(),
        "horizon": pl.Int64(),
        "items": pl.UInt32(),
        "open_minor": pl.Int64(),
        "recovered_minor": pl.Int64(),
    }


ALL_SEGMENTS = "all"  # the segment name of the whole ledger's curve


def collectability_by_segment(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    segment: str = "segment",
    ages: Sequence[int] = AGES,
    horizons: Sequence[int] = HORIZONS,
    credits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The collectability curve per segment (rule 4): `collectability` over the whole ledger,
    named `ALL_SEGMENTS`, then over the items of each value of the `segment` column (the
    debtor's risk tier on a company's ledger; a null segment reads as "none"). Columns:
    currency, segment, age, horizon, items, open_minor, recovered_minor; per currency, the
    whole first, then the segments alphabetically, each by age and horizon. The whole is the
    sum of the segments' figures (each item is in exactly one): one pass over the ledger."""
    named = items.with_columns(pl.col(segment).cast(pl.String).fill_null("none").alias("segment"))
    parts = collectability(named, payments, as_of, ages, horizons, by=("segment",), credits=credits)
    whole = parts.group_by("currency", "age", "horizon").agg(
        pl.col("items").sum(), pl.col("open_minor").sum(), pl.col("recovered_minor").sum()
    )
    columns = ["currency", "segment", "age", "horizon", "items", "open_minor", "recovered_minor"]
    return (
        pl.concat(
            [
                whole.with_columns(segment=pl.lit(ALL_SEGMENTS)).select(columns),
                parts.select(columns),
            ]
        )
        .with_columns(pl.col("items").cast(pl.Int64))
        .sort(
            pl.col("currency"),
            pl.col("segment") != ALL_SEGMENTS,
            pl.col("segment"),
            pl.col("age"),
            pl.col("horizon"),
        )
    )


def cleared_without_payment(
    items: pl.DataFrame, allocations: pl.DataFrame, cleared_on: date
) -> pl.DataFrame:
    """What the ERP cleared on an item other than by an allocated payment (a credit note set
    against it, an adjustment): its amount less what was allocated less what is still open,
    as payment rows (item_id, paid_on, amount_minor) dated `cleared_on`, the day arrears
    learned of it (the ERP's file does not say when). `items` carries `open_minor` beside
    ITEMS' columns; `allocations` is PAYMENTS-shaped. Never negative: an item more open than
    its payments explain adds nothing."""
    allocated = allocations.group_by("item_id").agg(allocated=pl.col("amount_minor").sum())
    return (
        items.join(allocated, on="item_id", how="left")
        .select(
            "item_id",
            paid_on=pl.lit(cleared_on, dtype=pl.Date),
            amount_minor=pl.col("amount_minor")
            - pl.col("allocated").fill_null(0)
            - pl.col("open_minor"),
        )
        .filter(pl.col("amount_minor") > 0)
    )


# What a collector did in a period (per-collector figures, rule 3's "measure what works"):
ACTIONS = {"person": pl.String, "case_id": pl.Int64, "channel": pl.String, "done_on": pl.Date}
PROMISES = {
    "person": pl.String,
    "currency": pl.String,
    "given_on": pl.Date,
    "state": pl.String,
    "closed_on": pl.Date,
    "amount_minor": pl.Int64,
    "paid_minor": pl.Int64,
}
CASH = {"person": pl.String, "currency": pl.String, "paid_on": pl.Date, "amount_minor": pl.Int64}


def collector_figures(
    actions: pl.DataFrame,
    promises: pl.DataFrame,
    cash: pl.DataFrame,
    start: date,
    end: date,
) -> pl.DataFrame:
    """Per collector and currency, for the period from `start` to `end` inclusive:
    - cases_worked: the cases on which they completed an action (each case once);
    - calls: the phone actions they completed;
    - promises_taken: the promises they took (given in the period, whatever came of them);
    - promises_resolved / promises_kept: of their promises resolved in the period (kept,
      partly kept or broken), how many, and how many kept in full;
    - cash_minor: what was paid in the period on the debtors they own.
    Counts of work are per person; they are repeated on each of the person's currency rows
    (a person with no promise or cash has one row, with no currency)."""

    def within(col: str) -> pl.Expr:
        return pl.col(col).is_between(start, end)

    work = (
        actions.filter(within("done_on"))
        .group_by("person")
        .agg(
            cases_worked=pl.col("case_id").n_unique().cast(pl.Int64),
            calls=(pl.col("channel") == "phone").sum().cast(pl.Int64),
        )
    )
    taken = (
        promises.filter(within("given_on"))
        .group_by("person", "currency")
        .agg(promises_taken=pl.len().cast(pl.Int64))
    )
    resolved = (
        promises.filter(pl.col("state").is_in(RESOLVED) & within("closed_on"))
        .group_by("person", "currency")
        .agg(
            promises_resolved=pl.len().cast(pl.Int64),
            promises_kept=(pl.col("state") == "kept").sum().cast(pl.Int64),
        )
    )
    paid = (
        cash.filter(within("paid_on"))
        .group_by("person", "currency")
        .agg(cash_minor=pl.col("amount_minor").sum())
    )
    money = (
        taken.join(resolved, on=["person", "currency"], how="full", coalesce=True)
        .join(paid, on=["person", "currency"], how="full", coalesce=True)
        .with_columns(pl.col("promises_taken", "promises_resolved", "promises_kept").fill_null(0))
        .with_columns(pl.col("cash_minor").fill_null(0))
    )
    people = pl.concat([work.select("person"), money.select("person")], how="vertical").unique()
    return (
        people.join(work, on="person", how="left")
        .join(money, on="person", how="left")
        .with_columns(
            pl.col(
                "cases_worked",
                "calls",
                "promises_taken",
                "promises_resolved",
                "promises_kept",
                "cash_minor",
            ).fill_null(0)
        )
        .select(
            "person",
            "currency",
            "cases_worked",
            "calls",
            "promises_taken",
            "promises_resolved",
            "promises_kept",
            "cash_minor",
        )
        .sort("person", "currency", nulls_last=True)
    )


def outstanding_parts(parts: pl.DataFrame, paid: pl.DataFrame) -> pl.DataFrame:
    """The commitments still to be paid (due_on, currency, outstanding_minor), for
    `expected_cash`: each promise's or plan's parts (commitment_id, currency, due_on,
    amount_minor) less what was paid toward it (commitment_id, paid_minor), the earliest
    part first, as a debtor's payment settles the oldest part of what it promised."""
    return (
        parts.join(paid, on="commitment_id", how="left")
        .sort("commitment_id", "due_on")
        .with_columns(
            before=pl.col("amount_minor").cum_sum().over("commitment_id") - pl.col("amount_minor")
        )
        .select(
            "due_on",
            "currency",
            outstanding_minor=(
                pl.col("amount_minor")
                - (pl.col("paid_minor").fill_null(0) - pl.col("before")).clip(
                    0, pl.col("amount_minor")
                )
            ),
        )
        .filter(pl.col("outstanding_minor") > 0)
    )
