"""Dunning fees (rule 9): fixed, percentage and statutory compensation, each charged exactly
once however many runs see the item; the run's columnar version agrees with the desk's."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.fees import Charged, FeeKind, StepFee, fee_due, fees_due
from arrears.domain.interest import shipped_regimes

REGIMES = shipped_regimes()
FEES = {
    2: StepFee(FeeKind.COMPENSATION),
    3: StepFee(FeeKind.FIXED, amount_minor=1_500, currency="EUR"),
    4: StepFee(FeeKind.PERCENT, basis_points=150),
    5: StepFee(FeeKind.COMPENSATION),
}


def one(
    step,
    charged=frozenset(),
    currency="EUR",
    amount=100_000,
    open_=100_000,
    regime="eu_directive",
    consumer=False,
):
    return fee_due(
        currency=currency,
        amount_minor=amount,
        open_minor=open_,
        step=step,
        charged=charged,
        fees=FEES,
        regime=REGIMES[regime] if regime else None,
        consumer=consumer,
    )


def test_each_kind_of_fee_at_its_step():
    assert one(1) == 0  # no fee on the first step
    assert one(2) == 4_000  # EUR 40 compensation under the directive
    assert one(3) == 1_500  # EUR 15 fixed
    assert one(4, open_=33_333) == 500  # 1.5% of 333.33 = 4.99995 -> 5.00 (half-up)
    assert one(4, open_=33_300) == 500  # 4.995 -> 5.00
    assert one(4, open_=33_299) == 499  # 4.99485 -> 4.99


def test_a_fee_is_charged_once_per_item_and_step_and_compensation_once_per_invoice():
    assert one(3, frozenset({Charged(3, FeeKind.FIXED)})) == 0
    assert one(5, frozenset({Charged(2, FeeKind.COMPENSATION)})) == 0  # already claimed at step 2
    assert one(5) == 4_000  # an item that jumped straight to step 5 still owes it once


def test_a_fee_in_another_currency_or_without_a_regime_charges_nothing():
    assert one(3, currency="USD") == 0
    assert one(2, regime=None) == 0
    assert one(2, currency="GBP", amount=500_000, regime="uk_late_payment") == 7_000  # GBP 70


def test_a_consumer_owes_the_ladders_fees_but_never_the_statutory_compensation():
    assert one(2, regime="de_bgb") == 4_000  # § 288(5) BGB: EUR 40 from a business
    assert one(2, regime="de_bgb", consumer=True) == 0  # not from a consumer
    assert one(3, consumer=True) == 1_500  # the ladder's own fixed fee still applies


item = st.tuples(
    st.sampled_from(["EUR", "GBP"]),
    st.integers(1, 2_000_000),
    st.integers(0, 6),
    st.sets(st.sampled_from([Charged(s, k) for s in range(7) for k in FeeKind]), max_size=3),
    st.booleans(),
)


@given(st.lists(item, max_size=15), st.sampled_from(["eu_directive", "uk_late_payment", None]))
def test_the_run_s_fees_agree_with_the_one_item_fee(rows, regime_code):
    regime = REGIMES[regime_code] if regime_code else None
    items = pl.DataFrame(
        {
            "item_id": list(range(len(rows))),
            "currency": [r[0] for r in rows],
            "amount_minor": [r[1] for r in rows],
            "open_minor": [r[1] for r in rows],
            "step": [r[2] for r in rows],
            "consumer": [r[4] for r in rows],
        },
        schema={
            "item_id": pl.Int64,
            "currency": pl.String,
            "amount_minor": pl.Int64,
            "open_minor": pl.Int64,
            "step": pl.Int64,
            "consumer": pl.Boolean,
        },
    )
    charged = pl.DataFrame(
        {
            "item_id": [i for i, r in enumerate(rows) for _ in r[3]],
            "step": [c.step for r in rows for c in r[3]],
            "kind": [str(c.kind) for r in rows for c in r[3]],
        },
        schema={"item_id": pl.Int64, "step": pl.Int64, "kind": pl.String},
    )
    got = dict(fees_due(items, charged, FEES, regime).select("item_id", "fee_minor").rows())
    for i, (currency, amount, step, done, consumer) in enumerate(rows):
        want = fee_due(
            currency=currency,
            amount_minor=amount,
            open_minor=amount,
            step=step,
            charged=frozenset(done),
            fees=FEES,
            regime=regime,
            consumer=consumer,
        )
        assert got.get(i, 0) == want, (currency, amount, step, done, consumer)
