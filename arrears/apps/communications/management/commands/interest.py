"""`arrears interest show|set`: the company's interest terms (rules 9 and 12): the regime it
charges where not its jurisdiction's (`--regime contract`: the contracts' own rates; `--regime
jurisdiction`: back), its default contractual rate for debtors whose contract the ERP gives no
rate for (`--contract-rate 1 --per month`; `--contract-rate ""` clears it), and the courts'
markup where the regime makes it a setting (China: `--markup 1.3`, between 1.3 and 1.5;
`--markup ""`: the regime's default). Set by a credit manager, audited."""

from __future__ import annotations

from typing import Any

from arrears.apps.communications.cli import SetOrShowCommand
from arrears.apps.communications.interest_terms import KEEP, interest_terms_set
from arrears.apps.communications.presentation import interest_terms_words
from arrears.apps.communications.selectors import interest_terms_of, regime_for
from arrears.apps.ledger.models import Company


class Command(SetOrShowCommand):
    help = "Show or set the company's interest terms: regime, contractual rate, markup."
    set_help = "a credit manager sets the interest terms (audited)"

    def add_set_arguments(self, put: Any) -> None:
        put.add_argument("--regime", help="contract, or jurisdiction (the jurisdiction's)")
        put.add_argument(
            "--contract-rate", help='the default contractual rate, a percentage ("" clears it)'
        )
        put.add_argument("--per", default="year", help="year (the default) or month")
        put.add_argument("--markup", help='the courts\' markup on the reference rate ("": default)')

    def shown(self, company: Company) -> Any:
        return interest_terms_of(company)

    def put(self, person: Any, company: Company, o: dict[str, Any]) -> Any:
        def given(name: str) -> Any:
            return KEEP if o.get(name) is None else o[name]

        return interest_terms_set(
            actor=person,
            company=company,
            regime=given("regime"),
            rate=given("contract_rate"),
            per=o["per"],
            markup=given("markup"),
        )

    def said(self, company: Company, setting: Any) -> None:
        self.stdout.write(interest_terms_words(setting, regime_for(company, setting)))
