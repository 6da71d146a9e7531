"""Rule 11: approving a set-off queues one letter (or email) to the debtor through the outbox,
in the debtor's language, listing which of their invoices are set off against which of ours and
what remains owed each way; its PDF says the same; nothing is queued twice."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.clearing.letters import STEP, setoff_letter_queue
from arrears.apps.clearing.models import SetOff
from arrears.apps.clearing.services import setoff_decide, setoff_propose
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.outbox import message_pdf
from arrears.apps.communications.rendering import check_tone
from arrears.apps.ledger.models import Contact, Debtor
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)


@pytest.fixture
def acme():
    """BRICK (German, with a postal address) owes A 500 and B 300, not yet due C 100; we owe
    it S1 250 and S2 400: 650 set off, 250 left to us, nothing left to them."""
    c = factories.company("acme")
    admin = factories.admin()
    strategies_install_defaults(actor=admin, company=c)
    factories.sender(c, bic="COBADEFFXXX")
    cora = factories.collector("cora", c)
    factories.collector("olaf", c)
    factories.credit_manager("maria", c)
    d = factories.debtor(
        c,
        code="BRICK",
        name="Brick AG",
        owner=cora,
        address_line1="Ziegelweg 1",
        postcode="10115",
        city="Berlin",
    )
    factories.item(d, number="A", due=date(2026, 10, 1), amount=500_00)
    factories.item(d, number="B", due=date(2026, 11, 1), amount=300_00)
    factories.item(d, number="C", due=date(2026, 12, 20), amount=100_00)
    factories.payable(d, "S1", date(2026, 12, 31), 250_00)
    factories.payable(d, "S2", date(2027, 1, 31), 400_00)
    rival = factories.company("rival")
    factories.credit_manager("rita", rival)
    return c


def _approve(company, who="maria"):
    made = setoff_propose(
        actor=factories.collector("cora"), company=company, debtor_code="BRICK", as_of=AS_OF
    )
    setoff_decide(actor=factories.credit_manager(who), setoff_id=made.id, approve=True, on=AS_OF)
    return SetOff.objects.get(pk=made.id)


def pdf_text(m) -> str:
    data = message_pdf(m)
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_approval_queues_one_letter_listing_the_pairs_and_what_remains(acme):
    _approve(acme)
    m = OutboxMessage.objects.get(step_code=STEP)
    assert (m.channel, m.state, m.language) == ("letter", "queued", "en")
    assert m.recipient == "Brick AG\nZiegelweg 1\n10115 Berlin\nDE"
    assert m.subject.startswith("Set-off of ")
    assert "- our invoice A against your invoice S1: " in m.paper_body
    assert "- our invoice B against your invoice S2: " in m.paper_body
    assert "you owe us €250.00 and we owe you €0.00" in m.paper_body
    text = pdf_text(m)
    assert "our invoice A against your invoice S1" in text
    assert "you owe us €250.00 and we owe you €0.00" in text
    assert "30 November 2026" in text
    assert "Pay by" not in text  # a set-off asks for no payment
    assert m.action.step_code == STEP and m.action.status == "queued"


def test_a_debtor_written_to_in_german_gets_the_german_letter(acme):
    Debtor.objects.filter(code="BRICK", company=acme).update(language="de")
    _approve(acme)
    m = OutboxMessage.objects.get(step_code=STEP)
    text = pdf_text(m)
    assert "unsere Rechnung A gegen Ihre Rechnung S1" in text
    assert "schulden Sie uns 250,00 €" in text


def test_a_debtor_with_only_an_email_contact_gets_an_email(acme):
    d = Debtor.objects.get(code="BRICK", company=acme)
    Debtor.objects.filter(pk=d.pk).update(address_line1="", postcode="", city="", country="")
    Contact.objects.create(debtor=d, name="AP", email="ap@brick.example")
    _approve(acme)
    m = OutboxMessage.objects.get(step_code=STEP)
    assert (m.channel, m.recipient, m.state) == ("email", "ap@brick.example", "queued")


@pytest.mark.parametrize("language", ["en", "de", "fr", "zh"])
def test_the_setoff_template_in_each_language_passes_the_tone_check(language):
    from arrears.apps.clearing.letters import SHIPPED

    check_tone(
        (SHIPPED / language / "setoff.txt").read_text(encoding="utf-8"),
        step=STEP,
        language=language,
    )


def test_approving_again_or_queueing_again_sends_nothing_twice(acme):
    s = _approve(acme)
    with pytest.raises(Refusal):
        setoff_decide(
            actor=factories.credit_manager("maria"), setoff_id=s.pk, approve=True, on=AS_OF
        )
    setoff_letter_queue(s)  # a retry of the queueing
    assert OutboxMessage.objects.filter(step_code=STEP).count() == 1


def test_a_proposal_or_a_refusal_queues_no_letter(acme):
    made = setoff_propose(
        actor=factories.collector("cora"), company=acme, debtor_code="BRICK", as_of=AS_OF
    )
    assert not OutboxMessage.objects.exists()
    setoff_decide(
        actor=factories.credit_manager("maria"),
        setoff_id=made.id,
        approve=False,
        on=AS_OF,
        reason="S2 is disputed",
    )
    assert not OutboxMessage.objects.exists()


def test_the_wrong_person_cannot_approve_and_no_letter_is_queued(acme):
    made = setoff_propose(
        actor=factories.collector("cora"), company=acme, debtor_code="BRICK", as_of=AS_OF
    )
    for who in (factories.collector("olaf"), factories.credit_manager("rita")):
        with pytest.raises(NotAllowed):
            setoff_decide(actor=who, setoff_id=made.id, approve=True, on=AS_OF)
    assert not OutboxMessage.objects.exists()
