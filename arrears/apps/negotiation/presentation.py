"""The words for the negotiation desk: its refusals (promises, plans, disputes, write-offs,
hand-overs, approvals, negotiations and the checks every desk write shares), from their codes
and figures (STYLE 15); its history lines and decisions (`describe_desk_event`, filled from
the events' stored reasons and the facts `selectors.desk_facts` reads for a whole history);
and what the desk shows beside a case and in the approval queue, from the typed data the
selectors return (`negotiation_lines`, `handover_lines`, `held_off_words`, `approval_lines`).

A template names no terminal option or command: where the words advise one, a `{hint}` slot
is left, empty here; the terminal fills it (`arrears.apps.negotiation.cli.HINTS`), a web page
may fill it with a link. Amounts come as minor units beside their currency (`due_minor`,
`currency`) and are said as money (`{due}`); `what` and `taking` are codes said in words.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from arrears.apps.cases.presentation import balance_words, say, say_all
from arrears.apps.negotiation.convert import history_domain
from arrears.apps.negotiation.policy import negotiation_config
from arrears.domain.dates import DATE_TOO_EARLY
from arrears.domain.money import Money, MoneyError, format_minor
from arrears.domain.negotiation import ROW_COLUMNS, Condition, Limit, Terms, WalkAway
from arrears.domain.negotiation.config import conditions_ask
from arrears.domain.negotiation.history import Action
from arrears.domain.negotiation.terms import say_date
from arrears.domain.promises import PromiseState
from arrears.domain.text import neutralise

if TYPE_CHECKING:  # the selectors' and services' typed data; they import this module's words
    import polars as pl

    from arrears.apps.negotiation.models import (
        Approval,
        Dispute,
        Handover,
        Instalment,
        Negotiation,
        PaymentPlan,
        PromiseToPay,
        WriteOff,
        WriteOffPart,
    )
    from arrears.apps.negotiation.selectors import (
        CaseHandover,
        CaseNegotiation,
        Commitments,
        DeskFacts,
        HeldOff,
    )
    from arrears.apps.negotiation.services import ExcuseResult, OverrideIn, ProposalResult
    from arrears.domain.excuses import ExcuseAnswer

# What a desk check speaks of (the `what` figure of the desk.* codes), in words.
THING_WORDS = {
    "promise": "the promise",
    "plan": "the plan",
    "proposal": "the proposal",
    "write_off": "the write-off",
    "promised_amount": "the promised amount",
    "plan_amount": "the plan's amount",
    "proposed_amount": "the proposed amount",
    "disputed_amount": "the disputed amount",
    "amount_credited": "the amount credited",
    "amount_written_off": "the amount written off",
    "promised_payment": "a promised payment",
    "instalment": "an instalment",
    "first_payment": "the first payment",
    "last_payment": "the last payment",
    "dispute_deadline": "the dispute's deadline",
}

# What would take money a promise or plan counts on (the `taking` figure).
TAKING_WORDS = {"dispute": "this dispute", "write_off": "this write-off"}

WORDS = {
    # checks every desk write shares (services/common.py, balances.py)
    "desk.after_today": "{day} is after today ({today}): the desk records what happened, not plans",
    "desk.too_early": DATE_TOO_EARLY,
    "desk.before_run": "{day} is before the last daily run of {company} ({last}): the run "
    "already judged that day; record it as of {last} or later",
    "desk.beyond_horizon": "{what_words} ({day}) is more than {days} days after {as_of}: the "
    "company's policy keeps the desk's dates within {days} days of the day they are entered "
    "(horizon_days)",
    "desk.amount_too_large": "{what_words} ({money}) is too large: at most {digits} digits "
    "before the decimal point",
    "desk.named_twice": "item {item!r} is named twice in {what_words}: name each item once",
    "desk.case_closed": "the {currency} case of {debtor} is closed ({reason}): nothing to "
    "negotiate",
    "desk.wrong_currency": "{what_words} is in {got}, but the case is in {want}",
    "desk.under_promise": "promise P{promise} counts on money {taking_words} would take ({need} "
    "still to pay, {left} left on what it covers): withdraw it first{hint}, then agree new terms",
    "desk.under_plan": "plan PL{plan} counts on money {taking_words} would take ({need} still to "
    "pay, {left} left on what it covers): withdraw it first{hint}, then agree new terms",
    # the daily sweep (services/sweep.py)
    "desk.sweep_not_the_runs_actor": "{person} did not start run {run}: the desk's sweep in a run "
    "acts as the person who runs it",
    # promises
    "promise.above_due": "the promise ({promised}) is more than is due on the case ({due}, less "
    "the credit we hold): to promise invoices not yet due, name them{hint}",
    "promise.waits_approval": "promise P{promise} on these items waits for a credit manager's "
    "approval: withdraw it{hint} or wait for the decision",
    "promise.plan_covers": "plan PL{plan} already covers these items: a promise cannot stand "
    "beside it (for invoices outside the plan, name them{hint})",
    "promise.cancel_no_reason": "say why the promise is withdrawn",
    # payment plans
    "plan.schedule": "give either the due dates of equal instalments or the instalments themselves",
    "plan.count": "{count} monthly instalments: a plan has 1 to {most}, as many as the company's "
    "policy lets the desk date ahead (horizon_days)",
    "plan.parts_and_terms": "instalments entered by hand carry no down payment or interest: put "
    "the down payment in as the first instalment, or give due dates (equal instalments) to add "
    "a down payment or a rate",
    "plan.instalment_currency": "instalment {money} is not in {want}",
    "plan.unknown_item": "the plan covers item {item!r}, which is not open on this case",
    "plan.nothing_due": "nothing is due on {on} (less the credit we hold): name the items to "
    "plan{hint} to finance invoices not yet due",
    "plan.nothing_open": "nothing is open on the items named, outside disputes and write-offs",
    "plan.promise_stands": "promise P{promise} still stands (or waits for approval) on these "
    "items: cancel it before agreeing a plan",
    "plan.plan_stands": "plan PL{plan} already covers these items",
    "plan.rate_too_high": "an interest rate of {rate} a year is above the company's maximum of "
    "{most} (max_plan_rate; 0.08 = 8 %)",
    "plan.rate_negative": "an interest rate of {rate} a year is below 0",
    "plan.rate_not_finite": "an interest rate of {rate} is not a number",
    "plan.withdraw_no_reason": "say why the plan is withdrawn",
    "plan.not_live": "plan PL{plan} is {status}: only a pending or standing plan can be withdrawn",
    "plan.defaulted": "plan PL{plan} defaulted on {on} (instalment {seq} not paid in time): a "
    "defaulted plan cannot be withdrawn",
    # disputes
    "dispute.not_resolver": "{person} may not resolve dispute D{dispute}: its owner, their "
    "manager or a credit manager",
    "dispute.not_open": "dispute D{dispute} is already {status}",
    "promise.override_no_reason": "our offer stands in negotiation N{negotiation}: a promise "
    "{why_words} overrides it and needs the reason",
    "plan.override_no_reason": "our offer stands in negotiation N{negotiation}: a plan "
    "{why_words} overrides it and needs the reason",
    "excuse.unknown_answer": "{answer!r} is not an answer to {excuse}: use the prepared answer "
    "or own_words",
    "dispute.credit_waits": "the credit on dispute D{dispute} waits for a credit manager's "
    "decision (approval A{approval}): decide it, or withdraw the request first",
    # write-offs
    "writeoff.no_reason": "a write-off needs its reason",
    "writeoff.unknown_item": "item {item!r} is not open on this case",
    "writeoff.part_above_open": "{amount} written off on item {item!r} is more than its open "
    "amount {open}",
    "writeoff.part_not_positive": "the amount written off on item {item!r} must be positive, "
    "not {amount}",
    "writeoff.beyond_left": "{amount} written off on item {item!r} is more than is left to "
    "write off there: {left} ({open} open, {reserved} already written off, awaiting approval, "
    "disputed or credited)",
    "writeoff.nothing_due": "nothing is due on the case to write off (invoices not yet due are "
    "written off by naming them{hint})",
    "writeoff.nothing_left": "nothing is left to write off on this case: what is open is "
    "already written off or awaiting approval of a write-off",
    "writeoff.credit_covers": "the debtor's money we hold (open credit notes, money on account) "
    "covers what is due: nothing to write off; have the credit applied in the ERP",
    "writeoff.cancel_no_reason": "say why the write-off request is withdrawn",
    "writeoff.not_requested": "write-off W{write_off} is already {status}: only a requested one "
    "can be cancelled",
    # hand-overs
    "handover.no_reason": "a hand-over needs its reason",
    "handover.not_legal": "{person} is not legal in this company: a hand-over to legal goes to "
    "a legal member",
    "handover.not_agency": "{person} is not the agency in this company: a hand-over to an "
    "agency goes to the member standing for the agency",
    "handover.same_owner": "{person} already owns this debtor",
    # negotiations
    "negotiation.no_contact": "say who at the debtor made the proposal (the contact)",
    "negotiation.promise_stands": "promise P{promise} already commits the debtor on this case: "
    "withdraw it first{hint}, then negotiate new terms",
    "negotiation.plan_stands": "plan PL{plan} already commits the debtor on this case: withdraw "
    "it first{hint}, then negotiate new terms",
    "negotiation.close_no_reason": "say why the negotiation is withdrawn",
    "negotiation.not_open": "negotiation N{negotiation} is already {status}",
    # the approval queue
    "approval.decision_no_reason": "a decision needs its reason",
    "approval.decided": "approval A{approval} was already {status} on {on}",
    "approval.terms_past": "approval A{approval} asks for a first payment on {first_on}, before "
    "{as_of}: those terms can no longer be kept; refuse it and let the collector agree new terms",
    "approval.negotiation_not_open": "approval A{approval} belongs to a negotiation already "
    "{status}: refuse it",
    "approval.withdraw_no_reason": "say why the approval request is withdrawn",
    "approval.not_open": "approval A{approval} is already {status}: only an open request can be "
    "withdrawn",
    # what waits for a decision (the web desk's approvals page)
    "approval.not_waiting": "no approval request A{approval} in this company",
    "handover.not_waiting": "no hand-over A{action} waits in this company",
    "handover.who": "choose who takes the case on: a {to} member of this company",
}


def _money(amount: Any, currency: str) -> str:
    """An amount with its currency; an amount no currency can hold is said as given."""
    try:
        if isinstance(amount, int):
            return format_minor(amount, currency)
        return str(Money(Decimal(amount), currency))
    except (MoneyError, ArithmeticError, TypeError, ValueError):
        return f"{currency} {amount}"


# Why terms entered directly override the negotiation (`domain.negotiation.recording`).
OVERRIDE_WORDS = {
    "below_our_offer": "below the offer that stands",
    "condition_missing": "without the condition its concession was offered for",
}


def enrich(figures: dict[str, Any]) -> dict[str, Any]:
    """Money from minor units (`due_minor` -> `due`) and from an exact amount (`amount` ->
    `money`), in the figures' currency; what a check speaks of in words; no hint (the terminal
    gives its own)."""
    out = dict(figures)
    out.setdefault("hint", "")
    currency = str(figures.get("currency") or "")
    for key, value in figures.items():
        if key.endswith("_minor") and currency:
            out[key.removesuffix("_minor")] = _money(int(value), currency)
    if "amount" in figures and currency:
        out["money"] = _money(figures["amount"], currency)
    if "what" in figures:
        out["what_words"] = THING_WORDS.get(str(figures["what"]), str(figures["what"]))
    if "taking" in figures:
        out["taking_words"] = TAKING_WORDS.get(str(figures["taking"]), str(figures["taking"]))
    if "why" in figures:
        out["why_words"] = OVERRIDE_WORDS.get(str(figures["why"]), str(figures["why"]))
    return out


# --- the desk's history, in words (`describe_desk_event` below fills these) ---------------------

# One line per desk event, by the rule its reason records.
DESK_EVENTS = {
    "promise_given": "promise P{promise} given by {given_by} ({channel}, taken by {taken_by}): "
    "{parts}",
    "promise_kept": "promise P{promise} kept: {paid} paid, {days_late} days late",
    "promise_broken": "promise P{promise} broken: {paid} of {total} paid by {failed_on}; "
    "follow-up {follow_up_on}",
    "promise_partly_kept": "promise P{promise} partly kept: {paid} of {total} paid by "
    "{failed_on}; follow-up {follow_up_on}",
    "promise_cancelled": "promise P{promise} withdrawn: {reason}",
    "promise_rejudged": "promise P{promise} judged again on payments imported since: {was} "
    "before, now {state} ({paid} of {total} paid by its date){follow_up_cancelled}",
    "proposal": "debtor proposed {proposal}; engine: {recommended} ({recommended_terms}); "
    "recorded {recorded}",
    "plan_agreed": "plan PL{plan} agreed: {instalments}",
    "plan_needs_approval": "plan PL{plan} ({instalments}) waits for approval A{approval}: "
    "beyond the walk-away point ({limits})",
    "plan_defaulted": "plan PL{plan} defaulted on {defaulted_on} ({missed} missed): "
    "{due_at_once} due at once",
    "plan_completed": "plan PL{plan} completed: {paid} paid",
    "dispute_opened": "dispute D{dispute} opened: {parts} ({reason}), owner {owner}, deadline "
    "{deadline}",
    "dispute_overdue": "dispute D{dispute} {days_over} days past its deadline {deadline}: "
    "{escalated}",
    "dispute_resolved": "dispute D{dispute} resolved: {outcome}, {credited} credited",
    "dispute_credit_requested": "dispute D{dispute}: {outcome} of {credited} asked; waits for "
    "a credit manager's approval A{approval}",
    "excuse": "{excuse}{contact}; {answer_used}; {done_now}follow-up: {follow_up} on "
    "{follow_up_on}",
    "write_off_requested": "write-off W{write_off} requested: {reason}",
    "written_off": "closed as written off ({write_offs})",
    "handover": "handed over to {to}{agency_named} ({from_owner} -> {to_owner}): {reason}",
    "plan_withdrawn": "plan PL{plan} withdrawn: {reason}",
    "negotiation_closed": "negotiation N{negotiation} closed without agreement: {reason}",
    "negotiation_expired": "negotiation N{negotiation} expired: {reason}",
    "approval_withdrawn": "approval request A{approval} ({kind}) withdrawn: {reason}",
    "approval_replaced": "approval request A{approval} ({kind}) {reason}",
    "write_off_cancelled": "write-off W{write_off} cancelled: {reason}",
    "promise_needs_approval": "promise P{promise} given by {given_by} ({channel}, taken by "
    "{taken_by}): {parts}; waits for approval A{approval}: beyond the walk-away point "
    "({limits})",
    "approval_expired": "approval request A{approval} ({kind}) withdrawn by the daily run: "
    "{reason}",
}

# §5-7 A credit manager's decision on a request, by the request's kind (rule `{kind}_{status}`).
DECISIONS = {
    "terms_approved": "the terms of negotiation N{negotiation} may be accepted",
    "terms_refused": "the terms of negotiation N{negotiation} are refused",
    "plan_approved": "plan PL{plan} stands from now on",
    "plan_refused": "plan PL{plan} refused: the ladder goes on",
    "promise_approved": "promise P{promise} ({promised}) stands from now on",
    "promise_refused": "promise P{promise} ({promised}) refused: not counted in the "
    "promise-keeping record, the ladder goes on",
    "write_off_approved": "write-off W{write_off} ({promised}) approved",
    "dispute_credit_approved": "dispute D{dispute} resolved by {outcome} ({credited})",
    "dispute_credit_refused": "no {outcome} on dispute D{dispute}: it stays open",
    "write_off_refused": "write-off W{write_off} ({promised}) refused",
}
# How a decision reads, by the request status it set.
VERDICTS = {"approved": "granted", "refused": "refused"}

# The walk-away limits a request goes beyond (the approval queue and the desk history).
LIMIT_WORDS: dict[str, str] = {
    Limit.FIRST_TOO_LATE: "first payment too late",
    Limit.FIRST_TOO_SMALL: "first payment too small",
    Limit.PLAN_TOO_LONG: "plan too long",
}


# --- the desk beside a case: hand-over, record, commitments, requests, excuses ----------------


def handed_over_words(handing: CaseHandover) -> str | None:
    """'handed over to legal (lena) on DATE, no longer dunned by our ladder', or None."""
    h = handing.handover
    if h is None:
        return None
    to = f"{h.to} {h.agency}" if h.agency else str(h.to)
    owner = h.to_owner.get_username() if h.to_owner else "no owner named"
    return f"handed over to {to} ({owner}) on {h.on}, no longer dunned by our ladder"


def handover_lines(handing: CaseHandover) -> list[str]:
    """Who has a handed-over case since when (and why), and what its items owe."""
    said, h = handed_over_words(handing), handing.handover
    if said is None or h is None:
        return []
    out = [f"{said} (by {h.by.get_username()}: {h.reason})"]
    if handing.balance is not None:
        out.append(f"{balance_words(handing.balance)} (from the items on {handing.balance.as_of})")
    return out


def negotiation_lines(n: CaseNegotiation, *, with_handover: bool = True) -> list[str]:
    """The desk's side of a case in plain lines (`arrears explain` shows the hand-over in the
    case's own lines: `with_handover=False`)."""
    out = handover_lines(n.handing) if with_handover else []
    out.append(f"promise record: {n.record.summary()}; defaulted plans {n.defaulted_plans}")
    for p in n.promises:
        total = format_minor(p.total_minor, p.currency)
        out.append(
            f"promise P{p.pk} given {p.given_on} by {p.given_by}: {total}, {say(p.state)}"
            + so_far(p, n.paid.get(p.pk))
        )
    for pl_ in n.plans:
        total = format_minor(pl_.principal_minor, pl_.currency)
        out.append(f"plan PL{pl_.pk} agreed {pl_.agreed_on}: {total}, {say(pl_.status)}")
    out.extend(describe_dispute(d) for d in n.disputes)
    for a in n.approvals:
        out.append(
            f"awaiting approval A{a.pk}: {describe_approval(a)} (asked by {a.requested_by} "
            f"on {a.requested_on})"
        )
    for e in n.excuses:
        contact = f" ({e.contact})" if e.contact else ""
        out.append(f"excuse {e.logged_on}: {say(e.excuse)}{contact}")
    return out


