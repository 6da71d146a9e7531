"""The company's desk policy (§5-8): documented defaults, then the site's settings, then the
company's own document (`NegotiationPolicy`, loaded with `arrears negotiation-policy load`).

Layers merge field by field inside tables (`counter`, `promise`, ...); a list (`walk_away`,
`reasons`, `conditions.order`) is replaced whole. The merged document is validated into the
domain's `DeskPolicy`, so a bad field is refused with its path before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.models import NegotiationPolicy
from arrears.domain.disputes import DisputePolicy
from arrears.domain.negotiation import NegotiationConfig
from arrears.domain.negotiation.document import DeskPolicy, policy_from_document
from arrears.domain.promises import PromisePolicy


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on `base`: tables merge field by field, anything else is replaced."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def site_document() -> dict[str, Any]:
    """The site's settings as a policy document (ARREARS_NEGOTIATION_POLICY, and the older
    ARREARS_PROMISE_POLICY / ARREARS_DISPUTE_POLICY tables)."""
    doc: dict[str, Any] = dict(getattr(settings, "ARREARS_NEGOTIATION_POLICY", {}))
    for key, name in (("promise", "ARREARS_PROMISE_POLICY"), ("dispute", "ARREARS_DISPUTE_POLICY")):
        extra = getattr(settings, name, {})
        if extra:
            doc = merge(doc, {key: extra})
    return doc


def company_document(company: Company | None) -> dict[str, Any]:
    if company is None:
        return {}
    row = NegotiationPolicy.objects.filter(company=company).first()
    return dict(row.document) if row else {}


def desk_policy(company: Company | None = None) -> DeskPolicy:
    """The policy the desk follows for `company` (None: the site's defaults)."""
    return policy_from_document(merge(site_document(), company_document(company)))


def promise_policy(company: Company | None = None) -> PromisePolicy:
    return desk_policy(company).promise


def dispute_policy(company: Company | None = None) -> DisputePolicy:
    return desk_policy(company).dispute


def negotiation_config(company: Company | None = None) -> NegotiationConfig:
    return desk_policy(company).negotiation
