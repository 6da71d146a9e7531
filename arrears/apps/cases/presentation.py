"""The words for cases: refusals about actions (completing and cancelling them, and whose
role's they are), about giving debtors an owner and about the worklist; what an assignment
did; a worklist line's reasons as a person reads them; a case's history, its actions and
stored codes in plain words (`say`), shared by the terminal and, next, the web desk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arrears.apps.accounts.presentation import ROLE_WORDS
from arrears.apps.cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    HoldChange,
)
from arrears.apps.ledger.models import OpenItem
from arrears.domain.access import PersonRole
from arrears.domain.actions import (
    CASE_CLOSED,
    EARLIEST_BEFORE_DUE,
    OVERTAKEN,
    STEP_LEFT,
    NextActionKind,
)
from arrears.domain.fees import FeeKind, StepFee
from arrears.domain.money import Money, format_minor
from arrears.domain.text import counted
from arrears.words import say as say_refusal

if TYPE_CHECKING:
    from arrears.apps.cases.selectors import CaseBalance, Explanation
    from arrears.apps.cases.services.assignment import Assigned
    from arrears.apps.cases.services.holidays import HolidaysChanged
    from arrears.apps.cases.services.run import RunResult
    from arrears.apps.cases.worklist import WorklistLine
    from arrears.domain.ladder import Strategy

KIND_WORDS = {"call": "call", "task": "task", "review": "review", "message": "letter or email"}

WORDS = {
    # the company's holidays (services/holidays.py, domain/calendar.py)
    "holidays.not_a_holiday": "{day} is not one of the company's holidays: `arrears holidays "
    "list` shows them",
    "holidays.name_too_long": "a holiday's name has at most {most} characters",
    "holidays.control_in_name": "the name contains the control character {code}: type it "
    "again without it",
    "holidays.bad_year": "{year} is not a year arrears dates anything in (from {first})",
    "holidays.no_defaults": "no default calendars here: the `holidays` package is not "
    "installed (pip install 'arrears[calendars]'); add the days with `arrears holidays add` or "
    "`arrears import holidays FILE.csv`",
    "holidays.no_default_calendar": "there is no default calendar for the jurisdiction "
    "{jurisdiction}: add the days with `arrears holidays add` or `arrears import holidays "
    "FILE.csv`",
    "holidays.file_not_utf8": "{file}: not UTF-8 text (re-save it as CSV UTF-8); nothing "
    "was imported",
    "holidays.file_unreadable": "{file}: cannot be read ({problem})",
    "holidays.file_header": "{file}: the first line must be the header, with a `date` column "
    "(and optionally `name`); nothing was imported",
    "holidays.file_column": "{file}: unknown column {column!r} (the columns are date and "
    "name); nothing was imported",
    "holidays.file_empty": "{file}: no days in it; nothing was imported",
    "holidays.file_rejected": "{file}: nothing was imported: {errors}",
    "case.unknown": "there is no case {case} here",
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
    # the daily run (services/run.py, services/lock.py)
    "run.backwards": "runs go forward: the last run for {company} was as of {last}, not after "
    "{as_of}",
    "run.after_today": "the as-of date {as_of} is after today ({today}): a run judges days "
    "that have happened",
    "run.too_early": "the as-of date {as_of} is before {first}: no ledger goes back that far "
    "(a mistyped year?)",
    "run.no_desk": "the negotiation desk is not installed: the run needs its sweep",
    "run.no_strategy": "{company} has no collection strategy: its setup installs the default "
    "ladders",
    "run.cannot_decide": "{problem}",
    "run.locked": "another run holds the lock for {company} (run {run_id}, {holder}, since "
    "{since}); wait for it",
    "run.busy": "the database is busy: another process has been writing to it for more than "
    "{seconds} seconds (another run?); nothing was changed: try again when it is done",
    "run.interrupted": "the run of {company} as of {as_of} was interrupted: nothing it "
    "decided was kept (a run started is recorded as failed, interrupted); run it again when "
    "you are ready",
    "run.overlapped": "another run for {company} (run {run_id}) ran while this one waited for "
    "the database; nothing was changed: run again if you still need to",
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
    if line.p_paid is not None:
        learned = f"{line.p_paid:.0%} likely paid"
        moved = [driver_words(f, v, pts) for f, v, pts in line.drivers]
        parts.append(f"{learned} ({', '.join(moved)})" if moved else learned)
    return f"{', '.join(parts)}: expect {expected}"


# What a propensity feature's value says (the value of the case's most overdue item)
DRIVER_WORDS: dict[str, str] = {
    "dpd": "{v:,.0f} days overdue",
    "days_since_issue": "issued {v:,.0f} days ago",
    "log_open": "the size of its open balance",
    "share_open": "{v:.0%} of the invoice still open",
    "debtor_open_items": "{v:,.0f} items open",
    "debtor_overdue_items": "{v:,.0f} items overdue",
    "debtor_paid_items": "{v:,.0f} items paid before",
    "debtor_mean_days_late": "paid {v:,.0f} days late on average before",
    "debtor_share_late": "paid late before ({v:.0%} of items)",
    "debtor_recent_days_late": "last item paid {v:,.0f} days late",
    "debtor_disputes_open": "{v:,.0f} disputes open",
    "debtor_promises_given": "{v:,.0f} promises given",
    "debtor_promises_kept": "{v:,.0f} promises kept",
    "debtor_promises_broken": "{v:,.0f} promises broken",
    "debtor_excuses": "{v:,.0f} excuses given",
    "step_reached": "at rung {v:,.0f} of the ladder",
}
# Features whose value names one of a few states (by its number)
CHOICE_WORDS: dict[str, tuple[str, ...]] = {
    "disputed": ("not in dispute", "in dispute"),
    "risk_tier": ("low risk", "medium risk", "high risk"),
}
NO_HISTORY = "no payment history"
NO_TIER = "no risk tier"


def driver_words(feature: str, value: float | None, pts: int) -> str:
    """'paid late before (40% of items) (+12 pts)', '90 days overdue (-8 pts)'."""
    template = DRIVER_WORDS.get(feature, feature + " {v}")
    choices = CHOICE_WORDS.get(feature)
    if choices is not None:
        n = -1 if value is None else int(value)
        said = choices[n] if 0 <= n < len(choices) else NO_TIER
    else:
        said = NO_HISTORY if value is None else template.format(v=value)
    return f"{said} ({pts:+d} pts)"


def reasons_words(line: WorklistLine) -> str:
    """Every figure that placed the line: 'EUR 12,000.00 overdue, 3 days late, oldest 45 days
    overdue (31-60), 1 broken promise: expect EUR 4,000.00'."""
    return f"{overdue_words(line)} overdue, {late_words(line)}, {why_words(line)}"


