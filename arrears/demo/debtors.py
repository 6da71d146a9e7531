"""The demo's debtors: who they are (import columns) and how they pay (hidden attributes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from arrears.demo.rng import ROW, Rng
from arrears.demo.tables import (
    BEHAVIOUR_WEIGHTS,
    BEHAVIOURS,
    COUNTRIES,
    NAME_SECTORS,
    NAME_STEMS,
    OVER_LIMIT,
    RISK_TIERS,
    TERMS_DAYS,
)

_WIDTH = 6  # per-country name tables are cycled to this many entries (6 = lcm of their sizes)
GROUP_POOL = 50  # one debtor in this many may head a group
GROUP_MEMBERS = 60  # per mille of the other debtors that belong to a group


def debtor_code(index: pl.Expr) -> pl.Expr:
    """'D000001' for index 0: the ERP's customer number."""
    return pl.concat_str(pl.lit("D"), (index + 1).cast(pl.String).str.zfill(6))


def _by_country(values: Sequence[Any], dtype: pl.DataType) -> pl.Expr:
    return pl.lit(pl.Series(list(values), dtype=dtype)).gather(pl.col("country_ix"))


def _cycled(rng: Rng, stream: str, attr: str) -> pl.Expr:
    """A uniform pick from a per-country tuple (first names, legal forms...)."""
    flat: list[str] = []
    for c in COUNTRIES:
        values: tuple[str, ...] = getattr(c, attr)
        flat.extend(values[k % len(values)] for k in range(_WIDTH))
    index = pl.col("country_ix") * _WIDTH + rng.below(stream, _WIDTH)
    return pl.lit(pl.Series(flat, dtype=pl.String)).gather(index)


def _identity(rng: Rng) -> list[pl.Expr]:
    """Name, registration and VAT numbers, shaped by country."""
    stem = rng.pick("stem", NAME_STEMS, pl.String())
    sector = rng.pick("sector", NAME_SECTORS, pl.String())
    reg_prefix = _by_country([c.registration[0] for c in COUNTRIES], pl.String())
    reg_digits = _by_country([c.registration[1] for c in COUNTRIES], pl.Int64())
    vat = [c.vat or ("", 0, "") for c in COUNTRIES]
    has_vat = _by_country([c.vat is not None for c in COUNTRIES], pl.Boolean())
    vat_text = pl.concat_str(
        _by_country([v[0] for v in vat], pl.String()),
        rng.digits("vat", 11).str.slice(0, _by_country([v[1] for v in vat], pl.Int64())),
        _by_country([v[2] for v in vat], pl.String()),
    )
    return [
        pl.concat_str(
            stem, pl.lit(" "), sector, pl.lit(" "), _cycled(rng, "form", "legal_forms")
        ).alias("name"),
        stem.str.to_lowercase().alias("_stem"),
        sector.str.to_lowercase().alias("_sector"),
        pl.when(rng.chance("no_reg", 100))
        .then(None)
        .otherwise(pl.concat_str(reg_prefix, rng.digits("reg", 13).str.slice(0, reg_digits)))
        .alias("registration_number"),
        pl.when(has_vat & ~rng.chance("no_vat", 50))
        .then(vat_text)
        .otherwise(None)
        .alias("vat_number"),
    ]


def _contact(rng: Rng) -> list[pl.Expr]:
    """A named person with a plausible work e-mail and phone number."""
    first = _cycled(rng, "first", "first_names")
    last = _cycled(rng, "last", "last_names")
    email = pl.concat_str(
        first.str.to_lowercase(),
        pl.lit("."),
        last.str.to_lowercase().str.replace_all(" ", "", literal=True),
        pl.lit("@"),
        pl.col("_stem"),
        pl.lit("-"),
        pl.col("_sector"),
        pl.lit("."),
        _by_country([c.tld for c in COUNTRIES], pl.String()),
    )
    phone = pl.concat_str(
        _by_country([c.phone for c in COUNTRIES], pl.String()),
        pl.lit(" "),
        rng.between("area", 20, 99).cast(pl.String),
        pl.lit(" "),
        rng.digits("phone", 7),
    )
    return [
        pl.concat_str(first, pl.lit(" "), last).alias("contact_name"),
        pl.when(rng.chance("no_email", 50)).then(None).otherwise(email).alias("contact_email"),
        pl.when(rng.chance("no_phone", 100)).then(None).otherwise(phone).alias("contact_phone"),
    ]


