"""§8 Disputes: only the disputed part leaves dunning; past the deadline it goes to the manager."""

from __future__ import annotations

import re
from datetime import date

import pytest

from arrears.domain.disputes import (
    ABOVE_OPEN,
    NO_MANAGER,
    PARTIAL_WITHOUT_AMOUNT,
    Dispute,
    DisputedPart,
    DisputeError,
    DisputeOutcome,
    DisputeReason,
    default_deadline,
    escalation,
    excluded_by_item,
    needs_approval,
    resolve_dispute,
    settlement,
    validate_dispute,
)
from arrears.domain.money import Money

OPENED = date(2025, 3, 3)
DEADLINE = date(2025, 3, 17)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def dispute(*parts: tuple[str, str], key: str = "D1") -> Dispute:
    return Dispute(
        key=key,
        parts=tuple(DisputedPart(k, eur(a)) for k, a in parts),
        reason=DisputeReason.GOODS_DAMAGED,
        owner="bob",
        opened_on=OPENED,
        deadline=DEADLINE,
    )


def test_only_the_disputed_part_of_each_item_is_excluded_from_dunning():
    d = dispute(("inv-1", "200"), ("inv-2", "50"))
    assert excluded_by_item([d], as_of=OPENED) == {"inv-1": eur("200"), "inv-2": eur("50")}


def test_disputes_on_the_same_item_add_up_but_never_beyond_its_open_amount():
    ds = [dispute(("inv-1", "200")), dispute(("inv-1", "300"), key="D2")]
    assert excluded_by_item(ds, as_of=OPENED) == {"inv-1": eur("500")}
    assert excluded_by_item(ds, as_of=OPENED, open_items={"inv-1": eur("350")}) == {
        "inv-1": eur("350")
    }


def test_a_resolved_dispute_no_longer_excludes_anything():
    d = resolve_dispute(
        dispute(("inv-1", "200")), outcome=DisputeOutcome.REJECTED, on=date(2025, 3, 10), by="bob"
    )
    assert excluded_by_item([d], as_of=date(2025, 3, 9)) == {"inv-1": eur("200")}
    assert excluded_by_item([d], as_of=date(2025, 3, 10)) == {}


def test_a_dispute_above_the_undisputed_open_amount_is_refused():
    other = dispute(("inv-1", "300"), key="D0")
    d = dispute(("inv-1", "200"))
    msg = ABOVE_OPEN.format(amount=eur("200"), key="inv-1", free=eur("100"))
    with pytest.raises(DisputeError, match=re.escape(msg)):
        validate_dispute(d, as_of=OPENED, open_items={"inv-1": eur("400")}, others=[other])
    validate_dispute(d, as_of=OPENED, open_items={"inv-1": eur("500")}, others=[other])


def test_a_dispute_on_an_unknown_item_in_another_currency_or_past_its_deadline_is_refused():
    with pytest.raises(DisputeError, match="not open on this case"):
        validate_dispute(dispute(("inv-9", "1")), as_of=OPENED, open_items={})
    with pytest.raises(DisputeError, match="more than one currency"):
        validate_dispute(
            dispute(("inv-1", "1")), as_of=OPENED, open_items={"inv-1": Money.of("5", "USD")}
        )
    with pytest.raises(DisputeError, match="already past"):
        validate_dispute(
            dispute(("inv-1", "1")), as_of=date(2025, 3, 18), open_items={"inv-1": eur("5")}
        )


def test_malformed_disputes_are_refused():
    with pytest.raises(DisputeError, match="at least one item"):
        dispute()
    with pytest.raises(DisputeError, match="appears twice"):
        dispute(("inv-1", "1"), ("inv-1", "2"))
    with pytest.raises(DisputeError, match="must be positive"):
        dispute(("inv-1", "0"))
    with pytest.raises(DisputeError, match="before the dispute was opened"):
        Dispute(
            "D",
            (DisputedPart("i", eur("1")),),
            DisputeReason.OTHER,
            "bob",
            OPENED,
            date(2025, 3, 1),
        )


def test_a_dispute_past_its_deadline_is_escalated_to_its_owners_manager():
    d = dispute(("inv-1", "200"))
    assert escalation(d, as_of=DEADLINE, manager_of={"bob": "carol"}) is None
    e = escalation(d, as_of=date(2025, 3, 20), manager_of={"bob": "carol"})
    assert e is not None
    assert (e.escalate_to, e.days_over, e.amount) == ("carol", 3, eur("200"))


def test_an_owner_without_a_manager_is_a_defect_not_a_silent_skip():
    with pytest.raises(DisputeError, match=re.escape(NO_MANAGER.format(owner="bob"))):
        escalation(dispute(("inv-1", "1")), as_of=date(2025, 3, 20), manager_of={})