# --- history, actions and codes in words (explain, the action commands, the desk) ---------

CLOSED_REASONS = {
    "paid": "paid in full",
    "credited": "settled by a credit",
    "settled": "settled by payment and credit",
    "written_off": "written off",
}

# §5-8 How a stored code reads to a collector or a credit manager, where plain `say` (the code
# with spaces for underscores) is not the best word. Machine formats (CSV, the JSON of
# `CaseEvent.reason`) keep the codes; every line a person reads goes through `say`.
PLAIN_WORDS: dict[str, str] = {
    # promise and plan states, case and approval kinds
    "good_standing": "in good standing",
    "partly_kept": "partly kept",
    # what came of a call or a task (arrears.domain.actions.Outcome)
    "left_message": "left a message",
    "pending_approval": "waiting for approval",
    "write_off": "write-off",
    "credit_manager": "credit manager",
    # the engine's recommendation, negotiation events, walk-away limits
    "needs_approval": "needs approval",
    "approval_requested": "approval requested",
    "first_payment_too_late": "first payment too late",
    "first_payment_too_small": "first payment too small",
    "plan_too_long": "plan too long",
    # dispute outcomes and conditions
    "credit_note": "credit note",
    "direct_debit_mandate": "direct-debit mandate",
    "post_dated_payment_order": "post-dated payment order",
    # excuses and what the collector does next
    "goods_problem": "problem with the goods",
    "pay_when_business_picks_up": "will pay when business picks up",
    "call_back": "call back",
    "send_invoice_copy": "send a copy of the invoice",
    "verify_payment": "verify the payment",
    "open_dispute": "open a dispute",
    "propose_set_off": "propose a set-off",
    "ask_plan": "ask for a payment plan",
    "confirm_with_sales": "confirm with sales",
    # the desk's actions
    "promise_follow_up": "promise follow-up",
    "plan_default_follow_up": "defaulted plan follow-up",
    "dispute_escalation": "overdue dispute: decide",
    "handover_legal": "hand-over to legal",
    "handover_agency": "hand-over to the agency",
    # credit-hold rules
    "exposure_over_credit_limit": "exposure over the credit limit",
    "oldest_item_past_hold_age": "oldest item past the hold age",
    "exposure_within_limit_and_no_old_items": "exposure within the limit, no old items",
}


