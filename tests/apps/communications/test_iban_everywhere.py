"""Where to pay reads the same on everything a debtor gets (issue #14): the letter, the
statement of account (PDF and workbook) and the email print the IBAN in groups of four, from
one function (`presentation.pay_to_words`), however the sender details stored it; the email
names the payment reference apart, as the letter does."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.presentation import pay_to_words
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db

GROUPED = "IBAN DE89 3704 0044 0532 0130 00"


def test_the_iban_is_grouped_in_fours_whether_stored_with_spaces_or_without():
    for stored in ("IBAN DE89370400440532013000", "IBAN DE89 3704 0044 0532 0130 00"):
        assert pay_to_words(["Acme", stored, "BIC COBADEFFXXX"]) == (
            f"Acme · {GROUPED} · BIC COBADEFFXXX"
        )


def test_the_statement_pdf_and_workbook_print_the_iban_in_groups_of_four(tmp_path):
    support.world()
    pdf, xlsx = tmp_path / "k1.pdf", tmp_path / "k1.xlsx"
    for flag, path in (("--pdf", pdf), ("--xlsx", xlsx)):
        terminal.run("statement", "K1", "--as-of", "2025-07-31", flag, path, as_="cora")
    pages = PdfReader(io.BytesIO(pdf.read_bytes())).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert f"Pay to: Acme GmbH · {GROUPED} · BIC COBADEFFXXX" in text, text
    about = dict(load_workbook(xlsx)["about"].iter_rows(values_only=True))
    assert about["Pay to"] == f"Acme GmbH · {GROUPED} · BIC COBADEFFXXX"


def test_an_email_says_where_to_pay_with_the_iban_in_groups_of_four_and_the_reference(smtp):
    box, _ = smtp
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    (mail,) = box.received
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    m = OutboxMessage.objects.get(company=w["acme"])
    assert text == m.body  # stored once, sent as stored
    assert text.endswith(
        f"\nPay to: Acme GmbH · {GROUPED} · BIC COBADEFFXXX\nPayment reference: K1-EUR\n"
    ), text
