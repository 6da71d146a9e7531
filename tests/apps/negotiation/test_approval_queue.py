"""The approval queue shows, for each request, what a credit manager decides on: kind, case, who
asked and when; for terms, plans and promises the first payment (date and amount), the total,
the last date and the number of payments, the walk-away limits exceeded and the limits; for a
write-off the amount, items and reason. All from the stored request: no query per request."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest

from arrears.apps.negotiation.models import Approval
from arrears.apps.negotiation.presentation import approval_lines
from arrears.apps.negotiation.selectors import approval_queue
from arrears.apps.negotiation.services import (
    PlanIn,
    negotiation_propose,
    plan_create,
    writeoff_request,
)
from arrears.domain.negotiation import Terms
from tests import terminal
from tests.apps.negotiation.support import AS_OF, eur

pytestmark = pytest.mark.django_db
LIMITS = (
    "walk-away limits: first payment by 2026-12-09 at the latest, at least 25 % = EUR 250.00, "
    "plan no longer than 2027-02-23"
)


def _days(n: int) -> date:
    return AS_OF + timedelta(days=n)


def _terms_request(w) -> Approval:
    propose = dict(case=w.case, actor=w.cora, proposed_by="Mr Weber", as_of=AS_OF)
    negotiation_propose(proposal=Terms.single(_days(12), eur("1000")), **propose)
    asked = negotiation_propose(
        proposal=Terms.plan(_days(40), eur("100"), _days(120), eur("1000"), 3), **propose
    ).approval
    assert asked is not None
    return asked


def test_a_terms_request_shows_its_first_payment_total_last_date_and_payments(w):
    lines = approval_lines(_terms_request(w))
    assert lines[0].startswith(f"A{Approval.objects.get().pk} terms {w.debtor.code} (EUR) ")
    assert "asked by cora on 2026-11-25: terms EUR 100.00 by 4 January 2027" in lines[0]
    assert lines[1] == (
        "    first payment EUR 100.00 on 2027-01-04; total EUR 1,000.00, last payment 2027-03-25, "
        "4 payments"
    )


def test_a_terms_request_shows_the_limits_it_exceeds_and_what_they_are(w):
    lines = approval_lines(_terms_request(w))
    assert lines[2] == (
        "    beyond the walk-away point: "
        "first payment too late (2027-01-04 asked, limit by 2026-12-09 at the latest); "
        "first payment too small (EUR 100.00 asked, limit at least 25 % = EUR 250.00); "
        "plan too long (last payment 2027-03-25 asked, limit no later than 2027-02-23)"
    )
    assert lines[3] == f"    {LIMITS}"


def test_a_plan_request_shows_its_schedule_from_its_instalments_and_the_limits(w):
    plan_create(
        case=w.case,
        actor=w.cora,
        as_of=AS_OF,
        schedule=PlanIn(due_dates=[date(2027, 3, 1), date(2027, 4, 1), date(2027, 5, 3)]),
    )
    lines = approval_lines(Approval.objects.get(kind="plan"))
    assert lines[0].endswith("asked by cora on 2026-11-25: plan EUR 1,000.00 on whole case")
    assert lines[1] == (
        "    first payment EUR 333.33 on 2027-03-01; total EUR 1,000.00, last payment 2027-05-03, "
        "3 payments"
    )
    assert lines[2].startswith("    beyond the walk-away point: first payment too late ")
    assert (
        "plan too long (last payment 2027-05-03 asked, limit no later than 2027-02-23)"
        in (lines[2])
    )
    assert lines[3] == (
        "    walk-away limits: first payment by 2026-12-09 at the latest, "
        "at least 25 % = EUR 250.00, plan no longer than 2027-02-23"
    )


def test_a_promise_request_shows_well_from_its_detail_alone(w):
    asked = Approval.objects.create(
        case=w.case,
        kind="promise",
        requested_by=w.cora,
        requested_on=AS_OF,
        detail={
            "exceeded": ["first_payment_too_small"],
            "walk_away": [14, "0.25", 90],
            "parts": [["2026-12-15", 300_00], ["2026-12-01", 100_00]],
            "currency": "EUR",
            "anchor": AS_OF.isoformat(),
            "balance_minor": 1000_00,
        },
    )
    assert approval_lines(asked) == [
        f"A{asked.pk} promise {w.debtor.code} (EUR) asked by cora on 2026-11-25: "
        "promise EUR 400.00 on whole case",
        "    first payment EUR 100.00 on 2026-12-01; total EUR 400.00, last payment 2026-12-15, "
        "2 payments",
        "    beyond the walk-away point: "
        "first payment too small (EUR 100.00 asked, limit at least 25 % = EUR 250.00)",
        f"    {LIMITS}",
    ]


def test_a_single_payment_reads_as_one_payment(w):
    asked = Approval.objects.create(
        case=w.case,
        kind="promise",
        requested_by=w.cora,
        requested_on=AS_OF,
        detail={
            "exceeded": ["first_payment_too_late"],
            "walk_away": [14, "0.25", 90],
            "parts": [["2027-01-04", 1000_00]],
            "currency": "EUR",
        },
    )
    lines = approval_lines(asked)
    assert lines[1] == "    one payment of EUR 1,000.00 on 2027-01-04"
    assert lines[2] == (
        "    beyond the walk-away point: "
        "first payment too late (2027-01-04 asked, limit by 2026-12-09 at the latest)"
    )


def test_a_request_without_stored_limits_still_names_what_it_exceeds(w):
    asked = Approval.objects.create(
        case=w.case,
        kind="promise",
        requested_by=w.cora,
        requested_on=AS_OF,
        detail={"exceeded": ["plan_too_long"], "currency": "EUR"},
    )
    assert approval_lines(asked)[1:] == ["    beyond the walk-away point: plan too long"]


def test_a_write_off_request_shows_its_amount_items_and_reason(w):
    writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    (line,) = approval_lines(Approval.objects.get())
    assert line.endswith(
        "asked by cora on 2026-11-25: write off EUR 1,000.00 on INV-OLD EUR 600.00, "
        "INV-NEW EUR 400.00; reason: insolvent"
    )


def test_the_queue_is_shown_without_a_query_per_request(w, django_assert_num_queries):
    _terms_request(w)
    writeoff_request(case=w.case, actor=w.cora, reason="insolvent", as_of=AS_OF)
    with django_assert_num_queries(2):  # maria's membership, then the queue
        shown = [approval_lines(a) for a in approval_queue(actor=w.maria, company=w.company)]
    assert [len(x) for x in shown] == [4, 1]


def test_the_approve_command_lists_each_request_with_its_schedule_and_limits(w):
    _terms_request(w)
    out = StringIO()
    terminal.run("approve", stdout=out)
    assert out.getvalue().splitlines()[1:] == [
        "    first payment EUR 100.00 on 2027-01-04; total EUR 1,000.00, last payment 2027-03-25, "
        "4 payments",
        "    beyond the walk-away point: "
        "first payment too late (2027-01-04 asked, limit by 2026-12-09 at the latest); "
        "first payment too small (EUR 100.00 asked, limit at least 25 % = EUR 250.00); "
        "plan too long (last payment 2027-03-25 asked, limit no later than 2027-02-23)",
        f"    {LIMITS}",
    ]