def say(value: object) -> str:
    """A stored code in plain words: `wrong_price` -> "wrong price", `good_standing` -> "in good
    standing" (PLAIN_WORDS); an excuse's follow-up action (`excuse_call_back`) as its action; None and
    "" as ""."""
    if value is None:
        return ""
    text = str(value)
    if text in PLAIN_WORDS:
        return PLAIN_WORDS[text]
    if text.startswith("excuse_") and text[7:] in PLAIN_WORDS:
        return PLAIN_WORDS[text[7:]]
    return text.replace("_", " ")


def say_all(values: object) -> str:
    """A list of codes in words, comma-separated ("" for none)."""
    if not isinstance(values, list | tuple):
        return say(values)
    return ", ".join(say(v) for v in values)


_RUN_EVENTS = {
    "opened": "case opened: {open} open",
    "reopened": "case reopened: {open} open again",
    "closed": "case closed: paid in full",
}


def closed_words(reason: dict[str, Any], currency: str) -> str:
    """§2 How a case the run closed was settled: 'case closed: paid in full', 'case closed:
    settled by a credit of EUR 400.00', 'case closed: settled by payment and credit: paid EUR
    600.00, credited EUR 400.00'. A closing recorded before the reason was kept reads paid."""
    why = str(reason.get("closed_reason") or "paid")
    paid = format_minor(int(reason.get("paid_minor") or 0), currency)
    credited = format_minor(int(reason.get("credited_minor") or 0), currency)
    figures = {"credited": f" of {credited}", "settled": f": paid {paid}, credited {credited}"}
    return f"case closed: {CLOSED_REASONS.get(why, say(why))}{figures.get(why, '')}"


def closed_why(reason: str, paid_minor: int, credited_minor: int, currency: str) -> str:
    """A closed case's reason as explain shows it, with the amounts that settled it."""
    return closed_words(
        {"closed_reason": reason, "paid_minor": paid_minor, "credited_minor": credited_minor},
        currency,
    ).removeprefix("case closed: ")


def holiday_line(day: date, name: str) -> str:
    """One of the company's holidays: '2026-12-24 Thu  Christmas Eve'."""
    return f"{day} {day.strftime('%a')}  {name}".rstrip()


def holidays_changed_lines(changed: HolidaysChanged) -> list[str]:
    """What a change of the calendar did, in words."""
    parts = [
        f"{len(changed.created)} added",
        f"{len(changed.renamed)} renamed",
        f"{len(changed.unchanged)} unchanged",
    ]
    if changed.removed:
        parts = [f"{len(changed.removed)} removed"]
    days = [*changed.created, *changed.renamed, *changed.removed]
    return ["holidays: " + ", ".join(parts), *(f"  {d}" for d in days[:20])]


def describe_action(a: Action) -> str:
    """An action and where its life stands: "A12 call (phone, collector) due 2026-11-25: done
    on 2026-11-26 by cora: no answer; note: ..."."""
    head = f"A{a.pk} {say(a.step_code)} ({a.channel}, {say(a.role)}) due {a.due_on}: "
    if a.status == ActionStatus.DONE:
        by = f" by {a.done_by.get_username()}" if a.done_by else ""
        note = f"; note: {a.note}" if a.note else ""
        return f"{head}done on {a.done_on}{by}: {say(a.outcome)}{note}"
    if a.status == ActionStatus.CANCELLED:
        why = CANCEL_WORDS.get(a.cancelled_reason, a.cancelled_reason) or "no reason recorded"
        on = f" on {a.cancelled_on}" if a.cancelled_on else ""
        return f"{head}cancelled{on}: {why}"
    if a.status in (ActionStatus.SENT, ActionStatus.FAILED):
        return f"{head}{a.status} on {a.done_on}"
    return f"{head}{a.status}"


