"""The columnar run agrees with the one-item rules, and is partitionable by debtor."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.batch.daily_run import RunConfig, decide
from arrears.domain.credit_hold import HoldPolicy, hold_reasons
from arrears.domain.fx import conversion_factor, convert_minor
from arrears.domain.ladder import (
    DEFAULT_STRATEGIES,
    Channel,
    ItemState,
    Mode,
    Role,
    Segment,
    Step,
    Strategy,
    choose_strategy,
    next_climb,
    next_step,
)

AS_OF = date(2026, 11, 25)
FACTORS = {
    "EUR": conversion_factor("EUR", "EUR", Decimal(1)),
    "USD": conversion_factor("USD", "EUR", Decimal("0.923456")),
    "JPY": conversion_factor("JPY", "EUR", Decimal("0.006123")),
}
CONFIG = RunConfig(AS_OF, "EUR", DEFAULT_STRATEGIES, HoldPolicy(), FACTORS)
# Ladders with what the defaults lack: a call before any letter, no gaps, equal triggers,
# amount thresholds low on the ladder, a legal step in jump mode right after the reminder.
_E, _P, _T, _C = Channel.EMAIL, Channel.PHONE, Channel.TASK, Role.COLLECTOR
ODD = (
    Strategy(
        "odd_jump",
        "Odd jump",
        Mode.JUMP,
        (
            Step("call", "Call", -3, _P, _C),
            Step("pre", "Pre", 0, _E, _C, min_gap_days=4, follow_up_days=2),
            Step("rem", "Reminder", 2, _E, _C, min_overdue_amount=Decimal(50)),
            Step("rem2", "Reminder 2", 2, _E, _C, min_gap_days=9),
            Step("legal", "Legal", 9, _T, Role.LEGAL, min_gap_days=1, min_broken_promises=1),
        ),
        segment=Segment(risk_tiers=frozenset({"high"})),
        priority=1,
    ),
    Strategy(
        "odd_seq",
        "Odd sequential",
        Mode.SEQUENTIAL,
        (
            Step("call", "Call", -8, _P, _C),
            Step("c2", "Courtesy", -2, _E, _C),
            Step("rem", "Reminder", 3, _E, _C, min_overdue_amount=Decimal(900)),
            Step("t", "Task", 3, _T, _C),
            Step("fin", "Final", 30, Channel.LETTER, _C, min_gap_days=20, min_broken_promises=2),
        ),
    ),
)
ODD_CONFIG = RunConfig(AS_OF, "EUR", ODD, HoldPolicy(), FACTORS)
configs = st.sampled_from([CONFIG, ODD_CONFIG])

item_st = st.fixed_dictionaries(
    {
        "debtor_id": st.integers(1, 6),
        "currency": st.sampled_from(["EUR", "USD", "JPY"]),
        "due_offset": st.integers(-40, 400),
        "open_minor": st.integers(1, 5_000_00),
        "excluded_minor": st.sampled_from([0, 0, 0, 50_00, 10_000_00]),
        "step": st.one_of(st.none(), st.integers(0, 3)),
        "step_age": st.integers(0, 60),
        # breaks on the item's case after it fell due: items of one case may differ
        "broken_promises": st.sampled_from([0, 0, 0, 1, 2, 3]),
    }
)
debtor_st = st.fixed_dictionaries(
    {
        "risk_tier": st.sampled_from(["low", "medium", "high"]),
        "credit_limit_minor": st.one_of(st.none(), st.integers(0, 20_000_00)),
    }
)


def _frames(items, debtors):
    rows = []
    for i, it in enumerate(items):
        step = it["step"] if debtors[it["debtor_id"] - 1]["risk_tier"] != "high" else None
        rows.append(
            {
                "item_id": i + 1,
                "debtor_id": it["debtor_id"],
                "currency": it["currency"],
                "due_date": AS_OF - timedelta(days=it["due_offset"]),
                "open_minor": it["open_minor"],
                "excluded_minor": it["excluded_minor"],
                "broken_promises": it.get("broken_promises", 0),
                "step": step,
                "step_on": None if step is None else AS_OF - timedelta(days=it["step_age"]),
            }
        )
    items_f = pl.DataFrame(
        rows,
        schema_overrides={
            "step": pl.Int32,
            "step_on": pl.Date,
            "due_date": pl.Date,
            "broken_promises": pl.Int32,
        },
    )
    debtors_f = pl.DataFrame(
        [{"debtor_id": n + 1, "country": "DE", **d} for n, d in enumerate(debtors)],
        schema_overrides={"credit_limit_minor": pl.Int64},
    )
    return items_f, debtors_f


def _scalar_steps(items_f, debtors_f, strategies=DEFAULT_STRATEGIES):
    """The one-item rules applied item by item (the desk's path)."""
    out = {}
    d = {r["debtor_id"]: r for r in debtors_f.iter_rows(named=True)}
    dunnable = items_f.with_columns(
        dunn=(pl.col("open_minor") - pl.col("excluded_minor")).clip(0),
        dpd=(pl.lit(AS_OF) - pl.col("due_date")).dt.total_days(),
    )
    for (debtor_id, cur), grp in dunnable.group_by(["debtor_id", "currency"]):
        open_company = convert_minor(int(grp["dunn"].sum()), FACTORS[cur])
        overdue = convert_minor(int(grp.filter(pl.col("dpd") >= 1)["dunn"].sum()), FACTORS[cur])
        strat = choose_strategy(
            strategies,
            risk_tier=d[debtor_id]["risk_tier"],
            country="DE",
            amount=Decimal(open_company).scaleb(-2),
        )
        for r in grp.iter_rows(named=True):
            state = ItemState(r["due_date"], r["step"], r["step_on"])
            new = r["step"]
            if r["dunn"] > 0:
                new = next_step(
                    strat,
                    state,
                    as_of=AS_OF,
                    overdue_amount=Decimal(overdue).scaleb(-2),
                    broken_promises=r["broken_promises"],
                )
            out[r["item_id"]] = (strat.code, new)
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(item_st, min_size=1, max_size=25),
    st.lists(debtor_st, min_size=6, max_size=6),
    configs,
)
def test_batch_run_agrees_with_the_one_item_rules(items, debtors, config):
    items_f, debtors_f = _frames(items, debtors)
    got = decide(items_f, pl.DataFrame(), debtors_f, config).items
    batch = {r["item_id"]: (r["strategy"], r["step"]) for r in got.iter_rows(named=True)}
    assert batch == _scalar_steps(items_f, debtors_f, config.strategies)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(item_st, min_size=1, max_size=25),
    st.lists(debtor_st, min_size=6, max_size=6),
    configs,
)
def test_batch_next_climbs_agree_with_the_one_item_rule(items, debtors, config):
    items_f, debtors_f = _frames(items, debtors)
    got = decide(items_f, pl.DataFrame(), debtors_f, config)
    overdue = {
        (r["debtor_id"], r["currency"]): Decimal(r["overdue_company"]).scaleb(-2)
        for r in got.cases.iter_rows(named=True)
    }
    by_code = {s.code: s for s in config.strategies}
    due = dict(zip(items_f["item_id"], items_f["due_date"], strict=True))
    for r in got.items.iter_rows(named=True):
        state = ItemState(due[r["item_id"]], r["step"], r["step_on"])
        want = next_climb(
            by_code[r["strategy"]],
            state,
            as_of=AS_OF,
            overdue_amount=overdue[(r["debtor_id"], r["currency"])],
        )
        assert (r["climb_step"], r["climb_on"]) == (want or (None, None)), r


