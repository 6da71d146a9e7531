"""A ladder step with `attach_statement` sends the debtor's statement of account with its
message: a second PDF on the email (as of the run's day, stored: a resend carries the same),
the statement's pages after the letter's in a letter's PDF. Other steps attach nothing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from arrears.apps.cases.models import StrategyStep
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.outbox import email_of, message_pdf
from arrears.apps.ledger.models import ExchangeRate
from arrears.domain.ladder_config import strategies_from_toml, strategies_to_toml
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db


def pdfs(mail) -> dict[str, bytes]:
    return {
        p.get_filename(): p.get_payload(decode=True)
        for p in mail.walk()
        if p.get_content_type() == "application/pdf"
    }


def text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_a_step_that_attaches_the_statement_sends_it_with_the_email(smtp):
    box, _ = smtp
    w = support.world()
    StrategyStep.objects.filter(strategy__company=w["acme"], code="reminder").update(
        attach_statement=True
    )
    factories.item(w["k1"], due=support.DUE, amount=2_500, number="INV-9", currency="USD")
    ExchangeRate.objects.create(
        company=w["acme"], currency="USD", rate=Decimal("0.9"), valid_from=date(2025, 1, 1)
    )
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    factories.run_as_admin(company=w["globex"], as_of=support.DAY1)
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    terminal.run("outbox", "send", "--company=globex", as_="admin")
    by_letter = {next(n for n in pdfs(m) if "statement" not in n): m for m in box.received}
    assert sorted(by_letter) == ["G1-GBP.pdf", "K1-EUR.pdf", "K1-USD.pdf"]  # a case a currency
    attached = pdfs(by_letter["K1-EUR.pdf"])
    assert sorted(attached) == ["K1-EUR.pdf", "statement-K1.pdf"]
    shown = text(attached["statement-K1.pdf"])
    # the whole account, every currency, as of the run's day
    assert "Statement of account K1" in shown and "5 June 2025" in shown
    assert "INV-1" in shown and "INV-9" in shown and "US$25.00" in shown
    assert "Statement" not in text(attached["K1-EUR.pdf"])  # the letter is the letter
    # the other company's reminder step does not attach it
    assert sorted(pdfs(by_letter["G1-GBP.pdf"])) == ["G1-GBP.pdf"]
    # a resend carries the same statement, from what was stored, whatever the ledger does now
    m = OutboxMessage.objects.get(company=w["acme"], case__currency="EUR")
    factories.item(w["k1"], due=support.DUE, amount=7_700, number="INV-LATER")
    again = pdfs(email_of(m).message())
    assert again["statement-K1.pdf"] == attached["statement-K1.pdf"]


def test_a_letter_step_that_attaches_the_statement_prints_it_after_the_letter():
    w = support.world()
    StrategyStep.objects.filter(strategy__company=w["acme"], code="reminder").update(
        attach_statement=True
    )
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"], case__currency="EUR")
    OutboxMessage.objects.filter(pk=m.pk).update(channel="letter")
    m.refresh_from_db()
    reader = PdfReader(io.BytesIO(message_pdf(m)))
    assert len(reader.pages) == 2
    assert "Statement of account K1" in reader.pages[1].extract_text()
    assert "Statement of account" not in reader.pages[0].extract_text()


def test_attach_statement_is_a_ladder_setting_that_round_trips():
    text_ = """
[[strategy]]
code = "default"
name = "Standard"
[[strategy.step]]
code = "final_notice"
name = "Final notice"
min_days_past_due = 30
channel = "letter"
role = "collector"
attach_statement = true
"""
    parsed = strategies_from_toml(text_)
    assert parsed[0].steps[0].attach_statement is True
    assert "attach_statement = true" in strategies_to_toml(parsed)
    assert strategies_from_toml(strategies_to_toml(parsed)) == parsed
    with pytest.raises(Exception, match="attach_statement must be true or false"):
        strategies_from_toml(text_.replace("= true", '= "yes"'))