def held_off_words(h: HeldOff) -> str:
    """'nothing dunned: EUR 600.00 overdue since DATE is disputed'."""
    why = "is disputed" if h.disputed else "is held off the ladder (a plan, or no run yet)"
    owed = format_minor(h.overdue_minor, h.currency)
    return f"nothing dunned: {owed} overdue since {h.oldest_due_on} {why}"


def so_far(p: PromiseToPay, paid_minor: int | None) -> str:
    """'; paid so far EUR 100.00, still owed EUR 200.00' for a standing promise (§7: before its
    date it is neither kept nor broken, only part paid); '' for any other."""
    if paid_minor is None or p.state != PromiseState.OPEN:
        return ""
    paid = format_minor(paid_minor, p.currency)
    owed = format_minor(max(0, p.total_minor - paid_minor), p.currency)
    return f"; paid so far {paid}, still owed {owed}"


def describe_dispute(d: Dispute) -> str:
    """'dispute D49: EUR 120.00 on INV-0001 (wrong price), owner cora, deadline 2026-12-01,
    open' (its parts prefetched, with their items)."""
    parts = ", ".join(
        f"{format_minor(p.amount_minor, d.currency)} on {p.item.number}" for p in d.parts.all()
    )
    owner = d.owner.get_username() if d.owner_id else "no owner"
    manager = d.escalated_to
    escalated = f", escalated to {manager.get_username()}" if manager is not None else ""
    return (
        f"dispute D{d.pk}: {parts or 'no items recorded'} ({say(d.reason)}), owner {owner}"
        f"{escalated}, deadline {d.deadline}, {say(d.status)}"
    )


