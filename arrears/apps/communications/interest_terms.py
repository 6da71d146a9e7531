"""A company's interest terms (rules 9 and 12, issue #14), set by a credit manager: the regime
it charges where not its jurisdiction's (the contracts' own rates), its default contractual
rate (its standard terms, for debtors whose contract the ERP gives no rate for) and the courts'
markup where its regime makes that a setting (China). `arrears interest set|show` and the
interest settings page call `interest_terms_set`; the rules are `arrears.domain.interest`'s
(`contract_rate`, `markup_checked`, `applied_regime`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from arrears.apps.accounts import access
from arrears.apps.accounts.services import audit_record
from arrears.apps.communications.models import InterestSetting
from arrears.apps.communications.selectors import (
    CHOSEN_REGIMES,
    REGIME_OF_JURISDICTION,
    InterestTerms,
    interest_terms_of,
)
from arrears.apps.ledger.models import Company
from arrears.domain.access import Verb
from arrears.domain.interest import contract_rate, markup_checked, shipped_regimes
from arrears.domain.refusal import Refusal

KEEP = object()  # an argument not given: the setting stays as it is
JURISDICTION = "jurisdiction"  # `--regime jurisdiction`: back to the jurisdiction's regime


def interest_terms_set(
    *,
    actor: Any,
    company: Company,
    regime: Any = KEEP,
    rate: Any = KEEP,
    per: str = "year",
    markup: Any = KEEP,
) -> InterestTerms:
    """A credit manager sets the company's interest terms; what is not given stays. `regime`:
    "contract" or "jurisdiction"; `rate`: a percentage of `per` (year or month), "" clears
    it; `markup`: the multiplier on the reference rate within the regime's bounds, "" back
    to the regime's default. Every value is checked before anything is written; audited with
    the terms before; the same again changes nothing."""
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        access.require(actor, Verb.SET_POLICY, company_id=company.pk, what="set the interest terms")
        before = interest_terms_of(company)
        own = InterestSetting.objects.filter(company=company).first() or InterestSetting(
            company=company
        )
        values = {
            "regime": own.regime,
            "contract_rate": own.contract_rate,
            "contract_rate_per": own.contract_rate_per,
            "markup": own.markup,
        }
        if regime is not KEEP:
            values["regime"] = _regime(str(regime))
        if rate is not KEEP:
            stated = contract_rate(str(rate), per) if str(rate).strip() else None
            values["contract_rate"] = "" if stated is None else stated.text
            values["contract_rate_per"] = "" if stated is None else stated.per.value
        if markup is not KEEP:
            values["markup"] = _markup(company, values["regime"], str(markup))
        unchanged = all(getattr(own, k) == v for k, v in values.items())
        if unchanged:
            return before
        for k, v in values.items():
            setattr(own, k, v)
        own.save()
        after = interest_terms_of(company)
        audit_record(
            action="interest.terms_set",
            actor=actor,
            object_type="company",
            object_id=company.pk,
            detail={**values, "before": _figures(before)},
        )
    return after


def _regime(code: str) -> str:
    code = code.strip().lower()
    if code in ("", JURISDICTION):
        return ""
    if code not in CHOSEN_REGIMES:
        raise Refusal(
            "interest.regime_choice",
            regime=code,
            choices=", ".join((*CHOSEN_REGIMES, JURISDICTION)),
        )
    return code


def _markup(company: Company, chosen: str, value: str) -> str:
    """The markup as stored ("": the regime's default), checked against the regime charged."""
    if not value.strip():
        return ""
    code = chosen or REGIME_OF_JURISDICTION.get(company.jurisdiction.upper())
    regime = shipped_regimes().get(code or "")
    if regime is None:
        raise Refusal("interest.markup_fixed", regime=company.jurisdiction or "-")
    return str(markup_checked(regime, value))


def _figures(terms: InterestTerms) -> dict[str, str]:
    return {
        "regime": terms.regime,
        "contract_rate": "" if terms.contract is None else terms.contract.text,
        "contract_rate_per": "" if terms.contract is None else terms.contract.per.value,
        "markup": "" if terms.markup is None else str(terms.markup),
    }
