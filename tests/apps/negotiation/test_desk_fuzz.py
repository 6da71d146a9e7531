"""Property: any desk call, however odd its arguments, either succeeds or is refused cleanly (a
`CommandError` with a message), and a refusal leaves every table exactly as it was.

Each example is a short sequence of calls (promise, propose, plan, dispute, excuse, write-off,
approve, hand-over, the withdrawals, and the daily run) on the desk's world plus a second
company with its own collector, debtor and case, inside a savepoint rolled back afterwards so
examples stay independent and reproducible. Arguments mix the plausible (the world's debtors,
users, items and days) with the odd: unicode, huge, negative and non-finite amounts and rates,
far and malformed dates, repeated parts, unknown items and debtors, empty strings.

The suite's budget is small; `bench/fuzz_desk.py` runs the same properties with a larger one
(ARREARS_DESK_FUZZ_EXAMPLES), and ARREARS_DESK_FUZZ_REPORT names a JSON file the calls tried
are counted into.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from arrears.apps.cases.models import Action
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.common import clock
from arrears.apps.negotiation import cli
from arrears.apps.negotiation.models import Approval, Dispute, PaymentPlan, PromiseToPay, WriteOff
from arrears.apps.negotiation.services import common
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, World, world
from tests.factories import admin, run_as_admin
from tests.tables import snapshot

pytestmark = pytest.mark.django_db(transaction=False)

LAST = "@last"  # an id placeholder: the newest approval, promise, plan... when called
TODAY = AS_OF + timedelta(days=9)  # the real day, as the desk and the run see it here
EXAMPLES = int(os.environ.get("ARREARS_DESK_FUZZ_EXAMPLES", "30"))
REPORT = os.environ.get("ARREARS_DESK_FUZZ_REPORT", "")
TRIED: Counter[str] = Counter()  # "<command> ok|refused", for the larger runner's report
WHY: Counter[str] = Counter()  # "<command>: <refusal, its figures blanked>"

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Rollback(Exception):
    pass


# --- the world -----------------------------------------------------------------------------


@pytest.fixture
def fuzz_world(db, monkeypatch) -> World:
    """The desk's world (cora owns D.., carl does not, maria and mike approve, lena is legal)
    plus a second company `other` whose collector olga owns a debtor with an item named like
    one of acme's (INV-OLD), so any leak across companies would show. Today is fixed."""
    for seam in (clock, common, cli):
        monkeypatch.setattr(seam, "today", lambda: TODAY)
    w = world()
    other = factories.company("other")
    strategies_install_defaults(actor=admin(), company=other)
    olga = factories.collector("olga", other)
    d = factories.debtor(other, code="OTHER-1", owner=olga)
    factories.item(d, due=AS_OF - timedelta(days=20), number="INV-OLD")
    run_as_admin(company=other, as_of=AS_OF)
    yield w
    if REPORT:
        path = Path(REPORT)
        old = json.loads(path.read_text()) if path.exists() else {"tried": {}, "why": {}}
        for key, counter in (("tried", TRIED), ("why", WHY)):
            for k, n in counter.items():
                old[key][k] = old[key].get(k, 0) + n
            counter.clear()
        path.write_text(json.dumps(old, indent=1, sort_keys=True))


# --- arguments: mostly plausible (so calls get far and leave state behind), often odd -------


def mostly(
    good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], one_in: int = 8
) -> st.SearchStrategy[Any]:
    """`odd` once in `one_in` draws, else `good`: every argument of a call is odd now and
    then, while whole calls still succeed often enough to build promises, plans, disputes..."""
    return st.integers(1, one_in).flatmap(lambda k: odd if k == 1 else good)


ODD_TEXT = st.sampled_from(["", " ", "\t", "é", "١٠٠", "名前", "\x00", "-", "--", "0", "x" * 300])
texts = st.one_of(ODD_TEXT, st.text(max_size=12))


def _day(d: date) -> str:
    return d.isoformat()


