"""The desk's own middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from arrears.apps.accounts.access import access_read_once


class AccessReadOnce:
    """A GET or HEAD request (a page read, nothing written) looks each membership and access
    policy up once, however many of the page's selectors ask who may (`access_read_once`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with access_read_once():
            return self.get_response(request)