def describe_hold(h: HoldChange) -> str:
    """A credit hold set or lifted, with the rules behind it: "2026-11-25 hold set: exposure
    over the credit limit" (explain's history, the desk's case page)."""
    what = "hold set" if h.hold else "hold lifted"
    rules = say_all(list(h.reason.get("rules", []))) or "no rule recorded"
    return f"{h.on} {what}: {rules}"


CANCEL_WORDS = {
    CASE_CLOSED: "the case closed",
    OVERTAKEN: "overtaken: the case climbed to a later step",
    STEP_LEFT: "the case is no longer at this step: what reached it was paid",
    "handover": "the case was handed over",
}


# A letter or an email on its way (`communications`: queued from the desk, sent, failed).
MESSAGE_WORDS = {
    "message_queued": "queued to the outbox as M{outbox}{by}",
    "message_sent": "sent{by}",
    "message_failed": "failed{by}",
}


def _describe_action_event(e: CaseEvent, run: str) -> str:
    """A person completed or cancelled an action (`services.actions`)."""
    r = e.reason
    what = f"{say(r.get('step_code'))} (A{r.get('action')}, {r.get('channel')})"
    if r.get("rule") == "action_cancelled":
        return f"{e.on} action{run}: {what} cancelled: {r.get('reason', '')}"
    if r.get("rule") in MESSAGE_WORDS:
        by = f" by {e.actor.get_username()}" if e.actor_id and e.actor else ""
        said = MESSAGE_WORDS[r["rule"]].format(outbox=r.get("outbox", "?"), by=by)
        error = f": {r['error']}" if r.get("error") else ""
        # dated by the run's day; the moment it went out (or failed) beside it
        at = f" (at {str(r['at'])[:16].replace('T', ' ')})" if r.get("at") else ""
        return f"{e.on} action{run}: {what} {said}{at}{error}"
    note = f"; note: {r['note']}" if r.get("note") else ""
    nxt = r.get("follow_up")
    then = f"; next: {say(nxt['step_code'])} on {nxt['due_on']}" if nxt else ""
    return f"{e.on} action{run}: {what} done: {say(r.get('outcome'))}{note}{then}"


def _why_several(reason: dict[str, Any]) -> str:
    """Why a sequential ladder went up more than the next rung, when a broken promise did it."""
    if reason.get("by_broken_promises") and reason.get("mode") == "sequential":
        return (
            "; a broken promise moves the case straight to the step it triggers, past the "
            "next rung of a sequential ladder"
        )
    return ""


def _run_of(e: CaseEvent) -> str:
    return f" (run {e.run_id})" if e.run_id else ""


def step_words(e: CaseEvent, items: dict[int, OpenItem]) -> str:
    """The ladder step an event took (`CaseEvent.took_step`: a step, or a case opened at its
    first step), by which rule, on which figures; `items` as for `describe_event`."""
    r = e.reason
    i, t = r.get("inputs", {}), r.get("trigger", {})
    item = items.get(int(i.get("driving_item_id") or 0))
    due = f"item {item.number} due {item.due_date}, " if item else ""
    came = say(e.from_step) if e.from_step else "no step"
    return (
        f"{e.on} step {came} -> {say(e.to_step)}{_run_of(e)}: {say(r.get('mode'))} ladder "
        f"{say(r.get('strategy'))}; {due}{i.get('days_past_due')} days past due, overdue "
        f"{format_minor(i.get('overdue_minor', 0), i.get('currency', 'EUR'))}, broken promises "
        f"{i.get('broken_promises')}; trigger: >= {t.get('min_days_past_due')} days past due, "
        f">= {t.get('min_overdue_amount')} overdue, gap {t.get('min_gap_days')} days"
        + (
            f", or >= {t['min_broken_promises']} broken promises"
            if t.get("min_broken_promises") is not None
            else ""
        )
        + _why_several(r)
    )


