"""The KPI report's charts, drawn by matplotlib with the fonts it ships (no network, no
display): as PNG or SVG files (`arrears kpis --chart FILE`, `write_chart`) and as SVG text for
the desk's figures page (`chart_svg`). One drawing makes both.

Per currency (the company's own first, then the others alphabetically; at most
`MAX_CURRENCIES`), one row of three panels:
DSO, best possible DSO and CEI by month; the ageing at each month's end, stacked by days
past due; and the collectability curve: the share recovered within 30, 90 and 180 days after
each age, a colour per segment (the whole ledger in black), a line style per horizon. Figures come from the same tables the terminal prints (presentation.py): a chart
never computes a figure of its own. Positions on the page are floats; the figures are not.

An SVG names itself for a screen reader: a `<title>` (the chart's heading) and a `<desc>` (what
its panels show) as its first children, and `role="img"` labelled by the one, described by the
other.

matplotlib's drawing state (its font cache, the rc settings) is shared by the whole process,
and a web server draws on several threads: one chart is drawn at a time (`_DRAWING`)."""

from __future__ import annotations

import io
import math
import re
import threading
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import matplotlib

matplotlib.use("Agg")  # files only: no window, whatever the machine has

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from arrears.apps.reports.kpis import KpiReport  # noqa: E402
from arrears.apps.reports.presentation import (  # noqa: E402
    BUCKET_NAMES,
    Cell,
    Table,
    tables,
)

FORMATS = (".png", ".svg")
MAX_CURRENCIES = 3
BUCKET_COLOURS = ("#9ecae1", "#fdd0a2", "#fdae6b", "#f16913", "#a63603")
DESCRIPTION = (
    "For each currency (at most {most}, the company's own first), three panels. Left: DSO, "
    "best possible DSO and CEI month by month. Middle: what was open at each month's end, "
    "stacked by days past due. Right: the collectability curve, the share of what was open "
    "at each age (days overdue) recovered within 30, 90 and 180 days, for the whole ledger "
    "and per segment (the debtor's risk tier). The figures are those of the tables "
    "'months', 'ageing' and 'curve'."
)
SEGMENT_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")  # after 'all'
HORIZON_STYLES = ("-", "--", ":")  # 30, 90, 180 days
CHART_ID = "kpi-chart"  # the title's and the description's ids: `CHART_ID-title`, `-desc`
_DRAWING = threading.Lock()
_SVG_START = re.compile(r"<svg\b[^>]*>")


class ChartError(ValueError):
    """A chart file the report cannot write (its kind)."""


def _pos(value: Cell) -> float | None:
    return float(value) if isinstance(value, (Decimal, int)) else None


def _line(rows: list[list[Cell]], col: int) -> list[float]:
    """A column as positions on the page; no figure is a gap in the line (NaN)."""
    return [p if (p := _pos(r[col])) is not None else math.nan for r in rows]


def chart_title(report: KpiReport) -> str:
    """The chart's heading, over its panels and in its SVG `<title>`."""
    return f"{report.company}: collection figures as of {report.as_of}"


