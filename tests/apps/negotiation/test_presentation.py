"""The negotiation desk's refusals in words: every code the app raises has words, each raise
site's figures fill them (no missing figure), no terminal option is in them (the terminal adds
its hints), and a few sentences read as a person reads them, on a page and on the terminal."""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from arrears import words
from arrears.apps import negotiation
from arrears.apps.negotiation.cli import HINTS, refusal_words
from arrears.apps.negotiation.presentation import TAKING_WORDS, THING_WORDS, WORDS, enrich
from arrears.domain.refusal import NotAllowed, Refusal
from tests import terminal
from tests.apps.negotiation.support import AS_OF
from tests.tables import snapshot

APP = Path(negotiation.__file__).parent
REFUSALS = {"Refused", "NotAllowed", "Refusal"}

# A sample of each figure a raise site passes, by its name.
SAMPLE: dict[str, Any] = {
    "action": 45,
    "amount": Decimal("10000000000000"),
    "amount_minor": 400_01,
    "answer": "shouting",
    "approval": 7,
    "as_of": date(2026, 11, 25),
    "case": 4,
    "codes": ("part_payment_and_plan", "own_words"),
    "count": 67,
    "company": "acme",
    "credit_minor": 1000_00,
    "currency": "EUR",
    "day": date(2026, 11, 26),
    "days": 1826,
    "debtor": "D00001",
    "digits": 13,
    "dispute": 49,
    "due_minor": 1000_00,
    "excuse": "no_money",
    "first": date(1900, 1, 1),
    "first_on": date(2026, 12, 30),
    "got": "USD",
    "item": "INV-1",
    "items": ["INV-1", "INV-2"],
    "last": date(2026, 11, 24),
    "left_minor": 100_00,
    "most": Decimal("0.20"),
    "need_minor": 250_00,
    "negotiation": 2,
    "on": date(2026, 12, 5),
    "open_minor": 400_00,
    "person": "carl",
    "run": 12,
    "plan": 3,
    "promise": 12,
    "promised_minor": 1000_01,
    "rate": Decimal("0.5"),
    "reason": "paid",
    "reserved_minor": 300_00,
    "seq": 1,
    "status": "refused",
    "taking": "dispute",
    "today": date(2026, 11, 25),
    "want": "EUR",
    "what": "promised_amount",
    "why": "below_our_offer",
    "write_off": 5,
    "written": "courtesy, reminder",
    "to": "legal",
}


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    code: str
    figures: tuple[str, ...]


def _calls() -> list[tuple[str, ast.Call]]:
    out = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        rel = str(path.relative_to(APP))
        out.extend((rel, node) for node in ast.walk(tree) if isinstance(node, ast.Call))
    return out


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _sites() -> list[Site]:
    """Every refusal the app raises with a code written out, and the figures it passes."""
    found = []
    for path, call in _calls():
        if _name(call) not in REFUSALS or not call.args:
            continue
        first = call.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue  # a refusal said again with its own code (cli.refusal_words)
        assert all(k.arg for k in call.keywords), f"{path}:{call.lineno}: name each figure"
        names = tuple(str(k.arg) for k in call.keywords)
        found.append(Site(path, call.lineno, first.value, names))
    return found


SITES = _sites()


def _what_codes() -> set[tuple[str, str]]:
    """The `what` and `taking` codes the services pass to the shared desk checks."""
    out = set()
    for _, call in _calls():
        name = _name(call)
        if name in ("require_currency", "require_amounts") and call.args:
            out.add(("what", ast.literal_eval(call.args[0])))
        if name == "refuse_named_twice" and len(call.args) > 1:
            out.add(("what", ast.literal_eval(call.args[1])))
        if name == "require_within_horizon" and len(call.args) > 2:
            for node in ast.walk(call.args[2]):
                if isinstance(node, ast.Tuple) and isinstance(node.elts[0], ast.Constant):
                    out.add(("what", node.elts[0].value))
        if name == "refuse_under_commitment":
            for k in call.keywords:
                if k.arg == "what":
                    out.add(("taking", ast.literal_eval(k.value)))
    return out


def test_the_app_raises_its_refusals_with_codes_and_every_code_has_words():
    raised = {s.code for s in SITES}
    assert len(SITES) >= len(WORDS) > 50
    assert raised == set(WORDS), (raised - set(WORDS), set(WORDS) - raised)


