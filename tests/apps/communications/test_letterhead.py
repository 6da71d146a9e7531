"""A letter that looks like a business letter (issue #14): a letterhead with the sender's
phone and email, an imprint at each page's foot (VAT id, registration, managing directors),
the recipient's country named in the letter's language where it is abroad, the IBAN in groups
of four and the payment reference labelled."""

from __future__ import annotations

import io

import pytest
from django.core.management.base import CommandError
from pypdf import PdfReader

from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.outbox import message_pdf
from arrears.apps.communications.pdf import Address, letter_pdf
from arrears.apps.communications.presentation import LANGUAGES, LETTERHEAD_LABELS
from arrears.apps.communications.rendering import render
from tests import factories, terminal
from tests.apps.communications import support
from tests.apps.communications.test_letters import the_letter

SENDER = Address(
    "Acme GmbH",
    ("Hauptstraße 1", "10115 Berlin"),
    country="DE",
    details=(
        ("phone", "+49 30 1234567"),
        ("email", "ar@acme.example"),
        ("vat_id", "DE123456789"),
        ("registration", "Amtsgericht Charlottenburg HRB 12345"),
        ("directors", "Anna Beck, Carl Dorn"),
    ),
)
UK = {"en": "UNITED KINGDOM", "de": "VEREINIGTES KÖNIGREICH", "fr": "ROYAUME-UNI", "zh": "英国"}


def text_of(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def a_letter(language: str, recipient_lines: tuple[str, ...], sender: Address = SENDER) -> str:
    figures = the_letter("final_notice")
    message = render(
        figures, language, debtor="Widget Ltd", company="Acme GmbH", reference="D0042-EUR",
        as_table=True,
    )  # fmt: skip
    return text_of(
        letter_pdf(
            letter=figures,
            message=message,
            sender=sender,
            recipient=Address("Widget Ltd", recipient_lines),
            reference="D0042-EUR",
            payment_details=(
                "Acme GmbH",
                "IBAN DE02120300000000202051",
                "BIC BYLADEM1001",
                "D0042-EUR",
            ),
        )  # fmt: skip
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_letter_carries_the_sender_s_letterhead_and_imprint_in_its_language(language):
    text = a_letter(language, ("1 High Street", "London SW1A 1AA", "GB"))
    words = LETTERHEAD_LABELS[language]
    c = " : " if language == "fr" else ": "  # French: a (narrow) no-break space before ':'
    for shown in (
        f"{words['phone']}{c}+49 30 1234567",
        f"{words['email']}{c}ar@acme.example",
        f"{words['vat_id']}{c}DE123456789",
        f"{words['registration']}{c}Amtsgericht Charlottenburg HRB 12345",
        f"{words['directors']}{c}Anna Beck, Carl Dorn",
    ):
        assert shown in text, shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_recipient_abroad_has_its_country_named_in_the_letter_s_language(language):
    text = a_letter(language, ("1 High Street", "London SW1A 1AA", "GB"))
    assert f"London SW1A 1AA {UK[language]}" in text
    assert " GB " not in text


def test_a_recipient_in_the_sender_s_country_has_no_country_line():
    text = a_letter("de", ("Marktplatz 5", "80331 München", "DE"))
    assert "80331 München" in text
    assert "DEUTSCHLAND" not in text and "München DE" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_iban_is_grouped_in_fours_and_the_payment_reference_is_labelled(language):
    text = a_letter(language, ("1 High Street", "London SW1A 1AA", "GB"))
    assert "IBAN DE02 1203 0000 0000 2020 51" in text
    c = " : " if language == "fr" else ": "  # French: a (narrow) no-break space before ':'
    assert f"{LETTERHEAD_LABELS[language]['payment_reference']}{c}D0042-EUR" in text


def test_a_sender_without_imprint_details_prints_no_imprint():
    text = a_letter("en", ("Marktplatz 5", "80331 München", "DE"), Address("Acme GmbH"))
    assert "VAT no." not in text and "Directors" not in text
    assert "GERMANY" in text  # the sender's country unknown: the recipient's is named


@pytest.mark.django_db
def test_the_sender_details_set_on_the_terminal_appear_on_the_queued_letter(tmp_path):
    w = support.world()
    terminal.run(
        "sender", "set", "--name=Acme GmbH", r"--address=Werkstr. 5\n80331 München",
        "--email=billing@acme.example", "--iban=DE89 3704 0044 0532 0130 00",
        "--bic=COBADEFFXXX", "--phone=+49 89 555", "--country=DE", "--vat-id=DE999999999",
        "--registration=Amtsgericht München HRB 1", "--directors=Eva Fuchs",
        "--company=acme", as_="admin",
    )  # fmt: skip
    said = terminal.run("sender", "show", "--company=acme", as_="admin")
    assert "DE999999999" in said and "Eva Fuchs" in said
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    m = OutboxMessage.objects.get(company=w["acme"])
    text = text_of(message_pdf(m))
    for shown in (
        "Phone: +49 89 555",
        "Email: billing@acme.example",
        "VAT no.: DE999999999",
        "Registered: Amtsgericht München HRB 1",
        "Directors: Eva Fuchs",
        "IBAN DE89 3704 0044 0532 0130 00",
        "Payment reference: K1-EUR",
    ):
        assert shown in text, shown
    assert "GERMANY" not in text  # the debtor is in the sender's country


@pytest.mark.django_db
def test_a_sender_country_that_is_not_a_code_is_refused():
    support.world()
    with pytest.raises(CommandError, match="not a country code"):
        terminal.run(
            "sender", "set", "--name=Acme GmbH", r"--address=Werkstr. 5\n80331 München",
            "--email=billing@acme.example", "--iban=DE89 3704 0044 0532 0130 00",
            "--country=Germany", "--company=acme", as_="admin",
        )  # fmt: skip
