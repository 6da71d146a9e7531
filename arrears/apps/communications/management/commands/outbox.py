"""`arrears outbox`: the messages the daily run decided on, and their sending (issue #14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.presentation import (
    outbox_line,
    retried_words,
    without_interest_words,
)
from arrears.apps.communications.selectors import (
    messages_without_interest,
    outbox_list,
    outbox_show,
)
from arrears.apps.communications.services import (
    letters_print,
    outbox_mark_handled,
    outbox_mark_sent,
    outbox_resend,
    outbox_retry,
    outbox_retry_failed,
    outbox_send,
)
from arrears.domain.outbox import OutboxState
from arrears.domain.refusal import Refusal
from arrears.words import say


def message_id(text: str) -> int:
    """M12 or 12."""
    return int(text.upper().removeprefix("M"))


class Command(PersonCommand):
    help = (
        "Show the outbox and drive it: list, show, send, retry (one, or --failed: all), "
        "mark-sent, mark-handled, resend, print."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help="the messages you may read, newest first")
        listing.add_argument("--state", choices=[s.value for s in OutboxState])
        listing.add_argument("--channel", choices=["email", "letter"])
        listing.add_argument("--debtor")
        listing.add_argument("--limit", type=int, default=200)
        show = sub.add_parser("show", help="one message, with its text")
        send = sub.add_parser("send", help="send the due emails once, now (an administrator)")
        retry = sub.add_parser(
            "retry", help="a failed message queued again, or --failed: all of the company's"
        )
        retry.add_argument(
            "--failed", action="store_true", help="every failed message of the company, at once"
        )
        sent = sub.add_parser("mark-sent", help="a letter posted, or an uncertain email arrived")
        sent.add_argument("--note", default="")
        handled = sub.add_parser("mark-handled", help="a failed or uncertain one dealt with")
        handled.add_argument("--reason", required=True)
        resend = sub.add_parser("resend", help="an uncertain message sent again")
        printing = sub.add_parser("print", help="the queued letters as one PDF, then sent")
        printing.add_argument("file", type=Path)
        for p in (show, sent, handled, resend):
            p.add_argument("id", type=message_id, help="the message, e.g. M12 or 12")
        retry.add_argument("id", nargs="?", type=message_id, help="the message, e.g. M12")
        for p in (listing, send, printing, retry):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        verb, out = o["verb"], self.stdout
        if verb == "list":
            lines = outbox_list(
                actor=person,
                company=self.company_for(person, o),
                state=o["state"],
                channel=o["channel"],
                debtor=o["debtor"],
                limit=o["limit"],
            )
            for line in lines:
                out.write(outbox_line(line) + "\n")
            if not lines:
                out.write("no messages\n")
            late, why = messages_without_interest(company=self.company_for(person, o))
            if why is not None:  # loud: a letter without its interest figure is not silent
                self.stderr.write(without_interest_words(late, say(why)))
        elif verb == "show":
            line = outbox_show(actor=person, message_id=o["id"])
            out.write(f"{outbox_line(line)}\nMessage-ID: {line.message_id}\n")
            out.write(f"To: {line.recipient}\nSubject: {line.subject}\n\n{line.body}")
        elif verb == "send":
            report = outbox_send(actor=person, company=self.company_for(person, o))
            done = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "none due"
            out.write(f"sent: {done}; found uncertain: {report.uncertain}\n")
        elif verb == "retry" and (o["failed"] or o["id"] is None):
            if o["id"] is not None or not o["failed"]:
                raise Refusal("outbox.retry_which")
            retried = outbox_retry_failed(actor=person, company=self.company_for(person, o))
            out.write(retried_words(retried))
        elif verb == "print":
            n = letters_print(actor=person, company=self.company_for(person, o), path=o["file"])
            out.write(f"{n} letters in {o['file']}, marked sent\n" if n else "no letters queued\n")
        else:
            m = self._settle(person, verb, o)
            out.write(f"M{m.pk}: {m.state}\n")

    def _settle(self, person: Any, verb: str, o: dict[str, Any]) -> Any:
        if verb == "retry":
            return outbox_retry(actor=person, message_id=o["id"])
        if verb == "resend":
            return outbox_resend(actor=person, message_id=o["id"])
        if verb == "mark-sent":
            return outbox_mark_sent(actor=person, message_id=o["id"], note=o["note"])
        return outbox_mark_handled(actor=person, message_id=o["id"], reason=o["reason"])
