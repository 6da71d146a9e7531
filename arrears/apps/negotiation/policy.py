"""The company's negotiation policies; settings override the documented domain defaults."""

from __future__ import annotations

from django.conf import settings

from arrears.domain.disputes import DisputePolicy
from arrears.domain.negotiation import NegotiationConfig
from arrears.domain.promises import PromisePolicy


def promise_policy() -> PromisePolicy:
    """settings.ARREARS_PROMISE_POLICY (e.g. {"grace_business_days": 3}) over the defaults."""
    return PromisePolicy(**getattr(settings, "ARREARS_PROMISE_POLICY", {}))


def dispute_policy() -> DisputePolicy:
    return DisputePolicy(**getattr(settings, "ARREARS_DISPUTE_POLICY", {}))


def negotiation_config() -> NegotiationConfig:
    """The negotiation engine's policy (a company replaces it in code: docs/negotiation.md)."""
    return NegotiationConfig()
