"""The words for the negotiation desk: its refusals (promises, plans, disputes, write-offs,
hand-overs, approvals, negotiations and the checks every desk write shares), from their codes
and figures (STYLE 15).

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
    return out
