"""The words of the worklist: its refusals, and a line's reasons as a person reads them.

(Kept apart from `cases/presentation.py` for now; the two fold into one at merge.)
"""

from __future__ import annotations

from arrears.apps.cases.worklist import WorklistLine
from arrears.domain.money import format_minor

WORDS = {
    "worklist.unknown_filter": "{value!r} is not a {name} the worklist knows: use one of {choices}",
    "worklist.unknown_person": "{username} holds no active role in this company: there is no "
    "worklist of theirs to show",
    "worklist.not_in_team": "{username} does not report to {manager}: their worklist is not "
    "part of the team's",
    "worklist.no_rate": "no exchange rate into the company currency for {currencies}: the "
    "worklist cannot weigh those cases against the others (add a rate: `arrears rate set "
    "CURRENCY RATE` or `arrears import rates FILE`)",
}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def overdue_words(line: WorklistLine) -> str:
    """The overdue amount in the case's currency, and in the company's where they differ."""
    r = line.reasons
    own = format_minor(r.overdue_minor, line.currency)
    if line.currency == line.company_currency:
        return own
    return f"{own} ({format_minor(r.overdue_company_minor, line.company_currency)})"


def late_words(line: WorklistLine) -> str:
    """'3 days late', or 'due today'."""
    late = line.reasons.days_late
    return f"{_plural(late, 'day', 'days')} late" if late else "due today"


def why_words(line: WorklistLine) -> str:
    """What weighs on the score besides amount and lateness: 'oldest 45 days overdue (31-60),
    1 broken promise: expect EUR 4,000.00'."""
    r = line.reasons
    parts = [f"oldest {_plural(r.days_overdue, 'day', 'days')} overdue ({r.bucket})"]
    if not r.days_overdue:
        parts = ["nothing overdue"]
    if r.broken_promises:
        parts.append(_plural(r.broken_promises, "broken promise", "broken promises"))
    expected = format_minor(r.expected_minor, line.company_currency)
    return f"{', '.join(parts)}: expect {expected}"


def reasons_words(line: WorklistLine) -> str:
    """Every figure that placed the line: 'EUR 12,000.00 overdue, 3 days late, oldest 45 days
    overdue (31-60), 1 broken promise: expect EUR 4,000.00'."""
    return f"{overdue_words(line)} overdue, {late_words(line)}, {why_words(line)}"