def describe_approval(a: Approval) -> str:
    """What a request asks in one line, from its stored detail (no query): the terms, a plan's
    or a promise's amount and items, a write-off's amount, items and reason."""
    d, cur = a.detail, _currency(a)
    items = ", ".join(d.get("items", [])) or "whole case"
    if a.kind == "terms":
        return f"terms {d.get('describe', '')}".rstrip()
    if a.kind == "plan":
        return f"plan {format_minor(int(d.get('principal_minor', 0)), cur)} on {items}"
    if a.kind == "promise":
        promised = sum(int(x) for _, x in d.get("parts", []))
        return f"promise {format_minor(promised, cur)} on {items}"
    if a.kind == "dispute_credit":
        credited = format_minor(int(d.get("credited_minor", 0)), cur)
        return f"{say(d.get('outcome'))} of {credited} on dispute D{d.get('dispute', '?')}"
    parts = d.get("parts", [])
    total = format_minor(sum(int(x) for _, x in parts), cur)
    on = ", ".join(f"{k} {format_minor(int(x), cur)}" for k, x in parts)
    return f"write off {total} on {on}; reason: {d.get('reason', '')}"


def approval_lines(a: Approval) -> list[str]:
    """A request as the approval queue shows it, from its stored detail (no query, so no access
    check either: it words a request the person already read through a checked path, the
    queue or the service that made it): who asked
    for what on which case and when; for terms, a plan or a promise the schedule (first payment
    and date, total, last date, number of payments), the walk-away limits it goes beyond with
    the figure asked beside each limit, and the limits themselves."""
    head = (
        f"A{a.pk} {say(a.kind)} {a.case.debtor.code} ({a.case.currency}) asked by "
        f"{a.requested_by} on {a.requested_on}: {describe_approval(a)}"
    )
    sched = _schedule(a)
    out = [head]
    if sched is not None:
        out.append(f"    {sched.describe()}")
    out.extend(f"    {line}" for line in _walk_away_lines(a, sched))
    return out


