"""The desk's own middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from arrears.apps.common.reads import read_once


class AccessReadOnce:
    """A GET or HEAD request (a page read, nothing written) looks each membership and access
    policy up once, however many of the page's selectors ask who may, and reads the company,
    its ladders, a case's items and payments once, however many panels show them
    (`common.reads.read_once`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with read_once():
            return self.get_response(request)
