"""The KPI report in the words and tables a person reads: the same tables on the terminal, in
the CSV files, in the XLSX workbook and under the charts (`arrears kpis`).

Amounts become exact decimals in their currency's own decimals only here; ratios (DSO in days,
rates in percent) are rounded half-up to one decimal only here (`kpi.shown`'s rule); a figure
that has no meaning (no sales in a month, no promise resolved) is '-', never a zero."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from arrears.apps.cases.models import PropensityModel
from arrears.apps.reports.backtest import Backtest as BacktestResult
from arrears.apps.reports.exports import Sheet, decimal_of, number_format
from arrears.apps.reports.kpis import KpiReport
from arrears.domain import kpi
from arrears.domain import propensity as P

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Table:
    """One table of the report: `amounts` names the columns holding money, each row's in the
    currency of its `currency` column; `ratios` the columns holding days or percentages."""

    name: str  # file and sheet name
    title: str
    header: list[str]
    rows: list[list[Cell]]
    amounts: frozenset[int] = field(default_factory=frozenset)
    ratios: frozenset[int] = field(default_factory=frozenset)
    currency_column: int = 1


BUCKET_NAMES = kpi.BUCKET_NAMES  # kpi.BUCKETS' bands


def one_place(value: Decimal | None) -> Decimal | None:
    """A ratio as shown: half-up to one decimal (None stays None: no figure)."""
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _money(minor: int, currency: str) -> Decimal:
    return decimal_of(minor, currency)


def month_label(start: date, end: date) -> str:
    """'2026-11' for a whole month, '2026-12 to the 4th' for a month to date."""
    if end.day == calendar.monthrange(end.year, end.month)[1]:
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m} to the {end.day}{_ordinal(end.day)}"


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def tables(report: KpiReport) -> list[Table]:
    """Every table of the report, in reading order."""
    return [
        _months(report),
        _ageing(report),
        _roll(report),
        _promises(report),
        _expected(report),
        _collectors(report),
        _curve(report),
    ]


def _months(report: KpiReport) -> Table:
    rows: list[list[Cell]] = [
        [
            month_label(f.start, f.end),
            f.currency,
            _money(f.ar_end_minor, f.currency),
            _money(f.sales_minor, f.currency),
            one_place(f.dso),
            one_place(f.countback_dso),
            one_place(f.bpdso),
            one_place(f.add),
            one_place(f.cei),
        ]
        for f in sorted(report.months, key=lambda f: (f.currency, f.start))
    ]
    return Table(
        "months",
        "Month by month: days sales outstanding and collection effectiveness",
        [
            "month",
            "currency",
            "receivables at the end",
            "credit sales",
            "DSO (days)",
            "countback DSO",
            "best possible DSO",
            "average days delinquent",
            "CEI (%)",
        ],
        rows,
        amounts=frozenset({2, 3}),
        ratios=frozenset({4, 5, 6, 7, 8}),
    )


def _ageing(report: KpiReport) -> Table:
    wide = report.ageing.pivot(
        on="bucket", index=["month_end", "currency"], values="open_minor", aggregate_function="sum"
    ).sort("currency", "month_end")
    rows: list[list[Cell]] = []
    for r in wide.iter_rows(named=True):
        cur = r["currency"]
        rows.append(
            [
                r["month_end"].isoformat(),
                cur,
                *(_money(r.get(str(b)) or 0, cur) for b in range(len(BUCKET_NAMES))),
            ]
        )
    return Table(
        "ageing",
        "Ageing over time: what was open at each month's end, by days past due "
        f"({_ageing_source(report)})",
        ["month end", "currency", *BUCKET_NAMES],
        rows,
        amounts=frozenset(range(2, 2 + len(BUCKET_NAMES))),
    )


def _ageing_source(report: KpiReport) -> str:
    """Where the ageing over time was read: the run's daily snapshots, or the ledger's
    history rebuilt, or each for some month ends."""
    ends, kept = report.ageing_month_ends, report.ageing_from_snapshots
    if kept == 0:
        return "rebuilt from the ledger"
    if kept >= ends:
        return "from the daily snapshots"
    return f"from the daily snapshots at {kept} month ends, the rest rebuilt from the ledger"


def _roll(report: KpiReport) -> Table:
    rows: list[list[Cell]] = []
    for r in report.roll.iter_rows(named=True):
        cur, bucket = r["currency"], r["bucket"]
        overdue = bucket > 0
        rows.append(
            [
                BUCKET_NAMES[bucket],
                cur,
                r["items"],
                _money(r["from_minor"], cur),
                _money(r["rolled_minor"], cur),
                one_place(kpi.ratio(r["rolled_minor"], r["from_minor"], scale=100)),
                r["cured_items"] if overdue else None,
                one_place(kpi.ratio(r["cured_items"], r["items"], scale=100)) if overdue else None,
                one_place(kpi.ratio(r["cured_minor"], r["from_minor"], scale=100))
                if overdue
                else None,
            ]
        )
    return Table(
        "roll",
        "Roll and cure since the month began: of each bucket's balance then, what rolled "
        "to a worse bucket, and what was cured (paid or no longer overdue)",
        [
            "bucket",
            "currency",
            "items",
            "balance then",
            "rolled",
            "roll rate (%)",
            "cured items",
            "cure rate (%)",
            "cured by amount (%)",
        ],
        rows,
        amounts=frozenset({3, 4}),
        ratios=frozenset({5, 7, 8}),
    )


def _promises(report: KpiReport) -> Table:
    rows: list[list[Cell]] = [
        [
            cur,
            f.resolved,
            f.kept,
            one_place(f.kept_rate),
            _money(f.promised_minor, cur),
            _money(f.paid_minor, cur),
            one_place(f.amount_rate),
        ]
        for cur, f in sorted(report.promises.items())
    ]
    return Table(
        "promises",
        "Promises resolved since the month began (kept, partly kept or broken)",
        ["currency", "resolved", "kept", "kept (%)", "promised", "paid", "paid (%)"],
        rows,
        amounts=frozenset({4, 5}),
        ratios=frozenset({3, 6}),
        currency_column=0,
    )


def _expected(report: KpiReport) -> Table:
    rows: list[list[Cell]] = [
        [r["week"].isoformat(), r["currency"], _money(r["expected_minor"], r["currency"])]
        for r in report.expected.iter_rows(named=True)
    ]
    return Table(
        "expected",
        "Cash expected from promises and plans, by week (what is overdue counts in this week)",
        ["week of", "currency", "expected"],
        rows,
        amounts=frozenset({2}),
    )


def _collectors(report: KpiReport) -> Table:
    rows: list[list[Cell]] = []
    for r in report.collectors.iter_rows(named=True):
        cur = r["currency"]
        rows.append(
            [
                r["person"],
                cur or "",
                r["cases_worked"],
                r["calls"],
                r["promises_taken"],
                r["promises_resolved"],
                r["promises_kept"],
                _money(r["cash_minor"], cur) if cur else None,
            ]
        )
    title = "Per collector since the month began"
    if not report.all_collectors:
        title += " (your own figures: a credit manager sees everyone's)"
    return Table(
        "collectors",
        title,
        [
            "person",
            "currency",
            "cases worked",
            "calls",
            "promises taken",
            "resolved",
            "kept",
            "cash collected",
        ],
        rows,
        amounts=frozenset({7}),
    )


def _curve(report: KpiReport) -> Table:
    rows = curve_rows(report.curve)
    horizons = curve_horizons(report.curve)
    return Table(
        "curve",
        "Collectability: of what was still open when items reached each age (days overdue), "
        "the share recovered within the days after; for the whole ledger ('all') and per "
        "segment (the debtor's risk tier); only windows complete by the day count, so a "
        "longer horizon reads fewer, older items ('items': those of the 30-day window)",
        ["segment", "currency", "age (days)", "items", *(f"within {h} days (%)" for h in horizons)],
        rows,
        ratios=frozenset(range(4, 4 + len(horizons))),
    )


def curve_horizons(curve: pl.DataFrame) -> list[int]:
    """The horizons (days after an age) a curve is read at, shortest first: the usual ones
    (`kpi.HORIZONS`, shown '-' until a window is complete) and any other it holds."""
    return sorted(set(kpi.HORIZONS) | set(curve["horizon"].to_list()))


def curve_rows(curve: pl.DataFrame) -> list[list[Cell]]:
    """`kpi.collectability_by_segment`'s rows as a table's: per segment, currency and age,
    the items that reached the age (those whose shortest window is complete) and the share
    recovered within each horizon, in percent (no figure: that window is not complete)."""
    horizons = curve_horizons(curve)
    rows: list[list[Cell]] = []
    groups = curve.group_by(["currency", "segment", "age"], maintain_order=True)
    for (cur, segment, age), group in groups:
        by_horizon = {r["horizon"]: r for r in group.iter_rows(named=True)}
        first = by_horizon[min(by_horizon)]
        rows.append(
            [
                str(segment),
                str(cur),
                int(str(age)),
                first["items"],
                *(
                    one_place(
                        kpi.ratio(
                            by_horizon[h]["recovered_minor"], by_horizon[h]["open_minor"], scale=100
                        )
                    )
                    if h in by_horizon
                    else None
                    for h in horizons
                ),
            ]
        )
    return rows


MONTHS_RANGE = "a number of months from 1 to {most}"


def months_of(text: str, most: int) -> int:
    """A number of months a person typed, from 1 to `most` in ASCII digits; else a ValueError
    in the words the terminal (`--months`) and the figures page both show."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= most or not text.isascii():
        raise ValueError(MONTHS_RANGE.format(most=most))
    return n


