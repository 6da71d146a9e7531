"""§1-2 A case's life: one owner, open until paid or an approved write-off closes it.

* A case whose whole open dunnable balance is written off (approved, not yet booked) closes as
  written off, not as paid (`closes_written_off`, the desk's daily sweep).
* A case closed as written off stays closed while nothing on it is dunnable: the run neither
  reopens it nor closes it again as paid (`stays_closed`).
* An open case whose debtor has no owner (none, or one who holds no active role in the company
  any more) is a defect the run reports (`without_owner`).

Functions over frames of many cases; rows of one debtor stay together, so any partition by
debtor gives the same rows.
"""

from __future__ import annotations

import polars as pl

CASE_KEY = ["debtor_id", "currency"]


def closes_written_off(
    cases: pl.DataFrame, items: pl.DataFrame, written_off: pl.DataFrame
) -> pl.DataFrame:
    """`case_id`s of `cases` (case_id, debtor_id, currency: open, with an approved write-off
    not yet closing them) whose open dunnable `items` (item_id, debtor_id, currency,
    open_minor, kind) are all written off (`written_off`: item_id, minor still unbooked), or
    that have nothing open left."""
    dunnable = items.filter((pl.col("open_minor") > 0) & (pl.col("kind") != "credit_note"))
    off = written_off.group_by("item_id").agg(pl.col("minor").sum())
    left = (
        dunnable.join(off, on="item_id", how="left")
        .with_columns(rest=(pl.col("open_minor") - pl.col("minor").fill_null(0)).clip(0))
        .group_by(CASE_KEY)
        .agg(pl.col("rest").sum())
    )
    return (
        cases.join(left, on=CASE_KEY, how="left")
        .filter(pl.col("rest").fill_null(0) == 0)
        .select("case_id")
    )


def stays_closed(decided: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The CASE_KEYs of `decided` cases (CASE_KEY, dunnable_minor) closed as written off in
    `stored` (CASE_KEY, closed_reason) with nothing dunnable: they stay closed."""
    written_off = stored.filter(pl.col("closed_reason") == "written_off").select(CASE_KEY)
    return (
        decided.join(written_off, on=CASE_KEY, how="semi")
        .filter(pl.col("dunnable_minor") <= 0)
        .select(CASE_KEY)
    )


def active_owners(debtors: pl.DataFrame, active: pl.Series) -> pl.DataFrame:
    """`debtors` (debtor_id, owner_id, ...) with `owner_id` null where the owner is not among
    the company's `active` members: they own nothing (and `assign --unowned` finds them)."""
    owned = pl.col("owner_id").is_in(active.cast(pl.Int64).implode())
    return debtors.with_columns(owner_id=pl.when(owned).then(pl.col("owner_id")))


def without_owner(open_cases: pl.DataFrame, debtors: pl.DataFrame) -> pl.DataFrame:
    """The `open_cases` (CASE_KEY, ...) whose debtor (`debtors`: debtor_id, owner_id: null when
    the owner holds no active role) has no owner."""
    owners = debtors.select("debtor_id", "owner_id")
    return open_cases.join(owners, on="debtor_id", how="left").filter(pl.col("owner_id").is_null())


# §2 How a case that reached a zero balance was settled. The ledger shows only that open
# amounts fell; what explains the fall is evidence dated since the case last closed (or ever):
# payments allocated to its items (`paid_minor`), and credits: credit notes of its debtor and
# currency applied in the ERP, or the credits the desk decided on its disputes
# (`credited_minor`; finance books a dispute's credit as a credit note, so the two are one
# credit seen twice and the larger counts, never their sum). A case without any evidence of a
# credit closes as paid, as a balance settled in the ERP always did.
PAID = "paid"
CREDITED = "credited"
SETTLED = "settled"  # both: a payment and a credit, each amount kept beside the reason
SETTLEMENT_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "paid_minor": pl.Int64(),
    "credit_notes_minor": pl.Int64(),
    "dispute_credits_minor": pl.Int64(),
}


def closed_reason(paid_minor: int, credited_minor: int) -> str:
    """Why a case with nothing left open closed: `credited` when credits alone settled it,
    `settled` when payments and credits both did (the amounts are kept beside it), else
    `paid`."""
    if credited_minor > 0:
        return SETTLED if paid_minor > 0 else CREDITED
    return PAID


def closed_reasons(settlements: pl.DataFrame) -> pl.DataFrame:
    """`closed_reason` over many cases (`SETTLEMENT_SCHEMA` rows; a missing figure is 0): per
    case CASE_KEY, `paid_minor`, `credited_minor` (the larger of its credit notes and its
    disputes' credits) and `closed_reason`."""
    frame = settlements.select(
        [pl.col(c).cast(t) for c, t in SETTLEMENT_SCHEMA.items()]
    ).with_columns(pl.col(c).fill_null(0) for c in SETTLEMENT_SCHEMA if c.endswith("_minor"))
    credited = pl.max_horizontal("credit_notes_minor", "dispute_credits_minor")
    paid = pl.col("paid_minor")
    return frame.select(
        *CASE_KEY,
        "paid_minor",
        credited_minor=credited,
        closed_reason=pl.when(credited > 0)
        .then(pl.when(paid > 0).then(pl.lit(SETTLED)).otherwise(pl.lit(CREDITED)))
        .otherwise(pl.lit(PAID)),
    )


def credited_of(credit_notes_minor: int, dispute_credits_minor: int) -> int:
    """The credit that settled a case: its credit notes and its disputes' credits are one
    credit seen twice where finance booked the dispute's, so the larger counts."""
    return max(credit_notes_minor, dispute_credits_minor)
