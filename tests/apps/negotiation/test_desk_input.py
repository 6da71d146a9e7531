"""What the desk's commands read: dates only as YYYY-MM-DD, amounts and rates by one strict
rule (the import's), within bounds; a refusal writes nothing. Every world here has a second
company (with its own collector and case) that must stay as it was."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.common.cli import iso_date
from arrears.apps.negotiation.services import negotiation_policy_load
from arrears.domain import dates, money
from arrears.domain.money import Money
from arrears.domain.negotiation.document import PolicyDocumentError, policy_from_document
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, World, eur, refused, terminal_words, world
from tests.factories import admin, run_as_admin
from tests.tables import snapshot

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()


@pytest.fixture
def w(db) -> World:
    got = world()
    other = factories.company("other")
    strategies_install_defaults(actor=admin(), company=other)
    d = factories.debtor(other, owner=factories.collector("olga", other))
    factories.item(d, due=AS_OF - timedelta(days=10), number="INV-OLD")
    run_as_admin(company=other, as_of=AS_OF)
    return got


def _call(*args: str) -> str:
    return terminal.run(*args)


def _refused(*args: str) -> str:
    """The command's clean refusal (a CommandError), having written nothing anywhere."""
    args_, token = terminal.prepare(args)
    before = snapshot()
    with pytest.raises(CommandError) as got:
        terminal.run(*args_, token=token)
    assert snapshot() == before
    assert str(got.value).strip()
    return str(got.value)


@pytest.mark.parametrize(
    "text",
    [
        "20261204",
        "2026-W49-5",
        "2026-W49",
        "2026-338",
        "2026-12-4",
        "2026-12-04T00:00",
        " 2026-12-04",
        "2026-12-04\n",
        "２０２６-12-04",
        "+2026-12-04",
        "2026-02-30",
        "",
    ],
)
def test_dates_are_read_only_as_yyyy_mm_dd(text):
    with pytest.raises(argparse.ArgumentTypeError, match="is not a date"):
        iso_date(text)


def test_a_date_written_yyyy_mm_dd_is_read():
    assert iso_date("2026-12-04") == date(2026, 12, 4)
    assert iso_date("9999-12-31") == date.max


@pytest.mark.parametrize("text", ["0001-06-01", "0001-01-01", "1899-12-31"])
def test_dates_before_1900_are_refused_when_read(text):
    with pytest.raises(argparse.ArgumentTypeError) as got:
        iso_date(text)
    assert str(got.value) == dates.DATE_TOO_EARLY.format(
        day=date.fromisoformat(text), first=dates.FIRST_DAY
    )


@pytest.mark.parametrize("day", ["20261204", "2026-W49-5"])
def test_run_and_desk_commands_refuse_an_as_of_not_written_yyyy_mm_dd(w, day):
    assert "is not a date" in _refused("run", "--company", "acme", "--as-of", day)
    said = _refused(
        "promise",
        w.debtor.code,
        "--company",
        "acme",
        "--part",
        "2026-11-27:300",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        day,
    )
    assert "is not a date" in said


# --- amounts and rates: one strict rule (the import's), within bounds -----------------------

BIG = ["10000000000000", "1" + "0" * 25, "9" * 27, "1" + "0" * 40 + ".00"]


def _promise(w, part: str, *more: str) -> str:
    return _call(
        "promise",
        w.debtor.code,
        "--company",
        "acme",
        "--part",
        part,
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
        *more,
    )


def test_the_desk_reads_amounts_by_the_imports_pattern():
    from arrears.apps.ledger.imports import amounts as import_amounts

    assert money.AMOUNT_PATTERN == import_amounts.AMOUNT_PATTERN