def cell_text(value: Cell) -> str:
    """A cell as a person reads it: amounts with thousands marks, no figure as '-'."""
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return f"{value:,f}"
    return str(value)


def text_columns(table: Table) -> int:
    """How many columns, from the left, hold words (left-aligned); the others hold figures."""
    return table.currency_column + 1


NOTHING_YET = "nothing yet"  # what a table without rows says, under its title


def render(table: Table) -> str:
    """A plain-text table: the first two columns left-aligned, figures right-aligned."""
    body = [[cell_text(c) for c in row] for row in table.rows]
    widths = [max(len(r[i]) for r in [table.header, *body]) for i in range(len(table.header))]
    n_text = text_columns(table)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < n_text else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "-" * len(line(["-" * w for w in widths]))
    if not body:
        return f"{table.title}: {NOTHING_YET}"
    return "\n".join([table.title, rule, line(table.header), rule, *map(line, body), rule])


def heading_lines(report: KpiReport) -> list[str]:
    """What the figures are (company, day) and how a credit counts: above the tables."""
    return [
        f"Figures of {report.company} ({report.company_name}) as of {report.as_of}",
        "What the ERP cleared without a payment (a credit note set against an invoice) counts "
        f"as a credit on {report.cleared_on}, the day its file was imported: it lowers what "
        "is owed and the period's sales, and is never counted as collected.",
    ]