desk_days = st.integers(0, 9).map(lambda n: _day(AS_OF + timedelta(days=n)))  # up to today
later_days = st.integers(9, 90).map(lambda n: _day(AS_OF + timedelta(days=n)))  # from today
near_days = st.integers(-40, 90).map(lambda n: _day(AS_OF + timedelta(days=n)))
far_days = st.sampled_from(
    [
        "9999-12-31",
        "9999-12-25",
        "0001-01-01",
        "0001-06-01",
        "1899-12-31",
        "1900-01-01",
        "2100-01-01",
        "2031-11-25",  # the default horizon (1826 days) from AS_OF
        "2031-11-26",
        _day(TODAY + timedelta(days=1)),
    ]
)
bad_days = st.sampled_from(["20261204", "2026-W49-5", "2026-02-30", "2026-13-01", "", "today"])
odd_days = st.one_of(far_days, bad_days, texts)
days = mostly(later_days, st.one_of(near_days, odd_days), 5)  # parts, deadlines, first due
as_of_days = mostly(desk_days, st.one_of(near_days, odd_days))  # the day a call is dated

plain_amounts = st.integers(1, 300_00).map(lambda m: f"{m // 100}.{m % 100:02d}")
odd_amounts = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            "0.001",
            "1.",
            ".5",
            "1e3",
            "NaN",
            "Infinity",
            "-Infinity",
            "١٠٠",
            "１００",
            "9999999999999.99",
            "10000000000000",
            "1" + "0" * 25,
            "9" * 40,
            "1E+999999",
            " 12 ",
            "1,000",
        ]
    ),
    st.integers(-5, 2_000).map(str),
    st.decimals(-(10**6), 10**6, places=3, allow_nan=False).map(str),
    texts,
)
amounts = mostly(plain_amounts, odd_amounts, 5)
rates = mostly(
    st.sampled_from(["0", "0.05", "0.08", "0.2"]),
    st.one_of(
        st.sampled_from(["0.21", "1", "100", "-0.01", "abc", "NaN", "Infinity", "1e400"]),
        st.sampled_from(["1E+999999", "0,08", "٠.٠٨", ""]),
        st.decimals(0, 2, places=4, allow_nan=False).map(str),
    ),
)
items = mostly(st.sampled_from(["INV-OLD", "INV-NEW"]), st.one_of(st.just("INV-NONE"), texts))