def _owner(rng: Rng, collectors: Sequence[str]) -> pl.Expr:
    """Spread over the collectors; 1% unowned, the defect §1 has the system report."""
    if not collectors:
        return pl.lit(None, dtype=pl.String).alias("owner")
    pick = rng.pick("owner", collectors, pl.String())
    return pl.when(rng.chance("unowned", 10)).then(None).otherwise(pick).alias("owner")


def _parent(rng: Rng, n: int) -> pl.Expr:
    """Group parents come from the first debtors, which never have a parent: no cycles."""
    pool = n // GROUP_POOL
    if pool == 0:
        return pl.lit(None, dtype=pl.String).alias("parent_code")
    member = (pl.col(ROW) >= pool) & rng.chance("member", GROUP_MEMBERS)
    return pl.when(member).then(debtor_code(rng.below("parent", pool))).alias("parent_code")


def _billing(rng: Rng, company_currency: str) -> list[pl.Expr]:
    """Currency, terms and credit-limit policy: inputs to the items and the limit."""
    own = _by_country([c.currency for c in COUNTRIES], pl.String())
    share = _by_country([c.currency_share for c in COUNTRIES], pl.Int64())
    over = rng.chance("over", pl.lit(pl.Series(OVER_LIMIT)).gather(pl.col("behaviour")))
    return [
        pl.when(rng.chance("own_ccy", share))
        .then(own)
        .otherwise(pl.lit(company_currency))
        .alias("currency"),
        rng.choose("terms", [TERMS_DAYS], pl.Int64()).alias("terms_days"),
        rng.between("payday", 1, 5).alias("payday"),  # weekday its payment run goes out
        rng.chance("no_limit", 150).alias("no_limit"),
        over.alias("over_limit"),
        pl.when(over)
        .then(rng.between("pct_over", 40, 95))
        .otherwise(rng.between("pct", 110, 400))
        .alias("limit_pct"),
    ]


def debtors_frame(
    n: int, *, seed: int, collectors: Sequence[str], company_currency: str
) -> pl.DataFrame:
    """n debtors: the import columns plus hidden ones (behaviour, currency...) prefixed `_`."""
    rng = Rng(seed, "debtors")
    frame = pl.DataFrame({ROW: pl.int_range(n, dtype=pl.UInt64, eager=True)})
    frame = frame.with_columns(
        debtor_code(pl.col(ROW).cast(pl.Int64)).alias("debtor_code"),
        rng.choose("country", [[(i, c.weight) for i, c in enumerate(COUNTRIES)]], pl.Int64()).alias(
            "country_ix"
        ),
        rng.choose("behaviour", [list(enumerate(BEHAVIOUR_WEIGHTS))], pl.Int64()).alias(
            "behaviour"
        ),
    )
    frame = frame.with_columns(
        _by_country([c.code for c in COUNTRIES], pl.String()).alias("country"),
        _by_country([c.language for c in COUNTRIES], pl.String()).alias("language"),
        pl.lit("business").alias("kind"),  # the demo's customers are firms (§9: B2B rates)
        rng.choose("risk", RISK_TIERS, pl.String(), group=pl.col("behaviour")).alias("risk_tier"),
        _owner(rng, collectors),
        _parent(rng, n),
        *_identity(rng),
        *_billing(rng, company_currency),
    )
    return frame.with_columns(*_contact(rng))


def behaviour_names(codes: pl.Expr) -> pl.Expr:
    """The behaviour's name from its index in BEHAVIOURS."""
    return pl.lit(pl.Series([str(b) for b in BEHAVIOURS], dtype=pl.String)).gather(codes)