@dataclass(frozen=True, slots=True)
class _Schedule:
    """The dated payments a request asks for, reduced to what the walk-away point judges."""

    first_on: date
    first: Money
    last_on: date
    total: Money
    payments: int  # the first payment included

    def describe(self) -> str:
        if self.payments == 1:
            return f"one payment of {self.total} on {self.first_on}"
        return (
            f"first payment {self.first} on {self.first_on}; total {self.total}, "
            f"last payment {self.last_on}, {self.payments} payments"
        )


def _currency(a: Approval) -> str:
    return str(a.detail.get("currency", a.case.currency))


def _schedule(a: Approval) -> _Schedule | None:
    """Terms from `detail["terms"]`; a plan from its `instalments`, a promise from its `parts`
    (both [[iso date, minor], ...]). None for a write-off or a detail without them."""
    d, cur = a.detail, _currency(a)
    try:
        if a.kind == "terms":
            t = d["terms"]
            return _Schedule(
                date.fromisoformat(str(t["first_on"])),
                Money.from_minor(int(t["first_minor"]), cur),
                date.fromisoformat(str(t["last_on"])),
                Money.from_minor(int(t["total_minor"]), cur),
                int(t.get("instalments", 0)) + 1,
            )
        dated = {"plan": "instalments", "promise": "parts"}.get(a.kind)
        if dated is None or not d.get(dated):
            return None
        rows = sorted((date.fromisoformat(str(day)), int(x)) for day, x in d[dated])
    except (KeyError, TypeError, ValueError):
        return None
    return _Schedule(
        rows[0][0],
        Money.from_minor(rows[0][1], cur),
        rows[-1][0],
        Money.from_minor(sum(x for _, x in rows), cur),
        len(rows),
    )


def _walk_away_lines(a: Approval, sched: _Schedule | None) -> list[str]:
    """What the request goes beyond (with the figure asked and the limit) and the walk-away
    limits, measured from the request's anchor (stored, else the day it was asked) and, for the
    smallest first payment, its balance (when stored)."""
    d = a.detail
    exceeded = [str(x) for x in d.get("exceeded", [])]
    try:
        days_first, share, days_last = d["walk_away"]
        wa = WalkAway(int(days_first), Decimal(str(share)), int(days_last))
        anchor = date.fromisoformat(str(d["anchor"])) if d.get("anchor") else a.requested_on
    except (KeyError, TypeError, ValueError, InvalidOperation):
        words = ", ".join(LIMIT_WORDS.get(x, say(x)) for x in exceeded)
        return [f"beyond the walk-away point: {words}"] if exceeded else []
    pct = f"{(wa.min_first_share * 100).normalize():f} %"
    least = f"at least {pct} of the balance"
    if d.get("balance_minor") is not None:
        balance = Money.from_minor(int(d["balance_minor"]), _currency(a))
        least = f"at least {pct} = {wa.smallest_first(balance)}"
    first_by, last_by = wa.latest_first(anchor), wa.latest_last(anchor)
    limits: dict[str, str] = {
        Limit.FIRST_TOO_LATE: f"by {first_by} at the latest",
        Limit.FIRST_TOO_SMALL: least,
        Limit.PLAN_TOO_LONG: f"no later than {last_by}",
    }
    asked: dict[str, str] = {}
    if sched is not None:
        asked = {
            Limit.FIRST_TOO_LATE: f"{sched.first_on} asked",
            Limit.FIRST_TOO_SMALL: f"{sched.first} asked",
            Limit.PLAN_TOO_LONG: f"last payment {sched.last_on} asked",
        }
    beyond = []
    for x in exceeded:
        if x not in limits:
            beyond.append(say(x))
            continue
        figure = f"{asked[x]}, " if x in asked else ""
        beyond.append(f"{LIMIT_WORDS[x]} ({figure}limit {limits[x]})")
    out = [f"beyond the walk-away point: {'; '.join(beyond)}"] if beyond else []
    out.append(
        f"walk-away limits: first payment by {first_by} at the latest, {least}, "
        f"plan no longer than {last_by}"
    )
    return out


