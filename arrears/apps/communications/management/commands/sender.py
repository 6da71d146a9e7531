"""`arrears sender set|show`: who a company's letters and emails come from and how to pay."""

from __future__ import annotations

from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.models import SenderDetails
from arrears.apps.communications.presentation import sender_details_words
from arrears.apps.communications.services import sender_set
from arrears.domain.access import Verb


class Command(PersonCommand):
    help = "Set or show the company's sender and payment details (letters and emails need them)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        put = sub.add_parser("set", help="an administrator sets them (all at once)")
        put.add_argument("--name", required=True, help="the sender's name on the letter")
        put.add_argument("--address", required=True, help=r"postal address, lines split by \n")
        put.add_argument("--email", required=True, help="the From address of emails")
        put.add_argument("--iban", default="")
        put.add_argument("--bic", default="")
        put.add_argument("--account", default="", help="an account without IBAN")
        put.add_argument("--bank", default="")
        put.add_argument(
            "--reference", default="{debtor}-{currency}", help="{debtor}, {currency}, {case}"
        )
        put.add_argument("--phone", default="", help="printed in the letterhead")
        put.add_argument("--country", default="", help="the sender's country code, e.g. DE")
        put.add_argument("--vat-id", default="", help="printed in the imprint")
        put.add_argument("--registration", default="", help="register court and number")
        put.add_argument("--directors", default="", help="managing directors, where required")
        show = sub.add_parser("show")
        for p in (put, show):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "show":
            require(person, Verb.READ, company_id=company.pk)
            s = SenderDetails.objects.filter(company=company).first()
        else:
            s = sender_set(
                actor=person,
                company=company,
                name=o["name"],
                address=o["address"],
                email=o["email"],
                iban=o["iban"],
                bic=o["bic"],
                account=o["account"],
                bank=o["bank"],
                reference_format=o["reference"],
                phone=o["phone"],
                country=o["country"],
                vat_id=o["vat_id"],
                registration=o["registration"],
                directors=o["directors"],
            )
        if s is None:  # names the terminal command that sets them: the terminal's words
            self.stdout.write(f"{company.code} has no sender details: `arrears sender set`\n")
            return
        self.stdout.write(sender_details_words(s))
