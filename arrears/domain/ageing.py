"""§3-4 The ageing report: open balances by how long they are overdue.

Exposure and age drive priority and credit holds (§3), and collectability decays with age
(§4), so the credit manager reads the ledger as amounts per age bucket. Buckets are day
boundaries (`0,30,60,90`): "not due" holds everything with DPD <= 0, each later bucket runs
from the previous boundary + 1 to its own boundary inclusive, the last is open-ended.

Amounts stay integer minor units. Different currencies are never added together: rows are
always split by currency, unless every item is first converted into the company currency
(half-up, per item, so that rows add up exactly to their totals). Credit notes and unapplied
payments are not aged: they sit in their own "credits" column, negative, netted in "total".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from arrears.domain.fx import SCALE

CREDIT_KINDS = ("credit_note", "unapplied_payment")
DIMENSIONS = ("debtor", "owner", "currency")
CREDITS = "credits"
TOTAL = "total"
ROW = "row"  # "group", "others" (the rest after `ageing_top`) or "total" (one per currency)

ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "debtor_code": pl.String(),
    "debtor_name": pl.String(),
    "owner": pl.String(),  # username of the debtor's owner; null if it has none (a §1 defect)
    "currency": pl.String(),
    "due_date": pl.Date(),
    "open_minor": pl.Int64(),  # as the ledger holds it; credits may be stored positive
    "kind": pl.String(),
}

NO_BOUNDARIES = "give at least one bucket boundary in days, e.g. 0,30,60,90"
NOT_A_NUMBER = "bucket boundary {text!r} is not a whole number of days"
NEGATIVE = "bucket boundary {value} is negative: boundaries are days past due, from 0"
DUPLICATE = "bucket boundary {value} is given twice"
UNORDERED = "bucket boundaries must ascend: {value} comes after {previous}"
UNKNOWN_DIMENSION = "cannot group by {name!r}: choose from debtor, owner, currency"
MISSING_COLUMNS = "the items frame lacks columns: {names}"
MISSING_RATES = "no exchange rate into {company} for {names}"


class AgeingError(ValueError):
    """A bucket spec, grouping or conversion the report cannot honour."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """One age band: DPD from `low` to `high` inclusive (None: open on that side)."""

    label: str
    low: int | None
    high: int | None


def _check(bounds: Sequence[int]) -> None:
    if not bounds:
        raise AgeingError(NO_BOUNDARIES)
    for i, value in enumerate(bounds):
        if value < 0:
            raise AgeingError(NEGATIVE.format(value=value))
        if value in bounds[:i]:
            raise AgeingError(DUPLICATE.format(value=value))
        if i and value < bounds[i - 1]:
            raise AgeingError(UNORDERED.format(value=value, previous=bounds[i - 1]))


@dataclass(frozen=True, slots=True)
class Buckets:
    """Ascending day boundaries starting at 0; see the module docstring for the bands."""

    bounds: tuple[int, ...]

    def __post_init__(self) -> None:
        _check(self.bounds)
        if self.bounds[0] != 0:
            raise AgeingError(f"boundaries must start at 0, got {self.bounds[0]}")

    @classmethod
    def of(cls, bounds: Sequence[int]) -> Buckets:
        """Buckets from boundaries; a leading 0 is implied, since "not due" is always its own."""
        _check(bounds)
        return cls(tuple(bounds) if bounds[0] == 0 else (0, *bounds))

    @classmethod
    def parse(cls, spec: str) -> Buckets:
        """Buckets from a spec such as '0,30,60,90' (spaces allowed)."""
        parts = [p.strip() for p in spec.split(",")]
        if parts == [""]:
            raise AgeingError(NO_BOUNDARIES)
        bounds = []
        for p in parts:
            if not p.lstrip("-").isdigit():
                raise AgeingError(NOT_A_NUMBER.format(text=p))
            bounds.append(int(p))
        return cls.of(bounds)

    @property
    def all(self) -> tuple[Bucket, ...]:
        out = [Bucket("not due", None, 0)]
        for low, high in zip(self.bounds, self.bounds[1:], strict=False):
            label = f"{low + 1}-{high}" if high > low + 1 else str(high)
            out.append(Bucket(label, low + 1, high))
        last = self.bounds[-1]
        out.append(Bucket(f"over {last}" if last else "overdue", last + 1, None))
        return tuple(out)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.all)

    def index(self, dpd: int) -> int:
        """Scalar twin of the batch assignment: the bucket number for a DPD."""
        return sum(1 for b in self.bounds if dpd > b)


DEFAULT_BUCKETS = Buckets((0, 30, 60, 90, 180, 365))


@dataclass(frozen=True, slots=True)
class Conversion:
    """Convert into `currency` with `fx.conversion_factor` factors (currency -> factor)."""

    currency: str
    factors: Mapping[str, int]


def group_columns(by: Sequence[str], *, converted: bool) -> list[str]:
    """The key columns of the report rows, in display order (amount currency excluded)."""
    for name in by:
        if name not in DIMENSIONS:
            raise AgeingError(UNKNOWN_DIMENSION.format(name=name))
    cols: list[str] = []
    if "debtor" in by:
        cols += ["debtor_id", "debtor_code", "debtor_name"]
    if "owner" in by:
        cols.append("owner")
    if converted and "currency" in by:
        cols.append("original_currency")
    return cols


def _conform(items: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in ITEMS_SCHEMA if c not in items.columns]
    if missing:
        raise AgeingError(MISSING_COLUMNS.format(names=", ".join(missing)))
    return items.select(pl.col(n).cast(t) for n, t in ITEMS_SCHEMA.items())


def _convert(items: pl.DataFrame, conversion: Conversion) -> pl.DataFrame:
    """Each item into the company currency, half-up away from zero (as fx.convert_minor)."""
    missing = sorted(set(items["currency"].unique().to_list()) - set(conversion.factors))
    if missing:
        raise AgeingError(
            MISSING_RATES.format(company=conversion.currency, names=", ".join(missing))
        )
    factors = pl.DataFrame(
        {"currency": list(conversion.factors), "factor": list(conversion.factors.values())},
        schema={"currency": pl.String, "factor": pl.Int64},
    )
    x = pl.col("amount").cast(pl.Int128) * pl.col("factor").cast(pl.Int128)
    # Polars cannot negate Int128, so round the magnitude and put the sign back in Int64.
    rounded = ((x.abs() + SCALE // 2) // SCALE).cast(pl.Int64)
    return (
        items.join(factors, on="currency", how="left")
        .with_columns(
            amount=pl.when(x < 0).then(-rounded).otherwise(rounded),
            original_currency=pl.col("currency"),
            currency=pl.lit(conversion.currency),
        )
        .drop("factor")
    )


def _prepare(
    items: pl.DataFrame, as_of: date, buckets: Buckets, conversion: Conversion | None
) -> pl.DataFrame:
    """Signed amount (credits negative) and bucket number per item."""
    is_credit = pl.col("kind").is_in(CREDIT_KINDS)
    dpd = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    items = _conform(items).with_columns(
        credit=is_credit,
        amount=pl.when(is_credit).then(-pl.col("open_minor").abs()).otherwise(pl.col("open_minor")),
        bucket=pl.sum_horizontal([(dpd > b).cast(pl.Int32) for b in buckets.bounds]),
    )
    return items if conversion is None else _convert(items, conversion)


def _sums(buckets: Buckets) -> list[pl.Expr]:
    aged = ~pl.col("credit")
    cols = [
        pl.col("amount").filter(aged & (pl.col("bucket") == i)).sum().alias(label)
        for i, label in enumerate(buckets.labels)
    ]
    return [*cols, pl.col("amount").filter(pl.col("credit")).sum().alias(CREDITS)]


def _summed(
    frame: pl.DataFrame, keys: list[str], aggs: list[pl.Expr], buckets: Buckets, row: str
) -> pl.DataFrame:
    out = frame.group_by(keys).agg(aggs)
    return out.with_columns(
        pl.sum_horizontal(*buckets.labels, CREDITS).alias(TOTAL), pl.lit(row).alias(ROW)
    )


def ageing(
    items: pl.DataFrame,
    *,
    as_of: date,
    buckets: Buckets = DEFAULT_BUCKETS,
    by: Sequence[str] = ("debtor",),
    conversion: Conversion | None = None,
) -> pl.DataFrame:
    """§3-4 Amounts per age bucket, per group and currency, with a total row per currency.

    Columns: the group columns, `currency` (of the amounts), one Int64 column per bucket
    label, `credits`, `total` and `row`. Groups come largest total first within a currency.
    """
    cols = group_columns(by, converted=conversion is not None)
    frame = _prepare(items, as_of, buckets, conversion)
    sums = _sums(buckets)
    totals = _summed(frame, ["currency"], sums, buckets, "total")
    parts = []
    if cols:
        keys = [c for c in cols if c not in ("debtor_code", "debtor_name")]
        names = [pl.col(c).first() for c in cols if c in ("debtor_code", "debtor_name")]
        parts.append(_summed(frame, [*keys, "currency"], [*names, *sums], buckets, "group"))
    order = [*cols, "currency", *buckets.labels, CREDITS, TOTAL, ROW]
    parts.append(totals)
    out = pl.concat(parts, how="diagonal_relaxed").select(order)
    return _sorted(out, cols)


def _sorted(report: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """By currency; within it groups (largest total first), then others, then the total."""
    rank = pl.col(ROW).replace_strict({"group": 0, "others": 1, "total": 2}, return_dtype=pl.Int8)
    return report.sort(
        [pl.col("currency"), rank, pl.col(TOTAL), *cols],
        descending=[False, False, True, *([False] * len(cols))],
        nulls_last=True,
    )


def ageing_top(report: pl.DataFrame, n: int) -> pl.DataFrame:
    """The `n` largest groups per currency; the rest summed into one "others" row, so the
    rows still add up to the total."""
    if n < 0:
        raise AgeingError(f"the number of groups to show must be 0 or more, got {n}")
    groups = report.filter(pl.col(ROW) == "group")
    ranked = groups.with_columns(pos=pl.int_range(pl.len()).over("currency"))
    keep = ranked.filter(pl.col("pos") < n).drop("pos")
    rest = ranked.filter(pl.col("pos") >= n).drop("pos")
    amounts = amount_columns(report)
    others = (
        rest.group_by("currency")
        .agg(pl.col(amounts).sum())
        .with_columns(pl.lit("others").alias(ROW))
    )
    totals = report.filter(pl.col(ROW) != "group")
    out = pl.concat([keep, others, totals], how="diagonal_relaxed").select(report.columns)
    return _sorted(out, key_columns(report))


def key_columns(report: pl.DataFrame) -> list[str]:
    """The group columns of a report, before its `currency` column."""
    return report.columns[: report.columns.index("currency")]


def amount_columns(report: pl.DataFrame) -> list[str]:
    """The bucket columns, `credits` and `total` of a report, in order (minor units)."""
    return report.columns[report.columns.index("currency") + 1 : report.columns.index(ROW)]