@given(st.text(alphabet=st.sampled_from("0123456789.-+eE ,_١٠٥٣x\t"), max_size=20) | st.text())
@settings(max_examples=300, deadline=None)
def test_an_amount_is_accepted_exactly_when_the_import_would_read_it(text):
    import re

    from arrears.apps.ledger.imports import amounts as import_amounts

    stripped = text.strip()
    readable = re.fullmatch(import_amounts.AMOUNT_PATTERN, stripped, re.ASCII) is not None
    try:
        got = money.parse_amount(text)
    except money.MoneyError:
        assert not readable or abs(Decimal(stripped)) >= money.MAX_AMOUNT
    else:
        assert readable and got == Decimal(stripped) and abs(got) < money.MAX_AMOUNT


@pytest.mark.parametrize(
    "text", ["١٠٠", "１００", "1e3", "NaN", "Infinity", "-Infinity", "1.", ".5"]
)
def test_amounts_in_other_scripts_or_forms_are_refused(w, text):
    said = _refused(
        "propose",
        w.debtor.code,
        "--company",
        "acme",
        "--first",
        f"2026-11-30:{text}",
        "--contact",
        "Mr Weber",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert "is not a dated amount" in said


@pytest.mark.parametrize("big", BIG)
def test_amounts_of_13_digits_or_more_are_refused_cleanly_by_every_command(w, big):
    calls = [
        ["promise", "--part", f"2026-11-30:{big}", "--contact", "X"],
        ["propose", "--first", f"2026-11-30:{big}", "--contact", "X"],
        ["propose", "--first", "2026-11-30:100", "--rest", f"2027-01-30:{big}", "--contact", "X"],
        ["plan", "--first-due", "2027-01-01", "--count", "2", "--principal", big],
        ["plan", "--first-due", "2027-01-01", "--count", "2", "--down", big],
        ["plan", "--part", f"2027-01-01:{big}"],
        ["dispute", "--part", f"INV-OLD:{big}", "--reason", "quality"],
        ["writeoff", "--reason", "insolvent", "--part", f"INV-OLD:{big}"],
    ]
    for code, *args in calls:
        said = _refused(
            code, w.debtor.code, "--company", "acme", *args, "--user", "cora", "--as-of", DAY
        )
        assert "too large: at most 13 digits" in said, (code, said)


def test_the_services_refuse_amounts_of_13_digits_or_more(w):
    from arrears.apps.negotiation.services import promise_create

    huge = Money(Decimal(10) ** 30, "EUR")
    before = snapshot()
    got = refused(
        "desk.amount_too_large",
        promise_create,
        case=w.case,
        actor=w.cora,
        parts=[(AS_OF, huge)],
        given_by="Mr Weber",
        channel="phone",
        as_of=AS_OF,
    )
    assert got.figures == {
        "what": "promised_amount",
        "amount": Decimal(10) ** 30,
        "currency": "EUR",
        "digits": 13,
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "1e400",
        "1E+999999",
        "100",
        "-0.01",
        "0,08",
        "٠.٠٨",
    ],
)
def test_a_plan_rate_is_read_strictly_and_refused_cleanly(w, text):
    _refused(
        "plan",
        w.debtor.code,
        "--company",
        "acme",
        "--first-due",
        "2027-01-01",
        "--count",
        "3",
        "--rate",
        text,
        "--user",
        "cora",
        "--as-of",
        DAY,
    )


def _plan_with_rate(w, rate: str) -> str:
    return _call(
        "plan",
        w.debtor.code,
        "--company",
        "acme",
        "--first-due",
        "2026-12-25",
        "--count",
        "3",
        "--rate",
        rate,
        "--user",
        "cora",
        "--as-of",
        DAY,
    )


def test_a_plan_rate_above_the_companys_maximum_is_refused(w):
    terminal.token_for("cora")  # her first token (a row) is made before the count
    before = snapshot()
    with pytest.raises(CommandError) as got:
        _plan_with_rate(w, "0.5")
    assert str(got.value) == terminal_words(
        "plan.rate_too_high", rate=Decimal("0.5"), most=Decimal("0.20")
    )
    assert snapshot() == before
    negotiation_policy_load(company=w.company, document={"max_plan_rate": "0.6"}, actor=w.maria)
    assert "plan PL" in _plan_with_rate(w, "0.5")


