"""The words for cases: refusals about actions (completing and cancelling them, and whose
role's they are), about giving debtors an owner and about the worklist; what an assignment
did; a worklist line's reasons as a person reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arrears.apps.accounts.presentation import ROLE_WORDS
from arrears.domain.access import PersonRole
from arrears.domain.actions import EARLIEST_BEFORE_DUE
from arrears.domain.money import format_minor

if TYPE_CHECKING:
    from arrears.apps.cases.services.assignment import Assigned
    from arrears.apps.cases.worklist import WorklistLine

KIND_WORDS = {"call": "call", "task": "task", "review": "review", "message": "letter or email"}

WORDS = {
    "action.unknown": "there is no action {action}: `arrears explain DEBTOR` lists a case's "
    "actions with their numbers",
    "action.not_open": "action {action} is already {status_words}: it cannot be done or "
    "cancelled again",
    "action.wrong_state": "action {action} is a {kind_words}: it cannot become {to} (it is "
    "{status}); a queued letter or email is recorded as sent or failed instead",
    "action.unknown_outcome": "{outcome!r} is not how a {kind_words} ends: use one of {allowed}",
    "action.after_today": "{day} is after today ({today}): record what happened, not what is "
    "planned",
    "action.too_early": "{day} is more than "
    + str(EARLIEST_BEFORE_DUE.days)
    + " days before action {action} fell due ({due_on}): the earliest day is {earliest}",
    "action.case_closed": "the {currency} case of {debtor} is closed ({reason}): its actions "
    "are over",
    "action.no_reason": "say why action {action} is cancelled (--reason)",
    "action.reason_too_long": "a reason is at most {most} characters",
    "assign.no_reason": "say why (a hand-off is recorded with its reason)",
    "assign.no_debtor": "there is no debtor {debtor} in this company",
    "assign.not_an_owner": "{person} cannot own debtors in {company}: owners are the company's "
    "active collectors and credit managers",
    "assign.no_collectors": "the company has no active collector to share the debtors among",
    "assign.no_map": "say which country or risk tier goes to whom, e.g. DE=cora,AT=carl",
    "assign.bad_pair": "{pair!r} is not KEY=USERNAME",
    "assign.key_twice": "{key!r} is named twice in the map",
    "action.not_your_role": "action {action} is for {action_role_words}: {person} "
    "({role_words}) may not complete or cancel it; {who_may} does",
    "worklist.unknown_filter": "{value!r} is not a {name} the worklist knows: use one of {choices}",
    "worklist.unknown_person": "{username} holds no active role in this company: there is no "
    "worklist of theirs to show",
    "worklist.not_in_team": "{username} does not report to {manager}: their worklist is not "
    "part of the team's",
    "worklist.no_rate": "no exchange rate into the company currency for {currencies}: the "
    "worklist cannot weigh those cases against the others (add a rate: `arrears rate set "
    "CURRENCY RATE` or `arrears import rates FILE`)",
}


def enrich(figures: dict[str, Any]) -> dict[str, Any]:
    """Kinds and states in words ("done (no answer)", "letter or email")."""
    out = dict(figures)
    kind = str(figures.get("kind", ""))
    out["kind_words"] = KIND_WORDS.get(kind, kind)
    status, outcome = str(figures.get("status", "")), str(figures.get("outcome") or "")
    said = f"{status} ({outcome.replace('_', ' ')})" if outcome and status == "done" else status
    out["status_words"] = said
    if "action_role" in figures:
        out.update(_role_words(str(figures["action_role"]), str(figures.get("role") or "")))
    return out


_ROLES: dict[str, str] = {r.value: w for r, w in ROLE_WORDS.items()}


def _role_words(action_role: str, role: str) -> dict[str, str]:
    """Whose an action is, who asked, and who does it instead, in words."""
    theirs = _ROLES.get(action_role, action_role) or "?"
    who_may = "a credit manager"
    if action_role and action_role != PersonRole.CREDIT_MANAGER:
        who_may = f"{_a(theirs)} or a credit manager"
    return {
        "action_role_words": _a(theirs),
        "role_words": _ROLES.get(role, role) or "no role here",
        "who_may": who_may,
    }


def _a(word: str) -> str:
    """'a collector', 'an agency', 'legal' (a department, no article)."""
    if word == ROLE_WORDS[PersonRole.LEGAL]:
        return word
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


# --- what an assignment did ------------------------------------------------------------

SHOWN_UNOWNED = 10  # the debtors a rule left unowned, named before "..."


def assigned_lines(
    done: Assigned, *, debtor: str = "", owner: str = "", rule: str = ""
) -> list[str]:
    """One debtor given (`debtor`, `owner`): 'D042 now owned by cora' (or already); every
    unowned debtor by `rule`: how many, then per owner, then those the rule found no owner for."""
    if debtor:
        return [f"{debtor} {'already' if done.unchanged else 'now'} owned by {owner}"]
    lines = [f"{sum(done.given.values())} unowned debtors given an owner ({rule}):"]
    lines += [f"  {name:<16} {n}" for name, n in sorted(done.given.items())]
    if done.left_unowned:
        shown = ", ".join(done.left_unowned[:SHOWN_UNOWNED])
        more = " ..." if len(done.left_unowned) > SHOWN_UNOWNED else ""
        lines.append(f"  still unowned (no rule for them): {shown}{more}")
    return lines


# --- the worklist ------------------------------------------------------------------------


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
