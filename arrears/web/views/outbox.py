"""The messages page: the company's letters and emails the outbox could not send (failed) or
may have sent (uncertain), as `arrears outbox list` shows them to the person, and, for a
credit manager or an administrator, one button that queues every failed one again
(`services.outbox_retry_failed`, as `arrears outbox retry --failed`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from arrears.apps.accounts.access import may
from arrears.apps.communications.presentation import outbox_line, retried_words
from arrears.apps.communications.selectors import outbox_list
from arrears.apps.communications.services import outbox_retry_failed
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal
from arrears.web.views.common import company_of, refused

TO_SETTLE = ("failed", "uncertain")


@require_GET
def messages_page(request: HttpRequest, company: str) -> HttpResponse:
    """The failed and uncertain messages the person may read, newest first."""
    firm = company_of(request, company)
    try:
        rows = {s: outbox_list(actor=request.user, company=firm, state=s) for s in TO_SETTLE}
    except Refusal as e:
        return refused(request, e, {"company": firm})
    context = {
        "company": firm,
        "failed": [outbox_line(m) for m in rows["failed"]],
        "uncertain": [outbox_line(m) for m in rows["uncertain"]],
        "may_retry": may(request.user, Verb.RETRY_MESSAGES, company_id=firm.pk),
    }
    return render(request, "desk/messages.html", context)


@require_POST
def retry_failed(request: HttpRequest, company: str) -> HttpResponse:
    """Queue every failed message of the company again (a credit manager or an
    administrator), then back to the page, saying what was queued."""
    firm = company_of(request, company)
    try:
        done = outbox_retry_failed(actor=request.user, company=firm)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    messages.success(request, retried_words(done).strip())
    return redirect("messages", company=firm.code)
