"""`arrears interest show|set`: the company's interest terms (rules 9 and 12): the regime it
charges where not its jurisdiction's (`--regime contract`: the contracts' own rates; `--regime
jurisdiction`: back), its default contractual rate for debtors whose contract the ERP gives no
rate for (`--contract-rate 1 --per month`; `--contract-rate ""` clears it), and the courts'
markup where the regime makes it a setting (China: `--markup 1.3`, between 1.3 and 1.5;
`--markup ""`: the regime's default). Set by a credit manager, audited."""

from __future__ import annotations

from typing import Any

from arrears.apps.accounts.access import require
from arrears.apps.common.cli import PersonCommand, add_company_option
from arrears.apps.communications.interest_terms import KEEP, interest_terms_set
from arrears.apps.communications.presentation import interest_terms_words
from arrears.apps.communications.selectors import interest_terms_of, regime_for
from arrears.domain.access import Verb


class Command(PersonCommand):
    help = "Show or set the company's interest terms: regime, contractual rate, markup."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        put = sub.add_parser("set", help="a credit manager sets the interest terms (audited)")
        put.add_argument("--regime", help="contract, or jurisdiction (the jurisdiction's)")
        put.add_argument(
            "--contract-rate", help='the default contractual rate, a percentage ("" clears it)'
        )
        put.add_argument("--per", default="year", help="year (the default) or month")
        put.add_argument("--markup", help='the courts\' markup on the reference rate ("": default)')
        show = sub.add_parser("show")
        for p in (put, show):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "show":
            require(person, Verb.READ, company_id=company.pk)
            terms = interest_terms_of(company)
        else:

            def given(name: str) -> Any:
                return KEEP if o.get(name) is None else o[name]

            terms = interest_terms_set(
                actor=person,
                company=company,
                regime=given("regime"),
                rate=given("contract_rate"),
                per=o["per"],
                markup=given("markup"),
            )
        self.stdout.write(interest_terms_words(terms, regime_for(company, terms)))
