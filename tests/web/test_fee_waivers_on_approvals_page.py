"""A fee waiver asked for at the terminal waits on the credit manager's approvals page, and is
decided there through the same service (four eyes: the one who asked sees no form)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from arrears.apps.common.decisions import decide, waiting
from arrears.apps.communications.fees import fee_waive_request
from arrears.apps.communications.models import Fee, FeeWaiver, WaiverStatus
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories as f

pytestmark = pytest.mark.django_db


def _world():
    acme, globex = f.company("acme"), f.company("globex")
    cora, dan = f.collector("cora", acme), f.collector("dan", acme)
    maria = f.credit_manager("maria", acme)
    f.credit_manager("gina", globex)
    debtor = f.debtor(acme, "BRICK", owner=cora)
    item = f.item(debtor, number="INV-1", amount=100_00, due=date(2099, 11, 1))
    fee = Fee.objects.create(
        company=acme,
        item=item,
        step=1,
        step_code="reminder",
        kind="fixed",
        amount_minor=1500,
        currency="EUR",
        charged_on=date(2099, 12, 1),
    )
    return acme, globex, cora, dan, maria, fee


def test_a_fee_waiver_asked_for_waits_with_its_figures_and_reason():
    acme, _, cora, _, maria, fee = _world()
    fee_waive_request(actor=cora, company=acme, fee_id=fee.pk, reason="first late payment")
    [w] = [w for w in waiting(actor=maria, company=acme) if w.kind == "fee"]
    assert (w.id, w.requested_by, w.reason) == (fee.pk, "cora", "first late payment")
    assert "INV-1" in w.figures[0] and "15.00" in w.figures[0]


def test_a_credit_manager_approves_a_waiver_and_the_fee_is_no_longer_owed():
    acme, _, cora, _, maria, fee = _world()
    fee_waive_request(actor=cora, company=acme, fee_id=fee.pk, reason="goodwill")
    words = decide(
        actor=maria,
        company=acme,
        kind="fee",
        id=fee.pk,
        approve=True,
        reason="agreed",
        on=date(2099, 12, 31),
    )
    assert "waived" in words
    fee.refresh_from_db()
    assert fee.waived_on is not None
    assert not [w for w in waiting(actor=maria, company=acme) if w.kind == "fee"]


def test_the_one_who_asked_and_another_companys_manager_cannot_decide():
    acme, globex, cora, _, maria, fee = _world()
    fee_waive_request(actor=maria, company=acme, fee_id=fee.pk, reason="goodwill")
    with pytest.raises(NotAllowed):
        decide(
            actor=maria, company=acme, kind="fee", id=fee.pk, approve=True, reason="x",
            on=date(2099, 12, 31),
        )  # fmt: skip
    gina = f.credit_manager("gina2", globex)
    with pytest.raises(Refusal):
        decide(
            actor=gina, company=acme, kind="fee", id=fee.pk, approve=True, reason="x",
            on=date(2099, 12, 31),
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        waiting(actor=cora, company=acme)
    assert FeeWaiver.objects.get().status == WaiverStatus.REQUESTED


def test_the_approvals_page_lists_the_waiver_and_refuses_it_with_a_reason():
    acme, _, cora, _, maria, fee = _world()
    fee_waive_request(actor=cora, company=acme, fee_id=fee.pk, reason="goodwill")
    client = Client()
    client.force_login(maria)
    page = client.get(f"/desk/{acme.code}/approvals/")
    assert page.status_code == 200 and b"fee waiver" in page.content
    refused = client.post(
        f"/desk/{acme.code}/approvals/fee/{fee.pk}/",
        {"verdict": "refuse", "reason": "not justified"},
    )
    assert refused.status_code in (200, 302)
    assert FeeWaiver.objects.get().status == WaiverStatus.REFUSED