def test_the_service_holds_a_plan_rate_to_the_companys_maximum(w):
    from arrears.apps.negotiation.services import PlanIn, plan_create

    dates_ = (date(2026, 12, 25), date(2027, 1, 25))
    before = snapshot()
    for rate, code, more in [
        (Decimal("0.21"), "plan.rate_too_high", {"most": Decimal("0.20")}),
        (Decimal("-1"), "plan.rate_negative", {}),
    ]:
        got = refused(
            code,
            plan_create,
            case=w.case,
            actor=w.cora,
            as_of=AS_OF,
            schedule=PlanIn(due_dates=dates_, annual_rate=rate),
        )
        assert got.figures == {"rate": rate, **more}
    got = refused(
        "plan.rate_not_finite",
        plan_create,
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=dates_, annual_rate=Decimal("NaN")),
    )
    assert got.figures["rate"].is_nan()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ({"max_plan_rate": "1.5"}, "max_plan_rate: '1.5' must be between 0 and 1"),
        ({"max_plan_rate": "NaN"}, "max_plan_rate: 'NaN' is not a number"),
        ({"horizon_days": 0}, "horizon_days: 0 must be between 1 and 36525 days"),
        ({"horizon_days": 40000}, "horizon_days: 40000 must be between 1 and 36525 days"),
        # a business-day count walked day by day: 10**12 hung every desk write and daily run
        (
            {"plan_grace_business_days": 10**12},
            "plan_grace_business_days: 1000000000000 must be a whole number, 0 to 9,999",
        ),
        (
            {"excuse_follow_up_days": {"no_money": 10**12}},
            "excuse_follow_up_days.no_money: 1000000000000 must be a whole number, 0 to 9,999",
        ),
        (
            {"dispute": {"resolve_within_business_days": 10000}},
            "dispute.resolve_within_business_days: 10000 must be a whole number, 0 to 9,999",
        ),
    ],
)
def test_the_policy_bounds_its_horizon_plan_rate_and_day_counts(doc, problem):
    with pytest.raises(PolicyDocumentError) as got:
        policy_from_document(doc)
    assert str(got.value) == f"negotiation policy: {problem}"


# --- dates on the desk: within the company's horizon ------------------------------------------


def test_desk_dates_beyond_the_horizon_are_refused_by_every_service(w):
    from arrears.apps.negotiation.services import (
        PlanIn,
        dispute_open,
        negotiation_propose,
        plan_create,
        promise_create,
    )
    from arrears.domain.negotiation import Terms

    far = AS_OF + timedelta(days=1827)
    calls = {
        "promised_payment": lambda: promise_create(
            case=w.case,
            actor=w.cora,
            parts=[(far, eur("10"))],
            given_by="Mr Weber",
            channel="phone",
            as_of=AS_OF,
        ),
        "instalment": lambda: plan_create(
            case=w.case,
            actor=w.cora,
            as_of=AS_OF,
            schedule=PlanIn(parts=[(AS_OF, eur("10")), (far, eur("990"))]),
        ),
        "first_payment": lambda: negotiation_propose(
            case=w.case,
            actor=w.cora,
            proposal=Terms.single(far, eur("10")),
            proposed_by="Mr Weber",
            as_of=AS_OF,
        ),
        "last_payment": lambda: negotiation_propose(
            case=w.case,
            actor=w.cora,
            proposal=Terms(AS_OF, eur("10"), far, eur("20"), 1),
            proposed_by="Mr Weber",
            as_of=AS_OF,
        ),
        "dispute_deadline": lambda: dispute_open(
            case=w.case,
            actor=w.cora,
            parts=[("INV-OLD", eur("10"))],
            reason="quality",
            as_of=AS_OF,
            deadline=far,
        ),
    }
    before = snapshot()
    for what, call in calls.items():
        got = refused("desk.beyond_horizon", call)
        assert got.figures == {"what": what, "day": far, "days": 1826, "as_of": AS_OF}
    assert snapshot() == before


