"""The words for set-off and clearing: refusals, the set-off proposals and the clearing's
per-firm table (the terminal now; the case page, the worklist and the letters next)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from arrears.apps.clearing.obligations import ClearingProposal
from arrears.apps.clearing.selectors import SetOff
from arrears.domain.money import exponent

WORDS = {
    "setoff.unknown_debtor": "no debtor {debtor!r} in this company",
    "clearing.columns": "the obligations lack the columns {missing}",
    "clearing.empty_cell": "an obligation has an empty debtor, creditor or amount",
    "clearing.not_minor_units": "amounts must be whole minor units, not {dtype}",
    "clearing.not_positive": "an obligation is not positive: {row}",
    "clearing.owes_itself": "{firm!r} owes itself",
    "clearing.too_large": "the obligations add up to more than can be counted exactly",
    "clearing.net_changed": "the clearing would change {firm!r}'s net position: refused",
    "clearing.obligation_grew": "the clearing would raise what {debtor!r} owes {creditor!r}: "
    "refused",
}


def amount(minor: int, currency: str) -> str:
    return f"{currency} {Decimal(minor).scaleb(-exponent(currency)):,f}"


def setoff_lines(proposals: Sequence[SetOff], *, company: str, as_of: str) -> str:
    """Each debtor's proposed set-off: the total, then pair by pair."""
    if not proposals:
        return f"No set-off possible at {company} on {as_of}: no debtor we owe has a due invoice."
    lines = [f"Set-off proposals at {company} on {as_of}: {len(proposals)}"]
    for s in proposals:
        cur = s.currency
        lines.append("")
        lines.append(
            f"{s.debtor_code} {s.debtor_name}: set off {amount(s.amount_minor, cur)} "
            f"(they owe us {amount(s.due_to_us_minor, cur)} due; we owe them "
            f"{amount(s.owed_by_us_minor, cur)})"
        )
        for p in s.pairs:
            lines.append(
                f"  our {p.receivable} (due {p.receivable_due}) against their {p.payable} "
                f"(due {p.payable_due}): {amount(p.amount_minor, cur)}"
            )
    return "\n".join(lines)


FIRM_HEADER = [
    "firm",
    "owes before",
    "owes after",
    "is owed before",
    "is owed after",
    "cleared",
    "net position",
]


def firm_rows(proposal: ClearingProposal) -> list[list[object]]:
    """Per firm, exact decimals in the file's currency."""
    cur = proposal.currency
    e = exponent(cur)
    rows = []
    for r in proposal.clearing.firms.iter_rows(named=True):
        rows.append(
            [
                r["firm"],
                *(
                    Decimal(r[k]).scaleb(-e)
                    for k in (
                        "owes_before_minor",
                        "owes_after_minor",
                        "owed_before_minor",
                        "owed_after_minor",
                        "cleared_minor",
                        "net_minor",
                    )
                ),
            ]
        )
    return rows


def clearing_summary(proposal: ClearingProposal) -> str:
    c, cur = proposal.clearing, proposal.currency
    share = (
        Decimal(c.cleared_minor) * 100 / Decimal(c.before_minor) if c.before_minor else Decimal(0)
    )
    rows = firm_rows(proposal)
    text = [[str(x) if not isinstance(x, Decimal) else f"{x:,f}" for x in row] for row in rows]
    widths = [max(len(r[i]) for r in [FIRM_HEADER, *text]) for i in range(len(FIRM_HEADER))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "-" * len(line(["-" * w for w in widths]))
    return "\n".join(
        [
            f"Clearing of {proposal.obligations:,} obligations among {proposal.firms:,} firms "
            f"({cur}): {amount(c.cleared_minor, cur)} of {amount(c.before_minor, cur)} cleared "
            f"({share.quantize(Decimal('0.1'))}%), {amount(c.after_minor, cur)} left to pay",
            "every firm's net position is unchanged (checked to the minor unit)",
            rule,
            line(FIRM_HEADER),
            rule,
            *map(line, text),
            rule,
        ]
    )
