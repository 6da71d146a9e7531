"""The debtors file: customers keyed on `debtor_code`, with group parent, limit, owner and
primary contact.

A column absent from the file is left alone on existing debtors; a column present with an
empty cell clears the field (or sets its default). The contact is the exception: empty
contact cells keep the contact we have, since collectors add contacts too. So is the owner of
a debtor handed over to legal or an agency (§1): the account is theirs while a case of the
debtor that was handed over is open, and the summary names the debtors whose owner was kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import polars as pl
from django.contrib.auth import get_user_model

from arrears.apps.accounts.models import Membership
from arrears.apps.common.bulk import insert_frame, read_frame, update_frame
from arrears.apps.ledger.imports.amounts import parse_amount
from arrears.apps.ledger.imports.columns import (
    NOT_A_LANGUAGE,
    NOT_AN_EMAIL,
    NOT_ONE_OF,
    Spec,
    check_choice,
    check_country,
    check_pattern,
    check_unique,
    max_length,
    prepare,
)
from arrears.apps.ledger.imports.errors import Problems, say
from arrears.apps.ledger.imports.items import company_debtors
from arrears.apps.ledger.imports.read import Table
from arrears.apps.ledger.imports.upsert import (
    Diff,
    ImportSummary,
    Progress,
    diff,
    summarize,
    write_chunks,
)
from arrears.apps.ledger.models import Company, Contact, Debtor, DebtorKind, RiskTier
from arrears.domain.access import PersonRole
from arrears.domain.interest.contract import MOST_PERCENT, RATE_PATTERN, Per, rate_text
from arrears.domain.money import exponent

UNKNOWN_OWNER = (
    "{value!r} is no collector or credit manager of this company: add them to its people "
    "first, or name one who is"
)
UNKNOWN_PARENT = "unknown parent {value!r}: not in this file and not imported before"
PARENT_LOOP = "the group parent {value!r} leads back to this debtor: groups cannot loop"
GROUP_TOO_DEEP = "the group above this debtor is more than {depth} levels deep"
CONTACT_NAME_MISSING = "required when contact_email or contact_phone is given"
CONTACT_NAME_COLUMN = "required when the file has contact_email or contact_phone"
OWNER_KEPT = "owner kept for {n} handed-over debtors: {codes}"
NAMED_AT_MOST = 10  # debtor codes the summary lists before "..."
NOT_A_RATE = (
    "{value!r} is not a contractual rate: a percentage from 0 to {most} of its period, at most "
    "6 decimals, e.g. 1 or 8.5"
)
RATE_PER_WITHOUT_RATE = "given without a contract_rate: say the rate, or leave both empty"
RATE_PER_COLUMN = "contract_rate_per needs the column contract_rate"

MAX_DEPTH = 32
# name@domain, one '@', no spaces; the domain needs no dot (test@localhost, an intranet's host)
EMAIL = r"^[^@\s]+@[^@\s]+$"
ADDRESS_COLUMNS = ("address_line1", "address_line2", "postcode", "city")
TEXT_COLUMNS = ("registration_number", "vat_number", *ADDRESS_COLUMNS)
DEBTOR_COLUMNS = (
    "name",
    "registration_number",
    "vat_number",
    "country",
    "language",
    *ADDRESS_COLUMNS,
    "parent_code",
    "credit_limit_minor",
    "risk_tier",
    "kind",
    "owner",
    "contract_rate",
    "contract_rate_per",
)
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone")

SPEC = Spec(
    kind="debtors",
    required=("debtor_code", "name", "country"),
    optional=(
        "registration_number",
        "vat_number",
        "language",
        *ADDRESS_COLUMNS,
        "parent_code",
        "credit_limit",
        "risk_tier",
        "kind",
        "owner",
        *CONTACT_COLUMNS,
        "contract_rate",
        "contract_rate_per",
    ),
    lengths={
        "debtor_code": max_length(Debtor, "code"),
        "name": max_length(Debtor, "name"),
        "registration_number": max_length(Debtor, "registration_number"),
        "vat_number": max_length(Debtor, "vat_number"),
        "parent_code": max_length(Debtor, "code"),
        **{c: max_length(Debtor, c) for c in ADDRESS_COLUMNS},
        "contact_name": max_length(Contact, "name"),
        "contact_email": max_length(Contact, "email"),
        "contact_phone": max_length(Contact, "phone"),
    },
)

_S: pl.DataType = pl.String()
_I: pl.DataType = pl.Int64()
_EXISTING = {
    "id": _I,
    "debtor_code": _S,
    "name": _S,
    "registration_number": _S,
    "vat_number": _S,
    "country": _S,
    "language": _S,
    **dict.fromkeys(ADDRESS_COLUMNS, _S),
    "parent_code": _S,
    "credit_limit_minor": _I,
    "risk_tier": _S,
    "kind": _S,
    "owner": _S,
    "contract_rate": _S,
    "contract_rate_per": _S,
}
_CONTACTS = {"contact_id": _I, "debtor_code": _S, **dict.fromkeys(CONTACT_COLUMNS, _S)}


def _user_table() -> tuple[str, str]:
    """The user table and its username column (the user model may be swapped)."""
    user = get_user_model()
    field = user._meta.get_field(user.USERNAME_FIELD)
    return user._meta.db_table, str(getattr(field, "column", user.USERNAME_FIELD))


def _existing(company: Company) -> pl.DataFrame:
    """The company's debtors in file terms (parent and owner by code and username), each with
    its primary contact (the oldest, if several)."""
    users, username = _user_table()
    debtors = read_frame(
        "SELECT d.id, d.code AS debtor_code, d.name, d.registration_number, d.vat_number, "
        "d.country, d.language, d.address_line1, d.address_line2, d.postcode, d.city, "
        "p.code AS parent_code, d.credit_limit_minor, d.risk_tier, d.kind, "
        f"u.{username} AS owner, d.contract_rate, d.contract_rate_per "
        "FROM ledger_debtor d LEFT JOIN ledger_debtor p ON p.id = d.parent_id "
        f"LEFT JOIN {users} u ON u.id = d.owner_id WHERE d.company_id = %s",
        [company.pk],
        _EXISTING,
    )
    contacts = read_frame(
        "SELECT c.id AS contact_id, d.code AS debtor_code, c.name AS contact_name, "
        "c.email AS contact_email, c.phone AS contact_phone FROM ledger_contact c "
        "JOIN ledger_debtor d ON d.id = c.debtor_id "
        "WHERE d.company_id = %s AND c.is_primary ORDER BY c.id",
        [company.pk],
        _CONTACTS,
    ).unique("debtor_code", keep="first", maintain_order=True)
    # No contact yet reads as empty e-mail and phone, so adding one counts only what it says.
    return debtors.join(contacts, on="debtor_code", how="left").with_columns(
        pl.col("contact_email", "contact_phone").fill_null("")
    )


# §1 Who may own a company's debtors: its collectors and credit managers (an active membership).
OWNER_ROLES = (PersonRole.COLLECTOR.value, PersonRole.CREDIT_MANAGER.value)


def _users(company: Company) -> pl.DataFrame:
    """The people the company's file may name as owners, by username: its own collectors and
    credit managers, never a person of another company only."""
    users, username = _user_table()
    members = Membership._meta.db_table
    sql = (
        f"SELECT u.id AS owner_id, u.{username} AS owner FROM {users} u "
        f"JOIN {members} m ON m.person_id = u.id "
        "WHERE m.company_id = %s AND m.active AND m.role IN (%s, %s)"
    )
    return read_frame(
        sql, [company.pk, *OWNER_ROLES], {"owner_id": pl.Int64(), "owner": pl.String()}
    )


def validate(table: Table, *, company: Company, existing: pl.DataFrame) -> pl.DataFrame:
    """The file as typed columns, or `ImportRejected` listing every problem."""
    p = Problems()
    f = prepare(table, SPEC, p)
    f = check_country(f, p, "country")
    f = check_pattern(f, p, "language", r"^[a-z]{2}$", NOT_A_LANGUAGE)
    f = check_pattern(f, p, "contact_email", EMAIL, NOT_AN_EMAIL)
    f = check_choice(f, p, "risk_tier", RiskTier.values, RiskTier.MEDIUM.value)
    f = check_choice(f, p, "kind", DebtorKind.values, DebtorKind.BUSINESS.value)
    if "credit_limit" in f.columns:
        cur = company.currency
        f = parse_amount(
            f,
            p,
            "credit_limit",
            into="credit_limit_minor",
            exp=pl.lit(exponent(cur)),
            currency=pl.lit(cur),
            minimum="zero",
        )
    if "owner" in f.columns:
        f = f.join(_users(company), on="owner", how="left", maintain_order="left")
        unknown = pl.col("owner").is_not_null() & pl.col("owner_id").is_null()
        p.add(f, unknown, "owner", say(UNKNOWN_OWNER, value=pl.col("owner")))
    _check_contacts(f, p)
    f = _contract_rates(f, p)
    check_unique(f, p, ["debtor_code"], "debtor_code")
    if "parent_code" in f.columns:
        _check_parents(f, p, existing)
    p.raise_if_any()
    return f


def _check_contacts(f: pl.DataFrame, p: Problems) -> None:
    others = [c for c in ("contact_email", "contact_phone") if c in f.columns]
    if not others:
        return
    if "contact_name" not in f.columns:
        p.add_one(1, "contact_name", CONTACT_NAME_COLUMN)
        return
    given = pl.any_horizontal([pl.col(c).is_not_null() for c in others])
    p.add(f, given & pl.col("contact_name").is_null(), "contact_name", CONTACT_NAME_MISSING)


def _contract_rates(f: pl.DataFrame, p: Problems) -> pl.DataFrame:
    """The contract's rate and its period (year, the default, or month), the rate as exact
    decimal text without trailing zeros (what `ContractRate.text` writes), so a re-import of
    "1.50" after "1.5" changes nothing. Both empty: no rate stated (stored empty)."""
    if "contract_rate" not in f.columns:
        if "contract_rate_per" in f.columns:
            p.add_one(1, "contract_rate_per", RATE_PER_COLUMN)
        return f
    rate = pl.col("contract_rate").str.strip_chars().str.strip_suffix("%").str.strip_chars()
    f = f.with_columns(_rate=rate)
    text = pl.col("_rate")
    shaped = text.str.contains(RATE_PATTERN)
    too_high = text.cast(pl.Float64, strict=False) > float(MOST_PERCENT)
    bad = text.is_not_null() & (~shaped.fill_null(False) | too_high.fill_null(False))
    most = rate_text(MOST_PERCENT)
    p.add(f, bad, "contract_rate", say(NOT_A_RATE, value=pl.col("contract_rate"), most=most))
    whole = text.str.split_exact(".", 1).struct.field("field_0").str.strip_chars_start("0")
    frac = (
        text.str.split_exact(".", 1).struct.field("field_1").fill_null("").str.strip_chars_end("0")
    )
    canonical = pl.when(whole == "").then(pl.lit("0")).otherwise(whole) + pl.when(frac == "").then(
        pl.lit("")
    ).otherwise("." + frac)
    if "contract_rate_per" in f.columns:
        per = pl.col("contract_rate_per").str.strip_chars().str.to_lowercase()
        choices = [x.value for x in Per]
        wrong = per.is_not_null() & ~per.is_in(choices)
        p.add(f, wrong, "contract_rate_per", say(NOT_ONE_OF, value=per, allowed=", ".join(choices)))
        alone = per.is_not_null() & text.is_null()
        p.add(f, alone, "contract_rate_per", RATE_PER_WITHOUT_RATE)
    else:
        per = pl.lit(None, dtype=pl.String)
    return f.with_columns(
        contract_rate=pl.when(text.is_null()).then(pl.lit("")).otherwise(canonical),
        contract_rate_per=pl.when(text.is_null())
        .then(pl.lit(""))
        .otherwise(per.fill_null(Per.YEAR.value)),
    ).drop("_rate")


def _check_parents(f: pl.DataFrame, p: Problems, existing: pl.DataFrame) -> None:
    """Parents must exist (in the file or already) and groups must not loop.

    A repeated code is refused first: the group walk needs one parent per code (and each
    repeat would otherwise stand for a second path up the same group)."""
    codes = pl.concat([f["debtor_code"], existing["debtor_code"]]).unique()
    parent = pl.col("parent_code")
    unknown = parent.is_not_null() & ~parent.is_in(codes.implode())
    p.add(f, unknown, "parent_code", say(UNKNOWN_PARENT, value=parent))
    if f["debtor_code"].drop_nulls().is_duplicated().any():
        return  # refused as duplicates (check_unique); the groups are read once they are not
    # Links after the import: the file's, and the database's for debtors not in the file.
    links = pl.concat(
        [
            f.select("debtor_code", "parent_code"),
            existing.select("debtor_code", "parent_code").join(
                f.select("debtor_code"), on="debtor_code", how="anti"
            ),
        ]
    ).filter(pl.col("parent_code").is_not_null() & pl.col("debtor_code").is_not_null())
    looped, too_deep = group_walk(
        dict(zip(links["debtor_code"], links["parent_code"], strict=True))
    )
    walked = f.filter(parent.is_not_null() & ~unknown)
    code = pl.col("debtor_code")
    p.add(walked, code.is_in(list(looped)), "parent_code", say(PARENT_LOOP, value=parent))
    deep = code.is_in(list(too_deep)) & ~code.is_in(list(looped))
    p.add(walked, deep, "parent_code", GROUP_TOO_DEEP.format(depth=MAX_DEPTH))


def group_walk(parents: dict[str, str], limit: int = MAX_DEPTH) -> tuple[set[str], set[str]]:
    """The codes on a loop of parent links, and those with more than `limit` levels above them
    (or a loop above them). Linear: every code is walked once, its depth kept for the codes
    below it."""
    depth: dict[str, float] = {}  # levels above a code; infinite on or below a loop
    looped: set[str] = set()
    for start in parents:
        path: list[str] = []
        on_path: dict[str, int] = {}
        at: str | None = start
        while at is not None and at not in depth and at not in on_path:
            on_path[at] = len(path)
            path.append(at)
            at = parents.get(at)
        if at is None:
            above = -1.0  # the last code on the path has no parent: no levels above it
        elif at in depth:
            above = depth[at]
        else:  # back at a code of this path: the codes from there on are a loop
            looped.update(path[on_path[at] :])
            above = float("inf")
        for code in reversed(path):
            above = above + 1
            depth[code] = above
    return looped, {c for c, d in depth.items() if d > limit}


def _target(f: pl.DataFrame, existing: pl.DataFrame) -> pl.DataFrame:
    """The file's rows in the database's terms, ready to compare with `_existing`."""
    fills = [pl.col(c).fill_null("") for c in TEXT_COLUMNS if c in f.columns]
    if "language" in f.columns:
        fills.append(pl.col("language").fill_null("en"))
    t = f.with_columns(fills)
    if "contact_name" in t.columns:
        # No contact in the row: keep the one we have (compare equal to it).
        db = existing.select(
            "debtor_code", *[pl.col(c).alias(f"{c}__keep") for c in CONTACT_COLUMNS]
        )
        t = t.join(db, on="debtor_code", how="left", maintain_order="left")
        keep = pl.col("contact_name").is_null()
        t = t.with_columns(
            pl.when(keep).then(pl.col(f"{c}__keep")).otherwise(pl.col(c).fill_null("")).alias(c)
            for c in CONTACT_COLUMNS
            if c in t.columns
        )
    keep_cols = ["debtor_code", *DEBTOR_COLUMNS, *CONTACT_COLUMNS, "owner_id"]
    return t.select(c for c in keep_cols if c in t.columns)


def import_debtors(
    table: Table, *, company: Company, progress: Progress | None = None
) -> ImportSummary:
    """Validate the whole file, then insert new debtors, update changed ones, and their
    parents and primary contacts."""
    existing = _existing(company)
    f = validate(table, company=company, existing=existing)
    target, kept = _keep_handed_over_owners(_target(f, existing), existing, company)
    compare = [c for c in (*DEBTOR_COLUMNS, *CONTACT_COLUMNS) if c in target.columns]
    d = diff(target, existing, key=["debtor_code"], compare=compare)
    _write(d, company=company, existing=existing, progress=progress)
    summary = summarize("debtors", d.flags, d.counts({"credit_limit_minor": "credit_limit"}))
    if not kept:
        return summary
    codes = ", ".join(kept[:NAMED_AT_MOST]) + (", ..." if len(kept) > NAMED_AT_MOST else "")
    return replace(summary, notes=(OWNER_KEPT.format(n=len(kept), codes=codes),))


# §1 Who keeps a debtor's owner against the ERP's file: an app above the ledger (the desk, whose
# hand-over to legal or an agency gave the debtor its owner) registers, when Django starts, a
# reader of those debtors (debtor_code, owner_id), so the ledger reads no table of theirs.
OwnerKeeper = Callable[[Company], pl.DataFrame]
_OWNER_KEEPERS: dict[str, OwnerKeeper] = {}
KEPT_OWNERS: dict[str, pl.DataType] = {"debtor_code": _S, "owner_id": _I}


def owner_keeper_register(name: str, keeper: OwnerKeeper) -> None:
    """Register `keeper`: its debtors keep the owner they have when a file names another."""
    _OWNER_KEEPERS[name] = keeper


def _handed_over(company: Company) -> pl.DataFrame:
    """Debtors handed over to legal or an agency, with the owner the hand-over gave them."""
    frames = [keeper(company).select(list(KEPT_OWNERS)) for keeper in _OWNER_KEEPERS.values()]
    return pl.concat([pl.DataFrame(schema=KEPT_OWNERS), *frames]).unique("debtor_code")


def _keep_handed_over_owners(
    target: pl.DataFrame, existing: pl.DataFrame, company: Company
) -> tuple[pl.DataFrame, list[str]]:
    """The file's rows with the owner of handed-over debtors kept as it is (the ERP's owner
    would undo the hand-over), and the codes of the debtors whose owner the file changes."""
    if "owner" not in target.columns:
        return target, []
    handed = _handed_over(company)
    if handed.is_empty():
        return target, []
    stored = existing.select("debtor_code", pl.col("owner").alias("owner__kept")).join(
        handed.select("debtor_code", pl.col("owner_id").alias("owner_id__kept")),
        on="debtor_code",
    )
    t = target.join(
        stored.with_columns(handed__=pl.lit(True)),
        on="debtor_code",
        how="left",
        maintain_order="left",
    )
    keep = pl.col("handed__").fill_null(False)
    kept = t.filter(keep & pl.col("owner").ne_missing(pl.col("owner__kept")))
    t = t.with_columns(
        owner=pl.when(keep).then(pl.col("owner__kept")).otherwise(pl.col("owner")),
        owner_id=pl.when(keep).then(pl.col("owner_id__kept")).otherwise(pl.col("owner_id")),
    )
    return t.drop("owner__kept", "owner_id__kept", "handed__"), sorted(
        kept["debtor_code"].to_list()
    )


_NEW_DEBTOR = {
    "registration_number": pl.lit(""),
    "vat_number": pl.lit(""),
    "language": pl.lit("en"),
    **{c: pl.lit("") for c in ADDRESS_COLUMNS},
    "risk_tier": pl.lit(RiskTier.MEDIUM.value),
    "kind": pl.lit(DebtorKind.BUSINESS.value),
    "credit_limit_minor": pl.lit(None, dtype=pl.Int64),
    "owner_id": pl.lit(None, dtype=pl.Int64),
    "contract_rate": pl.lit(""),
    "contract_rate_per": pl.lit(""),
}
_INSERT = (
    "company_id",
    "code",
    "name",
    "registration_number",
    "vat_number",
    "country",
    "language",
    *ADDRESS_COLUMNS,
    "parent_id",
    "credit_limit_minor",
    "risk_tier",
    "kind",
    "owner_id",
    "manual_hold",
    "contract_rate",
    "contract_rate_per",
)


def _write(d: Diff, *, company: Company, existing: pl.DataFrame, progress: Progress | None) -> None:
    """New debtors first (without parents, which may be new too), then parents, changes and
    contacts, which need the new debtors' ids."""
    new = d.new.rename({"debtor_code": "code"}).with_columns(
        company_id=pl.lit(company.pk, dtype=pl.Int64),
        parent_id=pl.lit(None, dtype=pl.Int64),
        manual_hold=pl.lit(False),
    )
    new = new.with_columns(v.alias(k) for k, v in _NEW_DEBTOR.items() if k not in new.columns)
    total = new.height + d.changed.height
    if progress:
        progress(0, total)
    write_chunks(
        "ledger_debtor", new.select(_INSERT), update=False, done=0, total=total, progress=None
    )
    ids = company_debtors(company).select(
        pl.col("id").alias("debtor_id"), pl.col("code").alias("debtor_code")
    )
    _write_debtor_changes(d, ids)
    _write_contacts(d, ids, existing)
    if progress:
        progress(total, total)