DESK_KINDS = frozenset(
    {"promise", "negotiation", "plan", "dispute", "excuse", "approval", "write_off", "handover"}
)


# A promise or plan beyond the walk-away point waits for a request made after its event.
WAITING = {"promise_needs_approval": "promise", "plan_needs_approval": "plan"}


def describe_desk_event(e: Any, facts: DeskFacts) -> str | None:
    """One readable line for an event the desk or the sweep wrote (None: not a desk event).
    `facts`: what the lines of the events being shown name (`selectors.desk_facts`, read once
    for a whole history); the words read nothing."""
    r = e.reason or {}
    rule = str(r.get("rule", ""))
    run = f" (run {e.run_id})" if e.run_id else ""
    kind = say(e.kind)
    if rule in DECISIONS:
        return f"{e.on} {kind}{run}: {_decision(e, rule, facts)}"
    template = DESK_EVENTS.get(rule)
    if template is None:
        if e.kind not in DESK_KINDS:
            return None
        template = say(rule) + (": {reason}" if r.get("reason") else "")
    cur = r.get("currency", "")
    values = {k: _text(v) for k, v in r.items()}
    for key in _CODES:
        if key in r:
            values[key] = say_all(r[key])
    values.update(_worded(rule, r))
    if rule in WAITING:
        values["limits"] = ", ".join(LIMIT_WORDS.get(x, say(x)) for x in r.get("exceeded", []))
        what = WAITING[rule]  # "promise" or "plan", the key of its id in the reason
        values["approval"] = facts.waits_for.get((what, int(r.get(what) or 0)), "?")
    for key in ("paid", "total", "due_at_once", "credited", "shortfall"):
        if f"{key}_minor" in r and cur:
            values[key] = format_minor(int(r[f"{key}_minor"]), cur)
    if "parts" in r and cur:
        values["parts"] = ", ".join(f"{format_minor(int(a), cur)} on {k}" for k, a in r["parts"])
    if "instalments" in r and cur:
        values["instalments"] = ", ".join(
            f"{format_minor(int(a), cur)} on {d}" for d, a in r["instalments"]
        )
    if rule == "handover":
        values["agency_named"] = f" {r['agency']}" if r.get("agency") else ""
        values["reason"] = str(r.get("reason", "")) + _cancelled(r.get("cancelled_actions"))
    return f"{e.on} {kind}{run}: " + template.format_map(_Blank(values)).strip()


# Reason keys whose values are codes (enum values): said in words in every desk line.
_CODES = (
    "recommended",
    "recorded",
    "reason_code",
    "condition",
    "conditions",
    "channel",
    "excuse",
    "follow_up",
    "outcome",
    "state",
    "was",
    "status",
    "kind",
    "to",
)


def _worded(rule: str, r: dict[str, Any]) -> dict[str, str]:
    """The values of one desk event a template cannot say as stored: a missed down payment,
    the write-offs that closed a case, an absent contact, owner or manager."""
    out: dict[str, str] = {}
    if rule == "plan_defaulted":
        missed = r.get("missed")
        out["missed"] = "down payment" if missed == 0 else f"instalment {missed or '?'}"
    if rule == "written_off":
        offs = [f"W{x}" for x in r.get("write_offs") or []]
        out["write_offs"] = (
            f"write-off{'s' if len(offs) > 1 else ''} {', '.join(offs)}" if offs else "write-off"
        )
    if rule == "dispute_opened":
        out["reason"] = say(r.get("reason"))
    if rule == "promise_rejudged":
        cancelled = r.get("cancelled_follow_up")
        out["follow_up_cancelled"] = f"; follow-up of {cancelled} cancelled" if cancelled else ""
    if rule == "excuse":
        out["contact"] = f" ({r['contact']})" if r.get("contact") else ""
        code = r.get("answer_code")
        out["answer_used"] = (
            "answered in own words" if code == "own_words" else "the prepared answer given"
        )
        out["done_now"] = f"now: {say(r['now'])}; " if r.get("now") else ""
    if rule == "dispute_overdue":
        who, defect = r.get("escalated_to"), r.get("defect")
        out["escalated"] = f"escalated to {who}" if who else f"not escalated: {defect or '?'}"
    if rule == "handover":
        out["from_owner"] = str(r.get("from_owner") or "no owner")
        out["to_owner"] = str(r.get("to_owner") or "no owner")
    return out


def _cancelled(actions: Any) -> str:
    """The collector's actions a hand-over cancelled, as the hand-over event lists them."""
    if not actions:
        return ""
    said = ", ".join(f"{say(code)} ({say(channel)}) due {on}" for code, channel, on in actions)
    return f"; the collector's open actions cancelled: {said}"


def _decision(e: Any, rule: str, facts: DeskFacts) -> str:
    """'A7 (promise) granted by maria (asked by cora): promise P12 (EUR 500.00) stands from now
    on; reason: ...' from the decision event and its request."""
    r = e.reason or {}
    a = facts.approvals.get(int(r.get("approval") or 0))
    kind, verdict = rule.rsplit("_", 1)
    values: dict[str, Any] = {}
    if a is not None:
        values = {
            "negotiation": a.negotiation_id,
            "plan": a.plan_id,
            "promise": a.promise_id,
            "write_off": a.write_off_id,
            "promised": _asked(a),
            "dispute": a.dispute_id,
            "outcome": say(a.detail.get("outcome")),
            "credited": format_minor(int(a.detail.get("credited_minor", 0)), _currency(a)),
        }
    who = e.actor.get_username() if e.actor_id else "a credit manager"
    what = DECISIONS[rule].format_map(_Blank(values))
    return (
        f"A{r.get('approval', '?')} ({say(kind)}) {VERDICTS.get(verdict, verdict)} by {who} "
        f"(asked by {r.get('requested_by', '?')}): {what}; reason: {r.get('reason', '')}"
    )


def _asked(a: Approval) -> str:
    """The amount a request of a promise or a write-off asks for, from its stored parts."""
    parts = a.detail.get("parts", [])
    try:
        total = sum(int(x) for _, x in parts)
    except (TypeError, ValueError):
        return "?"
    return format_minor(total, _currency(a))


def _text(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list) and all(not isinstance(x, list) for x in v):
        return ", ".join(str(x) for x in v)
    return v


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