def test_every_code_is_dotted_lower_snake_under_a_negotiation_area():
    areas = {"desk", "promise", "plan", "dispute", "writeoff", "handover", "negotiation"}
    areas |= {"approval", "excuse", "policy"}
    for code in WORDS:
        area, _, what = code.partition(".")
        assert area in areas and what and what.replace("_", "").isalpha() and what.islower()


@pytest.mark.parametrize("site", SITES, ids=lambda s: f"{s.code}@{s.path}:{s.line}")
def test_each_raise_site_fills_its_words_with_the_figures_it_passes(site):
    figures = {name: SAMPLE[name] for name in site.figures}
    refusal = Refusal(site.code, **figures)
    want = string.Formatter().vformat(WORDS[site.code], (), enrich(figures))  # KeyError: missing
    assert words.say(refusal) == want
    said = refusal_words(refusal)
    assert said.strip() and "{" not in said and "}" not in said and site.code not in said
    hint = HINTS.get(site.code)
    if hint is not None:
        assert hint.format_map(figures) in said


def test_the_words_name_no_terminal_option_or_command():
    for code, template in WORDS.items():
        assert "--" not in template and "`" not in template and "arrears " not in template, code


def test_each_terminal_hint_fills_a_slot_its_words_leave():
    slots = {code for code, t in WORDS.items() if "{hint}" in t}
    assert set(HINTS) == slots


def test_every_thing_a_desk_check_speaks_of_has_words():
    codes = _what_codes()
    assert {c for kind, c in codes if kind == "what"} <= set(THING_WORDS)
    assert {c for kind, c in codes if kind == "taking"} <= set(TAKING_WORDS)
    assert len(codes) >= 15


# --- a few sentences, as a person reads them ----------------------------------------------------


def test_a_promise_above_what_is_due_says_both_amounts_and_the_terminal_adds_the_option():
    r = Refusal("promise.above_due", promised_minor=1000_01, due_minor=1000_00, currency="EUR")
    page = (
        "the promise (EUR 1,000.01) is more than is due on the case (EUR 1,000.00, less the "
        "credit we hold): to promise invoices not yet due, name them"
    )
    assert words.say(r) == page
    assert refusal_words(r) == page + " with --item"


def test_a_write_off_beyond_what_is_left_says_every_amount_with_its_currency():
    r = Refusal(
        "writeoff.beyond_left",
        item="INV-NEW",
        amount_minor=200_00,
        left_minor=100_00,
        open_minor=400_00,
        reserved_minor=300_00,
        currency="EUR",
    )
    assert words.say(r) == (
        "EUR 200.00 written off on item 'INV-NEW' is more than is left to write off there: "
        "EUR 100.00 (EUR 400.00 open, EUR 300.00 already written off, awaiting approval, "
        "disputed or credited)"
    )


def test_an_amount_too_large_and_what_it_is_are_said_in_words():
    r = Refusal(
        "desk.amount_too_large",
        what="promised_amount",
        amount=Decimal(10) ** 30,
        currency="EUR",
        digits=13,
    )
    assert words.say(r) == (
        "the promised amount (EUR 1,000,000,000,000,000,000,000,000,000,000.00) is too large: "
        "at most 13 digits before the decimal point"
    )


def test_the_terminal_names_the_command_that_withdraws_what_stands_in_the_way():
    r = Refusal(
        "desk.under_plan",
        plan=3,
        taking="write_off",
        need_minor=1000_00,
        left_minor=0,
        currency="EUR",
    )
    assert refusal_words(r) == (
        "plan PL3 counts on money this write-off would take (EUR 1,000.00 still to pay, EUR "
        "0.00 left on what it covers): withdraw it first (`arrears plan-withdraw PL3`), then "
        "agree new terms"
    )


def test_a_refusal_reads_in_words_even_in_a_log():
    r = NotAllowed("dispute.not_resolver", person="carl", dispute=49)
    assert str(r) == (
        "carl may not resolve dispute D49: its owner, their manager or a credit manager"
    )


@pytest.mark.django_db
def test_a_desk_command_prints_the_words_not_the_code(w):
    terminal.token_for(w.cora)  # her token (a row) is made before the count
    before = snapshot()
    with pytest.raises(CommandError) as got:
        terminal.run(
            "promise",
            w.debtor.code,
            "--part",
            "2026-11-27:1000.01",
            "--contact",
            "Mr Weber",
            "--as-of",
            AS_OF.isoformat(),
            as_=w.cora,
        )
    assert str(got.value) == (
        "the promise (EUR 1,000.01) is more than is due on the case (EUR 1,000.00, less the "
        "credit we hold): to promise invoices not yet due, name them with --item"
    )
    assert snapshot() == before
