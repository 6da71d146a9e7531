"""The KPI report's charts as PNG or SVG files (`arrears kpis --chart FILE`), drawn by
matplotlib with the fonts it ships: no network, no display.

Per currency (the largest receivables first, at most `MAX_CURRENCIES`), one row of two panels:
DSO, best possible DSO and CEI by month; and the ageing at each month's end, stacked by days
past due. Figures come from the same tables the terminal prints (presentation.py): a chart
never computes a figure of its own. Positions on the page are floats; the figures are not."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window, whatever the machine has

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
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


class ChartError(ValueError):
    """A chart file the report cannot write (its kind)."""


def _pos(value: Cell) -> float | None:
    return float(value) if isinstance(value, (Decimal, int)) else None


def _line(rows: list[list[Cell]], col: int) -> list[float]:
    """A column as positions on the page; no figure is a gap in the line (NaN)."""
    return [p if (p := _pos(r[col])) is not None else math.nan for r in rows]


def write_chart(report: KpiReport, path: str | Path) -> None:
    """Draw the report's charts into `path` (.png or .svg)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ChartError(f"a chart is a .png or an .svg file, not {path.name!r}")
    by_name = {t.name: t for t in tables(report)}
    months, ageing = by_name["months"], by_name["ageing"]
    currencies = _company_currency_first(months, report.currency)[:MAX_CURRENCIES]
    rows = max(1, len(currencies))
    fig, axes = plt.subplots(rows, 2, figsize=(12, 4 * rows), squeeze=False)
    fig.suptitle(f"{report.company}: collection figures as of {report.as_of}")
    if not currencies:
        axes[0][0].text(0.5, 0.5, "no receivables yet", ha="center")
    for row, currency in zip(axes, currencies, strict=False):
        _trend(row[0], months, currency)
        _stacked(row[1], ageing, currency)
    fig.tight_layout()
    metadata = {"Date": None} if path.suffix.lower() == ".svg" else {}
    with plt.rc_context({"svg.hashsalt": "arrears"}):
        fig.savefig(path, metadata=metadata)
    plt.close(fig)


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