def heading(report: KpiReport) -> str:
    return "\n".join(heading_lines(report))


def csv_rows(table: Table) -> list[list[Cell]]:
    """The rows as the CSV holds them: exact decimals, no figure as an empty cell."""
    return [["" if c is None else c for c in row] for row in table.rows]


def sheet(table: Table) -> Sheet:
    """The table as an XLSX sheet: amounts in their currency's decimals, ratios to 0.0."""
    formats: dict[int, list[str]] = {}
    for i in table.amounts:
        formats[i] = [number_format(str(row[table.currency_column]) or "XXX") for row in table.rows]
    for i in table.ratios:
        formats[i] = ["0.0"] * len(table.rows)
    return Sheet(table.name, table.header, table.rows, formats)


WORDS = {
    "backtest.bad_setting": "--every and --k are at least 1 (asked: every {every} days, top {k})",
    "backtest.too_few_days": "only {days} days to replay from {first} to {last}: a backtest "
    "needs at least 8 (an earlier --from, a smaller --every, or more history)",
    "backtest.nothing_to_judge": "nothing to judge after the split on {split} up to {last}: "
    "every item then ended the same way; move --split earlier",
    "propensity.too_little_history": "too little history to learn from: {days} days and "
    "{rows} open items before the split, with both paid and unpaid outcomes needed (at least "
    "5 days); move --split later or --from earlier",
    "propensity.features_differ": "this model was trained on other features ({model}); "
    "missing: {missing}. Train it again",
    "propensity.tampered": "the stored propensity model {model} does not match its SHA-256: "
    "it is not used; train it again (`arrears propensity train`)",
}


def backtest_lines(result: BacktestResult) -> str:
    """The backtest as a person reads it: the window, how well the model ranks, and what each
    ranking's top k cases recovered, with the lift of expected recovery over each other
    ranking (none over a ranking that found almost nothing: `_lift`)."""
    cur = result.currency
    ours = result.recovered["expected recovery"]
    lines = [
        f"Backtest of {result.company} ({cur} cases): the top {result.k} open cases a day, "
        f"every {result.every} days from {result.first} to {result.last}",
        f"trained on {result.train_rows:,} item-days up to {result.split}; judged on "
        f"{result.test_rows:,} item-days ({result.test_cases:,} case-days) over "
        f"{result.test_days} days after it",
        f"paid in full within 30 days: {result.base_rate:.1%} of the judged items; "
        f"model AUC {result.auc:.3f}, Brier {result.brier:.3f} "
        f"(always saying {result.base_rate:.1%}: {result.brier_base:.3f})",
        "",
        "recovered within 30 days by the items of the cases each ranking put in the top "
        f"{result.k} (judged days only):",
    ]
    width = max(len(n) for n in result.recovered)
    for name, minor in result.recovered.items():
        lift = "" if name == "expected recovery" else f"  {_lift(ours, minor)}"
        lines.append(f"  {name.ljust(width)}  {cur} {_money(minor, cur):>16,f}{lift}")
    return "\n".join(lines)