# --- `arrears propose`: the recommendation and the line to say ---------------------------------


def _asks(r: ProposalResult, conditions: list[Condition], terms: Terms) -> str:
    """The conditions as the collector asks for them (a payment today with its amount)."""
    policy = negotiation_config(r.negotiation.case.company).conditions
    return conditions_ask(conditions, terms, r.recommendation.balance, policy)


_CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def _note_words(text: str) -> str:
    """The engine's note in plain words: the codes it names (limits) said as words."""
    return _CODE.sub(lambda m: say(m.group(0)), text)


@dataclass(frozen=True)
class ProposalAnswer:
    """The engine's answer to a proposal, piece by piece, in the words `arrears propose`
    prints (`proposal_words`) and the desk shows beside the form."""

    proposal: str  # the debtor's terms, every payment
    action: str  # what the engine recommends (or the collector chose), in words
    note: str  # why, for the collector
    script: str  # the line to say
    reason: str  # the reason given for a counter ("" if none)
    condition: str  # the condition to ask for, as asked ("" if none)
    terms: Terms  # the terms offered or agreed
    payments: list[tuple[str, str]]  # every payment of those terms: (day, amount)
    walk_away: str
    recorded: str
    needs_approval: bool
    approval: str  # the request waiting for a credit manager ("" if none)
    agreed: str  # the promise or plan the agreement became ("" if none)
    chosen: str  # the collector's own choice and why ("" when the recommendation stands)
    offer_stands: bool  # our terms are on the table for the debtor to accept


def proposal_answer(
    r: ProposalResult, override: OverrideIn | None = None, *, hint: str = ""
) -> ProposalAnswer:
    """`proposal_words` in pieces (`hint`: what a face adds after the approval's words)."""
    rec = r.recommendation
    if override is None:
        terms, script, chosen = rec.terms, rec.script, ""
    else:
        terms, script = override.terms, _chosen_line(r, override)
        chosen = f"{say(override.chosen)} — {override.reason}"
    agreed = ""
    if r.promise:
        agreed = f"promise P{r.promise.pk} recorded ({say(r.promise.state)})"
    if r.plan:
        agreed = f"plan PL{r.plan.pk} recorded ({say(r.plan.status)})"
    approval = f"approval A{r.approval.pk} waits for a credit manager{hint}" if r.approval else ""
    asks = _asks(r, [rec.condition], terms) if rec.condition is not None else ""
    return ProposalAnswer(
        proposal=rec.proposal.describe(rec.holidays),
        action=say(rec.action),
        note=_note_words(rec.note),
        script=script,
        reason=rec.reason.text if rec.reason is not None else "",
        condition=asks,
        terms=terms,
        payments=[(say_date(p.on), str(p.amount)) for p in terms.parts(rec.holidays)],
        walk_away=f"first payment by {rec.walk_away.latest_first(rec.anchor)}, at least "
        f"{rec.walk_away.smallest_first(rec.balance)}, plan ends by "
        f"{rec.walk_away.latest_last(rec.anchor)}",
        recorded=say_all(r.recorded),
        needs_approval=r.approval is not None or rec.action is Action.NEEDS_APPROVAL,
        approval=approval,
        agreed=agreed,
        chosen=chosen,
        offer_stands=override is None
        and rec.action in (Action.COUNTER, Action.CONCEDE, Action.HOLD)
        and r.approval is None,
    )


def proposal_words(r: ProposalResult, override: OverrideIn | None = None, *, hint: str = "") -> str:
    """What `arrears propose` prints: the proposal, the engine's recommendation and the line
    to say (or the collector's own choice and its line), the walk-away limits, what was
    recorded and what it became (a request, a promise, a plan)."""
    a = proposal_answer(r, override, hint=hint)
    if override is None:
        said = [f"recommendation: {a.action} — {a.note}", f"  say: {a.script}"]
    else:
        said = [
            f"recommended: {a.action} — {a.note} (not followed)",
            f"  chosen instead: {a.chosen}",
            f"  say: {a.script}",
        ]
    lines = [
        f"proposal: {a.proposal}",
        *said,
        f"  walk-away: {a.walk_away}",
        f"recorded: {a.recorded}",
    ]
    if a.approval:
        lines.append(a.approval)
    if a.agreed:
        lines.append(f"agreed: {a.agreed}")
    return "\n".join(lines)


def _chosen_line(r: ProposalResult, ov: OverrideIn) -> str:
    """What the collector says for the terms they chose (the engine's script is for others)."""
    terms = ov.terms.describe(r.recommendation.holidays)
    match ov.chosen:
        case Action.ACCEPT:
            last = r.negotiation.events.order_by("-seq").first()
            conditions = [Condition(c) for c in last.conditions] if last is not None else []
            given = f", provided you {_asks(r, conditions, ov.terms)}" if conditions else ""
            return f"Agreed: {terms}{given}."
        case Action.CONCEDE if ov.condition is not None:
            return f"I can move to {terms}, if you {_asks(r, [ov.condition], ov.terms)}."
        case Action.HOLD:  # our standing offer, as recorded
            rows = r.negotiation.events.order_by("seq")
            held = history_domain(rows, r.negotiation.case.currency).events[-1].terms
            return f"My offer stands: {held.describe() if held else terms}."
        case Action.NEEDS_APPROVAL:
            return f"I will put {terms} to our credit manager."
        case _:
            return f"What I can offer is {terms}."


# --- `arrears negotiation-history`: one line per negotiation event ----------------------------


def commitment_words(c: Commitments | None, *, plain: bool = False) -> str:
    """The promises and plans an agreed negotiation became: 'promise P3 (open): EUR 500.00 on
    2026-12-04 on condition of payment_today; paid so far ...; plan PL2 (...): ...'. `plain`:
    states and conditions in words (the terminal); else their codes (the CSV)."""
    if not c:
        return ""
    word: Callable[[object], str] = say if plain else str
    said = []
    for p in c.promises:
        parts = ", ".join(
            f"{format_minor(x.amount_minor, p.currency)} on {x.on}" for x in p.parts.all()
        )
        said.append(
            f"promise P{p.pk} ({word(p.state)}): {parts}"
            + _on_condition(p.conditions, word)
            + so_far(p, c.paid.get(p.pk))
        )
    for q in c.plans:
        dues = ", ".join(
            f"{format_minor(i.principal_minor + i.interest_minor, q.currency)} on {i.due_on}"
            for i in q.instalments.all()
        )
        said.append(f"plan PL{q.pk} ({word(q.status)}): {dues}" + _on_condition(q.conditions, word))
    return "; ".join(said)