def event_lines(e: CaseEvent, items: dict[int, OpenItem]) -> list[str]:
    """The lines an event reads as: one (`describe_event`), or two for a case the run opened
    at its first step (the opening, then the step), as when they were two events."""
    if e.kind == EventKind.OPENED and e.took_step:
        return [describe_event(e, items), step_words(e, items)]
    return [describe_event(e, items)]


def describe_event(e: CaseEvent, items: dict[int, OpenItem]) -> str:
    """One line a collector can read: what changed, by which rule, on which figures; `items`:
    the items the steps name (`Explanation.items`), so a long history costs no query. A case
    opened at its first step reads here as its opening (`event_lines`: and its step)."""
    run = _run_of(e)
    r = e.reason
    if e.kind == EventKind.ACTION:
        return _describe_action_event(e, run)
    if e.kind == EventKind.STEP:
        return step_words(e, items)
    rule = str(r.get("rule", ""))
    if rule == "negotiation_desk":
        return f"{e.on} {say(e.kind)}{run}: case opened by the negotiation desk"
    opening = e.kind == EventKind.OPENED and e.took_step
    if (
        opening or rule in ("balance", "paid_in_full", "balance_settled")
    ) and e.kind in _RUN_EVENTS:
        cur = e.case.currency if e.case_id else "EUR"
        text = _RUN_EVENTS[e.kind].format(open=format_minor(int(r.get("open_minor") or 0), cur))
        if e.kind == EventKind.CLOSED:
            text = closed_words(r, cur)
        return f"{e.on} {say(e.kind)}{run}: {text}"
    return f"{e.on} {say(e.kind)}{run}: {say(rule) or 'no rule recorded'}"


# --- `arrears explain`: a case's state, its history, in words --------------------------------

NO_CASE = "debtor {debtor} has no case (nothing open, or no run yet)"


def oldest_due_words(on: date | None) -> str:
    """'oldest due DATE', or that nothing is overdue (never 'None')."""
    return f"oldest due {on}" if on is not None else "nothing overdue"


def balance_words(b: CaseBalance) -> str:
    """'open EUR 1,000.00, overdue EUR 600.00; oldest due DATE' (a `selectors.CaseBalance`)."""
    return (
        f"open {format_minor(b.open_minor, b.currency)}, overdue "
        f"{format_minor(b.overdue_minor, b.currency)}; {oldest_due_words(b.oldest_due_on)}"
    )


def case_head(c: Case) -> str:
    """'D1 Weber GmbH — EUR case, open'."""
    return f"{c.debtor.code} {c.debtor.name} — {c.currency} case, {say(c.status)}"


def state_lines(ex: Explanation, *, handed: list[str], held: str | None = None) -> list[str]:
    """Owner, balance, step and next action, as they stand: a closed case says so instead of
    a live step; a case handed over shows `handed` (who has it since when, what its items owe:
    the desk's words) and that our ladder stopped; overdue items the ladder does not dun say
    why (`held`, the desk's words)."""
    c = ex.case
    owner = c.debtor.owner.username if c.debtor.owner else "NO OWNER (defect)"
    hold = f"credit hold: {'YES' if ex.on_hold else 'no'}"
    strategy = f"(strategy {say(c.strategy_code)})" if c.strategy_code else ""
    if c.status == CaseStatus.CLOSED:
        why = CLOSED_REASONS.get(c.closed_reason, say(c.closed_reason) or "no reason recorded")
        if c.closed_reason in ("credited", "settled"):
            why = closed_why(
                c.closed_reason, c.settled_paid_minor, c.settled_credited_minor, c.currency
            )
        last = _step(c, "last step: {step} since {on}", "last step: none (the ladder took no step)")
        return [
            f"closed on {c.closed_on} ({why}); owner {owner}; open "
            f"{format_minor(c.open_minor, c.currency)}",
            f"{last} {strategy}".rstrip(),
            "next action: none (closed)",
            hold,
        ]
    if handed:
        stopped = _step(
            c, "ladder stopped at {step} since {on}", "ladder stopped before its first step"
        )
        return [
            f"owner {owner}; {handed[0]}",
            *handed[1:],
            f"{stopped} {strategy}".rstrip(),
            next_action_words(c),
            hold,
        ]
    return [
        f"owner {owner}; open {format_minor(c.open_minor, c.currency)}, overdue "
        f"{format_minor(c.overdue_minor, c.currency)}; "
        + (held if held else oldest_due_words(c.oldest_due_on)),
        f"{_step(c, 'step: {step} since {on}', 'step: none yet')} {strategy}".rstrip(),
        next_action_words(c),
        hold,
    ]


