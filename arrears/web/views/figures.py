"""The figures page: `arrears kpis` on the desk. The same selector (`kpi_report`, which asks
who may read and shows a collector only their own line), the same tables and words
(`presentation.tables`), the same chart drawn as inline SVG (`charts.chart_svg`) and the same
downloads (a table as CSV, every table as one XLSX workbook, text neutralised). A GET form
picks the months and the day, by the terminal's rules; htmx swaps the figures alone."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from arrears.apps.ledger.models import Company
from arrears.apps.reports.charts import chart_svg
from arrears.apps.reports.exports import rows_csv, write_sheets_xlsx
from arrears.apps.reports.kpis import KpiReport, kpi_report
from arrears.apps.reports.presentation import (
    NOTHING_YET,
    Table,
    cell_text,
    csv_rows,
    heading_lines,
    sheet,
    tables,
    text_columns,
)
from arrears.domain.refusal import Refusal
from arrears.web.forms import FiguresForm
from arrears.web.views.common import company_of, htmx_partial, refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Asked:
    """What the form asked for, once it reads: the months back and the day."""

    months: int
    as_of: date

    def query(self) -> str:
        return urlencode({"months": self.months, "as_of": self.as_of.isoformat()})


def _shown(firm: Company, table: Table, asked: Asked) -> dict[str, Any]:
    """A table as the page lays it out: each cell's text as the terminal prints it, and
    whether it is a figure (right-aligned); its CSV download with the same controls."""
    words = text_columns(table)
    return {
        "name": table.name,
        "title": table.title,
        "header": [(h, i >= words) for i, h in enumerate(table.header)],
        "rows": [[(cell_text(c), i >= words) for i, c in enumerate(row)] for row in table.rows],
        "empty": NOTHING_YET,
        "csv": reverse("figures-csv", args=[firm.code, table.name]) + "?" + asked.query(),
    }


def _chart(report: KpiReport) -> SafeString:
    # matplotlib writes well-formed SVG, its text as glyph paths and XML-escaped comments;
    # chart_svg escapes the title and description it adds.
    return mark_safe(chart_svg(report))


def _refused_values(request: HttpRequest, firm: Company, form: FiguresForm) -> HttpResponse:
    """The page again with each bad value's words beside its field, and no figures."""
    context = {
        "company": firm,
        "most": FiguresForm.MOST_MONTHS,
        "chosen": form.data,
        "errors": {k: v[0] for k, v in form.errors.items()},
    }
    template = htmx_partial(request, "desk/figures.html", "desk/_figures.html")
    return render(request, template, context, status=422)


def _read(request: HttpRequest, company: str) -> tuple[Company, Asked, KpiReport] | HttpResponse:
    """The company (another's is not found), the controls and the report, as the signed-in
    person; or the page that says what is wrong."""
    firm = company_of(request, company)
    form = FiguresForm(request.GET)
    if not form.is_valid():
        return _refused_values(request, firm, form)
    asked = Asked(form.cleaned_data["months"], form.cleaned_data["as_of"])
    try:
        report = kpi_report(
            actor=request.user, company=firm, as_of=asked.as_of, months=asked.months
        )
    except Refusal as e:
        return refused(request, e, {"company": firm})
    return firm, asked, report


@require_GET
def figures_page(request: HttpRequest, company: str) -> HttpResponse:
    """The company's figures as of a day, to every member: the chart, then each table."""
    read = _read(request, company)
    if isinstance(read, HttpResponse):
        return read
    firm, asked, report = read
    context = {
        "company": firm,
        "most": FiguresForm.MOST_MONTHS,
        "chosen": {"months": asked.months, "as_of": asked.as_of.isoformat()},
        "errors": {},
        "heading": heading_lines(report),
        "chart": _chart(report),
        "tables": [_shown(firm, t, asked) for t in tables(report)],
        "xlsx": reverse("figures-xlsx", args=[firm.code]) + "?" + asked.query(),
    }
    template = htmx_partial(request, "desk/figures.html", "desk/_figures.html")
    return render(request, template, context)


@require_GET
def figures_csv(request: HttpRequest, company: str, table: str) -> HttpResponse:
    """One table of the figures, by name, as the CSV `arrears kpis --csv` writes for it."""
    read = _read(request, company)
    if isinstance(read, HttpResponse):
        return read
    firm, asked, report = read
    found = next((t for t in tables(report) if t.name == table), None)
    if found is None:
        raise Http404(table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{firm.code}-figures-{asked.as_of}-{found.name}.csv"'
    )
    rows_csv(found.header, csv_rows(found), response)
    return response


@require_GET
def figures_xlsx(request: HttpRequest, company: str) -> HttpResponse:
    """Every table of the figures as the workbook `arrears kpis --xlsx` writes."""
    read = _read(request, company)
    if isinstance(read, HttpResponse):
        return read
    firm, asked, report = read
    out = io.BytesIO()
    write_sheets_xlsx([sheet(t) for t in tables(report)], out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{firm.code}-figures-{asked.as_of}.xlsx"'
    )
    return response