def test_a_date_on_the_horizon_is_accepted(w):
    from arrears.apps.negotiation.services import dispute_open

    edge = AS_OF + timedelta(days=1826)
    assert (
        dispute_open(
            case=w.case,
            actor=w.cora,
            parts=[("INV-OLD", eur("10"))],
            reason="quality",
            as_of=AS_OF,
            deadline=edge,
        ).deadline
        == edge
    )


@pytest.mark.parametrize(
    "args",
    [
        ["promise", "--part", "9999-12-31:10", "--contact", "X"],
        ["plan", "--part", "2026-12-01:10", "--part", "9999-12-31:990"],
        ["plan", "--first-due", "9999-01-31", "--count", "1"],
        ["plan", "--first-due", "9999-12-01", "--count", "2"],  # was "year 10000 is out of range"
        ["plan", "--first-due", "2027-01-31", "--count", "1200"],
        ["propose", "--first", "9999-12-31:10", "--contact", "X"],
        ["dispute", "--part", "INV-OLD:10", "--reason", "quality", "--deadline", "2100-01-01"],
    ],
)
def test_far_desk_dates_are_refused_by_the_commands(w, args):
    code, *rest = args
    said = _refused(
        code, w.debtor.code, "--company", "acme", *rest, "--user", "cora", "--as-of", DAY
    )
    assert "horizon_days" in said


def test_a_plan_of_more_monthly_instalments_than_the_horizon_holds_is_refused_at_once(w):
    said = _refused(
        "plan",
        w.debtor.code,
        "--company",
        "acme",
        "--first-due",
        "2027-01-31",
        "--count",
        "99999999999",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert said == terminal_words("plan.count", count=99999999999, most=1826 // 28 + 1)


def test_the_plan_service_bounds_monthly_instalments_before_counting_them_out(w):
    """The first date against the horizon, then how many: only then are the dates made (the
    command made them first: a plan from 9999-12-01 crashed on the year 10000)."""
    from arrears.apps.negotiation.services import PlanIn, plan_create

    before = snapshot()
    got = refused(
        "desk.beyond_horizon",
        plan_create,
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(first_due=date(9999, 12, 1), count=2),
    )
    assert got.figures == {
        "what": "instalment",
        "day": date(9999, 12, 1),
        "days": 1826,
        "as_of": AS_OF,
    }
    for count in (0, 67, 10**12):
        got = refused(
            "plan.count",
            plan_create,
            case=w.case,
            actor=w.cora,
            as_of=AS_OF,
            schedule=PlanIn(first_due=AS_OF + timedelta(days=30), count=count),
        )
        assert got.figures == {"count": count, "most": 66}
    last = refused(  # 66 fit the count, but the 66th month lies past the horizon
        "desk.beyond_horizon",
        plan_create,
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(first_due=AS_OF + timedelta(days=30), count=66),
    )
    assert last.figures["what"] == "instalment"
    assert snapshot() == before
    plan = plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(first_due=date(2026, 12, 31), count=3),
    )
    # a month apart, each on the last business day on or before it (31 Jan and 28 Feb 2027
    # are Sundays)
    assert [i.due_on for i in plan.instalments.order_by("seq")] == [
        date(2026, 12, 31),
        date(2027, 1, 29),
        date(2027, 2, 26),
    ]


THERE = ["--company", "acme", "--as-of", DAY]


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "D", "--first-due", "2026-12-25", "--count", "\u0663", *THERE],
        ["plan", "D", "--first-due", "2026-12-25", "--count", "+3", *THERE],
        ["plan", "D", "--first-due", "2026-12-25", "--count", "1_0", *THERE],
        ["propose", "D", "--first", "2026-11-30:100", "--rest", "2027-01-30:500", *THERE]
        + ["--contact", "X", "--instalments", "\uff12"],
        ["action-done", "A\u0661", "--outcome", "reached", "--as-of", DAY],
    ],
)
def test_numbers_typed_in_other_scripts_or_forms_are_refused_as_amounts_are(w, args):
    """`int` reads '٣' as 3, '+3' and '1_0' too; the desk reads digits 0-9 only, as amounts."""
    code, target, *rest = args
    said = _refused(code, w.debtor.code if target == "D" else target, *rest, "--user", "cora")
    assert "is not a number" in said or "is not an action number" in said