def _step(c: Case, taken: str, none: str) -> str:
    """The case's ladder step in words with its date, or `none` when it took no step yet."""
    if not c.step_code:
        return none
    return taken.format(step=say(c.step_code), on=c.step_on or "an unrecorded day")


def next_action_words(c: Case) -> str:
    """The typed next action in words ("ladder step reminder on ...", "review the case on ...",
    "promise follow-up on ... (collector)"), with whose it is when it is a call or task."""
    on, kind, code = c.next_action_on, c.next_action_kind, c.next_action_step_code
    if not kind or on is None:
        return "next action: none"
    if kind == NextActionKind.STEP:
        return f"next action: ladder step {say(code)} on {on}"
    if kind == NextActionKind.REVIEW:
        return f"next action: review the case on {on}"
    said = f"next action: {say(code)} on {on}"
    return f"{said} ({say(c.next_action_role)})" if c.next_action_role else said


def history_events(
    ex: Explanation, desk_line: Callable[[CaseEvent], str | None] = lambda e: None
) -> list[tuple[date, str, CaseEvent | None]]:
    """The case's events and its debtor's credit holds in date order (on one day, the case's
    events first, each in the order it happened), each with its day and its event (None for a
    hold). `desk_line` words the events an app above (the negotiation desk) wrote, None for
    the others; a reader without notes (sales) is shown none of those. Explain's history and
    the case page's timeline."""
    dated: list[tuple[date, int, str, CaseEvent | None]] = []
    for e in ex.events:
        desk = desk_line(e)
        if desk and not ex.notes:
            continue
        for line in [desk] if desk else event_lines(e, ex.items):
            dated.append((e.on, 0, line, e))
    for h in ex.holds:
        dated.append((h.on, 1, describe_hold(h), None))
    ordered = sorted(dated, key=lambda d: (d[0], d[1]))
    return [(on, line, e) for on, _, line, e in ordered]


def history_entries(
    ex: Explanation, desk_line: Callable[[CaseEvent], str | None] = lambda e: None
) -> list[tuple[date, str]]:
    """`history_events`, each line with its day."""
    return [(on, line) for on, line, _ in history_events(ex, desk_line)]


def history_lines(
    ex: Explanation, desk_line: Callable[[CaseEvent], str | None] = lambda e: None
) -> list[str]:
    """`history_entries` as the lines `arrears explain` prints."""
    return [line for _, line in history_entries(ex, desk_line)]


# --- `arrears run`: what the daily run decided ----------------------------------------------


def run_result_words(r: RunResult) -> str:
    """What a daily run decided (or a dry run would), as `arrears run` and the demo print it."""
    c = r.counts
    head = "DRY RUN: nothing was changed" if r.dry_run else f"run {r.run_id}"
    lines = [
        f"{head} — as of {r.as_of}",
        f"  open items {c['items']:,}, of which moved up the ladder today {c['items_stepped']:,}",
        f"  open cases {c['cases_open']:,} (opened {c['cases_opened']:,}, reopened "
        f"{c['cases_reopened']:,}, closed as paid {c['cases_closed']:,}, "
        f"step changed {c['case_steps_changed']:,})",
        "  cases by ladder step:",
        *(f"    {step:<16} {n:>9,}" for step, n in r.by_step.items()),
        f"  credit holds set {c['holds_set']:,}, lifted {c['holds_lifted']:,}",
        "  negotiation: "
        + (
            ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in r.negotiation.items()) or "nothing"
        ),
        f"  actions created {c['actions_created']:,}: "
        + (", ".join(f"{k} {v:,}" for k, v in r.actions_by_channel.items()) or "none")
        + (
            f" (of which {c['desk_actions_created']:,} follow-ups of promises and disputes)"
            if c.get("desk_actions_created")
            else ""
        ),
        f"  reviews booked {c.get('reviews_due', 0):,}; pending actions cancelled "
        f"{c.get('actions_cancelled', 0):,} (overtaken by a step, its step paid, or the case "
        "closed)",
        f"  next actions due today or overdue {c['next_actions_due']:,}",
    ]
    if c["without_owner"]:
        lines.append(
            f"  DEFECT: {c['without_owner']:,} open cases have no owner: "
            + ", ".join(r.orphans)
            + (" ..." if c["without_owner"] > len(r.orphans) else "")
        )
    if c["without_next_action"]:
        lines.append(f"  DEFECT: {c['without_next_action']:,} open cases have no next action")
    late, why = r.without_interest
    if late and why is not None:
        lines.append("  " + run_without_interest_words(late, say_refusal(why), dry_run=r.dry_run))
    lines.append("  seconds: " + ", ".join(f"{k} {v}" for k, v in r.seconds.items()))
    return "\n".join(lines)


