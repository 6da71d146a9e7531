"""How a worklist line's reasons and the worklist's refusals read."""

from __future__ import annotations

from datetime import date

from arrears import words
from arrears.apps.cases.presentation import reasons_words, why_words
from arrears.apps.cases.worklist import WorklistLine
from arrears.domain.ladder import Channel, Role
from arrears.domain.refusal import Refusal
from arrears.domain.scoring import Reasons


def _line(currency: str = "EUR", **reasons: int | str) -> WorklistLine:
    r = {
        "overdue_minor": 1_000_00,
        "overdue_company_minor": 1_000_00,
        "days_overdue": 1,
        "broken_promises": 0,
        "days_late": 0,
        "expected_minor": 98_90,
        "score": 98_90,
        "bucket": "1-30",
        **reasons,
    }
    return WorklistLine(
        rank=1,
        action_id=1,
        case_id=1,
        debtor_id=1,
        debtor_code="D1",
        debtor_name="D1 GmbH",
        owner="cora",
        step_code="reminder",
        channel=Channel.LETTER,
        role=Role.COLLECTOR,
        due_on=date(2026, 11, 25),
        currency=currency,
        company_currency="EUR",
        reasons=Reasons(**r),
    )


def test_reasons_read_as_one_sentence_with_every_figure():
    line = _line(days_overdue=45, broken_promises=2, days_late=1, bucket="31-60")
    assert reasons_words(line) == (
        "EUR 1,000.00 overdue, 1 day late, oldest 45 days overdue (31-60), 2 broken promises: "
        "expect EUR 98.90"
    )


def test_a_foreign_currency_case_shows_both_amounts():
    line = _line("USD", overdue_company_minor=923_46)
    assert reasons_words(line).startswith("USD 1,000.00 (EUR 923.46) overdue, due today, oldest")


def test_a_case_with_nothing_overdue_says_so():
    assert why_words(_line(days_overdue=0, bucket="not-due", expected_minor=0)) == (
        "nothing overdue: expect EUR 0.00"
    )


def test_the_worklists_refusals_have_words():
    no_rate = Refusal("worklist.no_rate", currencies="GBP, CHF")
    assert words.say(no_rate).startswith("no exchange rate into the company currency for GBP, CHF")
    unknown = Refusal("worklist.unknown_filter", name="bucket", value="9", choices="1-30, 90+")
    assert words.say(unknown) == "'9' is not a bucket the worklist knows: use one of 1-30, 90+"


def test_an_assignment_says_who_owns_what_now():
    from arrears.apps.cases.presentation import assigned_lines
    from arrears.apps.cases.services import Assigned

    assert assigned_lines(Assigned({"cora": 1}, [], 0), debtor="D42", owner="cora") == [
        "D42 now owned by cora"
    ]
    assert assigned_lines(Assigned({}, [], 1), debtor="D42", owner="cora") == [
        "D42 already owned by cora"
    ]
    left = [f"U{i}" for i in range(12)]
    lines = assigned_lines(Assigned({"carl": 2, "cora": 3}, left, 0), rule="round_robin")
    assert lines[:3] == [
        "5 unowned debtors given an owner (round_robin):",
        "  carl             2",
        "  cora             3",
    ]
    assert lines[3] == "  still unowned (no rule for them): " + ", ".join(left[:10]) + " ..."


def test_every_propensity_feature_is_said_in_words_and_states_by_name():
    from arrears.apps.cases.presentation import CHOICE_WORDS, DRIVER_WORDS, driver_words
    from arrears.domain import propensity as P

    assert set(P.FEATURES) <= set(DRIVER_WORDS) | set(CHOICE_WORDS)
    assert driver_words("disputed", 0.0, -4) == "not in dispute (-4 pts)"
    assert driver_words("disputed", 1.0, 7) == "in dispute (+7 pts)"
    assert driver_words("risk_tier", 2.0, -9) == "high risk (-9 pts)"
    assert driver_words("risk_tier", None, 3) == "no risk tier (+3 pts)"
    assert driver_words("debtor_promises_broken", 2.0, -6) == "2 promises broken (-6 pts)"
    assert driver_words("step_reached", 3.0, -2) == "at rung 3 of the ladder (-2 pts)"