@settings(max_examples=60, deadline=None)
@given(st.lists(item_st, min_size=1, max_size=25), st.lists(debtor_st, min_size=6, max_size=6))
def test_deciding_any_partition_of_debtors_gives_the_same_rows(items, debtors):
    items_f, debtors_f = _frames(items, debtors)
    whole = decide(items_f, pl.DataFrame(), debtors_f, CONFIG)
    parts = [
        decide(
            items_f.filter(pl.col("debtor_id").is_in(ids)),
            pl.DataFrame(),
            debtors_f.filter(pl.col("debtor_id").is_in(ids)),
            CONFIG,
        )
        for ids in ([1, 3, 5], [2, 4, 6])
    ]
    for name in ("items", "cases", "holds"):
        joined = pl.concat([getattr(p, name) for p in parts]).sort(getattr(whole, name).columns[:2])
        assert joined.equals(getattr(whole, name).sort(joined.columns[:2]))


@settings(max_examples=150, deadline=None)
@given(st.lists(item_st, min_size=1, max_size=25), st.lists(debtor_st, min_size=6, max_size=6))
def test_batch_credit_holds_agree_with_the_hold_rule(items, debtors):
    items_f, debtors_f = _frames(items, debtors)
    holds = decide(items_f, pl.DataFrame(), debtors_f, CONFIG).holds
    for h in holds.iter_rows(named=True):
        mine = items_f.filter(pl.col("debtor_id") == h["debtor_id"])
        exposure = sum(
            convert_minor(int(g["open_minor"].sum()), FACTORS[cur])
            for (cur,), g in mine.group_by(["currency"])
        )
        oldest = max(((AS_OF - dd).days for dd in mine["due_date"]), default=None)
        expected = hold_reasons(
            HoldPolicy(),
            exposure_minor=exposure,
            credit_limit_minor=h["credit_limit_minor"],
            oldest_dpd=oldest,
        )
        assert h["exposure_minor"] == exposure
        assert h["hold"] == bool(expected)


