"""The words for set-off and clearing: refusals, the set-off proposals and the clearing's
per-firm table (the terminal now; the case page, the worklist and the letters next)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from arrears.apps.clearing.obligations import ClearingProposal
from arrears.apps.clearing.selectors import CaseSetOff, Proposal, SetOffRecord
from arrears.domain.money import exponent

WORDS = {
    "setoff.unknown_debtor": "no debtor {debtor!r} in this company",
    "setoff.already_open": "set-off S{id} with {debtor} in {currency} is already {state}: "
    "decide it first (`arrears setoff approve|refuse S{id}`)",
    "setoff.nothing": "nothing to set off with {debtor} on {on}: no due invoice of theirs "
    "beside an open one of ours to them (see `arrears setoff show {debtor}`)",
    "setoff.which_currency": "{debtor} has set-offs in {currencies}: name one with --currency",
    "setoff.not_found": "no set-off S{id}",
    "setoff.after_today": "the as-of date {on} is after today ({today}): a set-off takes only "
    "what is due on a day that has happened",
    "setoff.not_proposed": "set-off S{id} is {state}: only a proposed one is decided",
    "setoff.reason_required": "say why set-off S{id} is refused (--reason)",
    "setoff.reason_too_long": "a reason is at most {limit} characters ({length})",
    "setoff.stale": "set-off S{id} no longer holds: {number} has less open now than it takes "
    "(the ERP settled part of it since); refuse it and propose again",
    "setoff.already_booked": "set-off S{id} was booked on {on}: a set-off is booked once",
    "setoff.not_approved": "set-off S{id} is {state}: only an approved one is booked",
    "setoff.not_exported": "set-off S{id} is not in a file for the ERP yet: "
    "`arrears setoff export FILE` first",
    "clearing.which_currency": "the companies keep {currencies}: name the one to clear with "
    "--currency",
    "clearing.columns": "the obligations lack the columns {missing}",
    "clearing.empty_cell": "an obligation has an empty debtor, creditor or amount",
    "clearing.not_minor_units": "amounts must be whole minor units, not {dtype}",
    "clearing.not_positive": "an obligation is not positive: {row}",
    "clearing.owes_itself": "{firm!r} owes itself",
    "clearing.too_large": "the obligations add up to more than can be counted exactly",
    "clearing.net_changed": "the clearing would change {firm!r}'s net position: refused",
    "clearing.obligation_grew": "the clearing would raise what {debtor!r} owes {creditor!r}: "
    "refused",
    "clearing.not_optimal": "the solver's clearing is not proved the one that clears the most "
    "debt: refused",
    "clearing.solver": "the clearing's solver failed ({status}): nothing was cleared",
}


FILE_OR_LEDGERS = "clear either an obligations file or --from-ledgers, one of the two"


def amount(minor: int, currency: str) -> str:
    return f"{currency} {Decimal(minor).scaleb(-exponent(currency)):,f}"


def setoff_lines(proposals: Sequence[Proposal], *, company: str, as_of: str) -> str:
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


def record_line(r: SetOffRecord) -> str:
    """'S3 BRICK EUR 600.00 approved (proposed by cora on 2026-11-30, approved by maria)'."""
    who = f"proposed by {r.proposed_by} on {r.proposed_on}"
    if r.decided_by:
        who += f", {r.state if r.state != 'booked' else 'approved'} by {r.decided_by}"
    if r.reason:
        who += f": {r.reason}"
    tail = ""
    if r.exported_on:
        tail += f"; exported {r.exported_on}"
    if r.booked_on:
        tail += f"; booked {r.booked_on}"
    lines = [
        f"S{r.id} {r.debtor_code} {amount(r.amount_minor, r.currency)} {r.state} ({who}){tail}"
    ]
    lines += [
        f"  our {item} against their {payable}: {amount(minor, r.currency)}"
        for item, payable, minor in r.pairs
    ]
    return "\n".join(lines)


def setoff_hint(proposals: Sequence[Proposal]) -> str | None:
    """What to say when a debtor answers "others owe us" and we owe them too (rule 11)."""
    if not proposals:
        return None
    p = proposals[0]
    ours = ", ".join(dict.fromkeys(x.payable for x in p.pairs))
    return (
        f"set-off possible: we owe {p.debtor_code} {amount(p.owed_by_us_minor, p.currency)} "
        f"({ours}); {amount(p.amount_minor, p.currency)} of what they owe can be set off "
        f"against it: `arrears setoff propose {p.debtor_code}`"
    )


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


OBLIGATION_HEADER = ["debtor", "creditor", "currency", "owes before", "cleared", "owes after"]
PROPOSAL_SHEETS = ("proposal", "firms")  # the XLSX's sheets: per obligation, per firm


def obligation_rows(proposal: ClearingProposal) -> list[list[object]]:
    """The proposal to send: per obligation (debtor to creditor), what it was, what the
    clearing takes off it and what is left to pay; exact decimals in the file's currency."""
    cur = proposal.currency
    e = exponent(cur)
    return [
        [
            r["debtor"],
            r["creditor"],
            cur,
            Decimal(r["before_minor"]).scaleb(-e),
            Decimal(r["before_minor"] - r["after_minor"]).scaleb(-e),
            Decimal(r["after_minor"]).scaleb(-e),
        ]
        for r in proposal.clearing.obligations.iter_rows(named=True)
    ]


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


def setoffs_written_words(n: int, file: object) -> str:
    """How many approved set-offs an export wrote, and where."""
    return f"{n} approved set-off{'' if n == 1 else 's'} written to {file}"


SETOFF_MARKS = {
    "possible": "set-off possible",
    "proposed": "set-off proposed",
    "approved": "set-off approved",
}


def setoff_mark(state: str | None) -> str:
    """The worklist line's marker: "set-off possible" / "proposed" / "approved" ("" none)."""
    return SETOFF_MARKS.get(state or "", "")


def case_setoff_lines(s: CaseSetOff | None) -> list[str]:
    """The case's set-off in words (rule 11): what is possible or pending, pair by pair."""
    if s is None:
        return []
    cur = s.currency
    if s.state == "possible":
        head = (
            f"set-off possible: {amount(s.amount_minor, cur)} of what they owe against what we "
            "owe them (a credit manager approves it)"
        )
    elif s.state == "proposed":
        head = f"set-off S{s.setoff_id} of {amount(s.amount_minor, cur)} proposed: waits for a credit manager"
    else:
        head = (
            f"set-off S{s.setoff_id} of {amount(s.amount_minor, cur)} approved: not dunned until "
            "the ERP books it"
        )
    return [head] + [
        f"our {item} against their {payable}: {amount(minor, cur)}"
        for item, payable, minor in s.pairs
    ]


def setoff_waiting_figures(
    amount_minor: int, currency: str, pairs: Sequence[tuple[str, str, int]]
) -> tuple[str, ...]:
    """A proposed set-off as the approvals page shows it: the amount, then each pair as
    `arrears setoff list` prints it."""
    return (
        f"set off {amount(amount_minor, currency)}",
        *(f"our {i} against their {p}: {amount(m, currency)}" for i, p, m in pairs),
    )


def setoff_decided_words(r: SetOffRecord) -> str:
    """What a decision printed: the set-off's line, as `arrears setoff approve|refuse` does."""
    return record_line(r).splitlines()[0]
