"""Limitation periods (rule 12): the day each claim becomes time-barred, and what restarts it.

One rule per jurisdiction, each naming its source. A claim's period runs from its due date (or,
in Germany, from the end of the year it fell due) and the claim may be enforced up to and
including `expires_on`; from the day after, it is time-barred. An interruption the law
recognises (the debtor's acknowledgement, a part payment, in some countries our written demand)
starts the full period again from its day, but only while the claim is alive: nothing revives a
barred claim.

`expiry` is the one-item version the desk shows; `expiries` the columnar one the daily run uses
over all items; a property test keeps them in agreement. Periods of years end on the same day
of the month, or on 28 February for a period begun on 29 February (`dates.add_years`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

from arrears.domain.dates import add_years
from arrears.domain.refusal import Refusal


class Interruption(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"  # the debtor acknowledges the debt (in writing)
    PART_PAYMENT = "part_payment"  # a payment on the item that leaves part of it open
    WRITTEN_DEMAND = "written_demand"  # our documented demand (a letter of the ladder)


class Start(StrEnum):
    DUE_DATE = "due_date"  # from the due date
    END_OF_YEAR = "end_of_year"  # from the end of the year the claim fell due


@dataclass(frozen=True)
class LimitationRule:
    code: str
    name: str
    source: str
    years: int
    start: Start
    restarts: frozenset[Interruption]
    consumer_years: int | None = None  # a shorter (or other) period against a consumer

    def years_for(self, *, consumer: bool) -> int:
        return self.consumer_years if consumer and self.consumer_years else self.years


_ACK, _PART, _DEMAND = Interruption
RULES: dict[str, LimitationRule] = {
    r.code: r
    for r in (
        LimitationRule(
            "DE",
            "Germany",
            "§§ 195, 199(1) BGB (3 years from the end of the year); § 212(1) no. 1 BGB "
            "(acknowledgement, part payment: the period begins anew)",
            3,
            Start.END_OF_YEAR,
            frozenset({_ACK, _PART}),
        ),
        LimitationRule(
            "GB",
            "England and Wales",
            "Limitation Act 1980 s. 5 (6 years); ss. 29(5), 30 (a written acknowledgement or "
            "part payment restarts); s. 29(7) (no revival of a barred claim)",
            6,
            Start.DUE_DATE,
            frozenset({_ACK, _PART}),
        ),
        LimitationRule(
            "FR",
            "France",
            "Code de commerce L110-4 (5 years); Code de la consommation L218-2 (2 years against "
            "a consumer); Code civil 2240, 2231 (acknowledgement, part payment: a new period)",
            5,
            Start.DUE_DATE,
            frozenset({_ACK, _PART}),
            consumer_years=2,
        ),
        LimitationRule(
            "NL",
            "Netherlands",
            "BW 3:307 (5 years from the day after the claim fell due); 3:317, 3:318 (a written "
            "demand or an acknowledgement interrupts); 3:319 (a new period of 5 years)",
            5,
            Start.DUE_DATE,
            frozenset({_ACK, _PART, _DEMAND}),
        ),
        LimitationRule(
            "CN",
            "China",
            "Civil Code arts. 188 (3 years), 195 (a demand for performance or the obligor's "
            "agreement to perform interrupts; a new period runs from then)",
            3,
            Start.DUE_DATE,
            frozenset({_ACK, _PART, _DEMAND}),
        ),
    )
}


@dataclass(frozen=True)
class Limitation:
    rule: str
    expires_on: date  # the last day the claim may be enforced
    restarted_on: date | None  # the interruption that set `expires_on`, if any
    restarted_by: Interruption | None

    def barred(self, as_of: date) -> bool:
        return as_of > self.expires_on


# Other names a company's jurisdiction goes by (the interest regimes know "UK" too).
ALIASES = {"UK": "GB"}


def rule_of(jurisdiction: str) -> LimitationRule | None:
    """The limitation rule of a company's jurisdiction, whatever its case or alias (None: no
    rule is known for it)."""
    code = jurisdiction.strip().upper()
    return RULES.get(ALIASES.get(code, code))


def rule_for(code: str) -> LimitationRule:
    rule = rule_of(code)
    if rule is None:
        raise Refusal("limitation.no_rule", jurisdiction=code, known=", ".join(sorted(RULES)))
    return rule


def first_expiry(due_on: date, rule: LimitationRule, *, consumer: bool = False) -> date:
    years = rule.years_for(consumer=consumer)
    if rule.start is Start.END_OF_YEAR:
        return date(due_on.year + years, 12, 31)
    return add_years(due_on, years)


def expiry(
    due_on: date,
    rule: LimitationRule,
    events: Iterable[tuple[date, Interruption]] = (),
    *,
    consumer: bool = False,
) -> Limitation:
    """When one item's claim expires, given the interruptions recorded on it."""
    expires_on = first_expiry(due_on, rule, consumer=consumer)
    years = rule.years_for(consumer=consumer)
    restarted_on: date | None = None
    restarted_by: Interruption | None = None
    for day, kind in sorted(events):
        if kind not in rule.restarts or day < due_on:
            continue
        if day > expires_on:
            break  # barred: nothing later revives it
        again = add_years(day, years)
        if again >= expires_on:
            expires_on, restarted_on, restarted_by = again, day, kind
    return Limitation(rule.code, expires_on, restarted_on, restarted_by)


