"""`arrears template list|show|set FILE|reset`: the company's own letter and email texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.common.cli import PersonCommand, add_company_option, no_such_file_words
from arrears.apps.communications.presentation import (
    LANGUAGES,
    template_heading_words,
    template_reset_words,
    template_row_line,
    template_saved_words,
)
from arrears.apps.communications.template_settings import (
    CHANNELS,
    template_read,
    template_reset,
    template_rows,
    template_set,
)


class Command(PersonCommand):
    help = "List, show, set (from a file, checked) or reset the company's letter and email texts."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        listed = sub.add_parser("list", help="every template: the company's own or shipped")
        show = sub.add_parser("show", help="the text a step's messages use")
        put = sub.add_parser("set", help="the company's own text, after the tone and render check")
        reset = sub.add_parser("reset", help="back to the shipped template")
        put.add_argument("file", type=Path, help="the text: 'subject: ...', then the body")
        for p in (show, put, reset):
            p.add_argument("step", help="the ladder step's code, e.g. reminder")
            p.add_argument("--channel", choices=CHANNELS, default="letter")
            p.add_argument("--language", choices=LANGUAGES, default="en")
        for p in (listed, show, put, reset):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "list":
            for r in template_rows(actor=person, company=company):
                self.stdout.write(
                    template_row_line(r.step, r.channel, r.language, r.own, r.shipped)
                )
            return
        key = {"step": o["step"], "channel": o["channel"], "language": o["language"]}
        if o["verb"] == "show":
            t = template_read(actor=person, company=company, **key)
            self.stdout.write(template_heading_words(t.step, t.channel, t.language, t.own))
            self.stdout.write(t.text.rstrip("\n"))
        elif o["verb"] == "set":
            try:
                text = o["file"].read_text(encoding="utf-8")
            except FileNotFoundError:
                raise CommandError(no_such_file_words(o["file"])) from None
            saved = template_set(actor=person, company=company, text=text, **key)
            self.stdout.write(template_saved_words(**key, changed=saved.changed))
        else:
            saved = template_reset(actor=person, company=company, **key)
            self.stdout.write(template_reset_words(**key, changed=saved.changed))