def _changed(d: Diff, columns: tuple[str, ...]) -> pl.DataFrame:
    """Rows of `d.changed` where one of `columns` changed (those the file has)."""
    flags = [f"{c}__changed" for c in columns if f"{c}__changed" in d.changed.columns]
    if not flags:
        return d.changed.clear()
    return d.changed.filter(pl.any_horizontal(flags))


def _write_debtor_changes(d: Diff, ids: pl.DataFrame) -> None:
    parents = ids.rename({"debtor_id": "parent_id", "debtor_code": "parent_code"})
    changed = _changed(d, DEBTOR_COLUMNS)
    cols = [c for c in DEBTOR_COLUMNS if c in changed.columns]
    if "parent_code" in cols:
        changed = changed.join(parents, on="parent_code", how="left")
        new_parents = d.new.filter(pl.col("parent_code").is_not_null()).join(ids, on="debtor_code")
        new_parents = new_parents.join(parents, on="parent_code").select(
            pl.col("debtor_id").alias("id"), "parent_id"
        )
        update_frame("ledger_debtor", new_parents)
    names = {"parent_code": "parent_id", "owner": "owner_id"}
    update_frame("ledger_debtor", changed.select("id", *[names.get(c, c) for c in cols]))


def _write_contacts(d: Diff, ids: pl.DataFrame, existing: pl.DataFrame) -> None:
    if "contact_name" not in d.new.columns:
        return
    have = existing.select("debtor_code", "contact_id")
    changed = _changed(d, CONTACT_COLUMNS).drop("id").join(have, on="debtor_code", how="left")
    cols = [c for c in CONTACT_COLUMNS if c in changed.columns]
    named = {c: c.removeprefix("contact_") for c in cols}
    update_frame(
        "ledger_contact",
        changed.filter(pl.col("contact_id").is_not_null())
        .select(pl.col("contact_id").alias("id"), *cols)
        .rename(named),
    )
    fresh = pl.concat(
        [
            d.new.select("debtor_code", *cols),
            changed.filter(pl.col("contact_id").is_null()).select("debtor_code", *cols),
        ]
    ).filter(pl.col("contact_name").is_not_null())
    fresh = fresh.join(ids, on="debtor_code").drop("debtor_code").rename(named)
    fresh = fresh.with_columns(
        pl.lit("").alias(c) for c in ("email", "phone") if c not in fresh.columns
    )
    insert_frame("ledger_contact", fresh.with_columns(is_primary=pl.lit(True)))
