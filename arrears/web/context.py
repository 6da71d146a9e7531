"""What every page may name: the sign-in lockout rule, in the accounts presenter's words."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from arrears.apps.accounts.presentation import lockout_words


def desk(request: HttpRequest) -> dict[str, object]:
    return {"lockout_rule": lockout_words(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)}
