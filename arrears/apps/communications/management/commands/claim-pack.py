"""`arrears claim-pack DEBTOR --out FILE.zip`: what legal needs to claim a case's debt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.common.clock import today
from arrears.apps.common.files import write_file
from arrears.apps.communications.claim_pack import claim_pack, claim_pack_zip
from arrears.apps.communications.presentation import claim_pack_written_words


class Command(PersonCommand):
    help = "Write a case's claim pack for legal (statement, interest by period, history) as ZIP."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("debtor", help="the debtor's code (its case)")
        parser.add_argument("--currency", help="the case's currency, if it has several")
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--out", type=Path, required=True, help="the ZIP file to write")
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        pack = claim_pack(
            actor=person,
            company=company,
            debtor_code=o["debtor"],
            currency=o["currency"],
            as_of=o["as_of"] or today(),
        )
        data = claim_pack_zip(pack)
        write_file(o["out"], data)
        self.stdout.write(claim_pack_written_words(o["out"], len(data), len(pack.history)))
