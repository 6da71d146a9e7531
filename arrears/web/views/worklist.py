"""The worklist page, a collector's home: `arrears worklist` as a table that filters, sorts
and pages (the selector ranks; this only lays the lines out)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from arrears.apps.cases.presentation import late_words, overdue_words, why_words
from arrears.apps.cases.worklist import (
    NO_LINES,
    NOT_IN_TEAM,
    UNKNOWN_FILTER,
    UNKNOWN_PERSON,
    WorklistLines,
    worklist_filters,
    worklist_lines,
)
from arrears.apps.clearing.presentation import setoff_mark
from arrears.apps.clearing.selectors import setoff_marks
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.web.views.common import company_of, htmx_partial
from arrears.words import say

FILTERS = ("owner", "step", "channel", "bucket", "currency")
PER_PAGE = 50

# Column -> the line's column it sorts by and whether largest first (ties keep the priority
# order). Rank is the selector's own order.
SORTS: dict[str, tuple[str, bool]] = {
    "rank": ("rank", False),
    "debtor": ("debtor_code", False),
    "action": ("step_code", False),
    "due": ("due_on", False),
    "late": ("days_late", True),
    "overdue": ("overdue_company_minor", True),
    "days": ("days_overdue", True),
}


def _field_of(e: Refusal) -> str:
    """The filter a refusal is about, so its words stand beside that field."""
    if e.code == UNKNOWN_FILTER:
        return str(e.figures.get("name", ""))
    if e.code in (UNKNOWN_PERSON, NOT_IN_TEAM) or isinstance(e, NotAllowed):
        return "owner"
    return ""


def _sorted(lines: WorklistLines, sort: str) -> tuple[WorklistLines, str]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        return lines, "rank"
    if sort == "rank":  # the selector's order already
        return lines, sort
    column, descending = SORTS[key]
    return lines.sorted_by(column, descending=descending, reverse=sort.startswith("-")), sort


def worklist_page(request: HttpRequest, company: str) -> HttpResponse:
    """GET: the person's (or, for who may, a named owner's) actions due today or earlier."""
    firm = company_of(request, company)
    chosen = {k: request.GET.get(k, "").strip() for k in FILTERS}
    on = timezone.localdate()
    errors: dict[str, str] = {}
    status, lines = 200, NO_LINES
    try:
        g = {k: v or None for k, v in chosen.items()}
        lines = worklist_lines(
            actor=request.user,
            company_id=firm.pk,
            on=on,
            owner=g["owner"],
            step=g["step"],
            channel=g["channel"],
            bucket=g["bucket"],
            currency=g["currency"],
        )
    except Refusal as e:
        errors[_field_of(e)] = say(e)
        status = 403 if isinstance(e, NotAllowed) else 422
    ordered, sort = _sorted(lines, request.GET.get("sort", "rank"))
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    # rule 11: a line whose case has a set-off possible or pending says so
    marks = setoff_marks(actor=request.user, company=firm, as_of=on) if lines else {}
    context = {
        "company": firm,
        "on": on,
        "chosen": chosen,
        "errors": errors,
        "choices": worklist_filters(actor=request.user, company_id=firm.pk),
        "page": page,
        "rows": [
            {
                "line": x,
                "url": reverse("case", args=(firm.code, x.case_id)),  # once a line, used twice
                "overdue": overdue_words(x),
                "late": late_words(x),
                "why": why_words(x),
                "setoff": setoff_mark(marks.get((x.debtor_id, x.currency))),
            }
            for x in page
        ],
        "total": len(lines),
        "sort": sort,
        "query": "",
        "kept": {k: v for k, v in chosen.items() if v},
    }
    template = htmx_partial(request, "desk/worklist.html", "desk/_worklist_table.html")
    return render(request, template, context, status=status)