def test_every_case_gets_a_dated_next_action():
    items_f, debtors_f = _frames(
        [
            {
                "debtor_id": 1,
                "currency": "EUR",
                "due_offset": o,
                "open_minor": 100,
                "excluded_minor": 0,
                "step": None,
                "step_age": 0,
            }
            for o in (-100, -3, 0, 1, 45, 400)
        ],
        [{"risk_tier": "low", "credit_limit_minor": None}] * 6,
    )
    cases = decide(items_f, pl.DataFrame(), debtors_f, CONFIG).cases
    assert cases["next_action_on"].null_count() == 0


def test_credit_notes_reduce_exposure_in_the_hold_decision():
    items_f, debtors_f = _frames(
        [
            {
                "debtor_id": 1,
                "currency": "EUR",
                "due_offset": -10,
                "open_minor": 150_00,
                "excluded_minor": 0,
                "step": None,
                "step_age": 0,
            }
        ],
        [{"risk_tier": "low", "credit_limit_minor": 100_00}] * 6,
    )
    credits = pl.DataFrame({"debtor_id": [1], "currency": ["EUR"], "credit_minor": [60_00]})
    holds = decide(items_f, credits, debtors_f, CONFIG).holds
    assert holds.row(0, named=True)["exposure_minor"] == 90_00
    assert not holds.row(0, named=True)["hold"]


def test_a_broken_promise_escalates_only_the_items_that_carry_it():
    # one case, two items 12 days overdue at the reminder: the sweep counted the break only
    # for the first (the second fell due after it broke)
    items_f, debtors_f = _frames(
        [
            {
                "debtor_id": 1,
                "currency": "EUR",
                "due_offset": 12,
                "open_minor": 100_00,
                "excluded_minor": 0,
                "step": 1,
                "step_age": 1,
                "broken_promises": broken,
            }
            for broken in (1, 0)
        ],
        [{"risk_tier": "low", "credit_limit_minor": None}] * 6,
    )
    got = decide(items_f, pl.DataFrame(), debtors_f, CONFIG)
    assert got.items.sort("item_id")["step"].to_list() == [3, 1]  # firm demand; waits its gap
    case = got.cases.row(0, named=True)
    assert (case["step_code"], case["broken_promises"]) == ("firm_demand", 1)
