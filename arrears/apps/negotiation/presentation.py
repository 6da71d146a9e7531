"""The words for the negotiation desk: its refusals (promises, plans, disputes, write-offs,
hand-overs, approvals, negotiations and the checks every desk write shares), from their codes
and figures (STYLE 15); and the templates of its history lines and decisions, which
`selectors.describe_desk_event` fills from the events' stored reasons.

A template names no terminal option or command: where the words advise one, a `{hint}` slot
is left, empty here; the terminal fills it (`arrears.apps.negotiation.cli.HINTS`), a web page
may fill it with a link. Amounts come as minor units beside their currency (`due_minor`,
`currency`) and are said as money (`{due}`); `what` and `taking` are codes said in words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from arrears.domain.dates import DATE_TOO_EARLY
from arrears.domain.money import Money, MoneyError, format_minor
from arrears.domain.negotiation import Limit

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


# --- the desk's history, in words (`selectors.describe_desk_event` fills these) -------------------

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