def test_the_daily_run_survives_far_dates_already_stored(w):
    """Rows stored before the horizon existed (a promise part, an instalment, a dispute
    deadline on 9999-12-31) must not crash the run; each stays standing, as `never`."""
    from arrears.apps.negotiation.models import (
        Approval,
        Dispute,
        Instalment,
        PaymentPlan,
        PromisePart,
        PromiseToPay,
    )
    from arrears.apps.negotiation.services import (
        PlanIn,
        approval_decide,
        dispute_open,
        plan_create,
        promise_create,
    )

    promise_create(
        case=w.case,
        actor=w.cora,
        parts=[(AS_OF + timedelta(days=40), eur("100"))],
        given_by="Mr Weber",
        channel="phone",
        as_of=AS_OF,
        item_numbers=["INV-NEW"],
    )
    PromisePart.objects.update(on=date.max)
    plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(
            parts=[
                (AS_OF + timedelta(days=3), eur("100")),
                (AS_OF + timedelta(days=60), eur("500")),
            ],
            item_numbers=["INV-OLD"],
        ),
    )
    Instalment.objects.filter(seq=2).update(due_on=date.max)
    for a in Approval.objects.filter(status="requested"):
        approval_decide(approval=a, actor=w.maria, approve=True, reason="ok", as_of=AS_OF)
    dispute_open(
        case=w.case, actor=w.cora, parts=[("INV-NEW", eur("10"))], reason="quality", as_of=AS_OF
    )
    Dispute.objects.update(deadline=date.max)
    for day in (AS_OF + timedelta(days=1), AS_OF + timedelta(days=30)):
        run_as_admin(company=w.company, as_of=day)
    assert PromiseToPay.objects.get().state == "open"
    assert Dispute.objects.get().status == "open"
    assert PaymentPlan.objects.get().status in ("good_standing", "defaulted")


# --- each item once; a write-off never above what is open --------------------------------------


def test_repeating_a_part_never_over_writes_off_an_item(w):
    said = _refused(
        "writeoff",
        w.debtor.code,
        "--company",
        "acme",
        "--reason",
        "insolvent",
        "--part",
        "INV-NEW:100",
        "--part",
        "INV-NEW:100",
        "--part",
        "INV-NEW:300",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert said == terminal_words("desk.named_twice", item="INV-NEW", what="write_off")


def test_a_write_off_part_above_the_items_open_amount_is_refused(w):
    said = _refused(
        "writeoff",
        w.debtor.code,
        "--company",
        "acme",
        "--reason",
        "insolvent",
        "--part",
        "INV-NEW:400.01",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert said == terminal_words(
        "writeoff.part_above_open",
        item="INV-NEW",
        amount_minor=400_01,
        open_minor=400_00,
        currency="EUR",
    )


def test_approving_a_stored_write_off_counts_its_parts_on_one_item_together(w):
    """A request stored with one item three times (before the refusal) cannot be approved
    for more than the item's open amount."""
    from arrears.apps.negotiation.models import Approval, WriteOff, WriteOffPart
    from arrears.apps.negotiation.services import approval_decide, writeoff_request

    row = writeoff_request(
        case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF, parts=[("INV-NEW", eur("150"))]
    )
    WriteOffPart.objects.bulk_create(
        WriteOffPart(write_off=row, item=w.new, amount_minor=150_00) for _ in range(2)
    )
    before = snapshot()
    got = refused(
        "writeoff.part_above_open",
        approval_decide,
        approval=Approval.objects.get(),
        actor=w.maria,
        approve=True,
        reason="ok",
        as_of=AS_OF,
    )
    assert got.figures == {
        "item": "INV-NEW",
        "amount_minor": 450_00,
        "open_minor": 400_00,
        "currency": "EUR",
    }
    assert snapshot() == before
    assert WriteOff.objects.get().status == "requested"


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (
            [
                "promise",
                "--part",
                "2026-11-30:10",
                "--contact",
                "X",
                "--item",
                "INV-OLD",
                "--item",
                "INV-OLD",
            ],
            "promise",
        ),
        (
            [
                "plan",
                "--first-due",
                "2026-12-25",
                "--count",
                "2",
                "--item",
                "INV-OLD",
                "--item",
                "INV-OLD",
            ],
            "plan",
        ),
    ],
)
def test_an_item_named_twice_is_refused_in_promises_and_plans(w, args, what):
    code, *rest = args
    said = _refused(
        code, w.debtor.code, "--company", "acme", *rest, "--user", "cora", "--as-of", DAY
    )
    assert said == terminal_words("desk.named_twice", item="INV-OLD", what=what)