def _rules_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "rule": r.code,
                "years_business": r.years,
                "years_consumer": r.years_for(consumer=True),
                "end_of_year": r.start is Start.END_OF_YEAR,
                "restarts": sorted(str(k) for k in r.restarts),
            }
            for r in RULES.values()
        ]
    )


def _first_expiries(items: pl.DataFrame) -> pl.DataFrame:
    """`items` with each one's period in years, its rule's restarts and `first`, the expiry
    before any interruption (`first_expiry`, by column)."""
    unknown = items.filter(~pl.col("rule").is_in(list(RULES)))
    if unknown.height:
        rule_for(unknown["rule"][0])
    return (
        items.select("item_id", "due_on", "rule", "consumer")
        .join(_rules_frame(), on="rule", how="left")
        .with_columns(
            years=pl.when(pl.col("consumer"))
            .then(pl.col("years_consumer"))
            .otherwise(pl.col("years_business"))
        )
        .with_columns(
            first=pl.when(pl.col("end_of_year"))
            .then(pl.date(pl.col("due_on").dt.year() + pl.col("years"), 12, 31))
            .otherwise(pl.col("due_on").dt.offset_by(pl.format("{}y", pl.col("years"))))
        )
    )


def may_expire_by(items: pl.DataFrame, day: date) -> pl.DataFrame:
    """The rows of `items` (item_id, due_on, rule, consumer, any other columns) whose claim can
    expire on or before `day`: those whose first expiry does. An interruption only ever moves
    an expiry later (`expiry` takes a restart only when it ends on or after the expiry in
    force), so the others cannot, whatever happened to them: the run reads interruptions only
    for these."""
    # a claim lasts at least the shortest period of any rule: one due in a later year than
    # `day`'s year less that many years expires after `day` (a cheap cut before the exact one)
    shortest = min(min(r.years, r.years_for(consumer=True)) for r in RULES.values())
    items = items.filter(pl.col("due_on") <= date(day.year - shortest, 12, 31))
    first = _first_expiries(items).filter(pl.col("first") <= day).select("item_id")
    return items.join(first, on="item_id", how="semi")


def expiring(
    items: pl.DataFrame, events: pl.DataFrame, as_of: date, lead_days: int
) -> pl.DataFrame:
    """Columnar: the claims legal should act on `as_of` (`review_due` reached, not yet
    barred): item_id, expires_on. Inputs as `expiries`; `items` may be narrowed first by
    `may_expire_by(items, as_of + lead_days)`, which changes nothing here."""
    horizon = as_of + timedelta(days=lead_days)
    return (
        expiries(may_expire_by(items, horizon), events)
        .filter((pl.col("expires_on") >= as_of) & (pl.col("expires_on") <= horizon))
        .select("item_id", "expires_on")
    )


def expiries(items: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Columnar `expiry`. `items`: item_id, due_on (date), rule (str), consumer (bool);
    `events`: item_id, day (date), kind (str, an `Interruption`). Returns item_id, expires_on,
    restarted_on (null where never restarted). Pure, partitionable by debtor."""
    base = _first_expiries(items)
    counted = (
        events.select("item_id", "day", "kind")
        .join(base.select("item_id", "due_on", "years", "first", "restarts"), on="item_id")
        .filter(
            pl.col("restarts").list.contains(pl.col("kind")) & (pl.col("day") >= pl.col("due_on"))
        )
        .sort("item_id", "day")
        .with_columns(again=pl.col("day").dt.offset_by(pl.format("{}y", pl.col("years"))))
        .with_columns(
            # the expiry in force when this event comes: the first, or the previous event's
            # restart (events are in day order, and only an unbroken run of them counts)
            bound=pl.max_horizontal(
                pl.col("first"), pl.col("again").shift(1).over("item_id")
            ).fill_null(pl.col("first"))
        )
        .with_columns(alive=(pl.col("day") <= pl.col("bound")).cum_min().over("item_id"))
        .filter(pl.col("alive"))
        .group_by("item_id")
        .agg(last_again=pl.col("again").max(), last_day=pl.col("day").max())
    )
    return (
        base.join(counted, on="item_id", how="left")
        .with_columns(
            restarted=pl.col("last_again").is_not_null() & (pl.col("last_again") >= pl.col("first"))
        )
        .select(
            "item_id",
            expires_on=pl.when(pl.col("restarted")).then(pl.col("last_again")).otherwise("first"),
            restarted_on=pl.when(pl.col("restarted")).then(pl.col("last_day")),
        )
    )


def review_due(limitation: Limitation, lead_days: int = 90) -> date:
    """The day legal should be asked to act (sue, or obtain an acknowledgement): `lead_days`
    before the claim expires."""
    return limitation.expires_on - timedelta(days=lead_days)