def run_without_interest_words(count: int, refusal_words: str, *, dry_run: bool) -> str:
    """How many of the run's letters and emails claim statutory interest without a figure
    (their day lies past the rate table), and what to put so they would not (the refusal)."""
    many = "letter or email" if count == 1 else "letters and emails"
    if refusal_words.startswith("the reference-rate table "):  # a bad table: none is made
        waits = "would wait" if dry_run else ("waits" if count == 1 else "wait")
        return f"WARNING: {count:,} {many} of this run {waits} in the outbox: {refusal_words}"
    goes = "would go" if dry_run else ("goes" if count == 1 else "go")
    return (
        f"WARNING: {count:,} {many} of this run {goes} out claiming statutory interest "
        f"without a figure: {refusal_words}"
    )


# --- `arrears ladder`: the company's collection strategies ------------------------------------


def ladders_loaded_words(n: int, company: str) -> str:
    return f"loaded {n} strategies for {company}"


def ladder_lines(strategies: tuple[Strategy, ...]) -> list[str]:
    """The strategies by priority, each with its segment, then its steps with their triggers,
    gaps, channels, roles and review cadence (`arrears ladder show`)."""
    out = []
    for s in sorted(strategies, key=lambda s: s.priority):
        seg = s.segment
        out.append(
            f"{s.code} — {s.name} [{s.mode.value}, priority {s.priority}; risk "
            f"{sorted(seg.risk_tiers) or 'any'}, countries {sorted(seg.countries) or 'any'}]"
        )
        for i, st in enumerate(s.steps):
            extra = (
                f", or {counted(st.min_broken_promises, 'broken promise')}"
                if st.min_broken_promises
                else ""
            )
            out.append(
                f"  {i}. {st.name:<22} {st.min_days_past_due:>4} days past due, "
                f">= {st.min_overdue_amount} overdue{extra}; gap {st.min_gap_days}d; "
                f"{st.channel.value} by {st.role.value}; review every {st.follow_up_days}d"
                f"{step_fee_words(st.fee)}"
            )
    return out


def step_fee_words(fee: StepFee | None) -> str:
    """A step's fee as `arrears ladder show` says it (rule 9); nothing for a step without."""
    if fee is None:
        return ""
    if fee.kind is FeeKind.FIXED and fee.currency:
        return f"; fee {Money.from_minor(fee.amount_minor, fee.currency)}"
    if fee.kind is FeeKind.PERCENT:
        return f"; fee {(Decimal(fee.basis_points) / 100).normalize():f}% of what is open"
    return "; the statutory compensation (once per invoice)"


def history_runs_words(days: Sequence[date]) -> str:
    """The past runs made to build a history (the demo's), from the first day."""
    return f"ran {len(days)} weekly runs from {days[0]} to build a history"


def follow_up_words(a: Action) -> str:
    """The follow-up an action's outcome scheduled."""
    return f"next: {describe_action(a)}"


def last_actions_heading(n: int) -> str:
    return f"actions (the last {n}):"


def last_messages_heading(n: int) -> str:
    return f"messages in the outbox (the last {n}):"