def _on_condition(conditions: list[str], word: Callable[[object], str]) -> str:
    return f" on condition of {', '.join(word(c) for c in conditions)}" if conditions else ""


def _cell(value: object) -> object:
    """A CSV cell: empty for None; text a spreadsheet shows and never runs (a contact named
    `=HYPERLINK(...)`: `arrears.domain.text.neutralise`, the rule of every export)."""
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def _stored(row: dict[str, object]) -> Commitments | None:
    """A row's commitment (`selectors.Commitments` on an acceptance, else None)."""
    return cast("Commitments | None", row["commitment"])


def negotiation_csv(rows: Iterable[dict[str, object]]) -> str:
    """`selectors.negotiation_rows` as CSV (for the file, the auditor, the lawyer): one row per
    event, codes as stored, the commitment an acceptance became in its last column."""
    buf = io.StringIO()
    columns = ["negotiation", *ROW_COLUMNS, "commitment"]
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        said = {**row, "commitment": commitment_words(_stored(row))}
        writer.writerow({k: _cell(v) for k, v in said.items()})
    return buf.getvalue()


def history_row_words(r: dict[str, object]) -> str:
    """A row of `selectors.negotiation_rows` as one line: '#3.2 2026-11-25 counter
    cora: EUR 400.00 by 2026-12-10, total ... condition, reason, commitment'."""
    terms = f" {r['first_amount']} by {r['first_on']}" if r["first_on"] else ""
    if r["instalments"]:
        terms += f", total {r['total']} by {r['last_on']} ({r['instalments']} more)"
    said = {**r, "commitment": commitment_words(_stored(r), plain=True)}
    extra = " ".join(
        _codes_or_text(said[k]) for k in ("condition", "reason", "commitment") if said[k]
    )
    return (
        f"#{r['negotiation']}.{r['seq']} {r['on']} {say(r['kind']):<18} "
        f"{r['by']}:{terms} {extra}".rstrip()
    )


def _codes_or_text(value: object) -> str:
    """A condition, the walk-away limits a request went beyond ("first_payment_too_late,
    plan_too_long") or free text: codes in words, text as written."""
    text = str(value)
    parts = [p.strip() for p in text.split(",")]
    if all(p and p.isidentifier() and p.islower() for p in parts):
        return ", ".join(say(p) for p in parts)
    return text


# --- `arrears excuse`: the answer to give, the catalogue, what excuses led to -----------------

NO_STATS = (
    "no excuse statistics yet: no excuse has a closed {days}-day window on {as_of} "
    "(only excuses logged on or before {cutoff} count)"
)


def _named(code: object) -> str:
    """A code as its plain label, with the code (what users type) in brackets."""
    return f"{say(code)} ({code})" if say(code) != str(code) else str(code)


def excuse_logged_words(r: ExcuseResult) -> str:
    """What to say to the excuse just logged, what to do now and next."""
    now = f"now: {say(r.now.step_code)} (today)\n" if r.now else ""
    return f"say: {r.answer.answer}\n{now}next: {say(r.action.step_code)} on {r.action.due_on}"


def excuse_follow_lines(a: ExcuseAnswer, days: int) -> list[str]:
    """What an excuse's answer sets: what now (today), what then (in the company's `days`)."""
    now = [f"now: {_named(a.now)}"] if a.now else []
    return [*now, f"then: {_named(a.action)} in {days} business day{'s' if days != 1 else ''}"]


def excuse_catalogue_words(a: ExcuseAnswer, days: int) -> str:
    """One excuse of the catalogue: what is heard, what to say, what now, what then (in the
    company's `days`)."""
    follow = "".join(f"\n  {line}" for line in excuse_follow_lines(a, days))
    return f"{_named(a.excuse)}: {a.heard}\n  say: {a.answer}{follow}"


def excuse_stats_lines(stats: pl.DataFrame, *, as_of: date, window_days: int) -> list[str]:
    """`selectors.excuse_stats` in lines: per excuse and answer, cases paid in full within the
    window and what was recovered of what they owed (or why there is nothing yet)."""
    if stats.is_empty():
        cutoff = as_of - timedelta(days=window_days)
        return [NO_STATS.format(days=window_days, cutoff=cutoff, as_of=as_of)]
    rows = list(stats.iter_rows(named=True))
    wide = max(28, *(len(_named(row["excuse"])) for row in rows))
    out = []
    for row in rows:
        answer = _named(row["answer"]) if row["answer"] else "answer not recorded"
        owed = format_minor(row["owed_minor"], row["currency"])
        got = format_minor(row["recovered_minor"], row["currency"])
        out.append(
            f"{_named(row['excuse']):<{wide}} {answer}: cases {row['cases']:>6}  paid in "
            f"full within {window_days} days {row['paid']:>6}  ({row['share_pct']} %)  "
            f"recovered {got} of {owed} ({row['recovered_pct']} %)"
        )
    return out


# What a desk command says when it is done, or when the thing it names is not there. A
# template names no terminal command: `hint` is the terminal's (`cli.APPROVE_HINT`), empty
# for a page that shows a link instead.
NOT_FOUND = {
    "approval": "no approval A{key} for {company}",
    "plan": "no plan PL{key} for {company}",
    "promise": "no promise P{key} for {company}",
    "write_off": "no write-off W{key} for {company}",
}
NO_OPEN_NEGOTIATION = "{debtor} has no open negotiation"
APPROVAL_ALREADY_WITHDRAWN = (
    "A{key} was already withdrawn on {on} (reason: {reason}); nothing changed"
)
PLAN_ALREADY_WITHDRAWN = "PL{key} was already withdrawn on {on}; nothing changed"
WRITEOFF_ALREADY_CANCELLED = "W{key} was already cancelled; nothing changed"


def not_found_words(thing: str, key: object, company: str) -> str:
    """`thing` is a NOT_FOUND key; `key` the number asked for."""
    return NOT_FOUND[thing].format(key=key, company=company)


def no_open_negotiation_words(debtor: str) -> str:
    return NO_OPEN_NEGOTIATION.format(debtor=debtor)


def approval_already_withdrawn_words(a: Approval) -> str:
    return APPROVAL_ALREADY_WITHDRAWN.format(key=a.pk, on=a.decided_on, reason=a.decision_reason)


def plan_already_withdrawn_words(plan: PaymentPlan) -> str:
    return PLAN_ALREADY_WITHDRAWN.format(key=plan.pk, on=plan.withdrawn_on)