def test_a_dispute_naming_an_item_twice_is_still_refused(w):
    said = _refused(
        "dispute",
        w.debtor.code,
        "--company",
        "acme",
        "--part",
        "INV-OLD:10",
        "--part",
        "INV-OLD:10",
        "--reason",
        "quality",
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert "appears twice" in said


# --- who is speaking ---------------------------------------------------------------------------


@pytest.mark.parametrize("contact", ["", "   ", "\t\n"])
def test_a_proposal_without_a_contact_is_refused(w, contact):
    from arrears.apps.negotiation.services import negotiation_propose
    from arrears.domain.negotiation import Terms

    said = _refused(
        "propose",
        w.debtor.code,
        "--company",
        "acme",
        "--first",
        "2026-11-30:100",
        "--contact",
        contact,
        "--user",
        "cora",
        "--as-of",
        DAY,
    )
    assert said == terminal_words("negotiation.no_contact")
    refused(
        "negotiation.no_contact",
        negotiation_propose,
        case=w.case,
        actor=w.cora,
        proposal=Terms.single(AS_OF, eur("10")),
        proposed_by=contact,
        as_of=AS_OF,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["writeoff", "D", "--reason=--"],
        ["promise", "D", "--part=--", "--contact=X"],
        ["promise", "D", "--part=2026-11-30:10", "--contact=--"],
        ["excuse", "D", "no_money", "--contact=--"],
    ],
)
def test_an_option_given_as_two_dashes_is_refused_not_read_as_a_list(w, args):
    """argparse reads `--reason=--` as an empty list: it crashed the write-off service."""
    code, _, *rest = args
    said = _refused(code, w.debtor.code, *rest, "--user=cora", "--company=acme", f"--as-of={DAY}")
    assert said.endswith("'--' alone is not a value")


def test_the_run_refuses_an_as_of_given_as_two_dashes(w):
    assert (
        _refused("run", "--as-of=--", "--company=acme", "--user=admin")
        == "--as-of=--: '--' alone is not a value"
    )


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["writeoff", "D", "--reason=bad\x00debt"], "--reason"),
        (["excuse", "D", "no_money", "--contact=Mr\x07X"], "--contact"),
        (["dispute", "D", "--part=INV-OLD:1", "--reason=wrong_price", "--note=\x1bnote"], "--note"),
        (["promise", "D", "--part=2026-11-30:10", "--contact=X\x85"], "--contact"),
    ],
)
def test_text_holding_a_control_character_is_refused_by_name_and_writes_nothing(w, args, option):
    """NUL cannot be stored in PostgreSQL at all: any such text is refused before the command
    reads or writes anything (`_refused` compares every table), the import's own rule."""
    code, _, *rest = args
    said = _refused(code, w.debtor.code, *rest, "--user=cora", "--company=acme", f"--as-of={DAY}")
    assert said.startswith(f"{option}: contains the control character U+")


