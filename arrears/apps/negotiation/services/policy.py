"""§5-8 Storing a company's desk policy document (credit managers only), validated first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from arrears.apps.accounts.services import audit_record
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.models import NegotiationPolicy
from arrears.apps.negotiation.policy import merge, site_document
from arrears.apps.negotiation.services.common import require_credit_manager
from arrears.domain.access import Verb
from arrears.domain.negotiation.document import policy_document, policy_from_document


def negotiation_policy_load(
    *, company: Company, actor: Any, document: Mapping[str, Any]
) -> NegotiationPolicy:
    """Replace the company's policy document; a document with a bad field is refused (the
    domain's `PolicyDocumentError` names it) and nothing is stored. The same document again
    changes nothing."""
    require_credit_manager(actor, "change the negotiation policy", company.pk, Verb.SET_POLICY)
    policy_from_document(merge(site_document(), document))  # refuses before writing
    stored = policy_document(policy_from_document(document))  # normalised: decimals as text
    wanted = {k: stored[k] for k in document}
    with transaction.atomic():
        row, _ = NegotiationPolicy.objects.select_for_update().get_or_create(company=company)
        if row.document == wanted and row.loaded_by_id is not None:
            return row
        row.document, row.loaded_by = wanted, actor
        row.save()
        audit_record(
            action="negotiation.policy_loaded",
            actor=actor,
            object_type="negotiationpolicy",
            object_id=row.pk,
            detail={"company": company.code, "fields": sorted(wanted)},
        )
    return row
