"""`arrears propose DEBTOR --first 2026-12-10:400 [--rest 2027-02-10:1000 --instalments 2]`:
enter the debtor's proposal, print the engine's recommendation and the script to say. With
`--override ACTION --reason WHY` the collector's choice is the line to say, and the engine's
recommendation is kept as a note."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.presentation import say, say_all
from arrears.apps.common.cli import count
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.cli import DeskCommand, add_case_options, as_of, case_of, dated_amount
from arrears.apps.negotiation.cli import money as to_money
from arrears.apps.negotiation.convert import history_domain
from arrears.apps.negotiation.policy import negotiation_config
from arrears.apps.negotiation.services import OverrideIn, ProposalResult, negotiation_propose
from arrears.domain.negotiation import Condition, Terms
from arrears.domain.negotiation.config import conditions_ask
from arrears.domain.negotiation.history import Action

INSTALMENTS_WITHOUT_REST = (
    "--instalments is for a plan: give --rest LAST_DATE:TOTAL too (without --rest the proposal "
    "is one payment)"
)


class Command(DeskCommand):
    help = "Enter the debtor's proposal; print the recommendation, its reason and the script."

    def add_arguments(self, parser: Any) -> None:
        add_case_options(parser)
        parser.add_argument(
            "--first", type=dated_amount, required=True, help="first payment YYYY-MM-DD:AMOUNT"
        )
        parser.add_argument(
            "--rest",
            type=dated_amount,
            help="for a plan: last date and the TOTAL covered, YYYY-MM-DD:TOTAL",
        )
        parser.add_argument(
            "--instalments", type=count, help="for a plan: payments after the first (default 1)"
        )
        parser.add_argument("--contact", required=True, help="who at the debtor proposes")
        parser.add_argument(
            "--override",
            choices=[str(a) for a in Action],
            help="do this instead of the recommendation (needs --reason)",
        )
        parser.add_argument("--reason", default="", help="why the collector overrides")
        parser.add_argument("--condition", choices=[str(c) for c in Condition])

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        case = case_of(company, o)
        cur = case.currency
        (first_on, first), rest = o["first"], o["rest"]
        if rest is None:
            if o["instalments"] is not None:
                raise CommandError(INSTALMENTS_WITHOUT_REST)
            terms = Terms.single(first_on, to_money(first, cur))
        else:
            n = 1 if o["instalments"] is None else o["instalments"]
            terms = Terms(first_on, to_money(first, cur), rest[0], to_money(rest[1], cur), n)
        override = None
        if o["override"]:
            cond = Condition(o["condition"]) if o["condition"] else None
            override = OverrideIn(Action(o["override"]), terms, o["reason"], cond)
        r = negotiation_propose(
            case=case,
            actor=user,
            proposal=terms,
            proposed_by=o["contact"],
            as_of=as_of(o, company),
            override=override,
        )
        self.stdout.write(describe(r, override))


def _asks(r: ProposalResult, conditions: list[Condition], terms: Terms) -> str:
    """The conditions as the collector asks for them (a payment today with its amount)."""
    policy = negotiation_config(r.negotiation.case.company).conditions
    return conditions_ask(conditions, terms, r.recommendation.balance, policy)


CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def _words(text: str) -> str:
    """The engine's note in plain words: the codes it names (limits) said as words."""
    return CODE.sub(lambda m: say(m.group(0)), text)


def describe(r: ProposalResult, override: OverrideIn | None = None) -> str:
    rec = r.recommendation
    if override is None:
        said = [
            f"recommendation: {say(rec.action)} — {_words(rec.note)}",
            f"  say: {rec.script}",
        ]
    else:
        said = [
            f"recommended: {say(rec.action)} — {_words(rec.note)} (not followed)",
            f"  chosen instead: {say(override.chosen)} — {override.reason}",
            f"  say: {_chosen_line(r, override)}",
        ]
    lines = [
        f"proposal: {rec.proposal.describe()}",
        *said,
        f"  walk-away: first payment by {rec.walk_away.latest_first(rec.anchor)}, at least "
        f"{rec.walk_away.smallest_first(rec.balance)}, plan ends by "
        f"{rec.walk_away.latest_last(rec.anchor)}",
        f"recorded: {say_all(r.recorded)}",
    ]
    if r.approval:
        lines.append(f"approval A{r.approval.pk} waits for a credit manager (`arrears approve`)")
    if r.promise:
        lines.append(f"agreed: promise P{r.promise.pk} recorded ({say(r.promise.state)})")
    if r.plan:
        lines.append(f"agreed: plan PL{r.plan.pk} recorded ({say(r.plan.status)})")
    return "\n".join(lines)


def _chosen_line(r: ProposalResult, ov: OverrideIn) -> str:
    """What the collector says for the terms they chose (the engine's script is for others)."""
    terms = ov.terms.describe()
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
