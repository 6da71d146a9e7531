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