def writeoff_already_cancelled_words(w: WriteOff) -> str:
    return WRITEOFF_ALREADY_CANCELLED.format(key=w.pk)


def approval_status_words(a: Approval) -> str:
    return f"A{a.pk}: {a.status}"


def approval_decided_words(a: Approval) -> str:
    return f"A{a.pk} {say(a.status)} by {a.decided_by}"


def plan_status_words(plan: PaymentPlan) -> str:
    return f"plan PL{plan.pk}: {plan.status}"


def promise_status_words(p: PromiseToPay) -> str:
    return f"promise P{p.pk}: {p.state}"


def writeoff_status_words(w: WriteOff) -> str:
    return f"write-off W{w.pk}: {w.status}"


def negotiation_status_words(n: Negotiation) -> str:
    return f"negotiation N{n.pk}: {n.status}"


def handed_over_done_words(h: Handover) -> str:
    before = h.from_owner.get_username() if h.from_owner else "no owner"
    return f"handed over to {h.to} ({h.to_owner}) from {before}"


def dispute_opened_words(d: Dispute, parts: list[tuple[str, Money]]) -> str:
    """`parts`: the item numbers and the amounts disputed on them, as asked."""
    on = ", ".join(f"{amount} on {number}" for number, amount in parts)
    return (
        f"dispute D{d.pk} open: {on} ({say(d.reason)}), owner {d.owner}, deadline "
        f"{d.deadline}; only the disputed part leaves dunning"
    )


def dispute_resolved_words(d: Dispute, asked: str) -> str:
    """`asked`: the outcome asked for, which waits for approval while `d.outcome` is empty."""
    said = say(d.outcome) if d.outcome else f"{say(asked)} asked"
    waits = "" if d.outcome else ": waits for a credit manager's approval"
    return f"dispute D{d.pk}: {say(d.status)} ({said}){waits}"


def writeoff_requested_words(
    wo: WriteOff, parts: list[WriteOffPart], asked: Approval, currency: str, *, hint: str = ""
) -> str:
    total = format_minor(sum(p.amount_minor for p in parts), currency)
    items = ", ".join(p.item.number for p in parts)
    return (
        f"write-off W{wo.pk} of {total} on {items} requested: approval A{asked.pk} waits for "
        f"a credit manager{hint}"
    )


def plan_made_lines(
    plan: PaymentPlan,
    instalments: list[Instalment],
    asked: Approval | None,
    currency: str,
    *,
    hint: str = "",
) -> list[str]:
    """A new plan: its head, one line per instalment, and the approval it waits for with
    the limits passed (what `approval_lines` says after its head)."""
    covers = ", ".join(plan.covered_items)
    lines = [
        f"plan PL{plan.pk} ({say(plan.status)}): {format_minor(plan.principal_minor, currency)} "
        f"on {covers}:"
    ]
    for i in instalments:
        amount = format_minor(i.principal_minor + i.interest_minor, currency)
        interest = format_minor(i.interest_minor, currency)
        lines.append(f"  #{i.seq} {i.due_on} {amount} (interest {interest})")
    if asked is not None:
        lines.append(
            f"approval A{asked.pk} waits for a credit manager{hint}; the "
            "ladder goes on until it is approved"
        )
        lines.extend(approval_lines(asked)[2:])
    return lines


def promise_made_lines(p: PromiseToPay, asked: Approval | None, *, hint: str = "") -> list[str]:
    head = f"promise P{p.pk}: {format_minor(p.total_minor, p.currency)} ({say(p.state)})"
    if asked is None:
        return [f"{head}; the ladder holds back the promised amount until then"]
    return [
        f"{head}: approval A{asked.pk} waits for a credit manager{hint}, and "
        "the ladder goes on until it is approved",
        *approval_lines(asked)[2:],  # the limits passed, and the limits
    ]


def seeded_words(seeded: Mapping[str, int]) -> str:
    """The demo's negotiation stories told, by name (`services.demo.Seeded`)."""
    if not seeded:
        return "negotiations: already seeded, nothing added"
    return "negotiations seeded: " + ", ".join(f"{k} {v}" for k, v in sorted(seeded.items()))


def history_seeded_words(seeded: Mapping[str, int]) -> str:
    """The desk's past the demo wrote (`services.demo.negotiation_demo_history`)."""
    return (
        f"the desk's past: {seeded.get('past_promises', 0):,} promises kept or broken, "
        f"{seeded.get('past_disputes', 0):,} disputes resolved, "
        f"{seeded.get('past_excuses', 0):,} excuses heard, dated across the ledger's history"
    )


def policy_named_words(company: str) -> str:
    """The negotiation policy as the thing an export writes."""
    return f"the negotiation policy of {company}"


def policy_loaded_words(company: str, fields: Iterable[str]) -> str:
    """The fields a loaded policy document set."""
    return f"negotiation policy of {company}: {', '.join(sorted(fields))}"


def policy_own_words(company: str, own: Iterable[str]) -> str:
    """The fields the company sets itself (the rest are the defaults)."""
    return f"company {company} sets: {', '.join(sorted(own)) or 'nothing (defaults)'}"


# What waits for a credit manager's decision, as the approvals page shows it.
WAITING_WHAT = {
    "terms": "terms beyond the walk-away point",
    "promise": "promise beyond the walk-away point",
    "plan": "plan beyond the walk-away point",
    "write_off": "write-off",
    "dispute_credit": "dispute credit",
}


def approval_waiting_what(a: Approval) -> str:
    return WAITING_WHAT.get(a.kind, a.kind)


def approval_waiting_figures(a: Approval) -> tuple[str, ...]:
    """What the request asks (`describe_approval`) and the lines `arrears approve` prints
    under it: the schedule, the walk-away limits it goes beyond and the limits."""
    return (describe_approval(a), *(line.strip() for line in approval_lines(a)[1:]))


def approval_waiting_reason(a: Approval) -> str:
    """The asker's reason: a write-off's, or why a collector overrode the desk's offer."""
    return str(a.detail.get("reason") or a.detail.get("override") or "")


def handover_choice_words(username: str, full_name: str) -> str:
    return f"{full_name} ({username})" if full_name else username


def handover_waiting_figures(step_code: str, currency: str, owner: str) -> tuple[str, ...]:
    return (
        f"the {currency} case reached its {step_code} step",
        f"owned now by {owner}" if owner else "owned by nobody now",
    )


def handover_task_cancelled_words(action: int, debtor: str) -> str:
    return f"A{action} hand-over of {debtor} refused: the task is cancelled"