def test_a_resolved_dispute_is_not_escalated():
    d = resolve_dispute(
        dispute(("inv-1", "1")),
        outcome=DisputeOutcome.CREDIT_NOTE,
        on=DEADLINE,
        by="bob",
        approved_by="carol",
    )
    assert escalation(d, as_of=date(2025, 3, 20), manager_of={}) is None


def test_a_partial_credit_splits_over_the_items_and_the_rest_returns_to_dunning():
    d = dispute(("inv-1", "200"), ("inv-2", "100"))
    r = resolve_dispute(
        d,
        outcome=DisputeOutcome.PARTIAL_CREDIT,
        on=DEADLINE,
        by="bob",
        credited=eur("250"),
        approved_by="carol",
    )
    s = settlement(r)
    assert s.credited == {"inv-1": eur("200"), "inv-2": eur("50")}
    assert s.back_to_dunning == {"inv-1": eur("0"), "inv-2": eur("50")}


def test_outcomes_credit_what_they_must():
    d = dispute(("inv-1", "200"))
    assert settlement(
        resolve_dispute(
            d, outcome=DisputeOutcome.CREDIT_NOTE, on=DEADLINE, by="bob", approved_by="carol"
        )
    ).credited == {"inv-1": eur("200")}
    assert settlement(
        resolve_dispute(d, outcome=DisputeOutcome.REJECTED, on=DEADLINE, by="bob")
    ).back_to_dunning == {"inv-1": eur("200")}
    with pytest.raises(DisputeError, match="partial credit"):
        resolve_dispute(
            d, outcome=DisputeOutcome.PARTIAL_CREDIT, on=DEADLINE, by="bob", credited=eur("200")
        )
    with pytest.raises(DisputeError, match="credits EUR 0.00, not EUR 5.00"):
        resolve_dispute(
            d, outcome=DisputeOutcome.REJECTED, on=DEADLINE, by="bob", credited=eur("5")
        )


@pytest.mark.parametrize(
    ("outcome", "credited"),
    [
        (DisputeOutcome.WRITTEN_OFF, None),
        (DisputeOutcome.CREDIT_NOTE, None),
        (DisputeOutcome.PARTIAL_CREDIT, "50"),
    ],
)
def test_an_outcome_that_reduces_what_is_owed_needs_someone_else_to_approve_it(outcome, credited):
    d = dispute(("inv-1", "200"))
    amount = eur(credited) if credited else None
    for approver in ("", "bob"):
        with pytest.raises(DisputeError, match="reduces what is owed: it needs the approval"):
            resolve_dispute(
                d, outcome=outcome, on=DEADLINE, by="bob", credited=amount, approved_by=approver
            )
    r = resolve_dispute(
        d, outcome=outcome, on=DEADLINE, by="bob", credited=amount, approved_by="carol"
    )
    assert r.resolution is not None and r.resolution.approved_by == "carol"


def test_a_rejection_needs_nobody_else():
    assert not needs_approval(DisputeOutcome.REJECTED)


def test_a_write_off_needs_someone_else_to_approve_it():
    d = dispute(("inv-1", "200"))
    with pytest.raises(DisputeError, match="approval of someone entitled"):
        resolve_dispute(
            d, outcome=DisputeOutcome.WRITTEN_OFF, on=DEADLINE, by="bob", approved_by="bob"
        )
    r = resolve_dispute(
        d, outcome=DisputeOutcome.WRITTEN_OFF, on=DEADLINE, by="bob", approved_by="carol"
    )
    assert r.resolution is not None and r.resolution.credited == eur("200")


def test_a_dispute_is_resolved_only_once():
    d = resolve_dispute(
        dispute(("inv-1", "1")), outcome=DisputeOutcome.REJECTED, on=DEADLINE, by="bob"
    )
    with pytest.raises(DisputeError, match="already resolved"):
        resolve_dispute(d, outcome=DisputeOutcome.REJECTED, on=DEADLINE, by="bob")


def test_the_default_deadline_is_ten_business_days():
    assert default_deadline(OPENED) == DEADLINE


def test_a_partial_credit_without_an_amount_asks_for_it():
    d = dispute(("inv-1", "200"))
    with pytest.raises(DisputeError) as got:
        resolve_dispute(d, outcome=DisputeOutcome.PARTIAL_CREDIT, on=DEADLINE, by="bob")
    assert str(got.value) == PARTIAL_WITHOUT_AMOUNT.format(total=eur("200"))
    assert "None" not in str(got.value)
