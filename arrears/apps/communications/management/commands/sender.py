"""`arrears sender set|show`: who a company's letters and emails come from and how to pay."""

from __future__ import annotations

from typing import Any

from arrears.apps.communications.cli import SetOrShowCommand
from arrears.apps.communications.models import SenderDetails
from arrears.apps.communications.presentation import sender_details_words
from arrears.apps.communications.services import sender_set
from arrears.apps.ledger.models import Company


class Command(SetOrShowCommand):
    help = "Set or show the company's sender and payment details (letters and emails need them)."
    set_help = "an administrator sets them (all at once)"

    def add_set_arguments(self, put: Any) -> None:
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

    def shown(self, company: Company) -> Any:
        return SenderDetails.objects.filter(company=company).first()

    def put(self, person: Any, company: Company, o: dict[str, Any]) -> Any:
        return sender_set(
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

    def said(self, company: Company, setting: Any) -> None:
        if setting is None:  # names the terminal command that sets them: the terminal's words
            self.stdout.write(f"{company.code} has no sender details: `arrears sender set`\n")
            return
        self.stdout.write(sender_details_words(setting))
