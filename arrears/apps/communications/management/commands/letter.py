"""`arrears letter DEBTOR`: the message the case's step sends, as the debtor would read it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arrears.apps.common.cli import (
    PersonCommand,
    add_company_option,
    file_written_words,
    iso_date,
)
from arrears.apps.common.clock import today
from arrears.apps.communications.models import SenderDetails
from arrears.apps.communications.outbox import payment_details, postal_lines
from arrears.apps.communications.pdf import Address, letter_pdf
from arrears.apps.communications.presentation import (
    LANGUAGES,
    interest_not_shown_words,
    letter_preview_words,
)
from arrears.apps.communications.rendering import render
from arrears.apps.communications.selectors import case_letter
from arrears.apps.communications.template_settings import CHANNELS, company_template
from arrears.apps.ledger.models import Debtor
from arrears.domain.refusal import Refusal
from arrears.words import say


class Command(PersonCommand):
    help = "Show the letter or email a case's step sends (and write it as a PDF with --pdf)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", help="the debtor's code")
        parser.add_argument("--currency")
        parser.add_argument("--step", help="another step's message (its code), e.g. final_notice")
        parser.add_argument("--language", choices=LANGUAGES, help="default: the debtor's")
        parser.add_argument(
            "--channel",
            choices=CHANNELS,
            default="letter",
            help="whose template: the company's own for this channel, if it has one",
        )
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--pdf", type=Path, help="write the letter as a PDF to this file")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        asked = {
            "actor": person,
            "company": company,
            "debtor_code": o["debtor"],
            "currency": o["currency"],
            "as_of": o["as_of"] or today(),
            "language": o["language"],
            "step_code": o["step"],
        }
        try:
            found = case_letter(**asked)
        except Refusal as e:
            if e.code != "interest.no_rate":
                raise
            # a preview still shows the letter; what is missing is said, never a silent zero
            self.stderr.write(interest_not_shown_words(say(e)))
            found = case_letter(**asked, with_interest=False)
        own, phrases = company_template(
            company.pk, found.letter.step_code, o["channel"], found.language
        )
        message = render(
            found.letter,
            found.language,
            debtor=found.debtor,
            company=found.company,
            reference=found.reference,
            text=own,
            extra_hedges=phrases,
        )
        self.stdout.write(letter_preview_words(message.subject, message.body))
        if o["pdf"] is not None:
            on_paper = render(
                found.letter,
                found.language,
                debtor=found.debtor,
                company=found.company,
                reference=found.reference,
                as_table=True,
                text=own,
                extra_hedges=phrases,
            )
            sender = SenderDetails.objects.filter(company=company).first()
            debtor = Debtor.objects.get(company=company, code=o["debtor"])
            data = letter_pdf(
                letter=found.letter,
                message=on_paper,
                sender=Address(
                    sender.name if sender else found.company,
                    tuple(x for x in sender.address.splitlines() if x) if sender else (),
                ),
                recipient=Address(found.debtor, postal_lines(debtor)),
                reference=found.reference,
                payment_details=(
                    payment_details(sender, found.reference) if sender else (found.company,)
                ),
            )
            o["pdf"].write_bytes(data)
            self.stdout.write(file_written_words(o["pdf"], len(data)))
