"""`arrears tone list|add|remove`: the phrases the tone check refuses, per language; a credit
manager adds the company's own (the shipped ones stay)."""

from __future__ import annotations

from typing import Any

from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.presentation import LANGUAGES, tone_changed_words, tone_lines
from arrears.apps.communications.template_settings import tone_add, tone_read, tone_remove


class Command(PersonCommand):
    help = "List the phrases the tone check refuses, or add or remove the company's own."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        listed = sub.add_parser("list", help="shipped phrases and the company's own")
        listed.add_argument("--language", choices=LANGUAGES)
        add = sub.add_parser("add", help="refuse one more phrase in the company's templates")
        remove = sub.add_parser("remove", help="remove one of the company's own phrases")
        for p in (add, remove):
            p.add_argument("phrase")
            p.add_argument("--language", choices=LANGUAGES, default="en")
        for p in (listed, add, remove):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "list":
            for t in tone_read(actor=person, company=company, language=o["language"]):
                for line in tone_lines(t.language, t.shipped, t.own):
                    self.stdout.write(line)
            return
        change = tone_add if o["verb"] == "add" else tone_remove
        done = change(actor=person, company=company, language=o["language"], phrase=o["phrase"])
        self.stdout.write(
            tone_changed_words(done.language, done.phrase, done.changed, o["verb"] == "add")
        )
