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
from arrears.apps.common.files import write_file
from arrears.apps.communications.outbox import preview_pdf
from arrears.apps.communications.presentation import (
    LANGUAGES,
    interest_not_shown_words,
    letter_preview_words,
)
from arrears.apps.communications.rendering import render
from arrears.apps.communications.selectors import case_letter_preview
from arrears.apps.communications.template_settings import CHANNELS, company_template
from arrears.apps.ledger.models import Debtor
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
        found, missing = case_letter_preview(**asked)
        if missing is not None:
            # a preview still shows the letter; what is missing is said, never a silent zero
            self.stderr.write(interest_not_shown_words(say(missing)))
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
            debtor = Debtor.objects.get(company=company, code=o["debtor"])
            data = preview_pdf(
                found, company=company, debtor=debtor, text=own, extra_hedges=phrases
            )
            write_file(o["pdf"], data)
            self.stdout.write(file_written_words(o["pdf"], len(data)))
