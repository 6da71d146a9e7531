"""What every page may name: the sign-in lockout rule, in the accounts presenter's words; and
whether the person may open the company's settings (its header link: a credit manager's
all of them, an administrator's people and interest regime), asked only when a page
of a company shows its header."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from arrears.apps.accounts.access import may
from arrears.apps.accounts.presentation import lockout_words
from arrears.domain.access import Verb
from arrears.web.views.common import company_named


def _may(request: HttpRequest, verb: Verb) -> bool:
    match = request.resolver_match
    code = match.kwargs.get("company") if match is not None else None
    if not code or not request.user.is_authenticated:
        return False
    firm = company_named(code)
    return firm is not None and may(request.user, verb, company_id=firm.pk)


def desk(request: HttpRequest) -> dict[str, object]:
    return {
        "lockout_rule": lockout_words(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME),
        "may_set_policy": SimpleLazyObject(lambda: _may(request, Verb.SET_POLICY)),
        # an administrator's settings are the people and the interest regime
        "may_administer": SimpleLazyObject(lambda: _may(request, Verb.ADMINISTER)),
    }