def write_chart(report: KpiReport, path: str | Path) -> None:
    """Draw the report's charts into `path` (.png or .svg)."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in FORMATS:
        raise ChartError(f"a chart is a .png or an .svg file, not {path.name!r}")
    if kind == ".svg":
        path.write_text(chart_svg(report, standalone=True), encoding="utf-8")
    else:
        path.write_bytes(_draw(report, "png"))


def chart_svg(report: KpiReport, *, standalone: bool = False) -> str:
    """The report's charts as SVG text, titled and described for a screen reader. Standalone:
    a file's text, with its XML declaration; else the `<svg>` element alone, to stand inline in
    an HTML page."""
    text = _draw(report, "svg").decode("utf-8")
    opening = _SVG_START.search(text)
    if opening is None:  # pragma: no cover - matplotlib always writes one
        raise ChartError("matplotlib drew no <svg> element")
    labelled = (
        opening.group()[:-1]
        + f' role="img" aria-labelledby="{CHART_ID}-title" aria-describedby="{CHART_ID}-desc">'
        + f"<title id={quoteattr(CHART_ID + '-title')}>{escape(chart_title(report))}</title>"
        + f"<desc id={quoteattr(CHART_ID + '-desc')}>"
        + escape(DESCRIPTION.format(most=MAX_CURRENCIES))
        + "</desc>"
    )
    head = text[: opening.start()] if standalone else ""
    return head + labelled + text[opening.end() :]


def _draw(report: KpiReport, kind: str) -> bytes:
    """The report's charts as a PNG or an SVG file's bytes."""
    by_name = {t.name: t for t in tables(report)}
    months, ageing, curve = by_name["months"], by_name["ageing"], by_name["curve"]
    currencies = _company_currency_first(months, report.currency)[:MAX_CURRENCIES]
    rows = max(1, len(currencies))
    metadata = {"Date": None} if kind == "svg" else {}
    out = io.BytesIO()
    with _DRAWING, matplotlib.rc_context({"svg.hashsalt": "arrears"}):
        fig = Figure(figsize=(18, 4 * rows))
        axes = fig.subplots(rows, 3, squeeze=False)
        fig.suptitle(chart_title(report))
        if not currencies:
            axes[0][0].text(0.5, 0.5, "no receivables yet", ha="center")
        for row, currency in zip(axes, currencies, strict=False):
            _trend(row[0], months, currency)
            _stacked(row[1], ageing, currency)
            _curve(row[2], curve, currency)
        fig.tight_layout()
        fig.savefig(out, format=kind, metadata=metadata)
    return out.getvalue()


def _company_currency_first(months: Table, currency: str) -> list[str]:
    """The currencies with figures: the company's own, then the others alphabetically
    (amounts in different currencies are never compared without a rate)."""
    found = {str(row[1]) for row in months.rows}
    return sorted(found, key=lambda c: (c != currency, c))


def _trend(ax: Axes, months: Table, currency: str) -> None:
    rows = [r for r in months.rows if r[1] == currency]
    labels = [str(r[0])[:7] for r in rows]
    x = range(len(rows))
    for col, name, style in ((4, "DSO", "-o"), (6, "best possible DSO", "--o")):
        ax.plot(x, _line(rows, col), style, label=name)
    ax.set_ylabel("days")
    ax.set_xticks(list(x), labels)
    cei = ax.twinx()
    cei.plot(x, _line(rows, 8), ":s", color="grey", label="CEI (%)")
    cei.set_ylabel("CEI (%)")
    cei.set_ylim(0, 105)
    handles = ax.get_legend_handles_labels()[0] + cei.get_legend_handles_labels()[0]
    ax.legend(handles, [str(h.get_label()) for h in handles], loc="upper left", fontsize=8)
    ax.set_title(f"{currency}: DSO and collection effectiveness")


def _stacked(ax: Axes, ageing: Table, currency: str) -> None:
    rows = [r for r in ageing.rows if r[1] == currency]
    x = list(range(len(rows)))
    bottom = [0.0] * len(rows)
    for i, (name, colour) in enumerate(zip(BUCKET_NAMES, BUCKET_COLOURS, strict=True)):
        heights = [_pos(r[2 + i]) or 0.0 for r in rows]
        ax.bar(x, heights, bottom=bottom, label=name, color=colour)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(x, [str(r[0])[:7] for r in rows])
    ax.set_ylabel(currency)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(title="days past due", fontsize=8)
    ax.set_title(f"{currency}: ageing at each month's end")


def _curve(ax: Axes, curve: Table, currency: str) -> None:
    """The currency's collectability curve: per segment ('all' first, in black) and horizon,
    the share recovered (the table's percentages) against the age; no window, no point."""
    rows = [r for r in curve.rows if r[1] == currency]
    segments = list(dict.fromkeys(str(r[0]) for r in rows))
    horizons = curve.header[4:]
    colours = {"all": "black"} | {
        s: SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)]
        for i, s in enumerate(x for x in segments if x != "all")
    }
    for segment in segments:
        mine = [r for r in rows if r[0] == segment]
        ages = [_pos(r[2]) or 0.0 for r in mine]
        for j, (name, style) in enumerate(zip(horizons, HORIZON_STYLES, strict=False)):
            ax.plot(
                ages,
                _line(mine, 4 + j),
                style,
                marker="o",
                markersize=3,
                color=colours[segment],
                label=f"{segment}, {name.removesuffix(' (%)')}",
            )
    ages_read = sorted({_pos(r[2]) or 0.0 for r in rows})
    if ages_read:
        ax.set_xticks(ages_read, [f"{a:.0f}" for a in ages_read])
    ax.set_xlabel("age (days overdue)")
    ax.set_ylabel("recovered (%)")
    ax.set_ylim(0, 105)
    if segments:
        ax.legend(fontsize=6, ncol=max(1, len(segments) // 2))
    else:
        ax.text(0.5, 0.5, "no complete window yet", ha="center", transform=ax.transAxes)
    ax.set_title(f"{currency}: collectability by segment")
