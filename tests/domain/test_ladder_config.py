from __future__ import annotations

import pytest

from arrears.domain.ladder import DEFAULT_STRATEGIES, LadderError
from arrears.domain.ladder_config import strategies_from_toml, strategies_to_toml


def test_the_default_ladders_round_trip_through_toml():
    assert strategies_from_toml(strategies_to_toml(DEFAULT_STRATEGIES)) == DEFAULT_STRATEGIES


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('channel = "email"', 'channel = "fax"', 1), "'fax' is not one of"),
        (lambda t: t.replace("min_days_past_due = 1\n", "", 1), "missing 'min_days_past_due'"),
        (lambda t: t.replace("follow_up_days", "follow_upp_days", 1), "unknown setting"),
        (lambda t: t.replace('mode = "jump"', 'mode = "leap"'), "'leap' is not one of"),
        (lambda t: "[[strategy", "not a valid TOML file"),
        (lambda t: "", "defines no"),
    ],
)
def test_bad_ladder_files_are_refused_with_where_and_what(edit, message):
    with pytest.raises(LadderError, match=message):
        strategies_from_toml(edit(strategies_to_toml(DEFAULT_STRATEGIES)))


def test_a_ladder_file_without_a_catch_all_strategy_is_refused():
    only_high = strategies_to_toml(DEFAULT_STRATEGIES[:1])
    with pytest.raises(LadderError, match="catch-all"):
        strategies_from_toml(only_high)


FEES = [
    ('{ kind = "fixed", amount = "15.00", currency = "EUR" }', "fixed", 1500, "EUR", 0),
    ('{ kind = "fixed", amount = "15", currency = "jpy" }', "fixed", 15, "JPY", 0),
    ('{ kind = "percent", percent = "1.5" }', "percent", 0, None, 150),
    ('{ kind = "compensation" }', "compensation", 0, None, 0),
]


@pytest.mark.parametrize(("fee", "kind", "amount", "currency", "points"), FEES)
def test_a_step_s_fee_is_read_from_the_ladder_file_and_round_trips(
    fee, kind, amount, currency, points
):
    text = strategies_to_toml(DEFAULT_STRATEGIES).replace(
        "follow_up_days = 7", f"follow_up_days = 7\nfee = {fee}", 1
    )
    read = strategies_from_toml(text)
    got = next(s.fee for s in read[0].steps if s.fee is not None)
    assert (got.kind.value, got.amount_minor, got.currency, got.basis_points) == (
        kind,
        amount,
        currency,
        points,
    )
    assert strategies_from_toml(strategies_to_toml(read)) == read


@pytest.mark.parametrize(
    ("fee", "message"),
    [
        ('{ kind = "fixed", amount = "nan", currency = "EUR" }', "'nan' is not an amount"),
        ('{ kind = "fixed", amount = "1.234", currency = "EUR" }', "decimals"),
        ('{ kind = "fixed", amount = "0", currency = "EUR" }', "amount above 0"),
        ('{ kind = "fixed", amount = "1", currency = "XXY" }', "unknown currency"),
        ('{ kind = "percent", percent = "101" }', "at most 100%"),
        ('{ kind = "percent", percent = "1.555" }', "at most 2 decimals"),
        ('{ kind = "compensation", amount = "40" }', "unknown fee setting"),
        ('{ kind = "gift" }', "'gift' is not one of fixed, percent, compensation"),
        ('"5 EUR"', "fee must be a table"),
    ],
)
def test_a_bad_fee_is_refused_naming_the_strategy_and_step(fee, message):
    text = strategies_to_toml(DEFAULT_STRATEGIES).replace(
        "follow_up_days = 7", f"follow_up_days = 7\nfee = {fee}", 1
    )
    with pytest.raises(LadderError, match=message) as e:
        strategies_from_toml(text)
    assert "strategy high_risk" in str(e.value) and "step reminder" in str(e.value)
