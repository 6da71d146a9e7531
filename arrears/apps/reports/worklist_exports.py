"""The worklist as a terminal table, a CSV file and an XLSX workbook.

The selector (`arrears.apps.cases.worklist`) decides the lines; this only lays them out. Files
carry every figure of a line in its own column (amounts as exact decimals, the reasons also
in words); the terminal shows what a collector works from. Text cells are neutralised
against spreadsheet formulas (`exports.neutralise`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from arrears.apps.cases.presentation import (
    driver_words,
    late_words,
    overdue_words,
    reasons_words,
    say,
    why_words,
)
from arrears.apps.cases.worklist import WorklistLine
from arrears.apps.reports.exports import (
    decimal_of,
    number_format,
    write_rows_csv,
    write_rows_xlsx,
)
from arrears.domain import propensity as P

NAME_WIDTH = 28  # terminal only: long names are cut so that the reasons stay in view

HEADER = [
    "rank",
    "action number",
    "debtor",
    "name",
    "owner",
    "action",
    "channel",
    "role",
    "due",
    "days late",
    "overdue",
    "currency",
    "overdue in company currency",
    "company currency",
    "days overdue",
    "bucket",
    "broken promises",
    "expected recovery",
    "score",
    "reasons",
    f"p paid in full within {P.HORIZON} days",  # the model's; empty: ranked by the rule
    "what moved p most",
]
_AMOUNTS = {10: "currency", 12: "company", 17: "company"}  # column -> whose decimals


def _cells(line: WorklistLine) -> list[object]:
    r = line.reasons
    return [
        line.rank,
        f"A{line.action_id}",
        line.debtor_code,
        line.debtor_name,
        line.owner,
        line.step_code,
        str(line.channel),
        str(line.role),
        line.due_on.isoformat(),
        r.days_late,
        decimal_of(r.overdue_minor, line.currency),
        line.currency,
        decimal_of(r.overdue_company_minor, line.company_currency),
        line.company_currency,
        r.days_overdue,
        r.bucket,
        r.broken_promises,
        decimal_of(r.expected_minor, line.company_currency),
        r.score,
        reasons_words(line),
        None if line.p_paid is None else p_shown(line.p_paid),
        "; ".join(driver_words(f, v, pts) for f, v, pts in line.drivers),
    ]


def p_shown(p: float) -> Decimal:
    """A probability as the files hold it: exact to three decimals, half-up."""
    return Decimal(repr(p)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def write_csv(lines: Sequence[WorklistLine], path: str | Path) -> None:
    """Every figure of every line; amounts as exact decimal text ('1234.50'); no
    probability (no model ranks the list) as an empty cell."""
    rows = (
        ["" if c is None else f"{c:f}" if i in _AMOUNTS else c for i, c in enumerate(_cells(x))]
        for x in lines
    )
    write_rows_csv(HEADER, rows, path)


def write_xlsx(lines: Sequence[WorklistLine], path: str | Path) -> None:
    """The same as the CSV; amounts as numbers in their currency's decimals."""
    formats = {
        i: [number_format(x.currency if whose == "currency" else x.company_currency) for x in lines]
        for i, whose in _AMOUNTS.items()
    }
    write_rows_xlsx(HEADER, [_cells(x) for x in lines], path, sheet="worklist", formats=formats)


def _cut(text: str) -> str:
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "~"


def render_table(
    lines: Sequence[WorklistLine], *, title: str, marks: Mapping[tuple[int, str], str] = {}
) -> str:
    """A plain-text table: rank, debtor, name, owner, action, channel, due, late, overdue,
    and why the line stands where it does; `marks` (per debtor_id and currency) follow the
    debtor's code (rule 11: "set-off possible")."""
    header = ["#", "no.", "debtor", "name", "owner", "action", "channel", "due", "late"]
    header += ["overdue", "why"]
    body = [
        [
            str(x.rank),
            f"A{x.action_id}",
            f"{x.debtor_code} [{marks[(x.debtor_id, x.currency)]}]"
            if (x.debtor_id, x.currency) in marks
            else x.debtor_code,
            _cut(x.debtor_name),
            x.owner or "(no owner)",
            say(x.step_code),
            str(x.channel),
            x.due_on.isoformat(),
            late_words(x),
            overdue_words(x),
            why_words(x),
        ]
        for x in lines
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    right = {0, 9}  # rank and amount

    def line(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(["-" * w for w in widths]))
    return "\n".join([title, rule, line(header), rule, *(line(b) for b in body), rule])