# --- every dated desk write: the same bounds on its --as-of -------------------------------------

FAR = "9999-12-31"


def _made(w, what: str) -> str:
    """A record of the world's case for a command to act on, made as cora on DAY: its number
    as the outputs show it."""
    from arrears.apps.cases.models import Action
    from arrears.apps.negotiation.models import (
        Approval,
        Dispute,
        PaymentPlan,
        PromiseToPay,
        WriteOff,
    )

    here = [w.debtor.code, "--company", "acme", "--user", "cora", "--as-of", DAY]
    if what == "promise":
        _call("promise", *here, "--part", "2026-11-30:100", "--contact", "X", "--item", "INV-NEW")
        return f"P{PromiseToPay.objects.get().pk}"
    if what == "plan":
        _call("plan", *here, "--first-due", "2026-12-25", "--count", "2")
        return f"PL{PaymentPlan.objects.get().pk}"
    if what == "dispute":
        _call("dispute", *here, "--part", "INV-OLD:10", "--reason", "quality")
        return f"D{Dispute.objects.get().pk}"
    if what in ("write-off", "approval"):
        _call("writeoff", *here, "--reason", "insolvent", "--part", "INV-OLD:50")
        if what == "approval":
            return f"A{Approval.objects.get().pk}"
        return f"W{WriteOff.objects.get().pk}"
    if what == "negotiation":
        _call("propose", *here, "--first", "2026-12-20:100", "--contact", "X")
        return w.debtor.code
    if what in ("call", "letter"):  # a call to make, a letter queued to go out
        status = "open" if what == "call" else "queued"
        channel = "phone" if what == "call" else "letter"
        action = Action.objects.create(
            case=w.case,
            step_code="call",
            channel=channel,
            role="collector",
            due_on=AS_OF,
            status=status,
        )
        return f"A{action.pk}"
    return w.debtor.code


@pytest.mark.parametrize(
    ("what", "args", "user"),
    [
        ("promise", ["promise-cancel", "@", "--reason", "x", "--company", "acme"], "cora"),
        ("plan", ["plan-withdraw", "@", "--reason", "x", "--company", "acme"], "cora"),
        ("negotiation", ["negotiation-close", "@", "--reason", "x", "--company", "acme"], "cora"),
        ("approval", ["approval-withdraw", "@", "--reason", "x", "--company", "acme"], "cora"),
        ("write-off", ["writeoff-cancel", "@", "--reason", "x", "--company", "acme"], "cora"),
        ("approval", ["approve", "@", "--grant", "--reason", "x", "--company", "acme"], "maria"),
        ("dispute", ["dispute", "D", "--resolve", "@", "--outcome", "rejected"], "cora"),
        ("debtor", ["handover", "@", "--to", "legal", "--owner", "lena", "--reason", "x"], "maria"),
        ("debtor", ["excuse", "@", "no_money", "--contact", "X", "--company", "acme"], "cora"),
        ("call", ["action-done", "@", "--outcome", "reached"], "cora"),
        ("call", ["action-cancel", "@", "--reason", "x"], "cora"),
        ("letter", ["action-sent", "@"], "cora"),
    ],
)
def test_every_dated_desk_write_refuses_an_as_of_after_today_and_writes_nothing(
    w, what, args, user
):
    """A handover, an approval, a withdrawal, a resolution, an excuse or an action done dated
    9999-12-31 is refused in words (today is the last day anything on the desk is dated)."""
    made = _made(w, what)
    args = [made if a == "@" else w.debtor.code if a == "D" else a for a in args]
    said = _refused(*args, "--user", user, "--as-of", FAR)
    assert f"{FAR} is after today" in said