NO_MODEL = (
    "no propensity model at {company}: the worklist ranks by the rule-based score "
    "(`arrears propensity train` trains one)"
)


def propensity_model_lines(model: PropensityModel, company: str) -> str:
    """A stored model as a person reads it: when and by whom trained, its window, horizon and
    features, and how it did on the days after its window."""
    m = model.metrics
    rows = int(m.get("rows", 0))
    return "\n".join(
        [
            f"Propensity model {model.pk} of {company}"
            f"{' (active: it ranks the worklist)' if model.active else ''}",
            f"trained {model.trained_at:%Y-%m-%d %H:%M} UTC by {model.trained_by}, on the days "
            f"from {model.trained_from} to {model.trained_until}",
            f"predicts: paid in full within {model.horizon} days",
            f"features: {', '.join(model.features)}",
            f"judged on {rows:,} item-days after the window: paid in full "
            f"{float(m.get('base_rate', 0.0)):.1%}; AUC {float(m.get('auc', 0.0)):.3f}, "
            f"Brier {float(m.get('brier', 0.0)):.3f} "
            f"(always saying the base rate: {_base_brier(m):.3f})",
            *([WORSE_THAN_BASE_RATE] if P.worse_than_base_rate(m) else []),
            f"SHA-256 {model.sha256}",
        ]
    )


WORSE_THAN_BASE_RATE = (
    "WARNING: its probabilities did worse after the window than always saying the base rate "
    "(a higher Brier score): its order may still help the worklist (see `arrears backtest`), "
    "its percentages mean little; train again on more history or keep the rule-based score"
)


def _base_brier(metrics: dict[str, float]) -> float:
    return P.brier_of_base_rate(float(metrics.get("base_rate", 0.0)))


def demo_model_words(model: PropensityModel) -> str:
    """One line: the propensity model the demo trained (or found), as judged after its window."""
    m = model.metrics
    return (
        f"propensity model trained on the days {model.trained_from} to {model.trained_until}: "
        f"AUC {float(m.get('auc', 0.0)):.3f}, Brier {float(m.get('brier', 0.0)):.3f} "
        f"(the base rate's {_base_brier(m):.3f}) on "
        f"{int(m.get('rows', 0)):,} held-out item-days; the worklist ranks by expected recovery"
        + (
            " (its percentages did worse than the base rate: `arrears propensity show`)"
            if P.worse_than_base_rate(m)
            else ""
        )
    )


DEMO_NO_MODEL = (
    "no propensity model: the demo ledger has too little history to learn from (more --items "
    "give more); the worklist ranks by the rule-based score"
)


# A baseline that found less than this share of what expected recovery found has
# degenerated (oldest first on a ledger whose oldest debts are never paid): a ratio over
# almost nothing says nothing, so none is printed.
DEGENERATE = Decimal("0.01")


def _lift(ours: int, theirs: int) -> str:
    if theirs == 0:
        return "(recovers nothing: no ratio to compare)"
    if Decimal(theirs) < DEGENERATE * ours:
        return (
            f"(recovers almost nothing: under {DEGENERATE:.0%} of what expected recovery "
            "finds; no ratio to compare)"
        )
    times = Decimal(ours) / Decimal(theirs)
    return f"(expected recovery finds {times.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,f} times as much)"


def worklist_title(
    *, company: str, on: date, count: int, owner: str = "", team: bool = False
) -> str:
    """The worklist's head: whose list (a collector's, the team's or yours), where, when, and
    how many actions."""
    whose = f"{owner}'s" if owner else "Your team's" if team else "Your"
    n = f"{count:,} action{'' if count == 1 else 's'}"
    return f"{whose} worklist at {company} on {on}: {n}"


def ageing_title(
    *, company: str, as_of: date, by: Sequence[str], currency: str | None, empty: bool
) -> str:
    """The ageing report's head: by which dimensions, in the company's currency when it is
    one (`currency`), and "no open items" when the report is `empty`."""
    title = f"Ageing of {company} as of {as_of}, by {', '.join(by)}"
    if currency:
        title += f", in {currency}"
    if empty:
        title += ": no open items"
    return title
