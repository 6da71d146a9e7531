"""§1: unowned debtors get an owner by a rule a person can read."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.assignment import (
    AssignmentError,
    AssignRule,
    assign_one,
    assign_unowned,
    parse_mapping,
)


def _debtors(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"code": pl.String, "country": pl.String, "risk_tier": pl.String}, orient="row"
    )


def test_round_robin_gives_each_debtor_to_the_least_loaded_collector_first():
    debtors = _debtors([(f"D{i}", "DE", "low") for i in range(5)])
    got = assign_unowned(
        debtors, AssignRule.ROUND_ROBIN, collectors=["cora", "carl"], load={"cora": 3}
    )
    # carl owns nothing yet: he takes the first three, then they alternate (ties by name)
    assert got["owner"].to_list() == ["carl", "carl", "carl", "carl", "cora"]


def test_a_country_map_leaves_unmapped_countries_unowned():
    debtors = _debtors([("D1", "DE", "low"), ("D2", "FR", "low"), ("D3", "AT", "high")])
    got = assign_unowned(debtors, AssignRule.COUNTRY, mapping={"DE": "cora", "AT": "carl"})
    assert dict(zip(got["code"], got["owner"], strict=True)) == {
        "D1": "cora",
        "D2": "",
        "D3": "carl",
    }


def test_a_segment_map_reads_the_risk_tier():
    debtors = _debtors([("D1", "DE", "high"), ("D2", "DE", "low")])
    got = assign_unowned(debtors, AssignRule.SEGMENT, mapping={"high": "maria"})
    assert got["owner"].to_list() == ["maria", ""]


@pytest.mark.parametrize(
    ("text", "code"),
    [("DE", "assign.bad_pair"), ("DE=a,DE=b", "assign.key_twice"), ("", "assign.no_map")],
)
def test_a_bad_map_is_refused_by_code(text, code):
    with pytest.raises(AssignmentError) as refused:
        parse_mapping(text)
    assert refused.value.code == code


def test_round_robin_without_collectors_is_refused():
    with pytest.raises(AssignmentError) as refused:
        assign_unowned(_debtors([("D1", "DE", "low")]), AssignRule.ROUND_ROBIN)
    assert refused.value.code == "assign.no_collectors"


codes = st.text("ABCD0123", min_size=1, max_size=4)


@given(
    st.lists(
        st.tuples(codes, st.sampled_from(["DE", "AT", "FR"]), st.sampled_from(["low", "high"])),
        min_size=1,
        max_size=1,
        unique_by=lambda r: r[0],
    ),
    st.sampled_from(list(AssignRule)),
    st.dictionaries(st.sampled_from(["cora", "carl", "dora"]), st.integers(0, 5), min_size=1),
)
def test_one_debtor_is_assigned_as_the_batch_assigns_it(rows, rule, load):
    mapping = {"DE": "cora", "high": "carl", "AT": "dora"}
    batch = assign_unowned(_debtors(rows), rule, collectors=list(load), load=load, mapping=mapping)
    one = assign_one(*rows[0], rule, collectors=list(load), load=load, mapping=mapping)
    assert (one.code, one.owner, str(one.rule), one.key) == batch.row(0)


@given(st.integers(1, 60), st.integers(1, 6))
def test_round_robin_evens_out_portfolios_from_empty(n, k):
    names = [f"c{i}" for i in range(k)]
    debtors = _debtors([(f"D{i:03d}", "DE", "low") for i in range(n)])
    counts = assign_unowned(debtors, AssignRule.ROUND_ROBIN, collectors=names)[
        "owner"
    ].value_counts()
    assert counts["count"].max() - (counts["count"].min() if counts.height == k else 0) <= 1