def item_parts(least: int, most: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """ITEM:AMOUNT parts: mostly each item once, now and then one item twice or more."""
    each_once = st.lists(
        st.tuples(items, amounts), min_size=least, max_size=most, unique_by=lambda p: p[0]
    )
    return mostly(each_once, st.lists(st.tuples(items, amounts), min_size=least, max_size=most), 4)


# Items a call names: mostly each once (so calls get through), now and then one named twice.
item_lists = mostly(
    st.lists(items, max_size=2, unique=True), st.lists(items, min_size=2, max_size=3), 4
)
users = mostly(
    st.sampled_from(["cora", "cora", "maria", "mike"]),
    st.one_of(st.sampled_from(["carl", "lena", "olga", "ghost"]), texts),
)
debtors = mostly(st.just("D00001"), st.sampled_from(["OTHER-1", "NOPE", ""]))  # D00001: the world's
companies = mostly(st.just(["--company=acme"]), st.sampled_from([["--company=other"], []]))
ids = mostly(
    st.one_of(st.just(LAST), st.integers(1, 6).map(str)),
    st.one_of(
        st.sampled_from(["A1", "P1", "PL1", "W1", "D1", "x", "-1", "0", "99999999999999999999"]),
        texts,
    ),
)
counts = mostly(
    st.integers(1, 12), st.one_of(st.integers(-2, 40), st.sampled_from([1200, 1201, 10**12]))
).map(str)
contacts = mostly(st.just("Mr Weber"), texts)
reasons = mostly(st.just("the reason"), texts)


LATEST = {  # what `@last` names, per command: the newest row the call can act on
    "approve": Approval,
    "approval-withdraw": Approval,
    "promise-cancel": PromiseToPay,
    "plan-withdraw": PaymentPlan,
    "writeoff-cancel": WriteOff,
    "dispute": Dispute,
    "action-done": Action,
    "action-cancel": Action,
    "action-sent": Action,
}


def _latest(command: str) -> str:
    rows = LATEST[command].objects.order_by("-pk")
    if LATEST[command] is Action:  # acme's: the second company's run books actions too
        rows = rows.filter(case__company__code="acme")
    row = rows.first()
    return str(row.pk) if row else "1"


def _opt(name: str, value: str) -> str:
    return f"--{name}={value}"  # '=' keeps a value starting with '-' a value


@st.composite
def common_opts(draw: Any) -> list[str]:
    out = [_opt("user", draw(users)), *draw(companies)]
    if draw(st.integers(0, 3)):
        out.append(_opt("as-of", draw(as_of_days)))
    return out


@st.composite
def promise_call(draw: Any) -> list[str]:
    parts = draw(st.lists(st.tuples(days, amounts), min_size=1, max_size=3))
    args = ["promise", draw(debtors), *(_opt("part", f"{d}:{a}") for d, a in parts)]
    args.append(_opt("contact", draw(contacts)))
    args += [_opt("item", i) for i in draw(item_lists)]
    return args


@st.composite
def propose_call(draw: Any) -> list[str]:
    args = ["propose", draw(debtors), _opt("first", f"{draw(days)}:{draw(amounts)}")]
    if draw(st.booleans()):
        args.append(_opt("rest", f"{draw(days)}:{draw(amounts)}"))
        if draw(st.booleans()):
            args.append(_opt("instalments", draw(counts)))
    args.append(_opt("contact", draw(contacts)))
    if draw(st.booleans()):
        action = draw(st.sampled_from(["accept", "counter", "concede", "hold", "needs_approval"]))
        args += [_opt("override", action), _opt("reason", draw(reasons))]
    return args


@st.composite
def plan_call(draw: Any) -> list[str]:
    args = ["plan", draw(debtors)]
    if draw(st.booleans()):
        args += [_opt("first-due", draw(days)), _opt("count", draw(counts))]
        if draw(st.booleans()):
            args.append(_opt("down", draw(amounts)))
        if draw(st.booleans()):
            args.append(_opt("rate", draw(rates)))
    else:
        parts = draw(st.lists(st.tuples(days, amounts), min_size=1, max_size=4))
        args += [_opt("part", f"{d}:{a}") for d, a in parts]
    if draw(st.booleans()):
        args.append(_opt("principal", draw(amounts)))
    args += [_opt("item", i) for i in draw(item_lists)]
    return args


@st.composite
def dispute_call(draw: Any) -> list[str]:
    if draw(st.integers(0, 3)) == 0:
        outcome = draw(
            st.sampled_from(["credit_note", "partial_credit", "rejected", "written_off"])
        )
        args = ["dispute", draw(debtors), _opt("resolve", draw(ids)), _opt("outcome", outcome)]
        if draw(st.booleans()):
            args.append(_opt("credited", draw(amounts)))
        return args
    parts = draw(item_parts(1, 3))
    args = ["dispute", draw(debtors), *(_opt("part", f"{i}:{a}") for i, a in parts)]
    args.append(_opt("reason", draw(st.sampled_from(["quality", "not_delivered", "other"]))))
    if draw(st.booleans()):
        args.append(_opt("deadline", draw(days)))
    return args


@st.composite
def writeoff_call(draw: Any) -> list[str]:
    parts = draw(item_parts(0, 4))
    return ["writeoff", draw(debtors), _opt("reason", draw(reasons))] + [
        _opt("part", f"{i}:{a}") for i, a in parts
    ]


@st.composite
def excuse_call(draw: Any) -> list[str]:
    excuse = draw(st.sampled_from(["no_money", "invoice_not_received", "already_paid"]))
    return ["excuse", draw(debtors), excuse, _opt("contact", draw(contacts))]


@st.composite
def approve_call(draw: Any) -> list[str]:
    verdict = draw(st.sampled_from(["--grant", "--refuse"]))
    return ["approve", draw(ids), verdict, _opt("reason", draw(reasons))]


@st.composite
def withdraw_call(draw: Any) -> list[str]:
    code = draw(
        st.sampled_from(["promise-cancel", "plan-withdraw", "approval-withdraw", "writeoff-cancel"])
    )
    return [code, draw(ids), _opt("reason", draw(reasons))]


@st.composite
def close_call(draw: Any) -> list[str]:
    return ["negotiation-close", draw(debtors), _opt("reason", draw(reasons))]


@st.composite
def handover_call(draw: Any) -> list[str]:
    to = draw(st.sampled_from(["legal", "agency"]))
    owner = draw(mostly(st.just("lena"), users))
    return ["handover", draw(debtors), _opt("to", to), _opt("owner", owner), "--reason=x"]


@st.composite
def action_call(draw: Any) -> list[str]:
    """A person's action done, cancelled or sent (these take the action's company: no
    --company), dated by --as-of now and then."""
    code = draw(st.sampled_from(["action-done", "action-cancel", "action-sent"]))
    action = draw(mostly(st.just(LAST), st.one_of(ids, st.just("A\u0661"))))
    args = [code, action if action == LAST else f"A{action}", _opt("user", draw(users))]
    if code == "action-done":
        outcome = mostly(st.sampled_from(["reached", "no_answer", "done", "promised"]), texts)
        args += [_opt("outcome", draw(outcome)), _opt("note", draw(texts))]
    elif code == "action-cancel":
        args.append(_opt("reason", draw(reasons)))
    elif draw(st.booleans()):
        args.append("--failed")
    if draw(st.integers(0, 2)):
        args.append(_opt("as-of", draw(as_of_days)))
    return args


@st.composite
def desk_call(draw: Any) -> list[str]:
    head = draw(
        st.one_of(
            promise_call(),
            propose_call(),
            plan_call(),
            dispute_call(),
            writeoff_call(),
            excuse_call(),
            approve_call(),
            withdraw_call(),
            close_call(),
            handover_call(),
        )
    )
    return head + draw(common_opts())


@st.composite
def any_desk_call(draw: Any) -> list[str]:
    """A negotiation call now and then a person's action (ten to one, as the desk's kinds)."""
    return draw(st.integers(0, 10).flatmap(lambda k: action_call() if k == 0 else desk_call()))


@st.composite
def run_call(draw: Any) -> list[str]:
    runner = mostly(st.just("admin"), st.sampled_from(["maria", "cora", "ghost"]))
    args = ["run", _opt("as-of", draw(as_of_days)), _opt("user", draw(runner)), *draw(companies)]
    if draw(st.integers(0, 4)) == 0:
        args.append("--dry-run")
    return args


# --- the property --------------------------------------------------------------------------

# Python's own words, not ours: a refusal that reads like this is an exception that escaped
# with its message (a ValueError from `date`, `int`, `Decimal`...), not a refusal naming what
# is wrong. `plan --first-due 9999-12-01 --count 2` once said "year 10000 is out of range".
PYTHON_WORDS = re.compile(
    r"is out of range|out of range for|invalid literal|has no attribute|unsupported operand"
    r"|object is not|positional argument|values to unpack|index out of|\[<class"
    r"|NoneType|division by zero|math domain|Traceback|cannot convert|too many values"
)


def _call(w: World, args: list[str]) -> None:
    """One call: success, or a refusal that names its reason and changed nothing."""
    args = [w.debtor.code if a == "D00001" else a for a in args]
    if any(LAST in a for a in args):
        args = [a.replace(LAST, _latest(args[0])) for a in args]
    args, token = terminal.prepare(args)
    before = snapshot()
    try:
        terminal.run(*args, token=token, stderr=StringIO())
    except CommandError as e:
        TRIED[f"{args[0]} refused"] += 1
        WHY[f"{args[0]}: {re.sub(r'[0-9]+', '#', str(e))[:90]}"] += 1
        assert str(e).strip(), f"an empty refusal for {args!r}"
        assert not PYTHON_WORDS.search(str(e)), f"{args!r}: Python's words, not a refusal: {e}"
        assert snapshot() == before, f"{args!r} was refused ({e}) but wrote"
    else:
        TRIED[f"{args[0]} ok"] += 1


def _calls(w: World, sequence: list[list[str]]) -> None:
    try:
        with transaction.atomic():
            for args in sequence:
                _call(w, args)
            raise _Rollback
    except _Rollback:
        pass


@FUZZ
@given(sequence=st.lists(any_desk_call(), min_size=1, max_size=4))
def test_any_desk_call_succeeds_or_is_refused_and_a_refusal_writes_nothing(fuzz_world, sequence):
    _calls(fuzz_world, sequence)


@FUZZ
@given(sequence=st.lists(st.one_of(desk_call(), action_call(), run_call()), min_size=1, max_size=5))
@example(  # found on PostgreSQL: a NUL in the person's name must not reach the database
    sequence=[["plan", "D00001", "--part=2026-11-25:0", "--user=\x00", "--company=acme"]]
)
def test_desk_calls_between_daily_runs_succeed_or_are_refused_cleanly(fuzz_world, sequence):
    _calls(fuzz_world, sequence)
